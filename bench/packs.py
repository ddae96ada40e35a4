"""Bench the meeting packs on the sample county: ``python bench/packs.py [--schools N]``.

Builds the sample county through the real commands in a temporary folder,
then times the cabinet pack (target < 20 s, browser start included), one
governor report (< 3 s) and 100 governor reports (< 2 min), and prints a
table. Exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _ingest(folder: Path, schools: int) -> Path:
    db = folder / "bench.duckdb"
    sample = folder / "sample"
    steps = [
        ["samplecounty", "--out", str(sample), "--schools", str(schools)],
        ["ingest", "register", str(sample / "register.csv"), "--db", str(db)],
        ["ingest", "boundaries", str(sample / "districts.geojson"), "--db", str(db)],
        ["ingest", "returns", str(sample / "returns"), "--db", str(db)],
    ]
    for step in steps:
        subprocess.run([sys.executable, "-m", *step], cwd=ROOT, check=True, capture_output=True)
    return db


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=300, help="schools in the sample county")
    parser.add_argument("--reports", type=int, default=100, help="governor reports in the batch")
    args = parser.parse_args()

    from lakehouse import reads
    from lakehouse.db import ReadOnlyDatabase
    from lakehouse.filters import Filters
    from packs.cabinet import cabinet_pack_pptx
    from packs.governor import governor_report_pdf, governor_reports_zip

    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        db = ReadOnlyDatabase(_ingest(Path(tmp), args.schools))
        setup = time.perf_counter() - t
        urns = [int(u) for u in reads.schools.school_points(db.cursor(), Filters())["urn"]]
        batch = (urns * (args.reports // max(len(urns), 1) + 1))[: args.reports]

        rows: list[tuple[str, float, float, str]] = []
        t = time.perf_counter()
        pptx = cabinet_pack_pptx(db, Filters(), name_schools=True)
        rows.append(
            (
                "cabinet pack (cold browser)",
                time.perf_counter() - t,
                20.0,
                f"{len(pptx) // 1024} KB",
            )
        )
        t = time.perf_counter()
        pdf = governor_report_pdf(db, batch[0])
        rows.append(("one governor report", time.perf_counter() - t, 3.0, f"{len(pdf) // 1024} KB"))
        t = time.perf_counter()
        archive = governor_reports_zip(db, batch)
        rows.append(
            (
                f"{len(batch)} governor reports (zip)",
                time.perf_counter() - t,
                120.0,
                f"{len(archive) // 1024} KB",
            )
        )
        db.close()

    print(f"sample county: {args.schools} schools, loaded in {setup:.1f} s")
    print(f"{'task':<32} {'seconds':>8} {'target':>8}  {'result':<6} size")
    failed = False
    for name, seconds, target, size in rows:
        ok = seconds < target
        failed |= not ok
        print(f"{name:<32} {seconds:>8.2f} {target:>8.0f}  {'ok' if ok else 'SLOW':<6} {size}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
