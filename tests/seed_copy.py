"""A council's own seed folder, made from the shipped one with some cells changed.

A build given the copy (``build(seeds_dir=...)``) carries its words into gold, while the
shipped seeds stay in force for Python: a read that still asked the seeds would show the
shipped words, so a test with a copy proves the words come from the built database.
"""

from __future__ import annotations

import csv
import shutil
from collections.abc import Mapping
from pathlib import Path

from lakehouse.reads.base import Labels
from lakehouse.seeds import SEEDS_DIR, read_seed, vocabulary


def seed_copy(folder: Path) -> Path:
    """The shipped seeds copied to ``folder/seeds``."""
    seeds = folder / "seeds"
    shutil.copytree(SEEDS_DIR, seeds)
    return seeds


def edit_seed(seeds: Path, name: str, key: str, changes: Mapping[str, Mapping[str, str]]) -> None:
    """Change some cells of ``name``.csv in a seed copy: {code in ``key``: {column: value}}."""
    path = seeds / f"{name}.csv"
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        row.update(changes.get(row[key], {}))
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def shipped_labels() -> Labels:
    """The shipped seeds' words as ``lakehouse.reads.base.labels`` reads them from a database
    built with them: for a chart or table tested without a database."""
    bands = sorted(read_seed("grade_bands"), key=lambda r: int(r["grade"]))
    return Labels(
        areas=vocabulary("area"),
        settings=vocabulary("setting"),
        filtering=vocabulary("filtering"),
        priorities=vocabulary("priority"),
        bands=[(int(b["grade"]), b["label"], float(b["min_score"])) for b in bands],
        blanks=vocabulary("blank"),
        return_statuses=vocabulary("return_status"),
        freshness=vocabulary("freshness"),
        freshness_days={
            r["status"]: int(r["max_days"]) if r["max_days"] else None
            for r in read_seed("freshness_status")
        },
        fm_statuses=vocabulary("fm_status"),
        fm_standards=vocabulary("fm_standard"),
    )
