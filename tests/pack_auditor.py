"""An auditor of public packs: what can a reader work out about a suppressed count?

It reads a rendered ``.pptx`` as a reader would (every title, text box and table cell,
on every slide), knowing how the pack is laid out (which cells add to which totals,
which rows are the same schools on another slide, what each percentage is of) but not
the numbers behind a ``c``. Each ``c`` becomes an unknown whole number >= 0; every
published count, total and percentage becomes a linear constraint (a rounded
percentage p of n says (p - 0.5)% of n <= x < (p + 0.5)% of n). HiGHS then finds the
smallest and largest value of each unknown, as tau-ARGUS audits a table. A range of a
single value is a disclosure.

The chart images are drawn from the same published tables (``packs.cabinet_slides``;
``tests/test_disclosure_audit.py`` checks the figures' data against the tables), so
they publish nothing the tables do not.
"""

from __future__ import annotations

import io
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field

from pptx import Presentation

from lakehouse import seeds
from packs.disclosure import Constraint, feasible_ranges

PCT = r"(\d+)%"


@dataclass
class Reading:
    """What the auditor has read: unknowns, and linear constraints over them."""

    unknowns: list[str] = field(default_factory=list)
    constraints: list[Constraint] = field(default_factory=list)
    where: dict[str, str] = field(default_factory=dict)  # unknown -> where it is shown

    def term(self, text: str, where: str) -> tuple[dict[str, float], float] | None:
        """A published cell as (unknown terms, known value); None when not a number."""
        text = text.strip()
        if text == "c":
            name = f"u{len(self.unknowns)}"
            self.unknowns.append(name)
            self.where[name] = where
            return {name: 1.0}, 0.0
        if re.fullmatch(r"\d+", text):
            return {}, float(text)
        return None

    def equal(self, total: Expr, parts: list[Expr], at_most: bool = False) -> None:
        """total == sum(parts) (or total >= sum(parts))."""
        terms: dict[str, float] = defaultdict(float)
        known = 0.0
        for k, v in total.terms.items():
            terms[k] -= v
        known -= total.known
        for p in parts:
            for k, v in p.terms.items():
                terms[k] += v
            known += p.known
        terms = {k: v for k, v in terms.items() if v}
        if not terms:
            return
        self.constraints.append(Constraint(terms, -math.inf if at_most else -known, -known))

    def percent(self, pct: float, numerator: Expr, denominator: Expr) -> None:
        """numerator / denominator rounds (half up) to pct%."""
        self.percent_range((pct - 0.5) / 100.0, (pct + 0.5) / 100.0, numerator, denominator)

    def percent_between(self, low: float, high: float, numerator: Expr, denominator: Expr) -> None:
        """numerator / denominator rounds to somewhere from low% to high%."""
        self.percent_range((low - 0.5) / 100.0, (high + 0.5) / 100.0, numerator, denominator)

    def percent_range(self, lo: float, hi: float, numerator: Expr, denominator: Expr) -> None:
        for bound, sign in ((lo, 1), (hi, -1)):
            # sign * (num - bound * den) >= 0 (the upper end is open; a hair under it)
            terms: dict[str, float] = defaultdict(float)
            for k, v in numerator.terms.items():
                terms[k] += sign * v
            for k, v in denominator.terms.items():
                terms[k] -= sign * bound * v
            known = sign * (numerator.known - bound * denominator.known)
            terms = {k: v for k, v in terms.items() if v}
            if not terms:
                continue
            slack = 0.0 if sign == 1 else 1e-9
            self.constraints.append(Constraint(terms, -known + slack, math.inf))

    def ranges(self) -> dict[str, tuple[float, float]]:
        return feasible_ranges(self.unknowns, self.constraints)


@dataclass
class Expr:
    terms: dict[str, float]
    known: float

    @classmethod
    def of(cls, cell: tuple[dict[str, float], float] | None) -> Expr:
        if cell is None:
            raise ValueError("not a count")
        return cls(dict(cell[0]), cell[1])

    def __add__(self, other: Expr) -> Expr:
        terms = defaultdict(float, self.terms)
        for k, v in other.terms.items():
            terms[k] += v
        return Expr(dict(terms), self.known + other.known)

    @property
    def value(self) -> float | None:
        return None if self.terms else self.known


def _sum(exprs: list[Expr]) -> Expr:
    out = Expr({}, 0.0)
    for e in exprs:
        out = out + e
    return out


def _slides(data: bytes) -> list:
    return list(Presentation(io.BytesIO(data)).slides)


def _base(name: str) -> str:
    # "areas-numbers", "areas-numbers-2", "named-3" -> "areas", "named"
    return re.sub(r"(-numbers)?(-\d+)?$", "", name)


def read_pack(
    data: bytes,
) -> tuple[dict[str, list[list[str]]], dict[str, str], dict[str, list[str]]]:
    """Tables (header then rows, pages joined), titles and other texts by slide base name."""
    tables: dict[str, list[list[str]]] = {}
    titles: dict[str, str] = {}
    texts: dict[str, list[str]] = defaultdict(list)
    for i, slide in enumerate(_slides(data)):
        name = _base(slide.name or f"slide{i}")
        title = slide.shapes.title.text if slide.shapes.title is not None else ""
        if name not in titles:
            titles[name] = title
        for shape in slide.shapes:
            if shape.has_table:
                rows = [[c.text for c in row.cells] for row in shape.table.rows]
                if name in tables:
                    tables[name].extend(rows[1:])
                else:
                    tables[name] = rows
            elif shape.has_text_frame and shape != slide.shapes.title:
                texts[name].append(shape.text_frame.text)
    return tables, titles, texts


def audit(data: bytes) -> tuple[dict[str, tuple[float, float]], dict[str, str]]:
    """Every suppressed cell's feasible range given everything the pack publishes."""
    tables, titles, texts = read_pack(data)
    r = Reading()
    grade_labels = seeds.grade_labels()
    n_grades = len(seeds.order("grade"))
    min_group = int(seeds.rule("claim_min_group"))

    # grade tables: each row's cells add to its total
    grade_rows: dict[str, dict[str, list[Expr]]] = {}
    for name in ("areas", "setting", "filtering", "trend"):
        if name not in tables:
            continue
        header, *rows = tables[name]
        assert header[1:-1] == grade_labels, header
        grade_rows[name] = {}
        for row in rows:
            cells = [
                Expr.of(r.term(v, f"{name}: {row[0]} / {h}"))
                for v, h in zip(row[1:], header[1:], strict=True)
            ]
            r.equal(cells[-1], cells[:-1])
            grade_rows[name][row[0]] = cells
    areas = grade_rows.get("areas", {})
    overall_label = seeds.vocabulary("area")["overall"]
    overall = areas.get(overall_label)
    if areas:
        # every return has a row in every area: the totals are one number
        totals = [cells[-1] for cells in areas.values()]
        for t in totals[1:]:
            r.equal(totals[0], [t])
    if overall is not None:
        for name in ("setting", "filtering"):
            if name in grade_rows and grade_rows[name]:
                for c in range(len(overall)):
                    r.equal(overall[c], [cells[c] for cells in grade_rows[name].values()])
        rnd = None
        for t in texts.get("slide0", []):
            m = re.search(r"E-safety returns (\d{4}/\d{2})", t)
            rnd = rnd or (m.group(1) if m else None)
        if rnd and rnd in grade_rows.get("trend", {}):
            for a, b in zip(grade_rows["trend"][rnd], overall, strict=True):
                r.equal(a, [b])

    def better(cells: list[Expr]) -> tuple[Expr, Expr]:
        return _sum(cells[:2]), _sum(cells[:n_grades])

    def worse(cells: list[Expr]) -> tuple[Expr, Expr]:
        return _sum(cells[2:n_grades]), _sum(cells[:n_grades])

    # headline numbers: label -> value
    head: dict[str, str] = {}
    if "headline" in texts:
        boxes = texts["headline"]
        for value, label in zip(boxes, boxes[1:], strict=False):
            head[label] = value

    def head_expr(label: str) -> Expr | None:
        value = head.get(label)
        if value is None:
            return None
        cell = r.term(value, f"headline: {label}")
        return Expr.of(cell) if cell is not None else None

    schools = head_expr("Schools in scope")
    need = head_expr("Need support (concerns)")
    themes_only = head_expr("Themes only: county-wide offer")
    late = head_expr("Received late")
    missing = head_expr("Missing returns")
    received = expected = None
    if "Returns received" in head:
        a, _, b = head["Returns received"].partition(" of ")
        received = Expr.of(r.term(a, "headline: received"))
        expected = Expr.of(r.term(b, "headline: expected"))
        if missing is not None:
            r.equal(expected, [received, missing], at_most=True)
        if late is not None:
            r.equal(received, [late], at_most=True)
    better_words = f"{seeds.vocabulary('grade')[2]} or better"
    gob = head.get(f"Overall {better_words}", "")
    if overall is not None and re.fullmatch(PCT, gob):
        r.percent(float(gob[:-1]), *better(overall))
    caption = "\n".join(texts.get("headline", []))
    m = re.search(r"\((\d+|c) graded\)", caption)
    if m and overall is not None:
        r.equal(Expr.of(r.term(m.group(1), "headline: graded")), overall[:n_grades])

    # titles that quote a share of a grade table's row
    def row_of(name: str, label: str) -> list[Expr] | None:
        rows = grade_rows.get(name, {})
        for k, cells in rows.items():
            if k.lower() == label.lower():
                return cells
        return None

    t = titles.get("areas", "")
    worse_words = f"{seeds.vocabulary('grade')[3]} or worse"
    m = re.match(rf"(.+) is the weakest area: {PCT} of schools {worse_words}", t)
    if m and row_of("areas", m.group(1)):
        r.percent(float(m.group(2)), *worse(row_of("areas", m.group(1))))
    m = re.match(rf"No area stands out: {PCT} to {PCT} of schools {worse_words}", t)
    if m:
        for cells in areas.values():
            n = _sum(cells[:n_grades]).value
            if n is not None and n >= min_group:
                r.percent_between(float(m.group(1)), float(m.group(2)), *worse(cells))
    for name in ("setting", "filtering"):
        t = titles.get(name, "")
        for label, pct in re.findall(rf"(\w[\w ]*?) schools(?: do best| do better)?: {PCT}", t):
            if row_of(name, label):
                r.percent(float(pct), *better(row_of(name, label)))
        m = re.search(rf"against {PCT} (?:for )?(\w[\w ]*)$", t)
        if m and row_of(name, m.group(2)):
            r.percent(float(m.group(1)), *better(row_of(name, m.group(2))))
    t = titles.get("trend", "")
    for pct, rnd in re.findall(rf"{PCT} in (\d{{4}}/\d{{2}})", t):
        if row_of("trend", rnd):
            r.percent(float(pct), *better(row_of("trend", rnd)))

    # districts: counts per district; the shares of each; the sums to the headline
    if "districts" in tables:
        header, *rows = tables["districts"]
        col = {h: i for i, h in enumerate(header)}
        per: dict[str, dict[str, Expr]] = {}
        for row in rows:
            cells = {
                h: Expr.of(r.term(row[col[h]], f"districts: {row[0]} / {h}"))
                for h in ("Schools", "Returns in", "Need support", "Themes only")
            }
            per[row[0]] = cells
            share = row[col["Share"]]
            if re.fullmatch(PCT, share):
                r.percent(float(share[:-1]), cells["Need support"], cells["Schools"])
        for h, total in (
            ("Schools", schools),
            ("Returns in", received),
            ("Need support", need),
            ("Themes only", themes_only),
        ):
            if total is not None and per:
                # a reader may guess that every school is in a district
                r.equal(total, [c[h] for c in per.values()])
        t = titles.get("districts", "")
        for label, pct in re.findall(rf"([A-Z][\w' -]+?) {PCT}", t):
            if label in per:
                r.percent(float(pct), per[label]["Need support"], per[label]["Schools"])
        m = re.match(rf"Most schools needing support in (.+?): {PCT} of its schools", t)
        if m and m.group(1) in per:
            r.percent(
                float(m.group(2)), per[m.group(1)]["Need support"], per[m.group(1)]["Schools"]
            )

    # support: concern rows (high + medium = schools), each within its priority's count
    prio = seeds.vocabulary("priority")
    flagged: dict[str, Expr] = {}
    if "worklist" in tables:
        header, *rows = tables["worklist"]
        for row in rows:
            cells = [
                Expr.of(r.term(v, f"worklist: {row[0]} / {h}"))
                for v, h in zip(row[1:], header[1:], strict=True)
            ]
            r.equal(cells[0], cells[1:])
            flagged[row[0]] = cells[0]
        if need is not None and prio["high"] in flagged and prio["medium"] in flagged:
            r.equal(need, [flagged[prio["high"]], flagged[prio["medium"]]])
        if themes_only is not None and prio["low"] in flagged:
            r.equal(themes_only, [flagged[prio["low"]]])
    if "support" in tables:
        header, *rows = tables["support"]
        for row in rows:
            cells = [
                Expr.of(r.term(v, f"support: {row[0]} / {h}"))
                for v, h in zip(row[1:], header[1:], strict=True)
            ]
            r.equal(cells[2], cells[:2])
            for c, p in ((cells[0], "high"), (cells[1], "medium")):
                if prio[p] in flagged:
                    r.equal(flagged[prio[p]], [c], at_most=True)
    if "themes" in tables:
        header, *rows = tables["themes"]
        cap = "\n".join(texts.get("themes", []))
        m = re.search(r"of the (\d+|c) schools? that returned", cap)
        returning = Expr.of(r.term(m.group(1), "themes: returning")) if m else None
        if returning is not None and overall is not None:
            r.equal(returning, [overall[-1]])
        for row in rows:
            cell = Expr.of(r.term(row[1], f"themes: {row[0]}"))
            if returning is not None:
                r.equal(returning, [cell], at_most=True)
                if re.fullmatch(PCT, row[2]):
                    r.percent(float(row[2][:-1]), cell, returning)
    if "impact" in tables:
        header, *rows = tables["impact"]
        for row in rows:
            cells = [
                Expr.of(r.term(v, f"impact: {row[1]} {row[0]} / {h}"))
                for v, h in zip(row[2:6], header[2:6], strict=True)
            ]
            r.equal(cells[0], cells[1:])
            if re.fullmatch(PCT, row[6]):
                r.percent(float(row[6][:-1]), cells[1], cells[0])
    # DfE standards: each standard's cells add to its n, which is the version 2 returns (the
    # title's "of N"); the returns meeting all four are within each standard's met; returns
    # in are at least the version 1 and version 2 returns together
    if "standards" in tables:
        header, *rows = tables["standards"]
        per_standard = []
        for row in rows:
            cells = [
                Expr.of(r.term(v, f"standards: {row[0]} / {h}"))
                for v, h in zip(row[1:], header[1:], strict=True)
            ]
            r.equal(cells[-1], cells[:-1])
            per_standard.append(cells)
        cap = "\n".join(texts.get("standards", []))
        m = re.search(r"(\d+|c) version 1 returns? (?:was|were) not asked", cap)
        version_1 = Expr.of(r.term(m.group(1), "standards: version 1")) if m else None
        if "Every return in these filters is version 2." in cap:
            version_1 = Expr({}, 0.0)
        t = titles.get("standards", "")
        m = re.match(
            rf"(\d+) of (\d+) version 2 returns? meets? all four DfE standards \({PCT}\)", t
        )
        all_met = version_2 = None
        if m:
            all_met = Expr.of(r.term(m.group(1), "standards: all four"))
            version_2 = Expr.of(r.term(m.group(2), "standards: version 2"))
            r.percent(float(m.group(3)), all_met, version_2)
        for cells in per_standard:
            # the caption says n is the version 2 returns: one number for every standard
            r.equal(per_standard[0][-1], [cells[-1]])
            if version_2 is not None:
                r.equal(version_2, [cells[-1]])
            if all_met is not None:
                r.equal(cells[0], [all_met], at_most=True)
        if per_standard and received is not None and version_1 is not None:
            r.equal(received, [version_1, per_standard[0][-1]], at_most=True)
    return r.ranges(), r.where


def disclosed(data: bytes) -> list[str]:
    """Suppressed cells whose value the pack gives away, as 'where = value'."""
    ranges, where = audit(data)
    return [f"{where[k]} = {lo:g}" for k, (lo, hi) in ranges.items() if lo == hi]
