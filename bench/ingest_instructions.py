"""Benchmark: the instructions a return file costs to ingest, counted by valgrind.

    .venv/bin/python bench/ingest_instructions.py [--schools 24000] [--before DIR]
                                                  [--first 300] [--last 900]
                                                  [--calamine DIR]

Wall and CPU time on a shared or virtual machine move by a third between runs
minutes apart; the number of instructions a file costs does not. For each county
(all version 1, and the sample county's usual 88 % version 2) and each source tree
(this checkout, and ``--before DIR``: a checkout of the project before return
version 2, e.g. ``git worktree add /tmp/before-v2 7344c1c^``), this runs
``ingest.batch.load_returns`` in one process (no reader pool, DuckDB on one thread)
under ``valgrind --tool=callgrind``, counting only the ingest itself (switched on
after a warm-up batch), on the first ``--first`` files of the county's returns and
then on the first ``--last``. The difference divided by ``--last - --first`` is the
cost of one more file, without what a batch costs once (opening the database, the
first checkpoint). Needs Debian's ``valgrind``; takes a few minutes (the runs go two
at a time). ``--calamine DIR`` reads with the python-calamine installed in DIR instead
of the pinned one (``pip install --target DIR python-calamine==X``), to compare releases.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.ingest import _sample  # noqa: E402

_COUNTED = re.compile(r"Collected\s*:\s*([\d,]+)")


def _measure(code: Path, sample: Path, files: int, calamine: Path | None = None) -> int:
    """Instructions of one ingest of the first ``files`` returns of ``sample`` by ``code``."""
    env = dict(os.environ)
    if calamine is not None:  # ahead of the virtualenv's site-packages
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(calamine), env.get("PYTHONPATH")]))
    with tempfile.TemporaryDirectory() as tmp:
        done = subprocess.run(
            ["valgrind", "--tool=callgrind", "--instr-atstart=no",
             f"--callgrind-out-file={tmp}/callgrind.out", sys.executable, __file__,
             "--child", str(code), str(sample), str(files)],
            capture_output=True, text=True, check=True, env=env,
        )  # fmt: skip
    found = _COUNTED.search(done.stderr)
    if found is None:
        raise RuntimeError(f"valgrind gave no count:\n{done.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))


def _child(code: str, sample: str, files: int) -> None:
    """Under valgrind: warm up, then count one ingest of the first ``files`` returns."""
    sys.path.insert(0, code)
    from ingest.batch import load_returns
    from ingest.register import load_register
    from lakehouse.db import writing

    returns = sorted((Path(sample) / "returns").rglob("*.xlsx"))
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.duckdb"
        with writing(db) as con:
            con.execute("SET threads = 1")
            load_register(con, Path(sample) / "register.csv")
        with writing(db) as con:  # seed plans, imports and caches: not what a file costs
            con.execute("SET threads = 1")
            load_returns(con, returns[-40:], workers=1)
        toggle = ["callgrind_control", "-i"]
        subprocess.run([*toggle, "on", str(os.getpid())], capture_output=True, check=True)
        with writing(db) as con:
            con.execute("SET threads = 1")
            load_returns(con, returns[:files], workers=1)
        subprocess.run([*toggle, "off", str(os.getpid())], capture_output=True, check=True)


def main(argv: list[str] | None = None) -> int:
    from samplecounty.generate import V2_SHARE_LATEST

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--schools", type=int, default=24000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--first", type=int, default=300)
    parser.add_argument("--last", type=int, default=900)
    parser.add_argument("--before", type=Path, default=None, help="a checkout before version 2")
    parser.add_argument(
        "--calamine", type=Path, default=None,
        help="a folder holding another python-calamine release (pip install --target)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    if shutil.which("valgrind") is None:
        parser.error("needs valgrind (Debian: apt-get install valgrind)")
    if args.before is not None and not (args.before / "ingest" / "batch.py").is_file():
        parser.error(f"--before {args.before}: no ingest/batch.py there")
    if args.calamine is not None and not (args.calamine / "python_calamine").is_dir():
        parser.error(f"--calamine {args.calamine}: no python_calamine package there")

    counties = {"version 1": _sample(args.schools, args.seed, 0.0),
                "88 % version 2": _sample(args.schools, args.seed, V2_SHARE_LATEST)}  # fmt: skip
    runs = [("this checkout", ROOT, county) for county in counties]
    if args.before is not None:
        runs.insert(0, ("before version 2", args.before.resolve(), "version 1"))
    jobs = [(label, code, county, n) for label, code, county in runs
            for n in (args.first, args.last)]  # fmt: skip
    with ThreadPoolExecutor(max_workers=2) as pool:
        counts = list(pool.map(lambda j: _measure(j[1], counties[j[2]], j[3], args.calamine), jobs))
    found = {(j[0], j[2], j[3]): c for j, c in zip(jobs, counts, strict=True)}
    source = args.calamine or "the virtualenv (requirements.txt)"
    print(f"million instructions per file, files {args.first + 1} to {args.last} of the "
          f"{args.schools:,}-school county (one process, DuckDB on one thread; "
          f"python-calamine from {source})\n")  # fmt: skip
    for label, _code, county in runs:
        extra = found[(label, county, args.last)] - found[(label, county, args.first)]
        per_file = extra / (args.last - args.first) / 1e6
        print(f"{label:>17}, {county:>15} county: {per_file:6.2f}")
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        _child(sys.argv[2], sys.argv[3], int(sys.argv[4]))
        sys.exit(0)
    sys.exit(main())
