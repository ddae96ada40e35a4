"""Deck layout for the slide packs: measuring text, tables that fit, pagination.

Nothing here knows what a slide says. It places text, tables and chart images
on 16:9 slides so that nothing is smaller than the back row can read (14 pt),
nothing wraps inside a word, and nothing runs off its slide: a table too long
for the room beside or under its chart goes on slides of its own.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.util import Emu, Inches, Pt

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
# the sentence a chart slide shows when it has no chart
EMPTY_PT = 20
IMAGE_SCALE = 3.0

MARGIN = Inches(0.4)
CONTENT_TOP = Inches(1.25)
FOOTER_TOP = HEIGHT - Inches(0.5)
CONTENT_BOTTOM = FOOTER_TOP - Inches(0.05)
CONTENT_WIDTH = WIDTH - 2 * MARGIN

CELL_MARGIN = Inches(0.06)
CELL_MARGIN_V = Inches(0.04)

# the font LibreOffice falls back to here, wider than Calibri: measuring with it errs safe
_MEASURE_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
_MEASURE_FONT_BOLD = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")


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


def longest_word_pt(text: str, size_pt: float, bold: bool = False) -> float:
    """The width of the widest word of ``text``: a column narrower than this breaks a word."""
    words = str(text).split()
    return max((text_width_pt(w, size_pt, bold) for w in words), default=0.0)


def fitting_size(text: str, width_pt: float, largest: int, smallest: int = MIN_PT) -> int:
    """The largest bold size from ``largest`` down that keeps ``text`` on one line."""
    for size in range(largest, smallest - 1, -2):
        if text_width_pt(text, size, bold=True) <= width_pt:
            return size
    return smallest


def emu_pt(emu: int) -> float:
    return emu / 12700.0


# ---------------------------------------------------------------- tables


@dataclass(frozen=True)
class Table:
    """A table as it is shown: a header, rows of text, and relative column weights."""

    header: Sequence[str]
    rows: Sequence[Sequence[str]]
    weights: Sequence[float] | None = None


def column_widths(table: Table, width: int, size: int = TABLE_PT) -> list[int]:
    """Column widths in EMU summing to ``width``: every column at least as wide as its
    widest word (bold in the header), the room left shared by the table's weights.

    So a header like "Schools" never breaks as "School s": when even the widest words do
    not fit, the columns shrink in proportion and the caller should use shorter labels.
    """
    n = len(table.header)
    pad = emu_pt(2 * CELL_MARGIN) + 3
    need = [
        max(
            [longest_word_pt(table.header[c], size, bold=True)]
            + [longest_word_pt(r[c], size) for r in table.rows if c < len(r)]
        )
        + pad
        for c in range(n)
    ]
    weights = list(table.weights or [1.0] * n)
    total_pt = emu_pt(width)
    shares = [total_pt * w / sum(weights) for w in weights]
    widths = [max(s, m) for s, m in zip(shares, need, strict=True)]
    excess = sum(widths) - total_pt
    if excess > 0:
        # take the excess from the columns with room to spare, in proportion to that room
        spare = [w - m for w, m in zip(widths, need, strict=True)]
        room = sum(spare)
        if room >= excess:
            widths = [w - excess * s / room for w, s in zip(widths, spare, strict=True)]
        else:
            widths = [total_pt * m / sum(need) for m in need]
    out = [int(Pt(w)) for w in widths]
    out[-1] += int(width) - sum(out)
    return out


def table_row_heights(
    header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[int], size: int
) -> list[float]:
    """Each row's height in EMU: the most wrapped cell's lines at 1.2 line spacing."""
    pad = 2 * CELL_MARGIN
    out = []
    for r, values in enumerate([header, *rows]):
        lines = max(
            wrapped_lines(str(v), emu_pt(w - pad) - 2, size, bold=r == 0)
            for v, w in zip(values, widths, strict=False)
        )
        out.append(float(Pt(size * 1.2 * lines) + 2 * CELL_MARGIN_V + Pt(2)))
    return out


def table_height(table: Table, width: int, size: int = TABLE_PT) -> float:
    widths = column_widths(table, width, size)
    return sum(table_row_heights(table.header, table.rows, widths, size))


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


# ---------------------------------------------------------------- the deck


class Deck:
    """A python-pptx presentation with the few slide shapes the packs need.

    ``draw`` turns a figure into PNG bytes for a box of the given size in points;
    the deck never draws charts itself (that needs a browser: ``packs.render``).
    """

    def __init__(
        self, footer: str = "", draw: Callable[[object, float, float], bytes] | None = None
    ):
        self.prs = Presentation()
        self.prs.slide_width = WIDTH
        self.prs.slide_height = HEIGHT
        self.footer = footer
        self.draw = draw

    def title_slide(self, title: str, subtitle: str) -> object:
        s = self.prs.slides.add_slide(self.prs.slide_layouts[TITLE_LAYOUT])
        s.shapes.title.text = title
        s.placeholders[1].text = subtitle
        for para in s.placeholders[1].text_frame.paragraphs:
            para.font.size = Pt(20)
        return s

    def slide(self, title: str, name: str = ""):
        """A titled slide; ``name`` is its stable internal name (titles are messages)."""
        s = self.prs.slides.add_slide(self.prs.slide_layouts[TITLE_ONLY_LAYOUT])
        s.name = name
        t = s.shapes.title
        t.left, t.top, t.width, t.height = MARGIN, Inches(0.2), CONTENT_WIDTH, Inches(1.0)
        t.text = title
        tf = t.text_frame
        tf.word_wrap = True
        tf.auto_size = MSO_AUTO_SIZE.NONE
        tf.vertical_anchor = MSO_ANCHOR.TOP
        # a message title is a sentence: two lines at most, smaller before it spills
        size = TITLE_PT
        while size > 20 and wrapped_lines(title, emu_pt(t.width) - 14, size, True) > 2:
            size -= 2
        para = tf.paragraphs[0]
        para.font.size = Pt(size)
        para.font.bold = True
        para.font.color.rgb = BLUE
        para.alignment = PP_ALIGN.LEFT
        if self.footer:
            self.text(
                s, self.footer, MARGIN, FOOTER_TOP, CONTENT_WIDTH, Inches(0.4),
                size=MIN_PT, colour=GREY,
            )  # fmt: skip
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

    def table(self, slide, table: Table, left, top, width, *, size: int = TABLE_PT):
        """A table whose row heights fit their wrapped text (so its shape is its real size)."""
        widths = column_widths(table, width, size)
        heights = table_row_heights(table.header, table.rows, widths, size)
        shape = slide.shapes.add_table(
            len(table.rows) + 1, len(table.header), left, top, width, Emu(int(sum(heights)))
        )
        tbl = shape.table
        for i, w in enumerate(widths):
            tbl.columns[i].width = Emu(w)
        for r, values in enumerate([table.header, *table.rows]):
            tbl.rows[r].height = Emu(int(heights[r]))
            for c, v in enumerate(values):
                cell = tbl.cell(r, c)
                cell.text = str(v)
                cell.margin_left = cell.margin_right = CELL_MARGIN
                cell.margin_top = cell.margin_bottom = CELL_MARGIN_V
                para = cell.text_frame.paragraphs[0]
                para.font.size = Pt(size)
                para.font.bold = r == 0
        return shape

    def chart(self, slide, fig, left, top, width, height) -> None:
        """A figure drawn at one pixel per point of its box, so its type sizes are points."""
        if self.draw is None:
            raise RuntimeError("this deck has no chart renderer")
        png = self.draw(fig, emu_pt(width), emu_pt(height))
        slide.shapes.add_picture(io.BytesIO(png), left, top, width=width, height=height)

    def caption(self, slide, text: str) -> int:
        """The grey caption at the foot of the content area; returns its height in EMU."""
        lines = wrapped_lines(text, emu_pt(CONTENT_WIDTH) - 14, MIN_PT)
        height = int(Pt(MIN_PT * 1.25 * lines + 10))
        self.text(
            slide, text, MARGIN, int(CONTENT_BOTTOM - height), CONTENT_WIDTH, height,
            size=MIN_PT, colour=GREY,
        )  # fmt: skip
        return height

    def paged_tables(self, name: str, title: str, table: Table) -> int:
        """As many slides as the rows need, each table inside its slide; returns the count."""
        widths = column_widths(table, CONTENT_WIDTH)
        pages = paginate(table.header, table.rows, widths, CONTENT_BOTTOM - CONTENT_TOP)
        for i, part in enumerate(pages, start=1):
            several = len(pages) > 1
            s = self.slide(
                title + (f" ({i} of {len(pages)})" if several else ""),
                f"{name}-{i}" if several else name,
            )
            self.table(
                s, Table(table.header, part, table.weights), MARGIN, CONTENT_TOP, CONTENT_WIDTH
            )
        return len(pages)

    def chart_with_table(
        self,
        name: str,
        title: str,
        fig,
        table: Table | None,
        caption: str,
        *,
        empty: str = "Nothing to chart for these filters.",
        chart_width: int | None = None,
    ) -> None:
        """A chart and its numbers: the table under the chart, or beside it when
        ``chart_width`` is given; a sentence instead of the chart when ``fig`` is None.

        When the table leaves the chart too little room, the numbers go on slides of their
        own right after it (paged), so nothing shrinks under the projector size.
        """
        s = self.slide(title, name)
        cap_h = self.caption(s, caption)
        room = int(CONTENT_BOTTOM - CONTENT_TOP - cap_h - Inches(0.1))
        beside = chart_width is not None
        box_w = int(chart_width) if beside else CONTENT_WIDTH
        rows = table.rows if table is not None else ()
        if beside:
            table_left = MARGIN + box_w + Inches(0.2)
            table_w = WIDTH - MARGIN - table_left
            table_h = table_height(table, table_w) if rows else 0
            own_slide = bool(rows) and table_h > room
            chart_h = room
            if own_slide:  # the numbers go on slides of their own: the chart takes the width
                box_w = CONTENT_WIDTH
        else:
            table_w = CONTENT_WIDTH
            table_h = table_height(table, table_w) if rows else 0
            # each bar needs about half an inch for a 16 pt label, plus legend and axis; a
            # sentence in place of the chart needs room for its lines
            needed = (
                Inches(1.4) + Inches(0.5) * max(len(rows), 1)
                if fig is not None
                else _sentence_height(empty, box_w) + Inches(0.1)
            )
            own_slide = bool(rows) and room - table_h < needed
            chart_h = room if own_slide or not rows else int(room - table_h - Inches(0.05))
        if fig is not None:
            self.chart(s, fig, MARGIN, CONTENT_TOP, box_w, chart_h)
        else:
            # no data, or all of it suppressed: a sentence saying so, never an empty frame
            self.text(
                s, empty, MARGIN, CONTENT_TOP, box_w, _sentence_height(empty, box_w), size=EMPTY_PT
            )
        if not rows or table is None:
            return
        if own_slide:
            self.paged_tables(
                f"{name}-numbers", "The numbers behind: " + _lower_first(title), table
            )
        elif beside:
            self.table(s, table, table_left, CONTENT_TOP, table_w)
        else:
            # under the sentence when there is no chart, not where a chart would have ended
            above = chart_h if fig is not None else _sentence_height(empty, box_w)
            self.table(s, table, MARGIN, int(CONTENT_TOP + above + Inches(0.05)), table_w)

    def save(self) -> bytes:
        buf = io.BytesIO()
        self.prs.save(buf)
        return buf.getvalue()


def _sentence_height(text: str, width: int) -> int:
    """The height of the sentence a chart slide shows in place of its chart, in EMU."""
    lines = wrapped_lines(text, emu_pt(width) - 14, EMPTY_PT)
    return int(Pt(EMPTY_PT * 1.25 * lines + 12))


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]
