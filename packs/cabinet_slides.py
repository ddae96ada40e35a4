"""Compose: the cabinet pack's slides as pure functions of its numbers.

``compose(numbers, public=...)`` turns a :class:`packs.cabinet_numbers.CabinetNumbers`
into a list of slides (titles, tables, captions and plotly figures), with nothing
read from a database and nothing drawn: :mod:`packs.cabinet` renders them.

Three rules shape every word here:

* **The filters.** Every figure is about the filtered schools; a comparison with the
  whole county is computed on the county and names it ("Thanet 78%, Kent 80%").
* **Disclosure.** In the public version every count goes through one
  :class:`packs.disclosure.Publication`, so a suppressed count is ``c`` on every slide,
  in every chart and in no headline.
* **Claims the numbers carry.** A group is named best or worst, or compared with
  another, only with at least ``claim_min_group`` graded schools; shares closer than
  ``claim_min_difference_pct`` points are "about the same". Comparisons use the share
  Good or better (or its complement), never one grade picked for contrast.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd
from pptx.util import Inches

from lakehouse import methodology, seeds
from lakehouse.filters import Filters
from lakehouse.reads.base import Labels
from packs.cabinet_numbers import CabinetNumbers
from packs.disclosure import Key, Publication, symbols_note, threshold
from packs.pptx import Table
from presentation import charts, headers, palette
from presentation.capacity import Count, CountText, capacity_sentence, part_of_county
from presentation.formatting import council_date, in_sentence, percent

SOURCES = (
    "School register: Department for Education, Get Information About Schools "
    "(contains public sector information licensed under the Open Government Licence v3.0).",
    "District boundaries: Office for National Statistics, Local Authority Districts "
    "(Open Government Licence v3.0; contains OS data © Crown copyright and database right).",
    "E-safety returns: completed by schools and sent to the council; self-assessed, not inspected.",
    "Open Government Licence v3.0: "
    "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
)

GRADE_COLUMN_WEIGHTS = (2.6, 1.3, 1, 1.3, 1.2, 1.4, 0.9)


# ---------------------------------------------------------------- the slides


@dataclass(frozen=True)
class TitleSlide:
    title: str
    subtitle: str


@dataclass(frozen=True)
class NumbersSlide:
    """Big numbers in boxes, each with its label, and a note under them."""

    name: str
    title: str
    numbers: Sequence[tuple[str, str]]  # (value, label)
    note: str


@dataclass(frozen=True)
class ChartSlide:
    """A chart and the table of its numbers (beside it when ``chart_width`` is set)."""

    name: str
    title: str
    figure: object | None  # a plotly figure; None: the slide says ``empty`` instead
    table: Table | None
    caption: str
    empty: str = "Nothing to chart for these filters."
    chart_width: int | None = None


@dataclass(frozen=True)
class TableSlides:
    """A table on as many slides as it needs."""

    name: str
    title: str
    table: Table


@dataclass(frozen=True)
class TextSlide:
    name: str
    title: str
    lines: Sequence[str]


Slide = TitleSlide | NumbersSlide | ChartSlide | TableSlides | TextSlide


@dataclass(frozen=True)
class CabinetPack:
    footer: str
    slides: list[Slide] = field(default_factory=list)
    publication: Publication | None = None


# ---------------------------------------------------------------- claims


@dataclass(frozen=True)
class Claims:
    """How big a group and how big a gap must be before a headline may use them."""

    min_group: int
    min_difference: float

    @classmethod
    def from_seeds(cls) -> Claims:
        return cls(
            int(seeds.rule("claim_min_group")), float(seeds.rule("claim_min_difference_pct"))
        )

    def differ(self, a: float, b: float) -> bool:
        """True when two shares (percentages) are far enough apart to call one higher."""
        return abs(a - b) >= self.min_difference


@dataclass(frozen=True)
class Share:
    """One group's share of schools in some category: ``value`` None when not shown."""

    group: str
    value: float | None
    n: int | None  # the schools it is a share of (None when suppressed)

    @property
    def text(self) -> str:
        return "c" if self.value is None else percent(self.value)


def claimable(shares: Sequence[Share], claims: Claims) -> list[Share]:
    """The groups a headline may compare: shown, with at least the minimum group size.

    None when a group that could matter is hidden (its share suppressed, and its size
    suppressed or not under the minimum): "the weakest" must be weakest among all of them.
    """
    hidden = [s for s in shares if s.value is None and (s.n is None or s.n >= claims.min_group)]
    if hidden:
        return []
    return [
        s for s in shares if s.value is not None and s.n is not None and s.n >= claims.min_group
    ]


def best_and_worst_title(
    shares: Sequence[Share], claims: Claims, what: str, fallback: str, plural: str = " schools"
) -> str:
    """'Primary schools do best: 70% Good or better, against 52% for special' when the gap
    carries; 'about the same' when it does not; ``fallback`` when under two groups qualify."""
    big = claimable(shares, claims)
    if len(big) < 2:
        return fallback
    hi = max(big, key=lambda s: (s.value, s.group))
    lo = min(big, key=lambda s: (s.value, s.group))
    if not claims.differ(hi.value or 0, lo.value or 0):  # type: ignore[arg-type]
        return (
            f"{fallback}: about the same, {lo.text} to {hi.text} {what}"
            if lo.text != hi.text
            else f"{fallback}: about the same, {hi.text} {what}"
        )
    low = in_sentence(lo.group)
    return f"{hi.group}{plural} do best: {hi.text} {what}, against {lo.text} for {low}"


def with_county(own: Share, county: Share, county_name: str, narrowed: bool) -> str:
    """' (Kent 80%)' after a filtered figure; nothing for a county pack or an unshown share."""
    if not narrowed or county.value is None:
        return ""
    return f" ({county_name} {county.text})"


def all_suppressed(below: int) -> str:
    """What a public chart slide says instead of a chart whose every figure is suppressed."""
    return (
        "Nothing to draw: every figure this chart would show is suppressed (c), being a count "
        f"of fewer than {below} schools or one that would let such a count be worked out. "
        "The table gives what can be published."
    )


def suppressed_or(pub: Publication, keys: Sequence[Key], empty: str) -> str:
    """The sentence a chart slide shows when it has no chart: the suppression's when counts
    are there but hidden, else ``empty`` (there is nothing to count)."""
    if pub.below is not None and any(pub.values[k] and pub.is_hidden(k) for k in keys):
        return all_suppressed(pub.below)
    return empty


def count_bars_shown(
    pub: Publication, keys: Sequence[Key], frame: pd.DataFrame, label: str, value: str
):
    """``charts.count_bars`` of published counts (a suppressed one at zero, marked c), or
    None when every count with schools in it is suppressed: bars of c at zero say nothing."""
    if any(pub.values[k] and pub.is_hidden(k) for k in keys) and not any(
        pub.known(k) for k in keys
    ):
        return None
    return charts.count_bars(frame, label, value, text=[pub.show(k) for k in keys])


# ---------------------------------------------------------------- keys of the publication


def _grade_key(dim: str, group: object, grade: object) -> Key:
    return ("grade", dim, str(group), "none" if grade is None or pd.isna(grade) else int(grade))


def _grade_counts(frame: pd.DataFrame, group_col: str) -> dict[str, dict[object, int]]:
    """group -> grade (None for insufficient evidence) -> schools."""
    out: dict[str, dict[object, int]] = {}
    for g, grade, n in zip(frame[group_col], frame["grade"], frame["schools"], strict=True):
        grade_code = None if pd.isna(grade) else int(grade)
        row = out.setdefault(str(g), {})
        row[grade_code] = row.get(grade_code, 0) + int(n)
    return out


@dataclass(frozen=True)
class GradeTable:
    """A group × grade table registered in the publication, row totals included."""

    dim: str
    groups: list[str]  # codes as in the data
    names: dict[str, str]  # code -> shown name
    cells: dict[str, list[Key]]  # group -> key per grade (grade order, insufficient last)
    totals: dict[str, Key]
    labels: Labels  # the grades' words and order, from the database counted

    @property
    def graded(self) -> int:
        """How many of a row's cells are grades (the last is insufficient evidence)."""
        return len(self.labels.bands)

    def table(self, pub: Publication, first: str) -> Table:
        rows = [
            [self.names.get(g, g), *[pub.show(k) for k in self.cells[g]], pub.show(self.totals[g])]
            for g in self.groups
        ]
        return Table([first, *self.labels.grade_columns(), "Total"], rows, GRADE_COLUMN_WEIGHTS)

    def keys(self) -> list[Key]:
        return [k for g in self.groups for k in (*self.cells[g], self.totals[g])]

    def figure(self, pub: Publication, small_n: int = 0):
        """The chart, or None when it would draw nothing: no schools, or every group's
        total or every shown cell suppressed (a frame of n=c or all-grey bars says nothing
        the table does not; the slide says so in a sentence, :func:`suppressed_or`)."""
        drawable = any(
            pub.known(self.totals[g]) and any(pub.known(k) for k in self.cells[g])
            for g in self.groups
        )
        if not drawable:
            return None
        colours = [palette.grade_colour(g) for g in (*self.labels.grades, None)]
        return charts.grade_table_bars(
            [self.names.get(g, g) for g in self.groups],
            [[pub.known(k) for k in self.cells[g]] for g in self.groups],
            [pub.known(self.totals[g]) for g in self.groups],
            self.labels.grade_columns(),
            colours,
            small_n=small_n,
        )

    def good_or_better(self, pub: Publication, group: str, name: str | None = None) -> Share:
        better = self.cells[group][:2]
        graded = self.cells[group][: self.graded]
        n = None if any(pub.is_hidden(k) for k in graded) else sum(pub.values[k] for k in graded)
        return Share(name or self.names.get(group, group), pub.share_value(better, graded), n)

    def worse_than_good(self, pub: Publication, group: str) -> Share:
        worse = self.cells[group][2 : self.graded]
        graded = self.cells[group][: self.graded]
        n = None if any(pub.is_hidden(k) for k in graded) else sum(pub.values[k] for k in graded)
        return Share(self.names.get(group, group), pub.share_value(worse, graded), n)


def register_grades(
    pub: Publication,
    frame: pd.DataFrame,
    group_col: str,
    dim: str,
    groups: Sequence[str],
    labels: Labels,
    names: dict[str, str] | None = None,
    keys_of: dict[str, tuple[list[Key], Key]] | None = None,
) -> GradeTable:
    """Register a group × grade table: its cells, its totals and that each row adds up.

    ``keys_of`` gives some groups the keys of the same counts elsewhere (the current
    round's row of the history is the areas table's overall row)."""
    grades = [*labels.grades, None]
    counts = _grade_counts(frame, group_col)
    cells, totals = {}, {}
    for g in groups:
        row = counts.get(g, {})
        if keys_of and g in keys_of:
            cells[g], totals[g] = keys_of[g]
            continue
        cells[g] = [pub.count(_grade_key(dim, g, grade), row.get(grade, 0)) for grade in grades]
        totals[g] = pub.count(("grade_total", dim, g), sum(row.values()))
        pub.total(totals[g], cells[g])
    return GradeTable(dim, list(groups), names or {}, cells, totals, labels)


OTHER_SETTINGS = "Other types of school"


def collapse_small_groups(
    frame: pd.DataFrame, group_col: str, below: int, other: str
) -> pd.DataFrame:
    """Groups of fewer than ``below`` schools merged into one ``other`` group (a lone small
    group with the next smallest): the public tables show more when small groups are pooled
    than when each is suppressed with the cells that would reveal it."""
    sizes = frame.groupby(group_col)["schools"].sum()
    small = [g for g, v in sizes.items() if 0 < v < below]
    if len(small) == 1 and len(sizes) > 2:
        # one small group alone would still be small: it is pooled with the next smallest
        others = sizes.drop(small[0])
        small.append(others[others > 0].idxmin())
    if len(small) < 2:
        return frame
    out = frame.assign(**{group_col: frame[group_col].where(~frame[group_col].isin(small), other)})
    keys = [group_col, "grade"]
    merged = out.groupby(keys, dropna=False, sort=False)["schools"].sum().reset_index()
    order = [g for g in dict.fromkeys(out[group_col]) if g != other] + [other]
    merged[group_col] = pd.Categorical(merged[group_col], order)
    return (
        merged.sort_values([group_col])
        .assign(**{group_col: lambda d: d[group_col].astype(str)})
        .reset_index(drop=True)
    )


def _sum_or_bound(pub: Publication, total: Key, parts: Sequence[Key]) -> None:
    """Parts that add to the total are registered as a sum (a reader may guess it), else as
    a bound (some schools fall in no part: no district, say)."""
    if not parts:
        return
    if sum(pub.values[p] for p in parts) == pub.values[total]:
        pub.total(total, parts)
    else:
        pub.bound(total, parts)


# ---------------------------------------------------------------- compose


@dataclass
class Published:
    """Every count the pack can show, each registered once under its key in ``pub``, and the
    tables they make; ``pub`` has decided what a public pack suppresses."""

    pub: Publication
    schools: Key
    received: Key
    expected: Key
    late: Key
    missing: Key
    priority: dict[str, Key]  # flagged schools per priority
    need: Key  # high + medium: concerns
    themes_only: Key  # low: themes only
    graded: Key  # schools with an overall grade
    areas: GradeTable
    settings: GradeTable
    filtering: GradeTable
    history: GradeTable
    districts: dict[str, dict[str, Key]]  # district code -> column -> key
    concerns: dict[str, dict[str, Key]]  # concern flag -> high / medium / all -> key
    concern_names: dict[str, str]
    themes: pd.DataFrame
    theme_keys: dict[str, Key]
    returning: Key | None
    capacity: dict[str, tuple[Key, Key]]  # priority -> (within, beyond)
    impact: list[tuple[pd.Series, dict[str, Key]]]
    county: dict[str, dict[str, Key]]  # area -> better / worse / graded, county-wide
    county_schools: Key
    county_need: Key
    standards: StandardsKeys


@dataclass(frozen=True)
class Words:
    """What every slide's wording shares: the grade words, the round, the county, the rules."""

    better: str
    worse: str
    rnd: str
    as_of: str
    county: str
    scope: str  # the districts chosen, else the county
    narrowed: bool
    claims: Claims
    small_n: int
    note: str  # the public version's key to the symbols, or nothing
    filters: dict[str, str]  # the filters in words (presentation.headers.filter_summary)


def _register_returns(pub: Publication, numbers: CabinetNumbers) -> dict[str, Key]:
    r = numbers.returns
    keys = {
        "schools": pub.count(("schools",), r["schools"]),
        "received": pub.count(("returns", "received"), r["received"]),
        "expected": pub.count(("returns", "expected"), r["expected"]),
        "late": pub.count(("returns", "late"), r["late"]),
        "missing": pub.count(("returns", "missing"), r["missing"]),
    }
    pub.bound(keys["expected"], [keys["received"], keys["missing"]])
    pub.bound(keys["received"], [keys["late"]])
    return keys


def _register_areas(
    pub: Publication, numbers: CabinetNumbers, received: Key
) -> tuple[GradeTable, Key]:
    """The five areas' grade table, and the schools graded overall."""
    area_names = numbers.labels.areas
    areas = list(area_names)
    counts = _grade_counts(numbers.area_grades, "area")
    totals = {a: sum(counts.get(a, {}).values()) for a in areas}
    # every current return has a row in every area: one total, the same number
    same_total = len(set(totals.values())) == 1
    # gold's labels and order (gold.areas names an area with no rows at all)
    frame = numbers.area_grades
    labels = dict(zip(frame["area"], frame["area_label"], strict=True)) if len(frame) else {}
    names = {a: str(labels.get(a) or area_names[a]) for a in areas}
    table = GradeTable("area", areas, names, {}, {}, numbers.labels)
    for a in areas:
        row = counts.get(a, {})
        cells = [
            pub.count(_grade_key("area", a, g), row.get(g, 0))
            for g in (*numbers.labels.grades, None)
        ]
        # the returns received, when every one is in the grades (no filtering filter):
        # a reader sees the same number, so it is the same key
        total_key: Key = ("grade_total", "area", a)
        if same_total:
            total_key = received if totals[a] == pub.values[received] else ("returns_graded",)
        table.cells[a] = cells
        table.totals[a] = pub.total(pub.count(total_key, totals[a]), cells)
    overall = table.cells["overall"]
    graded = pub.count(("graded", "overall"), sum(pub.values[k] for k in overall[:-1]))
    pub.total(graded, overall[:-1])
    return table, graded


def _register_breakdowns(
    pub: Publication, numbers: CabinetNumbers, areas: GradeTable, below: int | None
) -> tuple[GradeTable, GradeTable, GradeTable]:
    """The overall grade by type of school, by filtering approach and by round: the same
    schools as the areas table's overall row, so their columns add up to it."""
    setting_names = numbers.labels.settings
    setting_grades = numbers.setting_grades
    if below is not None:
        # small types of school are shown together, so their counts need not all be hidden
        setting_grades = collapse_small_groups(setting_grades, "group", below, OTHER_SETTINGS)
    setting_groups = list(dict.fromkeys(str(g) for g in setting_grades["group"]))
    settings = register_grades(
        pub, setting_grades, "group", "setting", setting_groups, numbers.labels,
        {g: setting_names.get(g, g) for g in setting_groups},
    )  # fmt: skip
    present = list(dict.fromkeys(str(g) for g in numbers.filtering_grades["group"]))
    filtering_groups = [g for g in numbers.labels.filtering if g in present]
    filtering_groups += [g for g in present if g not in filtering_groups]
    filtering = register_grades(
        pub, numbers.filtering_grades, "group", "filtering", filtering_groups, numbers.labels,
        numbers.labels.filtering,  # the not-known group is named in gold's words already
    )  # fmt: skip
    overall = areas.cells["overall"]
    for table in (settings, filtering):
        if table.groups:
            for c, key in enumerate(overall):
                _sum_or_bound(pub, key, [table.cells[g][c] for g in table.groups])
            _sum_or_bound(pub, areas.totals["overall"], [table.totals[g] for g in table.groups])
    history = numbers.overall_history
    rounds = sorted(str(x) for x in history["round"].unique())
    rnd = numbers.filters.round
    current = {rnd: (overall, areas.totals["overall"])} if rnd else {}
    return (
        settings,
        filtering,
        register_grades(pub, history, "round", "round", rounds, numbers.labels, keys_of=current),
    )


def _register_districts(
    pub: Publication, numbers: CabinetNumbers, totals: dict[str, Key]
) -> dict[str, dict[str, Key]]:
    keys: dict[str, dict[str, Key]] = {}
    for d in numbers.districts.itertuples(index=False):
        code = str(d.district_code)
        keys[code] = {
            col: pub.count(("district", code, col), getattr(d, col))
            for col in ("schools", "received", "need_support", "themes_only")
        }
    if keys:
        for col, total in totals.items():
            _sum_or_bound(pub, total, [k[col] for k in keys.values()])
    return keys


def _register_concerns(
    pub: Publication, numbers: CabinetNumbers, priority: dict[str, Key]
) -> tuple[dict[str, dict[str, Key]], dict[str, str]]:
    rows = numbers.reasons[numbers.reasons["kind"] == "concern"]
    names = {str(f): str(lbl) for f, lbl in zip(rows["flag"], rows["flag_label"], strict=True)}
    keys: dict[str, dict[str, Key]] = {}
    for flag in names:
        part = rows[rows["flag"] == flag]
        by_p = {str(p): int(v) for p, v in zip(part["priority"], part["schools"], strict=True)}
        cells = {p: pub.count(("concern", flag, p), by_p.get(p, 0)) for p in ("high", "medium")}
        cells["all"] = pub.count(
            ("concern", flag, "all"), by_p.get("high", 0) + by_p.get("medium", 0)
        )
        pub.total(cells["all"], [cells["high"], cells["medium"]])
        for p in ("high", "medium"):
            pub.bound(priority[p], [cells[p]])
        keys[flag] = cells
    return keys, names


def _register_themes(
    pub: Publication, numbers: CabinetNumbers, returns_graded: Key
) -> tuple[pd.DataFrame, dict[str, Key], Key | None]:
    themes = numbers.themes[numbers.themes["schools"] > 0].sort_values("schools", ascending=False)
    if themes.empty:
        return themes, {}, None
    returning_n = int(themes["returning"].iloc[0])
    returning = (
        returns_graded
        if pub.values[returns_graded] == returning_n
        else pub.count(("returning",), returning_n)
    )
    keys = {}
    for flag, schools in zip(themes["flag"], themes["schools"], strict=True):
        keys[str(flag)] = pub.count(("theme", str(flag)), int(schools))
        pub.bound(returning, [keys[str(flag)]])
    return themes, keys, returning


def _register_capacity(
    pub: Publication, numbers: CabinetNumbers, priority: dict[str, Key]
) -> dict[str, tuple[Key, Key]]:
    keys = {}
    for w in numbers.worklist.itertuples(index=False):
        p = str(w.priority)
        within = pub.count(("within_capacity", p), int(w.within_capacity))
        beyond = pub.count(("beyond_capacity", p), int(w.schools) - int(w.within_capacity))
        pub.total(priority[p], [within, beyond])
        keys[p] = (within, beyond)
    return keys


def _register_impact(
    pub: Publication, numbers: CabinetNumbers
) -> list[tuple[pd.Series, dict[str, Key]]]:
    out = []
    for _, row in numbers.impact.iterrows():
        base = ("impact", str(row["round"]), str(row["group"]))
        counts = ("schools", "improved", "same", "declined")
        keys = {c: pub.count((*base, c), int(row[c])) for c in counts}
        pub.total(keys["schools"], [keys["improved"], keys["same"], keys["declined"]])
        out.append((row, keys))
    return out


def _register_county(pub: Publication, numbers: CabinetNumbers) -> dict[str, dict[str, Key]]:
    """County-wide figures, for comparison only: registered so a small one is never quoted."""
    counts = _grade_counts(numbers.county_area_grades, "area")
    better_grades = list(numbers.labels.grades)[:2]
    keys: dict[str, dict[str, Key]] = {}
    for a in numbers.labels.areas:
        row = counts.get(a, {})
        graded = sum(v for g, v in row.items() if g is not None)
        better = sum(row.get(g, 0) for g in better_grades)
        keys[a] = {
            "better": pub.count(("county", a, "better"), better),
            "worse": pub.count(("county", a, "worse"), graded - better),
            "graded": pub.count(("county", a, "graded"), graded),
        }
    return keys


FM_STATUSES = ("met", "partly", "not_met")  # the table's columns: unknown is version 1


@dataclass(frozen=True)
class StandardsKeys:
    """The DfE standards table (standard x met / partly / not met, n) and the all-four counts,
    registered in the publication."""

    standards: list[int]  # standard codes in order
    names: dict[int, str]  # standard -> gold's label
    status_names: list[str]  # the labels of FM_STATUSES
    cells: dict[int, list[Key]]  # standard -> key per status of FM_STATUSES
    totals: dict[int, Key]  # standard -> its n (version 2 returns)
    version_2: Key
    version_1: Key
    all_met: Key


def _register_standards(pub: Publication, numbers: CabinetNumbers, received: Key) -> StandardsKeys:
    """The standards' cells add to each standard's n (the version 2 returns, one key when the
    number is the same); the returns meeting all four are no more than those meeting any one."""
    four = numbers.standards_all_four
    v2 = pub.count(("standards", "version_2"), four["version_2"])
    v1 = pub.count(("standards", "version_1"), four["version_1"])
    all_met = pub.count(("standards", "all_met"), four["all_met"])
    pub.bound(v2, [all_met])
    if pub.values[v1] + pub.values[v2] <= pub.values[received]:
        # every current return is version 1 or 2: a reader may add them to the returns in
        _sum_or_bound(pub, received, [v1, v2])
    frame = numbers.standards
    # every standard and status in the counted database's words (gold), rows or not
    names = dict(numbers.labels.fm_standards) if len(frame) else {}
    status_labels = dict(numbers.labels.fm_statuses)
    counts = {
        (int(st), str(status)): int(n)
        for st, status, n in zip(frame["standard"], frame["status"], frame["schools"], strict=True)
    }
    standards = sorted(names)
    cells: dict[int, list[Key]] = {}
    totals: dict[int, Key] = {}
    for st in standards:
        cells[st] = [
            pub.count(("standard", st, status), counts.get((st, status), 0))
            for status in FM_STATUSES
        ]
        n = sum(pub.values[k] for k in cells[st])
        totals[st] = v2 if n == pub.values[v2] else pub.count(("standard_n", st), n)
        pub.total(totals[st], cells[st])
        pub.bound(cells[st][0], [all_met])
    return StandardsKeys(
        standards, names, [status_labels[s] for s in FM_STATUSES], cells, totals, v2, v1, all_met
    )


def register(numbers: CabinetNumbers, below: int | None) -> Published:
    """Every count the pack can show, with the sums that tie them, then suppression decided."""
    pub = Publication(below)
    returns = _register_returns(pub, numbers)
    priority = {p: pub.count(("priority", p), v) for p, v in numbers.priorities.items()}
    # gold's needs_support (concerns) and the rest of the flagged (themes only); by the
    # priority rule these are the high and medium, and the low, priorities
    need = pub.count(("need_support",), numbers.returns["need_support"])
    _sum_or_bound(pub, need, [priority["high"], priority["medium"]])
    themes_only = pub.count(("themes_only",), numbers.returns["themes_only"])
    _sum_or_bound(pub, themes_only, [priority["low"]])
    areas, graded = _register_areas(pub, numbers, returns["received"])
    settings, filtering, history = _register_breakdowns(pub, numbers, areas, below)
    districts = _register_districts(
        pub, numbers,
        {"schools": returns["schools"], "received": returns["received"],
         "need_support": need, "themes_only": themes_only},
    )  # fmt: skip
    concerns, concern_names = _register_concerns(pub, numbers, priority)
    themes, theme_keys, returning = _register_themes(pub, numbers, areas.totals["overall"])
    published = Published(
        pub=pub,
        **returns,
        priority=priority,
        need=need,
        themes_only=themes_only,
        graded=graded,
        areas=areas,
        settings=settings,
        filtering=filtering,
        history=history,
        districts=districts,
        concerns=concerns,
        concern_names=concern_names,
        themes=themes,
        theme_keys=theme_keys,
        returning=returning,
        capacity=_register_capacity(pub, numbers, priority),
        impact=_register_impact(pub, numbers),
        county=_register_county(pub, numbers),
        county_schools=pub.count(("county", "schools"), numbers.county_returns["schools"]),
        county_need=pub.count(("county", "need_support"), numbers.county_returns["need_support"]),
        standards=_register_standards(pub, numbers, returns["received"]),
    )
    pub.protect()
    return published


def compose(
    numbers: CabinetNumbers, *, public: bool = False, name_schools: bool = False
) -> CabinetPack:
    """Every slide of the cabinet pack, worded from ``numbers`` (pure: no I/O, no drawing)."""
    f = numbers.filters
    below = threshold() if public else None
    grade_names = numbers.labels.grades
    words = Words(
        better=f"{grade_names[2]} or better",
        worse=f"{grade_names[3]} or worse",
        rnd=f.round or "no round",
        as_of=council_date(numbers.build.get("as_of"), missing="unknown"),
        county=numbers.county_name,
        scope=", ".join(f.districts) if f.districts else numbers.county_name,
        narrowed=numbers.narrowed,
        claims=Claims.from_seeds(),
        small_n=threshold(),
        note=_public_note(below),
        filters=headers.filter_summary(
            f, numbers.labels.filtering, numbers.labels.blanks["any_filtering"]
        ),
    )
    p = register(numbers, below)
    pub = p.pub
    footer = f"E-safety returns {words.rnd} · data as of {words.as_of} · " + (
        f"PUBLIC: counts under {below} and cells that would reveal them suppressed (c)"
        if public
        else "OFFICIAL-SENSITIVE: not for publication"
    )
    pack = CabinetPack(footer=footer, publication=pub)
    slides = pack.slides
    slides.append(title_slide(f, words, below))
    county_gob = _county_share(p, "overall", "better", words.county)
    slides.append(
        headline_slide(
            pub, p.received, p.expected, p.late, p.missing, p.schools, p.need, p.themes_only,
            p.graded, p.areas.good_or_better(pub, "overall", words.scope), county_gob,
            words.better, words.rnd, words.narrowed, words.county, words.note,
        )
    )  # fmt: skip
    slides.append(areas_slide(p, words))
    if p.settings.groups:
        slides.append(setting_slide(p, words, county_gob))
    # filtering approach: only when the pack covers more than one approach
    if not f.filtering and len(p.filtering.groups) > 1:
        slides.append(filtering_slide(p, words))
    slides.append(
        district_slide(
            pub, numbers, p.districts, p.county_schools, p.county_need, words.claims,
            words.narrowed, words.note,
        )
    )  # fmt: skip
    slides.append(standards_slide(p, words))
    slides.append(
        support_slide(
            pub, list(p.concerns), p.concern_names, p.concerns, p.need, p.priority,
            p.themes_only, numbers.labels.priorities, name_schools and not public, words.note,
        )
    )  # fmt: skip
    if p.theme_keys and p.returning is not None:
        slides.append(
            themes_slide(
                pub, p.themes, p.theme_keys, p.returning, p.themes_only, words.note, words.scope
            )
        )
    if pub.values[p.need] or pub.values[p.themes_only]:
        slides.append(
            worklist_slide(
                pub, numbers, p.priority, p.capacity, numbers.labels.priorities, words.note
            )
        )
    if p.impact:
        slides.append(impact_slide(pub, p.impact, words.claims, words.note))
    # flagged schools, named only on request (never in a public pack)
    if name_schools and not public and numbers.named is not None:
        slides.append(named_slides(numbers.named))
    slides.append(trend_slide(p, words))
    slides.append(
        TextSlide(
            "methodology", "How the grades are worked out", methodology_lines(numbers.build, below)
        )
    )
    slides.append(
        TextSlide(
            "sources",
            "Data sources and licences",
            [
                *SOURCES,
                f"Database built {numbers.build.get('built_at', 'unknown')}; "
                f"current round {numbers.build.get('current_round', 'unknown')}.",
            ],
        )
    )
    return pack


def _county_share(p: Published, area: str, part: str, county: str) -> Share:
    keys = p.county[area]
    return Share(
        county, p.pub.share_value([keys[part]], [keys["graded"]]), p.pub.known(keys["graded"])
    )


def title_slide(f: Filters, words: Words, below: int | None) -> TitleSlide:
    return TitleSlide(
        "Online safety in our schools",
        f"E-safety returns {words.rnd} · data as of {words.as_of}\n"
        + " · ".join(f"{k}: {v}" for k, v in words.filters.items() if k != "Round")
        + (
            f"\nPublic version: counts of fewer than {below} schools, and cells that would "
            "reveal them, are suppressed (c)"
            if below is not None
            else ""
        ),
    )


def areas_slide(p: Published, words: Words) -> ChartSlide:
    """Grade distribution in the five areas: the weakest area is the message."""
    weak = [p.areas.worse_than_good(p.pub, a) for a in p.areas.groups]
    county_weak = {
        p.areas.names[a]: _county_share(p, a, "worse", words.county) for a in p.areas.groups
    }
    figure = p.areas.figure(p.pub)
    # the bars are explained only where there are bars
    bars = (
        " Bars show the share of schools; the numbers on the bars are schools; n is the "
        "number of schools."
        if figure
        else " Total is the number of schools."
    )
    return ChartSlide(
        "areas",
        areas_title(weak, county_weak, words.claims, words.worse, words.narrowed, words.county),
        figure,
        p.areas.table(p.pub, "Area"),
        f"Schools at each grade in each area, round {words.rnd}.{bars}" + words.note,
        empty=suppressed_or(
            p.pub,
            p.areas.keys(),
            "No school in these filters has a return this round, so there are no grades to show.",
        ),
    )


def setting_slide(p: Published, words: Words, county_gob: Share) -> ChartSlide:
    """Overall grade by type of school; a pack about one setting compares it with the county
    only, never with other settings."""
    shares = [p.settings.good_or_better(p.pub, g) for g in p.settings.groups]
    if len(shares) == 1:
        only = shares[0]
        # "Primary schools", but "Other types of school" as it is
        group = (
            only.group if only.group.endswith(("school", "schools")) else f"{only.group} schools"
        )
        title = f"{group}: overall effectiveness"
        if only.value is not None:
            title = f"{group}: {only.text} {words.better} overall" + with_county(
                only, county_gob, words.county, True
            )
    else:
        title = best_and_worst_title(
            shares, words.claims, f"{words.better} overall",
            "Overall effectiveness by type of school",
        )  # fmt: skip
    claims = words.claims
    return ChartSlide(
        "setting",
        title,
        p.settings.figure(p.pub, words.small_n),
        p.settings.table(p.pub, "Type of school"),
        f"Overall effectiveness grade by type of school. Groups of fewer than {words.small_n} "
        "schools are marked: one school changes them a lot. A type of school is named "
        f"best or worst only with {claims.min_group} or more graded schools and a gap of "
        f"{claims.min_difference:g} points or more." + words.note,
        empty=suppressed_or(p.pub, p.settings.keys(), "No school in these filters is graded."),
    )


def filtering_slide(p: Published, words: Words) -> ChartSlide:
    names = p.filtering.labels.filtering  # the approaches (not the not-known group)
    shares = [p.filtering.good_or_better(p.pub, g) for g in p.filtering.groups if g in names]
    return ChartSlide(
        "filtering",
        filtering_title(shares, words.claims, words.better),
        p.filtering.figure(p.pub, words.small_n),
        p.filtering.table(p.pub, "Filtering"),
        "Overall effectiveness grade by the school's approach to web filtering: locked "
        "down blocks by default; managed lets staff and pupils reach more, with "
        f"supervision. The comparison uses the share graded {words.better}, over the whole "
        "grade mix." + words.note,
        empty=suppressed_or(p.pub, p.filtering.keys(), "No school in these filters is graded."),
    )


def trend_slide(p: Published, words: Words) -> ChartSlide:
    shares = [p.history.good_or_better(p.pub, rd) for rd in p.history.groups]
    return ChartSlide(
        "trend",
        trend_title(shares, words.claims, words.better),
        p.history.figure(p.pub),
        p.history.table(p.pub, "Round"),
        "Overall effectiveness grades in every round with returns, for the same filters. "
        "Schools joining or missing a round change the mix." + words.note,
        empty=suppressed_or(p.pub, p.history.keys(), "No round has returns for these filters."),
    )


# ---------------------------------------------------------------- titles and slides


def _public_note(below: int | None) -> str:
    if below is None:
        return ""
    return " Public version. " + symbols_note(below)


def headline_title(
    received: str, expected: str, gob: Share, county_gob: Share, better: str, narrowed: bool,
    county: str, scope: str,
) -> str:  # fmt: skip
    """'38 of 44 returns in; 58% of schools Good or better overall (Kent 61%)'; a suppressed
    part is left out of the sentence rather than shown as c."""
    if "c" in (received, expected):
        first = "Returns are in"
    else:
        first = f"{received} of {expected} returns in"
    if narrowed:
        first = f"{scope}: {first}"
    if gob.n == 0:
        return f"{first}; no school graded yet"
    if gob.value is None:
        return first
    return f"{first}; {gob.text} of schools {better} overall" + with_county(
        gob, county_gob, county, narrowed
    )


def headline_slide(
    pub: Publication, received: Key, expected: Key, late: Key, missing: Key, schools: Key,
    need: Key, themes_only: Key, graded: Key, gob: Share, county_gob: Share, better: str,
    rnd: str, narrowed: bool, county: str, note: str,
) -> NumbersSlide:  # fmt: skip
    title = headline_title(
        pub.show(received), pub.show(expected), gob, county_gob, better, narrowed, county, gob.group
    )
    numbers = [
        (pub.show(schools), "Schools in scope"),
        (f"{pub.show(received)} of {pub.show(expected)}", "Returns received"),
        (pub.show(late), "Received late"),
        (pub.show(missing), "Missing returns"),
        ("z" if gob.n == 0 else gob.text, f"Overall {better}"),
        (pub.show(need), "Need support (concerns)"),
        (pub.show(themes_only), "Themes only: county-wide offer"),
    ]
    comparison = ""
    if narrowed and county_gob.value is not None:
        comparison = f" {county} as a whole: {county_gob.text} {better}."
    return NumbersSlide(
        "headline",
        title,
        numbers,
        f"Round {rnd}. {better} is the share of schools with an overall grade "
        f"({pub.show(graded)} graded). Need support: schools with concerns (high or medium "
        "priority); themes only: schools whose needs the county-wide offer covers."
        + comparison
        + note,
    )


def areas_title(
    weak: Sequence[Share], county_weak: dict[str, Share], claims: Claims, worse: str,
    narrowed: bool, county: str,
) -> str:  # fmt: skip
    """The weakest area by the share Satisfactory or worse (the complement of Good or better),
    named only when it stands out from the next by the minimum difference."""
    big = claimable(weak, claims)
    if not big:
        return "Grades in the five areas"
    ranked = sorted(big, key=lambda s: (-(s.value or 0), s.group))
    top = ranked[0]
    if len(ranked) > 1 and not claims.differ(top.value or 0, ranked[1].value or 0):
        return (
            f"No area stands out: {ranked[-1].text} to {top.text} of schools {worse} in each area"
        )
    return f"{top.group} is the weakest area: {top.text} of schools {worse}" + with_county(
        top, county_weak.get(top.group, Share(county, None, None)), county, narrowed
    )


def filtering_title(shares: Sequence[Share], claims: Claims, better: str) -> str:
    """Locked down against managed on the share Good or better, with both groups big enough."""
    big = claimable(shares, claims)
    if len(big) < 2:
        return "Overall effectiveness by filtering approach"
    a, b = sorted(big, key=lambda s: -(s.value or 0))[:2]
    if not claims.differ(a.value or 0, b.value or 0):
        return (
            f"{a.group} and {in_sentence(b.group)} filtering: about the same, {a.text} and "
            f"{b.text} {better} overall"
        )
    return (
        f"{a.group} schools do better: {a.text} {better} overall, against {b.text} "
        f"{in_sentence(b.group)}"
    )


def trend_title(shares: Sequence[Share], claims: Claims, better: str) -> str:
    """First against last round with enough graded schools: rose, fell or about the same."""
    big = claimable(shares, claims)
    if len(big) < 2:
        return "Overall effectiveness across rounds"
    a, b = big[0], big[-1]
    if not claims.differ(a.value or 0, b.value or 0):
        return f"{better} overall about the same: {a.text} in {a.group}, {b.text} in {b.group}"
    verb = "rose" if (b.value or 0) > (a.value or 0) else "fell"
    return f"{better} overall {verb} from {a.text} in {a.group} to {b.text} in {b.group}"


def district_title(
    shares: Sequence[Share], county_share: Share, claims: Claims, chosen: bool, county: str
) -> str:
    """A district pack: its own share needing support against the county's. A county pack:
    the district most needing support, when it stands out from the county."""
    if chosen:
        shown = [s for s in shares if s.value is not None]
        if not shown:
            return "Schools needing support in " + ", ".join(s.group for s in shares)
        parts = ", ".join(f"{s.group} {s.text}" for s in shown)
        tail = f", {county} {county_share.text}" if county_share.value is not None else ""
        return f"Schools needing support: {parts}{tail}"
    big = claimable(shares, claims)
    if not big or county_share.value is None:
        return "Schools needing support, by district"
    top = max(big, key=lambda s: (s.value or 0, s.group))
    if not claims.differ(top.value or 0, county_share.value):
        return (
            f"No district stands out: the most, {top.group}, has {top.text} of its schools "
            f"needing support, {county} {county_share.text}"
        )
    return (
        f"Most schools needing support in {top.group}: {top.text} of its schools, "
        f"against {county_share.text} across {county}"
    )


def district_slide(
    pub: Publication,
    numbers: CabinetNumbers,
    district_keys: dict[str, dict[str, Key]],
    county_schools: Key,
    county_need: Key,
    claims: Claims,
    narrowed: bool,
    note: str,
) -> ChartSlide | TextSlide:
    districts = numbers.districts
    if districts.empty:
        return TextSlide(
            "districts",
            "No district map: no district boundaries are loaded",
            [
                "No district boundaries are loaded, so this pack has no map or district table.",
                "The data team loads them with: python -m ingest boundaries FILE.geojson",
            ],
        )
    county = numbers.county_name
    shares, rows, values, texts = [], [], [], []
    for d in districts.itertuples(index=False):
        k = district_keys[str(d.district_code)]
        share = Share(
            str(d.district_name),
            pub.share_value([k["need_support"]], [k["schools"]]),
            pub.known(k["schools"]),
        )
        shares.append(share)
        values.append(share.value)
        texts.append("" if share.value is not None else "c")
        rows.append(
            [
                str(d.district_name),
                pub.show(k["schools"]),
                pub.show(k["received"]),
                pub.show(k["need_support"]),
                share.text if pub.values[k["schools"]] else "z",
                pub.show(k["themes_only"]),
            ]
        )
    county_share = Share(
        county, pub.share_value([county_need], [county_schools]), pub.known(county_schools)
    )
    shown = districts.assign(need_pct=[float("nan") if v is None else v for v in values])
    shaded = [k for d in district_keys.values() for k in (d["need_support"], d["schools"])]
    fig = None
    # every district's share suppressed: an all-grey map shades nothing, so a sentence
    if any(v is not None for v in values) or not any(pub.is_hidden(k) for k in shaded):
        fig = charts.district_map_static(
            shown.reset_index(drop=True), "need_pct", "Schools needing support", value_text=texts
        )
        # on a wide slide the colour scale stands beside the county, which then has the
        # slide's full height: the names (14 pt and up) crowd each other less on a bigger map
        for trace in fig.data:
            if trace.marker is not None and trace.marker.showscale:
                trace.marker.colorbar.update(
                    orientation="v", x=1.0, xanchor="left", y=0.5, yanchor="middle", len=0.9,
                    title_side="top",
                )  # fmt: skip
    chosen = bool(numbers.filters.districts)
    return ChartSlide(
        "districts",
        district_title(shares, county_share, claims, chosen, county),
        fig,
        Table(
            ["District", "Schools", "Returns in", "Need support", "Share", "Themes only"],
            rows,
            (2.3, 1.1, 1.1, 1.1, 1.0, 1.1),
        ),
        "Districts shaded by the share of their schools needing support (concerns: high or "
        "medium priority; the scale runs over these districts' range). Themes only: schools "
        "whose needs the county-wide offer covers."
        + (
            f" {county} as a whole: {county_share.text} need support."
            if chosen and county_share.value is not None
            else ""
        )
        + note,
        empty=suppressed_or(pub, shaded, "No school in these districts this round."),
        # a district pack's few rows go under its map, which then has the slide's width
        chart_width=None if chosen and len(districts) <= 3 else Inches(6.4),
    )


def support_slide(
    pub: Publication, concerns: list[str], concern_names: dict[str, str],
    concern_keys: dict[str, dict[str, Key]], need: Key, priority_keys: dict[str, Key],
    themes_only: Key, priority_names: dict[str, str], named: bool, note: str,
) -> ChartSlide:  # fmt: skip
    ordered = sorted(
        concerns, key=lambda fl: (-pub.values[concern_keys[fl]["all"]], concern_names[fl])
    )
    rows = [
        [
            concern_names[fl],
            pub.show(concern_keys[fl]["high"]),
            pub.show(concern_keys[fl]["medium"]),
            pub.show(concern_keys[fl]["all"]),
        ]
        for fl in ordered
        if pub.values[concern_keys[fl]["all"]]
    ]
    title = "No school needs support for a concern"
    if pub.values[need]:
        title = (
            f"{pub.show(need)} schools need support"
            if not pub.is_hidden(need)
            else "Schools need support"
        )
        if not pub.is_hidden(priority_keys["high"]):
            title += f", {pub.show(priority_keys['high'])} of them high priority"
        shown = [fl for fl in ordered if not pub.is_hidden(concern_keys[fl]["all"])]
        if shown and pub.values[concern_keys[shown[0]]["all"]]:
            top = shown[0]
            title += (
                f"; the commonest concern: {in_sentence(concern_names[top])} "
                f"({pub.show(concern_keys[top]['all'])} schools)"
            )
    plotted = [concern_keys[fl]["all"] for fl in ordered if pub.values[concern_keys[fl]["all"]]]
    fig = None
    if plotted:
        frame = pd.DataFrame(
            {
                "concern": [
                    concern_names[fl] for fl in ordered if pub.values[concern_keys[fl]["all"]]
                ],
                "schools": [pub.known(k) or 0 for k in plotted],
            }
        )
        fig = count_bars_shown(pub, plotted, frame, "concern", "schools")
    return ChartSlide(
        "support",
        title,
        fig,
        Table(
            ["Concern", priority_names["high"], priority_names["medium"], "Schools"],
            rows,
            (3.2, 1.1, 1.3, 1.2),
        ),
        "Need support: schools with concerns, particular to the school "
        f"({in_sentence(priority_names['high'])} "
        f"{pub.show(priority_keys['high'])}, {in_sentence(priority_names['medium'])} "
        f"{pub.show(priority_keys['medium'])}). A further "
        f"{pub.show_with(themes_only, 'school has', 'schools have')} themes only, which the "
        "county-wide offer covers. A school can have several concerns; the table counts it "
        "once per concern." + ("" if named else " No school is named in this pack.") + note,
        empty=suppressed_or(pub, plotted, "No school in these filters has a concern this round."),
        chart_width=Inches(6.4),
    )


def themes_slide(
    pub: Publication, themes: pd.DataFrame, theme_keys: dict[str, Key], returning: Key,
    themes_only: Key, note: str, scope: str,
) -> ChartSlide:  # fmt: skip
    rows, labels, values, keys = [], [], [], []
    for _, t in themes.iterrows():
        k = theme_keys[str(t["flag"])]
        action = str(t["county_action"] or "")
        rows.append([str(t["flag_label"]), pub.show(k), pub.share([k], [returning]), action])
        labels.append(str(t["flag_label"]))
        values.append(pub.known(k) or 0)
        keys.append(k)
    shown = [t for _, t in themes.iterrows() if not pub.is_hidden(theme_keys[str(t["flag"])])]
    # the schools counted are the pack's (a district's, in a district pack); only the
    # offer that meets the themes is county-wide, so the title names whose schools they are
    title = f"{scope}: themes the county-wide offer meets this round"
    if shown and not pub.is_hidden(returning):
        top = shown[0]
        title = (
            f"{scope}: the commonest theme is {in_sentence(str(top['flag_label']))}, in "
            f"{pub.share([theme_keys[str(top['flag'])]], [returning])} of schools that returned"
        )
    return ChartSlide(
        "themes",
        title,
        count_bars_shown(
            pub, keys, pd.DataFrame({"Theme": labels, "Schools": values}), "Theme", "Schools"
        ),
        Table(["Theme", "Schools", "Share", "County-wide action"], rows, (2.0, 1.1, 1.0, 3.6)),
        "Themes are met by the council's county-wide offer rather than a visit to each school; "
        f"{pub.show_with(themes_only, 'school has', 'schools have')} themes only. Share is of "
        f"the {pub.show_with(returning, 'school', 'schools')} that returned this round." + note,
        empty=suppressed_or(pub, keys, "No school in these filters has a theme this round."),
        chart_width=Inches(5.2),
    )


def standards_title(all_met: str, version_2: str, share: str, scope: str) -> str:
    """'147 of 473 version 2 returns meet all four DfE standards (31%)'; a suppressed count
    leaves the figures out rather than show c in a headline."""
    if version_2 == "0":
        return f"{scope}: no version 2 return, so no DfE standards check this round"
    if "c" in (all_met, version_2, share):
        return "The DfE filtering and monitoring standards in version 2 returns"
    noun = "return meets" if version_2 == "1" else "returns meet"
    return f"{all_met} of {version_2} version 2 {noun} all four DfE standards ({share})"


def standards_slide(p: Published, words: Words) -> ChartSlide | TextSlide:
    """The DfE filtering and monitoring standards: met / partly / not met per standard, of the
    version 2 returns only (version 1 returns were not asked)."""
    pub, k = p.pub, p.standards
    # the singular only for a shown 1: "c version 1 return was" would give the count away
    if not pub.is_hidden(k.version_1) and pub.values[k.version_1] == 0:
        version_1 = "Every return in these filters is version 2."
    else:
        one = not pub.is_hidden(k.version_1) and pub.values[k.version_1] == 1
        version_1 = (
            f"{pub.show(k.version_1)} version 1 "
            + ("return was" if one else "returns were")
            + " not asked the DfE standards check."
        )
    title = standards_title(
        pub.show(k.all_met), pub.show(k.version_2), pub.share([k.all_met], [k.version_2]),
        words.scope,
    )  # fmt: skip
    if not pub.values[k.version_2]:
        return TextSlide(
            "standards",
            title,
            [
                f"No school in these filters sent a version 2 return in round {words.rnd}, so "
                "none has answered the DfE filtering and monitoring standards check.",
                *([version_1] if pub.values[k.version_1] else []),
            ],
        )
    rows = [
        [k.names[st], *[pub.show(c) for c in k.cells[st]], pub.show(k.totals[st])]
        for st in k.standards
    ]
    met = [k.cells[st][0] for st in k.standards]
    frame = pd.DataFrame(
        {
            "Standard": [k.names[st] for st in k.standards],
            "Schools": [pub.known(c) or 0 for c in met],
        }
    )
    return ChartSlide(
        "standards",
        title,
        count_bars_shown(pub, met, frame, "Standard", "Schools"),
        Table(["Standard", *k.status_names, "n"], rows, (2.6, 1.0, 1.2, 1.0, 0.9)),
        f"The four DfE filtering and monitoring standards, as each school's own standards "
        f"check in its version 2 return shows them, round {words.rnd}; the bars are the "
        f"schools meeting each standard. n: version 2 returns. {version_1}" + words.note,
        empty=suppressed_or(pub, met, "No version 2 return meets any of the standards."),
        chart_width=Inches(5.6),
    )


def capacity_count(
    pub: Publication, priority_keys: dict[str, Key], within_keys: dict[str, tuple[Key, Key]]
) -> CountText:
    """The capacity sentence's numbers as the publication shows them: None for a suppressed
    one (the sentence then leaves its figures out, as a headline must)."""

    def text(c: Count) -> str | None:
        if c.priority is None:
            # every priority together: a reader adds the shown rows of the table anyway
            parts = list(priority_keys.values())
            return None if any(pub.is_hidden(k) for k in parts) else str(c.value)
        within, beyond = within_keys[c.priority]
        key = {"schools": priority_keys[c.priority], "within": within, "beyond": beyond}[c.measure]
        if pub.values[key] != c.value:
            raise ValueError(f"{key!r} is {pub.values[key]}, the sentence has {c.value}")
        return None if pub.is_hidden(key) else pub.show(key)

    return text


def worklist_slide(
    pub: Publication, numbers: CabinetNumbers, priority_keys: dict[str, Key],
    within_keys: dict[str, tuple[Key, Key]], priority_names: dict[str, str], note: str,
) -> ChartSlide:  # fmt: skip
    order = list(within_keys)
    county = numbers.county_name
    # a filtered pack's schools are ranked in the county's worklist, against the county
    # team's capacity: the title names both, never the county's figure as the part's own
    title = capacity_sentence(
        numbers.worklist, capacity_count(pub, priority_keys, within_keys),
        scope=part_of_county(numbers.filters, numbers.labels.settings, numbers.labels.filtering),
        capacity=numbers.capacity, county=county,
    )  # fmt: skip
    rows = [
        [
            priority_names[p],
            pub.show(priority_keys[p]),
            pub.show(within_keys[p][0]),
            pub.show(within_keys[p][1]),
        ]
        for p in order
    ]
    frame = pd.DataFrame(
        {
            "Priority": [priority_names[p] for p in order],
            "Schools": [pub.known(priority_keys[p]) or 0 for p in order],
        }
    )
    reach = (
        f"The support team's capacity ({numbers.capacity} schools, a rule in the seeds) is "
        f"counted down the whole of {county}'s worklist: within capacity means among the "
        f"first {numbers.capacity} flagged schools in {county}, wherever they are, so these "
        "schools' share of it depends on the rest of the county."
        if numbers.narrowed
        else f"The team's capacity ({numbers.capacity} schools, a rule in the seeds) marks "
        "how far down it reaches this round."
    )
    return ChartSlide(
        "worklist",
        title,
        count_bars_shown(pub, [priority_keys[p] for p in order], frame, "Priority", "Schools"),
        Table(
            ["Priority", "Flagged", "Within capacity", "Beyond capacity"],
            rows,
            (1.4, 1.2, 1.4, 1.4),
        ),
        "The worklist orders flagged schools by priority, then by the weight of their flags, "
        "then by overall score. " + reach + note,
        empty=suppressed_or(
            pub, [priority_keys[p] for p in order], "No school in these filters is flagged."
        ),
        chart_width=Inches(6.2),
    )


def impact_slide(
    pub: Publication, impact_keys: list[tuple[pd.Series, dict[str, Key]]], claims: Claims, note: str
) -> ChartSlide:
    rows = []
    latest_round = max(str(r["round"]) for r, _ in impact_keys)
    helped = None
    for r, k in impact_keys:
        improved = pub.share([k["improved"]], [k["schools"]]) if pub.values[k["schools"]] else "z"
        rows.append(
            [
                f"{r['round']} to {r['next_round']}", str(r["group_label"]), pub.show(k["schools"]),
                pub.show(k["improved"]), pub.show(k["same"]), pub.show(k["declined"]), improved,
            ]
        )  # fmt: skip
        if str(r["round"]) == latest_round and r["group"] == "supported":
            helped = (r, k)
    title = "Overall grades a round after support"
    if helped is not None:
        r, k = helped
        n_helped = pub.known(k["schools"])
        if not pub.values[k["schools"]]:
            title = f"No support was recorded in {r['round']} to follow into {r['next_round']}"
        elif n_helped is not None and pub.share_value([k["improved"]], [k["schools"]]) is not None:
            # one group's own share, not a comparison: its n is in the table and the caption
            # warns that small groups say little
            title = (
                f"A round after support, {pub.share([k['improved']], [k['schools']])} of "
                "supported schools had a better overall grade"
            )
    latest = [(r, k) for r, k in impact_keys if str(r["round"]) == latest_round]
    frame = pd.DataFrame(
        {
            "Group": [f"{r['group_label']} (n={pub.show(k['schools'])})" for r, k in latest],
            "Improved": [pub.known(k["improved"]) or 0 for _, k in latest],
        }
    )
    return ChartSlide(
        "impact",
        title,
        charts.count_bars(
            frame, "Group", "Improved", text=[pub.show(k["improved"]) for _, k in latest]
        )
        if frame["Improved"].any()
        else None,
        Table(
            ["Rounds", "Group", "Schools", "Improved", "Same", "Declined", "Improved %"],
            rows,
            (1.4, 2.2, 1.1, 1.1, 0.9, 1.1, 1.1),
        ),
        "Schools with support recorded in a round beside schools flagged in it with none "
        "recorded; overall grade in the next round. Small groups say little; this is not "
        "proof that support caused a change." + note,
        empty=f"Nothing to draw: the schools improving from {latest_round} to the next round "
        "are none or suppressed (c) in each group; the table has each group's numbers.",
        # below the chart: the groups' names with their n need the slide's width
    )


def named_slides(named: pd.DataFrame) -> TextSlide | TableSlides:
    if named.empty:
        return TextSlide("named-1", "No school is flagged for these filters", [])
    # the reasons' names, not their full text: the school profile and the governor report
    # carry the detail, and a cabinet list has to stay a few slides long
    return TableSlides(
        "named",
        "Schools flagged for support, in worklist order",
        Table(
            ["School", "URN", "District", "Priority", "Reasons for support"],
            [
                [
                    str(r["school"]),
                    str(r["urn"]),
                    str(r["district"] or ""),
                    str(r["priority_label"] or ""),
                    str(r["flag_names"] or ""),
                ]
                for _, r in named.iterrows()
            ],
            (3.6, 1, 1.9, 1.1, 4.8),
        ),
    )


def methodology_lines(info: dict[str, str], below: int | None) -> list[str]:
    """The methodology slide: the method as ``lakehouse.methodology`` told it for the seeds
    the database was built with (``method:<n>`` in ``info``, gold.build_info), then this
    pack's as-of date, rounds and suppression."""
    built = [v for k, v in sorted(info.items()) if k.startswith("method:")]
    lines = [
        # a database built before the build kept its method: the seeds in force say it
        *(built or methodology.summary_lines()),
        f"As of {council_date(info.get('as_of'), missing='unknown')}; current round "
        f"{info.get('current_round', '')}"
        + (f", compared with {info['previous_round']}" if info.get("previous_round") else "")
        + ".",
    ]
    claims = Claims.from_seeds()
    lines.append(
        f"A group is named best or worst only with {claims.min_group} or more graded schools; "
        f"shares less than {claims.min_difference:g} points apart are called about the same."
    )
    if below is not None:
        lines.append(
            f"Public version: counts of 1 to {below - 1} schools, and any cell from which one "
            "could be worked out, are shown as c and drawn as a grey suppressed segment, as "
            "official statistics do (docs/DISCLOSURE.md)."
        )
    return lines
