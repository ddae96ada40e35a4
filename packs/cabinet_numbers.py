"""Load: every number the cabinet pack shows, read once from the lakehouse.

``load(db, filters)`` returns a :class:`CabinetNumbers`; the slides
(:mod:`packs.cabinet_slides`) are pure functions of it, so their words can be
tested on hand-made numbers without a database or a browser.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from lakehouse import casework, reads, seeds, standards
from lakehouse.filters import Filters
from lakehouse.sql import cursor_of as _cursor


class PackError(RuntimeError):
    """The pack cannot be made (no data loaded, unknown round); the message is one line."""


@dataclass(frozen=True)
class CabinetNumbers:
    """What the cabinet pack shows, for one set of filters in one round.

    Frames are gold's snake_case columns; "county" fields are the same figures for the
    whole county in the round (no district, setting or filtering filter), for comparison.
    """

    filters: Filters  # the round resolved: every figure is for ``filters.round``
    build: dict[str, str]  # gold.build_info: as_of, current_round, previous_round, built_at
    county_name: str  # seed report_text.csv county_name
    # schools, expected, received, late, missing, awaiting, flagged, need_support, themes_only
    returns: dict[str, Any]
    county_returns: dict[str, Any]
    area_grades: pd.DataFrame  # area, grade (null: insufficient evidence), grade_label, schools
    county_area_grades: pd.DataFrame
    setting_grades: pd.DataFrame  # overall grade per setting: group (code), grade, schools
    filtering_grades: (
        pd.DataFrame
    )  # overall grade per filtering approach (code; gold's not-known words for none)
    districts: (
        pd.DataFrame
    )  # reads.triage.district_support: the filtered districts and their shapes
    priorities: dict[str, int]  # flagged schools per priority code (every priority)
    reasons: pd.DataFrame  # flag, flag_label, kind, priority, schools (one row per pair)
    themes: pd.DataFrame  # reads.triage.county_themes
    worklist: (
        pd.DataFrame
    )  # reads.triage.worklist_summary: priority, label, schools, within_capacity
    capacity: int  # rule casework_capacity, as the database was built
    impact: pd.DataFrame  # reads.triage.impact
    overall_history: pd.DataFrame  # round, grade, grade_label, schools (overall, every round)
    named: pd.DataFrame | None  # worklist rows with flag_names; None unless schools are named
    # lakehouse.standards: the DfE standards per standard x status, and the all-four counts
    # (version_2, all_met, version_1, ...); both narrowed by the pack's filters
    standards: pd.DataFrame
    standards_all_four: dict[str, int]
    # the words for codes (grades, areas, settings, filtering, priorities, blanks), from the
    # database the numbers come from (gold's lookup tables), never the seeds in force
    labels: reads.base.Labels

    @property
    def districts_chosen(self) -> bool:
        return bool(self.filters.districts)

    @property
    def narrowed(self) -> bool:
        """True when the pack is about part of the county, so comparisons with it make sense."""
        f = self.filters
        return bool(f.districts or f.settings or f.filtering)


def _by_priority(frame: pd.DataFrame, priorities: dict[str, str]) -> dict[str, int]:
    found = {str(p): int(n) for p, n in zip(frame["priority"], frame["schools"], strict=True)}
    return {p: found.get(p, 0) for p in priorities}


def resolved_filters(db: object, filters: Filters | None) -> Filters:
    """``filters`` with the round settled (the current round when none is chosen)."""
    f = filters or Filters()
    if not reads.base.has_data(_cursor(db)):
        raise PackError("no data loaded: run the ingest commands first")
    if why := reads.base.outdated(_cursor(db)):
        raise PackError(why)
    options = reads.base.filter_options(_cursor(db))
    if f.round and f.round not in options.rounds:
        raise PackError(
            f"round {f.round} has no returns; loaded rounds: {', '.join(options.rounds) or 'none'}"
        )
    return reads.base.resolve_round(f, options)


def load(
    db: object, filters: Filters | None = None, *, name_schools: bool = False
) -> CabinetNumbers:
    """Every number of the pack for ``filters`` (the round settled once, here)."""
    f = resolved_filters(db, filters)
    county = Filters(round=f.round)
    # each reason's kind (concern or theme) as the database was built, beside its counts
    reasons = reads.grades.flag_priority_summary(_cursor(db), f)
    trend = reads.grades.grade_trend(_cursor(db), f)
    # flagged schools per priority, and how many are within capacity (the worklist's summary)
    worklist = reads.triage.worklist_summary(_cursor(db), f)
    supported = casework.supported_pairs(db) if hasattr(db, "path") else ()
    labels = reads.base.labels(_cursor(db))
    named = None
    if name_schools:
        # the worklist's order (priority, support score, overall score), as the team works it
        named = reads.triage.worklist(_cursor(db), f)
        names = reads.triage.flag_names(_cursor(db), f)
        named = named.merge(names, on="urn", how="left")
    build = reads.base.build_info(_cursor(db))
    return CabinetNumbers(
        filters=f,
        build=build,
        county_name=seeds.report_text("county_name"),
        returns=reads.grades.headline(_cursor(db), f),
        county_returns=reads.grades.headline(_cursor(db), county),
        area_grades=reads.grades.grade_distribution(_cursor(db), f),
        county_area_grades=reads.grades.grade_distribution(_cursor(db), county),
        setting_grades=reads.grades.grade_by(_cursor(db), f, "overall", "setting"),
        filtering_grades=reads.grades.grade_by(_cursor(db), f, "overall", "filtering"),
        districts=reads.triage.district_support(_cursor(db), f),
        priorities=_by_priority(worklist, labels.priorities),
        reasons=reasons,
        themes=reads.triage.county_themes(_cursor(db), f),
        worklist=worklist,
        capacity=int(reads.base.built_rule(build, "casework_capacity")),
        impact=reads.triage.impact(_cursor(db), f, supported),
        overall_history=trend[trend["area"] == "overall"].reset_index(drop=True),
        named=named,
        standards=standards.standards_summary(_cursor(db), f),
        standards_all_four=standards.all_four(_cursor(db), f),
        labels=labels,
    )
