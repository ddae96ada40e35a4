"""Benchmark: the return ingest against a naive pandas + openpyxl reader.

    .venv/bin/python bench/ingest.py [--scales 600,24000] [--naive-sample 1000]

For each scale it writes (once, cached in $TMPDIR/esafety-bench) the synthetic
county with one round of returns, then in the same run over the same files:

- ingest: ``ingest.returns.ingest_paths(..., rebuild=False)`` into a fresh
  database (register loaded first, untimed): hashing, reading, validation and
  the bronze inserts;
- naive: ``pandas.read_excel(path, sheet_name=None, engine="openpyxl")`` of every
  sheet of every file, one process. Above ``--naive-sample`` files it times a
  random sample of that many and extrapolates (the output says so).

Each measurement runs in its own child process, so peak memory is that
process's maximum resident set (and, for the ingest, its reader pool's).
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CACHE = Path(tempfile.gettempdir()) / "esafety-bench"  # generated samples, reused across runs
WORKBOOKS = (".xlsx", ".xlsm", ".xls", ".ods")


def _peak_mib() -> float:
    """This process's peak RSS in MiB (Linux reports KiB).

    Reader-pool workers are not counted: a spawned child's ru_maxrss includes
    the parent image it forked from before exec, so RUSAGE_CHILDREN misleads.
    """
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _run_ingest(sample: Path, queue) -> None:
    from ingest.register import load_register
    from ingest.returns import ingest_paths
    from lakehouse import db as lakedb

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.duckdb"
        with lakedb.writing(db) as con:
            load_register(con, sample / "register.csv")
        start = time.perf_counter()
        summary = ingest_paths([sample / "returns"], db, rebuild=False)
        seconds = time.perf_counter() - start
    queue.put((summary.seen, summary.loaded, seconds, _peak_mib()))


def _run_naive(files: list[str], queue) -> None:
    import pandas as pd

    start = time.perf_counter()
    for path in files:
        # the sample's deliberately bad files: a naive reader just fails on them
        with contextlib.suppress(Exception):
            pd.read_excel(path, sheet_name=None, engine="openpyxl")
    queue.put((len(files), time.perf_counter() - start, _peak_mib()))


def _child(target, *args) -> tuple:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    proc = context.Process(target=target, args=(*args, queue))
    proc.start()
    result = queue.get()
    proc.join()
    return result


def _sample(schools: int, seed: int) -> Path:
    from ingest.sample import write_sample

    out = CACHE / f"sample-{schools}-seed{seed}"
    if not (out / "returns").is_dir():
        print(f"writing the {schools}-school sample to {out} ...", flush=True)
        write_sample(out, schools=schools, rounds=1, seed=seed)
    return out


def main(argv: list[str] | None = None) -> int:
    from ingest.store import POOL_THRESHOLD

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", default="600,24000", help="school counts, comma-separated")
    parser.add_argument(
        "--naive-sample", type=int, default=1000,
        help="above this many files, time the naive reader on a random sample of this many",
    )  # fmt: skip
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)

    rows = []
    for schools in (int(s) for s in args.scales.split(",")):
        sample = _sample(schools, args.seed)
        files = sorted(str(p) for p in (sample / "returns").rglob("*")
                       if p.suffix.lower() in WORKBOOKS)  # fmt: skip
        seen, loaded, fast_s, fast_mem = _child(_run_ingest, sample)
        subset = files
        if len(files) > args.naive_sample:
            subset = random.Random(args.seed).sample(files, args.naive_sample)
        timed, naive_sample_s, naive_mem = _child(_run_naive, subset)
        naive_s = naive_sample_s * len(files) / timed
        rows.append((schools, seen, fast_s, fast_mem, naive_s, naive_mem, timed < len(files),
                     timed))  # fmt: skip

    print()
    print(f"{'scale':>7} {'files':>7} | {'ingest s':>9} {'returns/s':>10} {'peak MiB':>9} | "
          f"{'naive s':>9} {'returns/s':>10} {'peak MiB':>9} | {'speed-up':>8}")  # fmt: skip
    for schools, seen, fast_s, fast_mem, naive_s, naive_mem, est, _n in rows:
        naive = f"{naive_s:8.1f}{'*' if est else ' '}"
        speed_up = naive_s / fast_s
        print(f"{schools:>7} {seen:>7} | {fast_s:9.2f} {seen / fast_s:10.0f} {fast_mem:9.0f} | "
              f"{naive} {seen / naive_s:10.0f} {naive_mem:9.0f} | {speed_up:7.1f}x")  # fmt: skip
    print()
    print("ingest: hash + read + validate + write bronze (no model rebuild), reading in a")
    print(f"process pool above {POOL_THRESHOLD} files; peak MiB is the main process only.")
    print("naive: pandas.read_excel(engine='openpyxl') of every sheet, one process.")
    for schools, seen, *_rest, est, timed in rows:
        if est:
            print(f"* {schools}: naive time extrapolated from a random {timed} of {seen} files.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
