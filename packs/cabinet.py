"""Cabinet pack: a 16:9 PowerPoint of the county picture for the current filters.

Slides: title (round, as-of date, filters), headline numbers, grade
distribution for the five areas, setting comparison, county map, schools
needing support by priority and reason (named only on request), trends
across rounds, methodology, sources and licences. Every chart slide carries
its numbers as a table beside the picture.

The data come from ``lakehouse.queries`` and the figures from ``presentation.charts``,
exactly as on the dashboard pages; ``packs.render`` turns them into PNGs with
one browser for the whole pack.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import pandas as pd
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.util import Emu, Inches, Pt

from lakehouse import queries
from lakehouse.filters import FILTERING_CHOICES, Filters
from lakehouse.spec import read_seed
from packs import render, suppress
from presentation import charts, palette

WIDTH = Inches(13.333)
HEIGHT = Inches(7.5)
TITLE_ONLY_LAYOUT = 5
TITLE_LAYOUT = 0

BLUE = RGBColor(0x00, 0x72, 0xB2)
GREY = RGBColor(0x55, 0x55, 0x55)

# names schools per slide in the optional flagged-schools table
ROWS_PER_SLIDE = 12

SOURCES = (
    "School register: Department for Education, Get Information About Schools "
    "(contains public sector information licensed under the Open Government Licence v3.0).",
    "District boundaries: Office for National Statistics, Local Authority Districts "
    "(Open Government Licence v3.0; contains OS data © Crown copyright and database right).",
    "E-safety returns: completed by schools and sent to the council; self-assessed, not inspected.",
    "Open Government Licence v3.0: "
    "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
)


class PackError(RuntimeError):
    """The pack cannot be made (no data loaded, unknown round); the message is one line."""


def _cursor(db: object):
    if hasattr(db, "cursor"):
        return db.cursor()  # type: ignore[attr-defined]
    if callable(db):
        return db()
    raise TypeError("db must be a ReadOnlyDatabase, a DuckDB connection or a cursor factory")


@dataclass(frozen=True)
class PackOptions:
    """What the officer chose: the filters, public suppression, naming schools."""

    filters: Filters
    public: bool = False
    name_schools: bool = False


# ---------------------------------------------------------------- helpers


def _fmt_date(value: object) -> str:
    try:
        return date.fromisoformat(str(value)[:10]).strftime("%-d %B %Y")
    except ValueError:
        return str(value or "unknown")


class _Deck:
    """A python-pptx presentation with the few slide shapes the pack needs."""

    def __init__(self) -> None:
        self.prs = Presentation()
        self.prs.slide_width = WIDTH
        self.prs.slide_height = HEIGHT
        self.footer = ""

    def slide(self, title: str):
        s = self.prs.slides.add_slide(self.prs.slide_layouts[TITLE_ONLY_LAYOUT])
        t = s.shapes.title
        t.left, t.top, t.width, t.height = Inches(0.5), Inches(0.25), WIDTH - Inches(1), Inches(0.9)
        t.text = title
        para = t.text_frame.paragraphs[0]
        para.font.size = Pt(30)
        para.font.bold = True
        para.font.color.rgb = BLUE
        from pptx.enum.text import PP_ALIGN

        para.alignment = PP_ALIGN.LEFT
        if self.footer:
            self.text(
                s,
                self.footer,
                Inches(0.5),
                HEIGHT - Inches(0.45),
                WIDTH - Inches(1),
                Inches(0.35),
                size=10,
                colour=GREY,
            )
        return s

    def text(
        self,
        slide,
        text: str | Sequence[str],
        left,
        top,
        width,
        height,
        *,
        size: int = 16,
        bold: bool = False,
        colour: RGBColor | None = None,
    ):
        box = slide.shapes.add_textbox(left, top, width, height)
        tf = box.text_frame
        tf.word_wrap = True
        lines = [text] if isinstance(text, str) else list(text)
        for i, line in enumerate(lines):
            p = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
            p.text = line
            p.font.size = Pt(size)
            p.font.bold = bold
            if colour is not None:
                p.font.color.rgb = colour
            p.space_after = Pt(4)
        return box

    def picture(self, slide, png: bytes, left, top, width):
        return slide.shapes.add_picture(io.BytesIO(png), left, top, width=width)

    def table(
        self,
        slide,
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        left,
        top,
        width,
        *,
        size: int = 12,
        col_widths: Sequence[float] | None = None,
    ):
        n_rows = len(rows) + 1
        row_h = Inches(0.34 if size <= 12 else 0.4)
        shape = slide.shapes.add_table(n_rows, len(header), left, top, width, Emu(row_h * n_rows))
        tbl = shape.table
        if col_widths:
            total = sum(col_widths)
            for i, w in enumerate(col_widths):
                tbl.columns[i].width = Emu(int(width * w / total))
        for r, values in enumerate([header, *rows]):
            for c, v in enumerate(values):
                cell = tbl.cell(r, c)
                cell.text = str(v)
                # narrow margins: the default 0.1" breaks short headers like "Outst." mid-word
                cell.margin_left = cell.margin_right = Inches(0.04)
                cell.text_frame.paragraphs[0].font.size = Pt(size)
                cell.text_frame.paragraphs[0].font.bold = r == 0
        return shape

    def chart_slide(
        self,
        title: str,
        png: bytes | None,
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        caption: str,
        *,
        table_size: int = 12,
        col_widths: Sequence[float] | None = None,
    ):
        """Chart on the left, its numbers on the right, a caption underneath."""
        s = self.slide(title)
        chart_w = Inches(7.5)
        if png:
            self.picture(s, png, Inches(0.4), Inches(1.25), chart_w)
        else:
            self.text(
                s,
                "Nothing to chart for these filters.",
                Inches(0.5),
                Inches(3),
                chart_w,
                Inches(1),
                size=20,
                colour=GREY,
            )
        if rows:
            self.table(
                s,
                header,
                rows,
                Inches(8.1),
                Inches(1.3),
                Inches(4.8),
                size=table_size,
                col_widths=col_widths,
            )
        self.text(
            s,
            caption,
            Inches(0.5),
            HEIGHT - Inches(1.2),
            WIDTH - Inches(1),
            Inches(0.7),
            size=12,
            colour=GREY,
        )
        return s

    def save(self) -> bytes:
        buf = io.BytesIO()
        self.prs.save(buf)
        return buf.getvalue()


def _png(fig, height: int = render.SLIDE_HEIGHT_PX) -> bytes:
    # drop any page-size height so the image fills the slide box
    fig.update_layout(height=None, width=None)
    return render.figure_png(fig, width=1100, height=height)


def _suppressed_grades(df: pd.DataFrame, group_col: str, below: int | None) -> pd.DataFrame:
    """Grade counts with suppressed cells removed (primary and secondary, per group)."""
    if below is None or df.empty:
        return df
    keep: list[bool] = []
    for _, part in df.groupby(group_col, sort=False, dropna=False):
        mask = suppress.suppression_mask(list(part["schools"]), below)
        keep.extend(zip(part.index, [not m for m in mask], strict=True))  # type: ignore[arg-type]
    index_keep = {i for i, k in keep if k}  # type: ignore[misc]
    return df[df.index.isin(index_keep)]


def _grade_table(df: pd.DataFrame, group_col: str, groups: Sequence[str], below: int | None):
    """Rows of group × grade counts (text), suppression applied, with a total column."""
    labels = palette.grade_order()
    wide = (
        df.assign(grade_label=[palette.grade_label(g) for g in df["grade"]])
        .pivot_table(
            index=group_col, columns="grade_label", values="schools", aggfunc="sum", fill_value=0
        )
        .reindex(index=list(groups), columns=labels, fill_value=0)
    )
    rows = []
    for g, row in wide.iterrows():
        counts = [int(row[c]) for c in labels]
        mask = suppress.suppression_mask(counts, below) if below else [False] * len(counts)
        cells = []
        for c, hide in zip(counts, mask, strict=True):
            if hide:
                cells.append(f"<{below}" if suppress.is_small(c, below or 0) else "c")
            else:
                cells.append(str(c))
        rows.append([str(g), *cells, suppress.show_count(sum(counts), below)])
    return ["", "Outst.", "Good", "Satis.", "Inad.", "Insuff.", "Total"], rows


# ---------------------------------------------------------------- the pack


def cabinet_pack_pptx(
    db: object, filters: Filters | None = None, *, public: bool = False, name_schools: bool = False
) -> bytes:
    """The cabinet pack for ``filters`` as PPTX bytes.

    ``public`` suppresses counts of fewer than five schools (seed rule
    ``public_suppress_below``) in tables and leaves them out of charts;
    ``name_schools`` adds a table of flagged schools (never in a public pack).
    """
    f = filters or Filters()
    if not queries.has_data(_cursor(db)):
        raise PackError("no data loaded: run the ingest commands first")
    options = queries.filter_options(_cursor(db))
    if f.round and f.round not in options.rounds:
        raise PackError(
            f"round {f.round} has no returns; loaded rounds: {', '.join(options.rounds) or 'none'}"
        )
    below = suppress.threshold() if public else None
    name_schools = name_schools and not public
    info = queries.build_info(_cursor(db))
    head = queries.headline(_cursor(db), f)
    rnd = head["round"] or "no round"
    as_of = _fmt_date(head["as_of"])

    deck = _Deck()
    scope = f.describe()
    deck.footer = f"E-safety returns {rnd} · data as of {as_of} · " + (
        "PUBLIC: counts under " + str(below) + " suppressed"
        if public
        else "OFFICIAL-SENSITIVE: not for publication"
    )

    # 1. title
    s = deck.prs.slides.add_slide(deck.prs.slide_layouts[TITLE_LAYOUT])
    s.shapes.title.text = "Online safety in our schools"
    s.placeholders[1].text = (
        f"E-safety returns {rnd} · data as of {as_of}\n"
        + " · ".join(f"{k}: {v}" for k, v in scope.items() if k != "Round")
        + (
            "\nPublic version: counts of fewer than " + str(below) + " schools are suppressed"
            if public
            else ""
        )
    )

    # 2. headline numbers
    s = deck.slide("Headline numbers")
    good = queries.grade_distribution(_cursor(db), f)
    overall = good[good["area"] == "overall"]
    graded = int(overall.loc[overall["grade"].notna(), "schools"].sum())
    good_or_better = int(overall.loc[overall["grade"].isin([1, 2]), "schools"].sum())
    numbers = [
        ("Schools in scope", suppress.show_count(head["schools"], below)),
        (
            "Returns received",
            suppress.show_count(head["received"], below)
            + f" of {suppress.show_count(head['expected'], below)}",
        ),
        ("Received late", suppress.show_count(head["late"], below)),
        ("Missing returns", suppress.show_count(head["missing"], below)),
        ("Overall Good or better", suppress.show_percent(good_or_better, graded, below) or "—"),
        ("Schools flagged for support", suppress.show_count(head["flagged"], below)),
    ]
    for i, (label, value) in enumerate(numbers):
        left = Inches(0.6 + (i % 3) * 4.15)
        top = Inches(1.5 + (i // 3) * 2.5)
        deck.text(s, value, left, top, Inches(3.9), Inches(1.1), size=48, bold=True, colour=BLUE)
        deck.text(s, label, left, top + Inches(1.1), Inches(3.9), Inches(0.6), size=18)
    deck.text(
        s,
        f"Round {rnd}; Good or better is the share of schools with an overall grade "
        f"({graded} graded).",
        Inches(0.6),
        HEIGHT - Inches(1.2),
        WIDTH - Inches(1.2),
        Inches(0.6),
        size=12,
        colour=GREY,
    )

    # 3. grade distribution, five areas
    area_labels = [queries.AREA_LABELS[a] for a in queries.AREAS]
    dist = good.assign(area_label=good["area"].map(queries.AREA_LABELS))
    plotted = _suppressed_grades(dist, "area_label", below)
    png = _png(charts.grade_distribution_chart(plotted)) if not plotted.empty else None
    header, rows = _grade_table(dist, "area_label", area_labels, below)
    deck.chart_slide(
        "Grades in the five areas",
        png,
        header,
        [[r[0].split(" ")[0], *r[1:]] for r in rows],
        f"Schools at each grade in each area, round {rnd}. Bars show the share of schools; "
        "the numbers on the bars are schools." + _public_note(below),
        table_size=10,
        col_widths=(1.9, 1, 1, 1, 1, 1, 1),
    )

    # 4. setting comparison (overall grade)
    by_setting = queries.grade_by(_cursor(db), f, "overall", "setting")
    groups = list(dict.fromkeys(by_setting["group"]))
    plotted = _suppressed_grades(by_setting, "group", below)
    png = (
        _png(charts.stacked_grade_bars(plotted, "group", groups, small_n=below or 5))
        if not plotted.empty
        else None
    )
    header, rows = _grade_table(by_setting, "group", groups, below)
    deck.chart_slide(
        "Overall effectiveness by setting",
        png,
        header,
        rows,
        "Overall effectiveness grade by type of school. Groups of fewer than five schools are "
        "marked: one school changes them a lot." + _public_note(below),
        table_size=11,
        col_widths=(1.8, 1, 1, 1, 1, 1, 1),
    )

    # 5. county map by district
    districts = queries.district_summary(_cursor(db), f)
    shown = districts
    if below is not None:
        shown = districts[~districts["schools"].map(lambda n: suppress.is_small(n, below))]
    png = None
    if not shown.empty:
        fig = charts.county_map(
            shown.reset_index(drop=True),
            _no_points(),
            "priority",
            "flagged_pct",
            "Schools flagged (%)",
            "",
            (),
            height=render.SLIDE_HEIGHT_PX,
        )
        png = _png(fig)
    rows = []
    for _, d in districts.iterrows():
        n = int(d["schools"])
        small = below is not None and suppress.is_small(n, below)
        pct = "" if small or pd.isna(d["flagged_pct"]) else f"{d['flagged_pct']:.0f}%"
        rec = "" if small or pd.isna(d["received_pct"]) else f"{d['received_pct']:.0f}%"
        rows.append([str(d["district_name"]), suppress.show_count(n, below), rec, pct])
    deck.chart_slide(
        "Schools flagged for support, by district",
        png,
        ["District", "Schools", "Returned", "Flagged"],
        rows,
        "Districts shaded by the share of their schools flagged for support; returned is the "
        "share of expected returns received." + _public_note(below, "districts"),
        table_size=11 if len(rows) <= 12 else 9,
        col_widths=(2.2, 1, 1, 1),
    )

    # 6. schools needing support
    by_reason = queries.flag_priority_summary(_cursor(db), f)
    priorities = queries.priority_summary(_cursor(db), f)
    reasons = queries.flag_summary(_cursor(db), f)
    plotted = reasons if below is None else suppress.for_plotting(reasons, "schools", below)
    png = _png(charts.count_bars(plotted, "flag_label", "schools")) if not plotted.empty else None
    rows = []
    for _flag, part in by_reason.groupby("flag", sort=False):
        counts = [
            int(part.loc[part["priority"] == p, "schools"].sum()) for p in palette.PRIORITY_ORDER
        ]
        rows.append(
            [str(part["flag_label"].iloc[0]), *[suppress.show_count(c, below) for c in counts]]
        )
    prio = {
        p: int(priorities.loc[priorities["priority"] == p, "schools"].sum())
        for p in palette.PRIORITY_ORDER
    }
    deck.chart_slide(
        "Schools needing support",
        png,
        ["Reason", "High", "Medium", "Low"],
        rows,
        "Schools flagged by priority: "
        + ", ".join(
            f"{palette.PRIORITY_LABELS[p].lower()} {suppress.show_count(n, below)}"
            for p, n in prio.items()
        )
        + ". A school can have several reasons; the table counts it once per reason, at its "
        "priority."
        + ("" if name_schools else " No school is named in this pack.")
        + _public_note(below),
        table_size=11,
        col_widths=(2.4, 1, 1, 1),
    )

    # 7. flagged schools, named only on request
    if name_schools:
        flagged = queries.flagged_schools(_cursor(db), f)
        for start in range(0, max(len(flagged), 1), ROWS_PER_SLIDE):
            part = flagged.iloc[start : start + ROWS_PER_SLIDE]
            page = start // ROWS_PER_SLIDE + 1
            pages = max(1, -(-len(flagged) // ROWS_PER_SLIDE))
            s = deck.slide("Flagged schools" + (f" ({page} of {pages})" if pages > 1 else ""))
            if part.empty:
                deck.text(
                    s,
                    "No school is flagged for these filters.",
                    Inches(0.6),
                    Inches(1.5),
                    Inches(10),
                    Inches(1),
                    size=20,
                )
                continue
            deck.table(
                s,
                ["School", "URN", "District", "Priority", "Reasons"],
                [
                    [
                        str(r["School"]),
                        str(r["URN"]),
                        str(r["District"] or ""),
                        palette.PRIORITY_LABELS.get(str(r["Priority"]), ""),
                        str(r["Reasons"] or ""),
                    ]
                    for _, r in part.iterrows()
                ],
                Inches(0.4),
                Inches(1.25),
                WIDTH - Inches(0.8),
                size=10,
                col_widths=(3, 1, 1.6, 1, 6),
            )

    # 8. trends across rounds
    trend = queries.grade_trend(_cursor(db), f)
    overall_trend = trend[trend["area"] == "overall"]
    rounds = sorted(overall_trend["round"].unique())
    plotted = _suppressed_grades(overall_trend, "round", below)
    png = _png(charts.grade_trend_chart(plotted, "overall")) if not plotted.empty else None
    header, rows = _grade_table(overall_trend, "round", rounds, below)
    deck.chart_slide(
        "Overall effectiveness across rounds",
        png,
        header,
        rows,
        "Overall effectiveness grades in every round with returns, for the same filters. "
        "Schools joining or missing a round change the mix." + _public_note(below),
        table_size=11,
        col_widths=(1.4, 1, 1, 1, 1, 1, 1),
    )

    # 9. methodology
    s = deck.slide("How the grades are worked out")
    deck.text(
        s,
        methodology_lines(info, below),
        Inches(0.6),
        Inches(1.3),
        WIDTH - Inches(1.2),
        Inches(5.4),
        size=14,
    )

    # 10. sources
    s = deck.slide("Data sources and licences")
    deck.text(
        s,
        [
            *SOURCES,
            f"Database built {info.get('built_at', 'unknown')}; "
            f"current round {info.get('current_round', 'unknown')}.",
        ],
        Inches(0.6),
        Inches(1.3),
        WIDTH - Inches(1.2),
        Inches(5),
        size=16,
    )
    return deck.save()


def _no_points() -> pd.DataFrame:
    # schools are not shown as points: a dot at a school's address names it
    return pd.DataFrame(columns=["urn", "name", "setting", "district", "lat", "lon", "priority"])


def _public_note(below: int | None, what: str = "cells") -> str:
    if below is None:
        return ""
    return (
        f" Public version: {what} with 1 to {below - 1} schools show '<{below}' and are "
        "not plotted; 'c' hides a cell that could be worked out from a total."
    )


def methodology_lines(info: dict[str, str], below: int | None) -> list[str]:
    """The methodology slide's text, with every number read from the seed tables."""
    bands = sorted(read_seed("grade_bands"), key=lambda r: int(r["grade"]))
    rules = {r["rule"]: r["value"] for r in read_seed("rules")}
    fresh = {r["status"]: r["max_days"] for r in read_seed("freshness_status")}
    points = {r["response"]: r["points"] for r in read_seed("response_labels")}

    def pct(key: str) -> str:
        return f"{float(rules[key]) * 100:.0f}%"

    lines = [
        "Each school rates itself against "
        f"{len(read_seed('indicators'))} statements in five areas: Fully in place = "
        f"{points.get('fully')} points, Partly = {points.get('partly')}, Not in place = "
        f"{points.get('not')}; Not applicable is left out.",
        "Blends: outcomes "
        + pct("outcomes_indicator_share")
        + " statements + "
        + pct("outcomes_survey_share")
        + " pupil survey; training "
        + pct("training_indicator_share")
        + " statements + "
        + pct("training_coverage_share")
        + " staff coverage; overall "
        + pct("overall_areas_share")
        + " the other four areas + "
        + pct("overall_ovr_share")
        + " its own statements.",
        "Grades from the score: "
        + "; ".join(
            f"{b['label']} {b['min_score']}%+"
            if int(b["min_score"])
            else f"{b['label']} below {bands[i - 1]['min_score']}%"
            for i, b in enumerate(bands)
        )
        + ".",
        "Caps (a grade can only get worse): locked-down filtering keeps provision at best "
        f"grade {rules['locked_down_cap_grade']}; a staff group under "
        f"{rules['training_group_min_coverage_pct']}% trained keeps training at best grade "
        f"{rules['training_group_cap_grade']}; overdue policies cap leadership; overall is never "
        "better than leadership.",
        f"Policy reviews: fresh within {fresh.get('fresh')} days, due soon within "
        f"{fresh.get('due_soon')} days, then overdue.",
        f"Support priority: high for an inadequate area or {rules['priority_high_flags']}+ flags, "
        f"medium for {rules['priority_medium_flags']}, low for {rules['priority_low_flags']}.",
        f"As of {_fmt_date(info.get('as_of'))}; current round {info.get('current_round', '')}"
        + (f", compared with {info['previous_round']}" if info.get("previous_round") else "")
        + ".",
    ]
    if below is not None:
        lines.append(
            f"Public version: counts of 1 to {below - 1} schools are shown as <{below} "
            "and left out of charts, as official statistics do."
        )
    return lines


def filters_from(
    round: str | None = None,
    districts: Sequence[str] = (),
    settings: Sequence[str] = (),
    filtering: str | None = None,
) -> Filters:
    """A ``Filters`` from CLI-style options (filtering must be a known key)."""
    if filtering is not None and filtering not in FILTERING_CHOICES:
        raise PackError(f"--filtering must be one of {', '.join(FILTERING_CHOICES)}")
    return Filters(
        round=round, districts=tuple(districts), settings=tuple(settings), filtering=filtering
    )
