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
from functools import lru_cache
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.util import Emu, Inches, Pt

from lakehouse import casework, methodology, queries, seeds, triage
from lakehouse.filters import Filters
from lakehouse.spec import labels
from packs import render, suppress
from presentation import charts
from presentation.formatting import council_date, percent, percent_of, percent_value

WIDTH = Inches(13.333)
HEIGHT = Inches(7.5)
TITLE_ONLY_LAYOUT = 5
TITLE_LAYOUT = 0

BLUE = RGBColor(0x00, 0x72, 0xB2)
# #555555 on white is 7.5:1, readable from the back of a room
GREY = RGBColor(0x55, 0x55, 0x55)

# Type sizes on the slide, in points: nothing under 14 so the back row can read it.
MIN_PT = 14
TITLE_PT = 26
BODY_PT = 16
TABLE_PT = 14
# Chart images are laid out at one pixel per point of their box on the slide, so a
# 16 px label in the figure is a 16 pt label on the slide; drawn 3x for a crisp projector.
CHART_PT = 16
IMAGE_SCALE = 3.0

MARGIN = Inches(0.4)
CONTENT_TOP = Inches(1.25)
FOOTER_TOP = HEIGHT - Inches(0.5)
CONTENT_BOTTOM = FOOTER_TOP - Inches(0.05)

# the font LibreOffice falls back to here, wider than Calibri: measuring with it errs safe
_MEASURE_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
_MEASURE_FONT_BOLD = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")

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


# ---------------------------------------------------------------- measuring text


@lru_cache(maxsize=32)
def _font(size_pt: float, bold: bool):
    from PIL import ImageFont

    path = _MEASURE_FONT_BOLD if bold else _MEASURE_FONT
    if not path.exists():
        return None
    return ImageFont.truetype(str(path), int(round(size_pt * 10)))


def text_width_pt(text: str, size_pt: float, bold: bool = False) -> float:
    """How wide ``text`` is at ``size_pt`` (points), measured with DejaVu Sans."""
    font = _font(size_pt, bold)
    if font is None:  # no font file: a generous average glyph width
        return len(text) * size_pt * 0.62
    return float(font.getlength(text)) / 10.0


def wrapped_lines(text: str, width_pt: float, size_pt: float, bold: bool = False) -> int:
    """Lines ``text`` takes when word-wrapped into ``width_pt``."""
    lines = 0
    for para in str(text).split("\n"):
        words = para.split()
        if not words:
            lines += 1
            continue
        current = ""
        count = 1
        for w in words:
            trial = f"{current} {w}".strip()
            if current and text_width_pt(trial, size_pt, bold) > width_pt:
                count += 1
                current = w
            else:
                current = trial
        lines += count
    return lines


def fitting_size(text: str, width_pt: float, largest: int, smallest: int = MIN_PT) -> int:
    """The largest bold size from ``largest`` down that keeps ``text`` on one line."""
    for size in range(largest, smallest - 1, -2):
        if text_width_pt(text, size, bold=True) <= width_pt:
            return size
    return smallest


def _emu_pt(emu: int) -> float:
    return emu / 12700.0


# ---------------------------------------------------------------- helpers


def _fmt_date(value: object) -> str:
    return council_date(value, missing="unknown")


class _Deck:
    """A python-pptx presentation with the few slide shapes the pack needs."""

    def __init__(self) -> None:
        self.prs = Presentation()
        self.prs.slide_width = WIDTH
        self.prs.slide_height = HEIGHT
        self.footer = ""

    def slide(self, title: str, name: str = ""):
        """A titled slide; ``name`` is its stable internal name (titles are messages)."""
        s = self.prs.slides.add_slide(self.prs.slide_layouts[TITLE_ONLY_LAYOUT])
        s.name = name
        t = s.shapes.title
        t.left, t.top, t.width, t.height = MARGIN, Inches(0.2), WIDTH - 2 * MARGIN, Inches(1.0)
        t.text = title
        tf = t.text_frame
        tf.word_wrap = True
        tf.auto_size = MSO_AUTO_SIZE.NONE
        tf.vertical_anchor = MSO_ANCHOR.TOP
        # a message title is a sentence: two lines at most, smaller before it spills
        size = TITLE_PT
        while size > 20 and wrapped_lines(title, _emu_pt(t.width) - 14, size, True) > 2:
            size -= 2
        para = tf.paragraphs[0]
        para.font.size = Pt(size)
        para.font.bold = True
        para.font.color.rgb = BLUE
        para.alignment = PP_ALIGN.LEFT
        if self.footer:
            self.text(
                s,
                self.footer,
                MARGIN,
                FOOTER_TOP,
                WIDTH - 2 * MARGIN,
                Inches(0.4),
                size=MIN_PT,
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
        size: int = BODY_PT,
        bold: bool = False,
        colour: RGBColor | None = None,
        align=None,
    ):
        box = slide.shapes.add_textbox(left, top, width, height)
        tf = box.text_frame
        tf.word_wrap = True
        tf.auto_size = MSO_AUTO_SIZE.NONE
        lines = [text] if isinstance(text, str) else list(text)
        for i, line in enumerate(lines):
            p = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
            p.text = line
            p.font.size = Pt(size)
            p.font.bold = bold
            if colour is not None:
                p.font.color.rgb = colour
            if align is not None:
                p.alignment = align
            p.space_after = Pt(4)
        return box

    def picture(self, slide, png: bytes, left, top, width, height=None):
        return slide.shapes.add_picture(io.BytesIO(png), left, top, width=width, height=height)

    def table(
        self,
        slide,
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        left,
        top,
        width,
        *,
        size: int = TABLE_PT,
        col_widths: Sequence[float] | None = None,
    ):
        """A table whose row heights fit their wrapped text (so its shape is its real size)."""
        n_cols = len(header)
        weights = list(col_widths or [1.0] * n_cols)
        widths = [int(width * w / sum(weights)) for w in weights]
        heights = table_row_heights(header, rows, widths, size)
        shape = slide.shapes.add_table(
            len(rows) + 1, n_cols, left, top, width, Emu(int(sum(heights)))
        )
        tbl = shape.table
        for i, w in enumerate(widths):
            tbl.columns[i].width = Emu(w)
        for r, values in enumerate([header, *rows]):
            tbl.rows[r].height = Emu(int(heights[r]))
            for c, v in enumerate(values):
                cell = tbl.cell(r, c)
                cell.text = str(v)
                cell.margin_left = cell.margin_right = _CELL_MARGIN
                cell.margin_top = cell.margin_bottom = _CELL_MARGIN_V
                para = cell.text_frame.paragraphs[0]
                para.font.size = Pt(size)
                para.font.bold = r == 0
        return shape

    def chart(self, slide, fig, left, top, width, height) -> None:
        """A figure drawn at one pixel per point of its box, so its type sizes are points."""
        png = chart_png(fig, _emu_pt(width), _emu_pt(height))
        self.picture(slide, png, left, top, width, height)

    def save(self) -> bytes:
        buf = io.BytesIO()
        self.prs.save(buf)
        return buf.getvalue()


_CELL_MARGIN = Inches(0.06)
_CELL_MARGIN_V = Inches(0.04)


def table_row_heights(
    header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[int], size: int
) -> list[float]:
    """Each row's height in EMU: the most wrapped cell's lines at 1.2 line spacing."""
    pad = 2 * _CELL_MARGIN
    out = []
    for r, values in enumerate([header, *rows]):
        lines = max(
            wrapped_lines(str(v), _emu_pt(w - pad) - 2, size, bold=r == 0)
            for v, w in zip(values, widths, strict=False)
        )
        out.append(float(Pt(size * 1.2 * lines) + 2 * _CELL_MARGIN_V + Pt(2)))
    return out


def for_slide(fig, size: int = CHART_PT):
    """A figure with every text at ``size``: base font, ticks, legend, numbers on bars."""
    fig.update_layout(
        font_size=size, legend_font_size=size, margin={"l": 8, "r": 8, "t": 40, "b": 8}
    )
    fig.update_xaxes(tickfont_size=size, title_font_size=size)
    fig.update_yaxes(tickfont_size=size, title_font_size=size)
    for trace in fig.data:
        if getattr(trace, "textfont", None) is not None:
            trace.textfont.size = size
    for ann in fig.layout.annotations:
        ann.font.size = max(size - 2, MIN_PT)
    return fig


def chart_png(fig, width_pt: float, height_pt: float) -> bytes:
    """PNG of ``fig`` for a box of ``width_pt`` × ``height_pt`` on a slide."""
    fig = for_slide(go.Figure(fig))
    return render.figure_png(
        fig, width=int(round(width_pt)), height=int(round(height_pt)), scale=IMAGE_SCALE
    )


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


def _grade_table(
    df: pd.DataFrame,
    group_col: str,
    groups: Sequence[str],
    below: int | None,
    first: str = "",
    names: dict[str, str] | None = None,
):
    """Rows of group × grade counts (text), suppression applied, with a total column."""
    labels = seeds.grade_labels()
    wide = (
        # gold's labels; rows from a frame without them get the seed's
        charts.with_grade_labels(df)
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
        label = (names or {}).get(str(g), str(g))
        rows.append([label, *cells, suppress.show_count(sum(counts), below)])
    return [first, *labels, "Total"], rows


@dataclass(frozen=True)
class _Mix:
    """One group's grade mix: schools graded and the shares the titles quote."""

    graded: int
    outstanding: int
    good_or_better: int
    satisfactory_or_worse: int


def _mixes(df: pd.DataFrame, group_col: str) -> dict[str, _Mix]:
    out = {}
    for g, part in df.groupby(group_col, sort=False):
        graded = part[part["grade"].notna()]
        n = int(graded["schools"].sum())
        by = {int(k): int(v) for k, v in graded.groupby("grade")["schools"].sum().items()}
        out[str(g)] = _Mix(
            n, by.get(1, 0), by.get(1, 0) + by.get(2, 0), by.get(3, 0) + by.get(4, 0)
        )
    return out


def _share(count: int, total: int, below: int | None) -> str:
    if below is not None and total < below:
        return "c"
    return percent_of(count, total, missing="no")


def _chart_table_slide(
    deck: _Deck,
    name: str,
    title: str,
    fig,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    caption: str,
    *,
    col_widths: Sequence[float] | None = None,
) -> None:
    """Chart across the top, its numbers in a table under it, a caption at the bottom.

    When the table leaves the chart too little room, the numbers go on a slide of their own
    right after it, so nothing shrinks under the projector size.
    """
    s = deck.slide(title, name)
    width = WIDTH - 2 * MARGIN
    cap_lines = wrapped_lines(caption, _emu_pt(width) - 14, MIN_PT)
    cap_h = Pt(MIN_PT * 1.25 * cap_lines + 10)
    weights = list(col_widths or [1.0] * len(header))
    widths = [int(width * w / sum(weights)) for w in weights]
    table_h = sum(table_row_heights(header, rows, widths, TABLE_PT)) if rows else 0
    room = CONTENT_BOTTOM - CONTENT_TOP - cap_h - Inches(0.15)
    # each bar needs about half an inch for a 16 pt label, plus legend and axis
    needed = Inches(1.4) + Inches(0.5) * max(len(rows), 1)
    own_slide = rows and room - table_h < needed
    chart_h = room if own_slide or not rows else room - table_h
    if fig is not None:
        deck.chart(s, fig, MARGIN, CONTENT_TOP, width, int(chart_h))
    else:
        deck.text(
            s, "Nothing to chart for these filters.", MARGIN, Inches(3), width, Inches(1), size=20
        )
    deck.text(
        s, caption, MARGIN, int(CONTENT_BOTTOM - cap_h), width, int(cap_h), size=MIN_PT, colour=GREY
    )
    if not rows:
        return
    if own_slide:
        s = deck.slide("The numbers behind: " + title[0].lower() + title[1:], f"{name}-numbers")
        deck.table(s, header, rows, MARGIN, CONTENT_TOP, width, col_widths=col_widths)
    else:
        deck.table(
            s,
            header,
            rows,
            MARGIN,
            int(CONTENT_TOP + chart_h + Inches(0.05)),
            width,
            col_widths=col_widths,
        )


def _side_slide(
    deck: _Deck,
    name: str,
    title: str,
    fig,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    caption: str,
    *,
    chart_width: int = Inches(7.0),  # noqa: B008 - a constant length
    col_widths: Sequence[float] | None = None,
) -> None:
    """Chart on the left, its numbers on the right (long narrow tables: districts, reasons)."""
    s = deck.slide(title, name)
    width = WIDTH - 2 * MARGIN
    cap_lines = wrapped_lines(caption, _emu_pt(width) - 14, MIN_PT)
    cap_h = Pt(MIN_PT * 1.25 * cap_lines + 10)
    chart_h = int(CONTENT_BOTTOM - CONTENT_TOP - cap_h - Inches(0.1))
    if fig is not None:
        deck.chart(s, fig, MARGIN, CONTENT_TOP, chart_width, chart_h)
    else:
        deck.text(
            s,
            "Nothing to chart for these filters.",
            MARGIN,
            Inches(3),
            chart_width,
            Inches(1),
            size=20,
        )
    table_left = MARGIN + chart_width + Inches(0.2)
    table_w = WIDTH - MARGIN - table_left
    if rows:
        weights = list(col_widths or [1.0] * len(header))
        widths = [int(table_w * w / sum(weights)) for w in weights]
        if sum(table_row_heights(header, rows, widths, TABLE_PT)) > chart_h:
            # too long to sit beside the chart: the numbers get a slide of their own
            _paged_tables(
                deck,
                f"{name}-numbers",
                "The numbers behind: " + title[0].lower() + title[1:],
                header,
                rows,
                col_widths,
            )
        else:
            deck.table(s, header, rows, table_left, CONTENT_TOP, table_w, col_widths=col_widths)
    deck.text(
        s, caption, MARGIN, int(CONTENT_BOTTOM - cap_h), width, int(cap_h), size=MIN_PT, colour=GREY
    )


def paginate(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths: Sequence[int],
    room: float,
    size: int = TABLE_PT,
) -> list[list[Sequence[str]]]:
    """Rows split into pages whose tables (header repeated) fit in ``room`` EMU."""
    heights = table_row_heights(header, rows, widths, size)
    head, body = heights[0], heights[1:]
    pages: list[list[Sequence[str]]] = [[]]
    used = head
    for row, h in zip(rows, body, strict=True):
        if pages[-1] and used + h > room:
            pages.append([])
            used = head
        pages[-1].append(row)
        used += h
    return pages


def _paged_tables(
    deck: _Deck,
    name: str,
    title: str,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    col_widths: Sequence[float] | None = None,
) -> int:
    """As many slides as the rows need, each table inside its slide; returns the slide count."""
    width = WIDTH - 2 * MARGIN
    weights = list(col_widths or [1.0] * len(header))
    widths = [int(width * w / sum(weights)) for w in weights]
    pages = paginate(header, rows, widths, CONTENT_BOTTOM - CONTENT_TOP)
    for i, part in enumerate(pages, start=1):
        s = deck.slide(title + (f" ({i} of {len(pages)})" if len(pages) > 1 else ""), f"{name}-{i}")
        deck.table(s, header, part, MARGIN, CONTENT_TOP, width, col_widths=col_widths)
    return len(pages)


# ---------------------------------------------------------------- the pack


def cabinet_pack_pptx(
    db: object, filters: Filters | None = None, *, public: bool = False, name_schools: bool = False
) -> bytes:
    """The cabinet pack for ``filters`` as PPTX bytes.

    ``public`` suppresses counts of fewer than five schools (seed rule
    ``public_suppress_below``) in tables and leaves them out of charts;
    ``name_schools`` adds a table of flagged schools (never in a public pack).
    Each slide's title is its message, worked out from the numbers on it.
    """
    f = filters or Filters()
    if not queries.has_data(_cursor(db)):
        raise PackError("no data loaded: run the ingest commands first")
    options = queries.filter_options(_cursor(db))
    if f.round and f.round not in options.rounds:
        raise PackError(
            f"round {f.round} has no returns; loaded rounds: {', '.join(options.rounds) or 'none'}"
        )
    # the round settled once: every query below gets a concrete round
    f = queries.resolve_round(f, options)
    below = suppress.threshold() if public else None
    small_n = suppress.threshold()
    name_schools = name_schools and not public
    info = queries.build_info(_cursor(db))
    head = queries.headline(_cursor(db), f)
    rnd = f.round or "no round"
    as_of = _fmt_date(info.get("as_of"))
    setting_names = labels("settings", "setting")
    grade_names = seeds.vocabulary("grade")
    better_words = f"{grade_names[2]} or better"  # the grade words come from the seed

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
    for para in s.placeholders[1].text_frame.paragraphs:
        para.font.size = Pt(20)

    # 2. headline numbers
    good = queries.grade_distribution(_cursor(db), f)
    overall = good[good["area"] == "overall"]
    graded = int(overall.loc[overall["grade"].notna(), "schools"].sum())
    good_or_better = int(overall.loc[overall["grade"].isin([1, 2]), "schools"].sum())
    received = suppress.show_count(head["received"], below)
    expected = suppress.show_count(head["expected"], below)
    gob = suppress.show_percent(good_or_better, graded, below) or "—"
    title = f"{received} of {expected} returns in; {gob} of schools {better_words} overall"
    if not graded:
        title = f"{received} of {expected} returns in; no school graded yet"
    s = deck.slide(title, "headline")
    numbers = [
        ("Schools in scope", suppress.show_count(head["schools"], below)),
        ("Returns received", f"{received} of {expected}"),
        ("Received late", suppress.show_count(head["late"], below)),
        ("Missing returns", suppress.show_count(head["missing"], below)),
        (f"Overall {better_words}", gob),
        ("Schools flagged for support", suppress.show_count(head["flagged"], below)),
    ]
    box_w = Inches(3.9)
    for i, (label, value) in enumerate(numbers):
        left = Inches(0.6 + (i % 3) * 4.15)
        top = Inches(1.5 + (i // 3) * 2.4)
        # sized to stay on one line in its box: "529 of 589" never wraps over its label
        size = fitting_size(value, _emu_pt(box_w) - 16, 48)
        deck.text(s, value, left, top, box_w, Inches(1.0), size=size, bold=True, colour=BLUE)
        deck.text(s, label, left, top + Inches(1.05), box_w, Inches(0.6), size=20)
    deck.text(
        s,
        f"Round {rnd}. {better_words} is the share of schools with an overall grade "
        f"({suppress.show_count(graded, below)} graded).",
        MARGIN,
        int(CONTENT_BOTTOM - Inches(0.5)),
        WIDTH - 2 * MARGIN,
        Inches(0.45),
        size=MIN_PT,
        colour=GREY,
    )

    # 3. grade distribution, five areas: the weakest area is the message
    area_labels = [queries.area_labels()[a] for a in queries.AREAS]
    dist = good.assign(area_label=good["area"].map(queries.area_labels()))
    mixes = _mixes(dist, "area_label")
    title = "Grades in the five areas"
    ranked = [(m.satisfactory_or_worse / m.graded, a) for a, m in mixes.items() if m.graded]
    if ranked:
        _, weakest = max(ranked)
        m = mixes[weakest]
        title = (
            f"{weakest} is the weakest area: "
            f"{_share(m.satisfactory_or_worse, m.graded, below)} of schools "
            f"{grade_names[3]} or worse"
        )
    plotted = _suppressed_grades(dist, "area_label", below)
    header, rows = _grade_table(dist, "area_label", area_labels, below, "Area")
    _chart_table_slide(
        deck,
        "areas",
        title,
        charts.grade_distribution_chart(plotted) if not plotted.empty else None,
        header,
        rows,
        f"Schools at each grade in each area, round {rnd}. Bars show the share of schools; "
        "the numbers on the bars are schools; n is the number of schools." + _public_note(below),
        col_widths=(2.6, 1.3, 1, 1.3, 1.2, 1.4, 0.9),
    )

    # 4. setting comparison (overall grade)
    by_setting = queries.grade_by(_cursor(db), f, "overall", "setting")
    by_setting = by_setting.assign(group=by_setting["group"].map(lambda g: setting_names.get(g, g)))
    groups = list(dict.fromkeys(by_setting["group"]))
    mixes = _mixes(by_setting, "group")
    big = [(m.good_or_better / m.graded, g) for g, m in mixes.items() if m.graded >= small_n]
    title = "Overall effectiveness by type of school"
    if len(big) >= 2:
        (p_hi, best), (p_lo, worst) = max(big), min(big)
        mb, mw = mixes[best], mixes[worst]
        if p_hi > p_lo:
            title = (
                f"{best} schools do best: {_share(mb.good_or_better, mb.graded, below)} "
                f"{better_words} overall, against {_share(mw.good_or_better, mw.graded, below)} "
                f"for {worst.lower() if worst not in ('PRU',) else worst}"
            )
    elif len(big) == 1:
        g = big[0][1]
        title = f"{g}: {_share(mixes[g].good_or_better, mixes[g].graded, below)} {better_words}"
    plotted = _suppressed_grades(by_setting, "group", below)
    header, rows = _grade_table(by_setting, "group", groups, below, "Type of school")
    _chart_table_slide(
        deck,
        "setting",
        title,
        charts.stacked_grade_bars(plotted, "group", groups, small_n=small_n)
        if not plotted.empty
        else None,
        header,
        rows,
        f"Overall effectiveness grade by type of school. Groups of fewer than {small_n} schools "
        "are marked: one school changes them a lot." + _public_note(below),
        col_widths=(2.6, 1.3, 1, 1.3, 1.2, 1.4, 0.9),
    )

    # 5. filtering approach (overall grade): locked down against managed
    by_filter = queries.grade_by(_cursor(db), f, "overall", "filtering")
    by_filter = by_filter[by_filter["group"].isin(list(seeds.vocabulary("filtering")))]
    if not by_filter.empty:
        by_filter = by_filter.assign(group=by_filter["group"].map(seeds.vocabulary("filtering")))
        groups = [g for g in seeds.vocabulary("filtering").values() if g in set(by_filter["group"])]
        mixes = _mixes(by_filter, "group")
        locked, managed = (
            seeds.vocabulary("filtering")["locked_down"],
            seeds.vocabulary("filtering")["managed"],
        )
        title = "Overall effectiveness by filtering approach"
        if locked in mixes and managed in mixes and mixes[locked].graded and mixes[managed].graded:
            ml, mm = mixes[locked], mixes[managed]
            title = (
                f"{locked} schools: {_share(ml.outstanding, ml.graded, below)} "
                f"{grade_names[1]} against {_share(mm.outstanding, mm.graded, below)} "
                f"{managed.lower()}"
            )
        plotted = _suppressed_grades(by_filter, "group", below)
        header, rows = _grade_table(by_filter, "group", groups, below, "Filtering")
        _chart_table_slide(
            deck,
            "filtering",
            title,
            charts.stacked_grade_bars(plotted, "group", groups, small_n=small_n)
            if not plotted.empty
            else None,
            header,
            rows,
            "Overall effectiveness grade by the school's approach to web filtering: locked down "
            "blocks by default; managed lets staff and pupils reach more, with supervision."
            + _public_note(below),
            col_widths=(2.6, 1.3, 1, 1.3, 1.2, 1.4, 0.9),
        )

    # 6. county map by district
    districts = queries.district_summary(_cursor(db), f)
    if districts.empty:
        _no_boundaries_slide(deck)
    else:
        _district_slide(deck, districts, head, below, small_n)

    # 7. schools needing support
    by_reason = queries.flag_priority_summary(_cursor(db), f)
    priorities = queries.priority_summary(_cursor(db), f)
    reasons = queries.flag_summary(_cursor(db), f)
    plotted = reasons if below is None else suppress.for_plotting(reasons, "schools", below)
    rows = []
    for _flag, part in by_reason.groupby("flag", sort=False):
        counts = [
            int(part.loc[part["priority"] == p, "schools"].sum()) for p in seeds.order("priority")
        ]
        rows.append(
            [str(part["flag_label"].iloc[0]), *[suppress.show_count(c, below) for c in counts]]
        )
    prio = {
        p: int(priorities.loc[priorities["priority"] == p, "schools"].sum())
        for p in seeds.order("priority")
    }
    title = "No school is flagged for support"
    if head["flagged"]:
        title = (
            f"{suppress.show_count(head['flagged'], below)} schools need support, "
            f"{suppress.show_count(prio.get('high', 0), below)} of them high priority"
        )
        if not reasons.empty:
            top = reasons.iloc[0]
            title += (
                f"; the commonest reason: {str(top['flag_label']).lower()} "
                f"({suppress.show_count(top['schools'], below)} schools)"
            )
    _side_slide(
        deck,
        "support",
        title,
        charts.count_bars(plotted, "flag_label", "schools") if not plotted.empty else None,
        ["Reason", *seeds.vocabulary("priority").values()],
        rows,
        "Schools flagged by priority: "
        + ", ".join(
            f"{seeds.vocabulary('priority')[p].lower()} {suppress.show_count(n, below)}"
            for p, n in prio.items()
        )
        + ". A school can have several reasons; the table counts it once per reason, at its "
        "priority."
        + ("" if name_schools else " No school is named in this pack.")
        + _public_note(below),
        chart_width=Inches(6.6),
        col_widths=(2.9, 1.1, 1.3, 1.0),
    )

    # 7a. county-wide themes: what the council does for every school at once
    themes = triage.county_themes(_cursor(db), f)
    themes = themes[themes["Schools"] > 0].sort_values("Schools", ascending=False)
    if not themes.empty:
        top = themes.iloc[0]
        share = percent(top["Share (%)"])
        if below is not None and suppress.is_small(top["Schools"], below):
            share = "c"
        plotted = themes if below is None else suppress.for_plotting(themes, "Schools", below)
        _side_slide(
            deck,
            "themes",
            f"The commonest county-wide theme: {str(top['Theme']).lower()}, in {share} of "
            "schools that returned",
            charts.count_bars(plotted, "Theme", "Schools") if not plotted.empty else None,
            ["Theme", "Schools", "Share", "County-wide action"],
            [
                [
                    str(t["Theme"]),
                    suppress.show_count(t["Schools"], below),
                    "c"
                    if below is not None and suppress.is_small(t["Schools"], below)
                    else percent(t["Share (%)"]),
                    str(t["County-wide action"] or ""),
                ]
                for _, t in themes.iterrows()
            ],
            "Themes are met by the council's county-wide offer rather than a visit to each "
            "school. Share is of the schools that returned this round." + _public_note(below),
            chart_width=Inches(5.2),
            col_widths=(2.0, 1.1, 1.0, 3.6),
        )

    # 7b. the support worklist: how much of it the team can take on this round
    summary = triage.worklist_summary(_cursor(db), f)
    flagged_n = int(summary["schools"].sum())
    within = int(summary["within_capacity"].sum())
    if flagged_n:
        capacity = int(seeds.rule("casework_capacity"))
        _side_slide(
            deck,
            "worklist",
            f"The support team can take on {capacity} schools this round: "
            f"{suppress.show_count(within, below)} of the "
            f"{suppress.show_count(flagged_n, below)} flagged, highest priority first",
            charts.count_bars(
                summary.rename(columns={"label": "Priority", "schools": "Schools"}),
                "Priority",
                "Schools",
            ),
            ["Priority", "Schools flagged", "Within this round's capacity"],
            [
                [
                    str(r["label"]),
                    suppress.show_count(r["schools"], below),
                    suppress.show_count(r["within_capacity"], below),
                ]
                for _, r in summary.iterrows()
            ],
            "The worklist orders flagged schools by priority, then by the weight of their flags, "
            "then by overall score; the team's capacity (a rule in the seeds) marks how far down "
            "it reaches this round." + _public_note(below),
            chart_width=Inches(6.2),
            col_widths=(1.6, 1.4, 2.0),
        )

    # 7c. impact of support: overall grades a round later, supported beside not, with n
    supported = casework.supported_pairs(db) if hasattr(db, "path") else ()
    moved = triage.impact(_cursor(db), f, supported)
    if not moved.empty:
        latest = moved[moved["Round"] == moved["Round"].max()]
        helped = latest[latest["Group"] == "Support recorded"].iloc[0]

        def improved(r: pd.Series) -> str:
            n = int(r["Schools"])
            if not n or (below is not None and suppress.is_small(n, below)):
                return "c" if n else "none"
            return percent(r["Improved (%)"])

        title = (
            f"A round after support, {improved(helped)} of supported schools had a better "
            "overall grade"
            if int(helped["Schools"])
            else f"No support was recorded in {helped['Round']} to follow into "
            f"{helped['Next round']}"
        )
        plotted = suppress.for_plotting(
            suppress.for_plotting(latest, "Schools", below), "Improved", below
        )
        _side_slide(
            deck,
            "impact",
            title,
            charts.count_bars(plotted, "Group", "Improved") if not plotted.empty else None,
            ["Rounds", "Group", "Schools (n)", "Improved", "Same", "Declined", "Improved %"],
            [
                [
                    f"{r['Round']} to {r['Next round']}",
                    str(r["Group"]),
                    suppress.show_count(r["Schools"], below),
                    suppress.show_count(r["Improved"], below),
                    suppress.show_count(r["Same"], below),
                    suppress.show_count(r["Declined"], below),
                    improved(r),
                ]
                for _, r in moved.iterrows()
            ],
            "Schools with support recorded in a round beside schools flagged in it with none "
            "recorded; overall grade in the next round. Small groups say little; this is not "
            "proof that support caused a change." + _public_note(below),
            chart_width=Inches(4.6),
            col_widths=(1.4, 2.2, 1.0, 1.0, 0.8, 1.0, 1.0),
        )

    # 8. flagged schools, named only on request: pages of tables that fit their slides
    if name_schools:
        # the worklist's order (priority, support score, overall score), as the team works it
        flagged = triage.worklist(_cursor(db), f)
        if flagged.empty:
            s = deck.slide("No school is flagged for these filters", "named-1")
        else:
            # the reasons' names, not their full text: the school profile and the governor
            # report carry the detail, and a cabinet list has to stay a few slides long
            _paged_tables(
                deck,
                "named",
                "Schools flagged for support, in worklist order",
                ["School", "URN", "District", "Priority", "Reasons for support"],
                [
                    [
                        str(r["School"]),
                        str(r["URN"]),
                        str(r["District"] or ""),
                        str(r["Priority"] or ""),
                        flag_names(db, int(r["URN"])),
                    ]
                    for _, r in flagged.iterrows()
                ],
                (3.6, 1, 1.9, 1.1, 4.8),
            )

    # 9. trends across rounds
    trend = queries.grade_trend(_cursor(db), f)
    overall_trend = trend[trend["area"] == "overall"]
    rounds = sorted(overall_trend["round"].unique())
    mixes = _mixes(overall_trend, "round")
    title = "Overall effectiveness across rounds"
    kept = [r for r in rounds if mixes.get(r) and mixes[r].graded]
    if len(kept) >= 2:
        a, b = mixes[kept[0]], mixes[kept[-1]]
        pa = percent_value(a.good_or_better, a.graded) or 0
        pb = percent_value(b.good_or_better, b.graded) or 0
        verb = "rose" if pb > pa else "fell" if pb < pa else "held"
        title = (
            f"{better_words} overall {verb} from {_share(a.good_or_better, a.graded, below)} in "
            f"{kept[0]} to {_share(b.good_or_better, b.graded, below)} in {kept[-1]}"
            if verb != "held"
            else f"{better_words} overall held at {_share(b.good_or_better, b.graded, below)} "
            f"from {kept[0]} to {kept[-1]}"
        )
    plotted = _suppressed_grades(overall_trend, "round", below)
    header, rows = _grade_table(overall_trend, "round", rounds, below, "Round")
    _chart_table_slide(
        deck,
        "trend",
        title,
        charts.grade_trend_chart(plotted, "overall") if not plotted.empty else None,
        header,
        rows,
        "Overall effectiveness grades in every round with returns, for the same filters. "
        "Schools joining or missing a round change the mix." + _public_note(below),
        col_widths=(2.6, 1.3, 1, 1.3, 1.2, 1.4, 0.9),
    )

    # 10. methodology
    s = deck.slide("How the grades are worked out", "methodology")
    deck.text(
        s,
        methodology_lines(info, below),
        MARGIN,
        CONTENT_TOP,
        WIDTH - 2 * MARGIN,
        int(CONTENT_BOTTOM - CONTENT_TOP),
        size=BODY_PT,
    )

    # 11. sources
    s = deck.slide("Data sources and licences", "sources")
    deck.text(
        s,
        [
            *SOURCES,
            f"Database built {info.get('built_at', 'unknown')}; "
            f"current round {info.get('current_round', 'unknown')}.",
        ],
        MARGIN,
        CONTENT_TOP,
        WIDTH - 2 * MARGIN,
        int(CONTENT_BOTTOM - CONTENT_TOP),
        size=BODY_PT,
    )
    return deck.save()


def flag_names(db: object, urn: int) -> str:
    """One school's flag names, concerns first then themes: 'Policy out of date; Filtering'."""
    flags = triage.school_flags(_cursor(db), urn)
    return "; ".join(str(v) for v in flags["Flag"])


def _no_boundaries_slide(deck: _Deck) -> None:
    """The map slide of a database with no district boundaries: says so, draws nothing."""
    s = deck.slide("No district map: no district boundaries are loaded", "districts")
    deck.text(
        s,
        [
            "No district boundaries are loaded, so this pack has no map or district table.",
            "The data team loads them with: python -m ingest boundaries FILE.geojson",
        ],
        MARGIN,
        CONTENT_TOP,
        WIDTH - 2 * MARGIN,
        Inches(1.5),
        size=BODY_PT,
    )


def _district_slide(
    deck: _Deck, districts: pd.DataFrame, head: dict, below: int | None, small_n: int
) -> None:
    """The county map shaded by the share flagged, its numbers beside it."""
    shown = districts
    if below is not None:
        # astype: an empty map() is object-typed and would select columns, not rows
        tiny = districts["schools"].map(lambda n: suppress.is_small(n, below)).astype(bool)
        shown = districts[~tiny]
    rows = []
    for _, d in districts.iterrows():
        n = int(d["schools"])
        small = below is not None and suppress.is_small(n, below)
        pct = "" if small else percent(d["flagged_pct"], missing="")
        rec = "" if small else percent(d["received_pct"], missing="")
        rows.append([str(d["district_name"]), suppress.show_count(n, below), rec, pct])
    title = "Schools flagged for support, by district"
    ranked_d = [
        (float(v), str(nm))
        for v, nm, n in zip(
            shown["flagged_pct"], shown["district_name"], shown["schools"], strict=False
        )
        if not pd.isna(v) and int(n) >= small_n
    ]
    if ranked_d and head["schools"]:
        top_pct, top_name = max(ranked_d)
        county_pct = percent_of(head["flagged"], head["schools"])
        title = (
            f"Most schools flagged in {top_name}: {percent(top_pct)} of its schools, "
            f"against {county_pct} across the county"
        )
    fig = None
    if not shown.empty:
        fig = charts.district_map_static(
            shown.reset_index(drop=True), "flagged_pct", "Schools flagged"
        )
    _side_slide(
        deck,
        "districts",
        title,
        fig,
        ["District", "Schools", "Returned", "Flagged"],
        rows,
        "Districts shaded by the share of their schools flagged for support (the scale runs "
        "over these districts' range); returned is the share of expected returns received."
        + _public_note(below, "districts"),
        chart_width=Inches(7.9),
        col_widths=(2.3, 1.1, 1.25, 1.1),
    )


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
    """The methodology slide: the method as ``lakehouse.methodology`` tells it, then this
    pack's as-of date, rounds and suppression."""
    lines = [
        *methodology.summary_lines(),
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
    if filtering is not None and filtering not in seeds.order("filtering"):
        raise PackError(f"--filtering must be one of {', '.join(seeds.order('filtering'))}")
    return Filters(
        round=round, districts=tuple(districts), settings=tuple(settings), filtering=filtering
    )
