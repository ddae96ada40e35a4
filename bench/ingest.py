"""Benchmark: the return ingest against a naive pandas + openpyxl reader.

    .venv/bin/python bench/ingest.py [--scales 600,24000] [--naive-sample 1000] [--repeat 3]
                                     [--v2-share 0.88]

For each scale it writes (once, cached in $TMPDIR/esafety-bench) the synthetic
county with one round of returns, then in the same run over the same files,
``--repeat`` times, alternating so both see the same machine load:

- ingest: ``ingest.batch.load_returns`` in one ``writing()`` session (no rebuild) into a fresh
  database (register loaded first, untimed): hashing, reading, validation and
  the bronze inserts;
- naive: ``pandas.read_excel(path, sheet_name=None, engine="openpyxl")`` of every
  sheet of every file, one process. Above ``--naive-sample`` files it times a
  random sample of that many and extrapolates (the output says so).

The table shows medians; the speed-up is the median of the per-repeat ratios
(each ingest against the naive run right after it). Each measurement runs in
its own child process. Peak memory is given twice: the measuring process's
own maximum resident set, and the peak of the summed resident sets of its
whole process tree (the reader pool included), sampled every 50 ms.
The machine's load average is printed before and after each measurement:
other work on the machine slows both readers, so compare ratios, not seconds.
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing
import os
import random
import resource
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CACHE = Path(tempfile.gettempdir()) / "esafety-bench"  # generated samples, reused across runs
WORKBOOKS = (".xlsx", ".xlsm", ".xls", ".ods")
_PAGE_MIB = os.sysconf("SC_PAGE_SIZE") / 2**20


def _peak_mib() -> float:
    """This process's peak RSS in MiB (Linux reports KiB).

    RUSAGE_CHILDREN is not used for the reader pool: a spawned child's
    ru_maxrss includes the parent image it forked from before exec, so it
    overstates the workers; :class:`_TreeRss` samples them instead.
    """
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class _TreeRss:
    """Samples the summed RSS of this process and all its descendants (Linux /proc)."""

    def __init__(self, interval: float = 0.05) -> None:
        self.interval = interval
        self.peak_mib = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> _TreeRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        root = os.getpid()
        while not self._stop.is_set():
            self.peak_mib = max(self.peak_mib, _tree_rss_mib(root))
            self._stop.wait(self.interval)


def _tree_rss_mib(root: int) -> float:
    """Summed resident set of ``root`` and its descendants, via /proc/PID/task/TID/children."""
    total, frontier, seen = 0, [root], set()
    while frontier:
        pid = frontier.pop()
        if pid in seen:
            continue
        seen.add(pid)
        with contextlib.suppress(OSError, ValueError, IndexError):
            with open(f"/proc/{pid}/statm") as fh:
                total += int(fh.read().split()[1])  # resident pages
            for tid in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{tid}/children") as fh:
                    frontier.extend(int(c) for c in fh.read().split())
    return total * _PAGE_MIB


def _run_ingest(sample: Path, queue) -> None:
    from ingest.batch import load_returns
    from ingest.register import load_register
    from lakehouse.db import writing

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.duckdb"
        with writing(db) as con:
            load_register(con, sample / "register.csv")
        with _TreeRss() as tree:
            start = time.perf_counter()
            with writing(db) as con:
                summary = load_returns(con, [sample / "returns"])
            seconds = time.perf_counter() - start
    queue.put((summary.seen, summary.loaded, seconds, _peak_mib(), tree.peak_mib))


def _run_naive(files: list[str], queue) -> None:
    import pandas as pd

    with _TreeRss() as tree:
        start = time.perf_counter()
        for path in files:
            # the sample's deliberately bad files: a naive reader just fails on them
            with contextlib.suppress(Exception):
                pd.read_excel(path, sheet_name=None, engine="openpyxl")
        seconds = time.perf_counter() - start
    queue.put((len(files), seconds, _peak_mib(), tree.peak_mib))


def _child(target, *args) -> tuple:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    proc = context.Process(target=target, args=(*args, queue))
    proc.start()
    result = queue.get()
    proc.join()
    return result


def _sample(schools: int, seed: int, v2_share: float | None) -> Path:
    from samplecounty.generate import V2_SHARE_LATEST, write_sample

    share = V2_SHARE_LATEST if v2_share is None else v2_share
    out = CACHE / f"sample-{schools}-seed{seed}-v2share{share:g}"
    if not (out / "returns").is_dir():
        print(f"writing the {schools}-school sample to {out} ...", flush=True)
        write_sample(out, schools=schools, rounds=1, seed=seed, v2_share=share)
    return out


def _load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def main(argv: list[str] | None = None) -> int:
    from ingest.batch import POOL_THRESHOLD

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", default="600,24000", help="school counts, comma-separated")
    parser.add_argument(
        "--naive-sample", type=int, default=1000,
        help="above this many files, time the naive reader on a random sample of this many",
    )  # fmt: skip
    parser.add_argument("--repeat", type=int, default=3, help="measurements of each reader")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--v2-share", type=float, default=None,
        help="share of returns on the version 2 template (default the sample county's; "
        "0 for all version 1, as before return version 2)",
    )  # fmt: skip
    args = parser.parse_args(argv)

    print(f"{os.cpu_count()} CPUs; load average (1/5/15 min) {_load()} at the start")
    rows = []
    for schools in (int(s) for s in args.scales.split(",")):
        sample = _sample(schools, args.seed, args.v2_share)
        files = sorted(str(p) for p in (sample / "returns").rglob("*")
                       if p.suffix.lower() in WORKBOOKS)  # fmt: skip
        subset = files
        if len(files) > args.naive_sample:
            subset = random.Random(args.seed).sample(files, args.naive_sample)
        fast, naive = [], []
        for n in range(1, args.repeat + 1):
            before = _load()
            seen, _loaded, fast_s, fast_mem, fast_tree = _child(_run_ingest, sample)
            middle = _load()
            timed, naive_sample_s, naive_mem, naive_tree = _child(_run_naive, subset)
            naive_s = naive_sample_s * len(files) / timed
            fast.append((fast_s, fast_mem, fast_tree))
            naive.append((naive_s, naive_mem, naive_tree))
            print(f"{schools:>6} #{n}: ingest {fast_s:7.2f} s (load {before}), naive "
                  f"{naive_s:7.1f} s{'*' if timed < len(files) else ''} (load {middle}) "
                  f"-> {naive_s / fast_s:5.1f}x", flush=True)  # fmt: skip
        rows.append((schools, seen, fast, naive, timed < len(files), timed))

    print(f"\nload average at the end {_load()}; medians of {args.repeat} runs\n")
    print(f"{'scale':>7} {'files':>7} | {'ingest s':>9} {'returns/s':>10} {'MiB main':>9} "
          f"{'MiB tree':>9} | {'naive s':>9} {'returns/s':>10} {'MiB':>6} | "
          f"{'speed-up':>8}")  # fmt: skip
    for schools, seen, fast, naive, est, _n in rows:
        fast_s = statistics.median(f[0] for f in fast)
        naive_s = statistics.median(n[0] for n in naive)
        speed_up = statistics.median(n[0] / f[0] for f, n in zip(fast, naive, strict=True))
        print(f"{schools:>7} {seen:>7} | {fast_s:9.2f} {seen / fast_s:10.0f} "
              f"{max(f[1] for f in fast):9.0f} {max(f[2] for f in fast):9.0f} | "
              f"{naive_s:8.1f}{'*' if est else ' '} {seen / naive_s:10.0f} "
              f"{max(n[1] for n in naive):6.0f} | {speed_up:7.1f}x")  # fmt: skip
    print()
    print("ingest: hash + read + validate + write bronze (no model rebuild), reading in a")
    print(f"process pool above {POOL_THRESHOLD} files. MiB main: the ingesting process's")
    print("peak RSS; MiB tree: peak of its process tree's summed RSS (pool workers included,")
    print("sampled every 50 ms; shared pages count once per process).")
    print("naive: pandas.read_excel(engine='openpyxl') of every sheet, one process.")
    for schools, seen, *_rest, est, timed in rows:
        if est:
            print(f"* {schools}: naive time extrapolated from a random {timed} of {seen} files.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
