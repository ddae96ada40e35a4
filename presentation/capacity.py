"""How far the team's capacity reaches down the support worklist, in one sentence.

The worklist page and the cabinet pack both say it, and this is the only place it is
written: "30 of 55 high-priority schools within capacity; 25 beyond it". The numbers
come from :func:`lakehouse.reads.triage.worklist_summary` (schools and ``within_capacity`` per
priority, in priority order).

Each number reaches the sentence through ``count``, told which count it is
(:class:`Count`), so a public pack can write it as its disclosure control allows; a
count it must not publish (``None``) leaves the figures out of the sentence, which then
says only what the team can take on.

``within_capacity`` is decided over the whole county's worklist (gold.school_overview
ranks every flagged school in the county), so a pack about part of the county says so:
"Thanet: 4 of 7 high-priority schools within the county team's capacity of 30; 3 beyond
it", never a county figure as if it were Thanet's own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from lakehouse.filters import Filters
from presentation.formatting import in_sentence


@dataclass(frozen=True)
class Count:
    """One number the sentence may say: which count it is, and its value."""

    measure: str  # "schools" (flagged), "within" or "beyond" capacity
    priority: str | None  # the priority code; None: every priority together
    value: int


CountText = Callable[[Count], "str | None"]


def plain_count(c: Count) -> str:
    """Every number as it is (the dashboard shows its own staff every count)."""
    return f"{c.value:,}"


@dataclass(frozen=True)
class CapacitySplit:
    """Where the capacity cut-off falls: the priority it cuts and the counts either side."""

    within: int  # flagged schools within capacity, every priority
    flagged: int  # flagged schools, every priority
    cut: str | None  # the priority code the cut-off falls in (None: every school within)
    cut_label: str | None  # its label
    cut_within: int  # of that priority, within capacity
    cut_schools: int  # of that priority, in all
    whole: tuple[tuple[str, str, int], ...]  # earlier priorities, wholly within: (code, label, n)

    @property
    def cut_beyond(self) -> int:
        return self.cut_schools - self.cut_within


def capacity_split(summary: pd.DataFrame) -> CapacitySplit:
    """Where the cut-off falls, from ``worklist_summary`` rows (priority order kept)."""
    whole: list[tuple[str, str, int]] = []
    within = int(summary["within_capacity"].sum())
    flagged = int(summary["schools"].sum())
    r: Any  # a worklist_summary row
    for r in summary.itertuples(index=False):
        schools, inside = int(r.schools), int(r.within_capacity)
        if not schools:
            continue
        if inside < schools:
            return CapacitySplit(
                within, flagged, str(r.priority), str(r.label), inside, schools, tuple(whole)
            )
        whole.append((str(r.priority), str(r.label), schools))
    return CapacitySplit(within, flagged, None, None, 0, 0, tuple(whole))


def _schools(n: int) -> str:
    return "school" if n == 1 else "schools"


def part_of_county(
    f: Filters, settings: Mapping[str, str], filtering: Mapping[str, str]
) -> str | None:
    """What a filtered view is about, to start a sentence with: 'Thanet', 'Special schools',
    'Schools with managed filtering'; None for the whole county. ``settings`` and
    ``filtering`` name the codes as the database read does (``lakehouse.reads.base``)."""
    if f.districts:
        return ", ".join(f.districts)
    if f.settings:
        return " and ".join(settings.get(s, s) for s in f.settings) + " schools"
    if f.filtering:
        word = filtering.get(f.filtering, f.filtering)
        return f"Schools with {in_sentence(word)} filtering"
    return None


def capacity_sentence(
    summary: pd.DataFrame,
    count: CountText = plain_count,
    *,
    scope: str | None = None,
    capacity: int | None = None,
    county: str | None = None,
) -> str:
    """ "30 of 55 high-priority schools within capacity; 25 beyond it" (no full stop).

    When the capacity reaches past the first priority: "All 20 high-priority schools
    within capacity, and 10 of 114 medium-priority; 104 medium-priority beyond it".

    ``count`` writes each number, or returns None for one that must not be published;
    then the sentence leaves the figures out: "The support team can take on 30 schools
    this round, high priority first". ``scope`` names a part of the county (a filtered
    pack): the sentence then starts with it and says whose capacity it is, "Thanet: 4 of 7
    high-priority schools within the county team's capacity of 30; 3 beyond it".
    """
    split = capacity_split(summary)
    first = str(summary["label"].iloc[0]).lower() if len(summary) else "high"
    lead = f"{scope}: " if scope else ""

    def cap(text: str) -> str:
        return text if scope else text[:1].upper() + text[1:]

    if scope and capacity is not None:
        where = f"within the county team's capacity of {capacity}"
    else:
        where = "within capacity"
    if not split.flagged:
        return lead + cap("no school is flagged for support")

    said: dict[tuple[str, str | None], str | None] = {}

    def n(measure: str, priority: str | None, value: int) -> str:
        text = count(Count(measure, priority, value))
        said[(measure, priority)] = text
        return text or ""

    if split.cut is None:
        if len(split.whole) == 1:
            code, label, total = split.whole[0]
            noun = f"{label.lower()}-priority {_schools(total)}"
            text = f"all {n('schools', code, total)} {noun} {where}"
        else:
            text = f"all {n('schools', None, split.flagged)} flagged schools {where}"
    else:
        cut = f"{str(split.cut_label).lower()}-priority"
        within = n("within", split.cut, split.cut_within)
        beyond = n("beyond", split.cut, split.cut_beyond)
        if split.whole:
            firsts = " and ".join(
                f"{n('schools', code, total)} {label.lower()}-priority"
                for code, label, total in split.whole
            )
            part = f"{within} of {n('schools', split.cut, split.cut_schools)} {cut}"
            text = f"all {firsts} schools {where}, and {part}; {beyond} {cut} beyond it"
        elif not split.cut_within:
            text = f"no {cut} school {where}; {beyond} beyond it"
        else:
            part = f"{within} of {n('schools', split.cut, split.cut_schools)} {cut}"
            text = f"{part} schools {where}; {beyond} beyond it"
    if all(v is not None for v in said.values()):
        return lead + cap(text)
    # a number the output must not publish: what the team can take on, without the figures
    team = "The county support team" if scope else "The support team"
    across = f" across {county}" if scope and county else ""
    if capacity is None:
        return f"{team} takes {first}-priority schools first"
    return f"{team} can take on {capacity} schools{across} this round, {first} priority first"
