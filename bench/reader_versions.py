"""Benchmark: the reader's CPU time per return file, version 1 against version 2.

    .venv/bin/python bench/reader_versions.py [--schools 600] [--files 300] [--repeat 4]

Writes (once, cached in $TMPDIR/esafety-bench) a one-round sample county whose returns
are all version 1 and the same county with its usual share of version 2 returns, then
reads ``--files`` files of each version in turn, ``--repeat`` times, in this process.
CPU time (``time.process_time``), not wall time, so a machine shared with other work
still gives a fair ratio; the table shows the median of the repeats.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.ingest import CACHE  # noqa: E402


def _sample(schools: int, share: float) -> Path:
    from samplecounty.generate import write_sample

    out = CACHE / f"reader-{schools}-v2share{share:g}"
    if not (out / "returns").is_dir():
        write_sample(out, schools=schools, rounds=1, v2_share=share)
    return out


def main(argv: list[str] | None = None) -> int:
    from ingest.reader import read_return
    from samplecounty.generate import V2_SHARE_LATEST

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--schools", type=int, default=600)
    parser.add_argument("--files", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=4)
    args = parser.parse_args(argv)

    today = dt.date(2026, 12, 1)
    # the same schools' returns: all on the version 1 template, then as the sample sends them
    groups = {
        version: sorted((_sample(args.schools, share) / "returns").rglob("1*.xlsx"))[: args.files]
        for version, share in ((1, 0.0), (2, V2_SHARE_LATEST))
    }
    urns = frozenset(range(100000, 1000000))
    times: dict[int, list[float]] = {1: [], 2: []}
    for _ in range(args.repeat):
        for version, files in groups.items():
            start = time.process_time()
            for path in files:
                read_return(path, urns, today)
            times[version].append((time.process_time() - start) / len(files) * 1000)
    v1, v2 = statistics.median(times[1]), statistics.median(times[2])
    print(f"version 1: {v1:.2f} ms CPU per file ({len(groups[1])} files)")
    print(f"version 2 county ({V2_SHARE_LATEST:.0%} version 2): {v2:.2f} ms CPU per file "
          f"({len(groups[2])} files)")  # fmt: skip
    print(f"ratio: {v2 / v1:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
