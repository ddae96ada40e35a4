"""Benchmark: a version 2 county's ingest against a version 1 county's, in one run.

    .venv/bin/python bench/ingest_versions.py [--schools 24000] [--repeat 3]
                                              [--before DIR] [--seed 2026]
                                              [--before-calamine DIR]

Issue 17 asks that a county whose returns are mostly version 2 ingests within 10 % of
the time a version 1 county took before return version 2 existed. A figure from
another day is no baseline (the same code on this machine has measured anywhere from
8 to 13 s at 24,000 schools as the machine's other work changed), so this script
times, in turn and ``--repeat`` times, on the same machine in the same minutes:

- ``v1 before``: the all-version-1 county (``--v2-share 0``) ingested by the code in
  ``--before``, a checkout of the project before return version 2, e.g.
  ``git worktree add /tmp/before-v2 7344c1c^`` (left out without ``--before``);
- ``v1 now``: the same county ingested by this checkout;
- ``v2 now``: the sample county's usual mix (88 % version 2) ingested by this checkout.

``--before-calamine DIR`` gives ``v1 before`` the python-calamine release of its day
(``pip install --target DIR python-calamine==0.9.1``; this checkout pins 0.9.0), so the
baseline is the code and the library as they were.

Each measurement is ``ingest.batch.load_returns`` in one ``writing()`` session into a
fresh database with the register loaded first (untimed), in its own child process, as
``bench/ingest.py`` does. Wall time, and the CPU time of the ingesting process and its
reader pool together (``getrusage``), which a shared machine disturbs less. The table
shows medians and each one's ratio to ``v1 before`` (or ``v1 now``).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.ingest import _load, _sample  # noqa: E402


def _cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def _run(code: str, sample: str, queue, calamine: str | None = None) -> None:
    # A fresh process with nothing of the project imported yet: the code under test comes
    # first on the path (then another python-calamine, if given), and the reader pool's
    # workers are spawned with this path too.
    sys.path.insert(0, code)
    if calamine is not None:
        sys.path.insert(0, calamine)
    from ingest.batch import load_returns
    from ingest.register import load_register
    from lakehouse.db import writing

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.duckdb"
        with writing(db) as con:
            load_register(con, Path(sample) / "register.csv")
        cpu = _cpu(resource.RUSAGE_SELF) + _cpu(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        with writing(db) as con:
            summary = load_returns(con, [Path(sample) / "returns"])
        seconds = time.perf_counter() - start
        cpu = _cpu(resource.RUSAGE_SELF) + _cpu(resource.RUSAGE_CHILDREN) - cpu
    queue.put((summary.seen, summary.loaded, seconds, cpu))


def _child(code: Path, sample: Path, calamine: Path | None = None) -> tuple[int, int, float, float]:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    where = None if calamine is None else str(calamine)
    proc = context.Process(target=_run, args=(str(code), str(sample), queue, where))
    proc.start()
    result = queue.get()
    proc.join()
    return result


def main(argv: list[str] | None = None) -> int:
    from samplecounty.generate import V2_SHARE_LATEST

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--schools", type=int, default=24000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--before", type=Path, default=None,
        help="a checkout of the project before return version 2 (its ingest/ and lakehouse/)",
    )  # fmt: skip
    parser.add_argument(
        "--before-calamine", type=Path, default=None,
        help="a folder holding the python-calamine release of --before's day (pip --target)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    if args.before is not None and not (args.before / "ingest" / "batch.py").is_file():
        parser.error(f"--before {args.before}: no ingest/batch.py there")
    if args.before_calamine is not None and not (args.before_calamine / "python_calamine").is_dir():
        parser.error(f"--before-calamine {args.before_calamine}: no python_calamine there")

    v1 = _sample(args.schools, args.seed, 0.0)
    v2 = _sample(args.schools, args.seed, V2_SHARE_LATEST)
    runs = [("v1 now", ROOT, v1), ("v2 now", ROOT, v2)]
    if args.before is not None:
        runs.insert(0, ("v1 before", args.before.resolve(), v1))
    print(f"{os.cpu_count()} CPUs; load average (1/5/15 min) {_load()} at the start")
    times: dict[str, list[tuple[float, float]]] = {label: [] for label, *_ in runs}
    seen: dict[str, tuple[int, int]] = {}
    for n in range(1, args.repeat + 1):
        for label, code, sample in runs:
            before = _load()
            calamine = args.before_calamine if label == "v1 before" else None
            files, loaded, seconds, cpu = _child(code, sample, calamine)
            times[label].append((seconds, cpu))
            seen[label] = (files, loaded)
            print(f"#{n} {label:>9}: {seconds:6.2f} s wall, {cpu:6.2f} s CPU "
                  f"(load {before})", flush=True)  # fmt: skip

    base = runs[0][0]
    base_wall = statistics.median(t[0] for t in times[base])
    base_cpu = statistics.median(t[1] for t in times[base])
    print(f"\nload average at the end {_load()}; medians of {args.repeat}; ratios to {base}\n")
    print(f"{'county, code':>12} | {'files':>6} {'loaded':>6} | {'wall s':>7} {'ratio':>6} | "
          f"{'CPU s':>7} {'ratio':>6}")  # fmt: skip
    for label, _code, _sample_dir in runs:
        wall = statistics.median(t[0] for t in times[label])
        cpu = statistics.median(t[1] for t in times[label])
        files, loaded = seen[label]
        print(f"{label:>12} | {files:6d} {loaded:6d} | {wall:7.2f} {wall / base_wall:6.2f} | "
              f"{cpu:7.2f} {cpu / base_cpu:6.2f}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
