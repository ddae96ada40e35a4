"""Cabinet pack: a 16:9 PowerPoint of the county picture for the current filters.

Made in three steps, like the governor report:

1. **load** (:mod:`packs.cabinet_numbers`): every number, read once from the lakehouse;
2. **compose** (:mod:`packs.cabinet_slides`): the slides' titles, tables, captions and
   figures as pure functions of those numbers, suppression applied in a public pack
   (:mod:`packs.disclosure`);
3. **render** (here): the slides laid out (:mod:`packs.pptx`) and the figures drawn as
   PNGs by one browser for the whole pack (:mod:`packs.render`), the only step that
   needs Chromium.

Slides: title (round, as-of date, filters), headline numbers, grade distribution for
the five areas, setting comparison, filtering approach, the pack's districts on a map,
schools needing support (concerns), county-wide themes, the worklist against capacity,
impact of support, schools named (only on request), trends, methodology, sources.
"""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go
from pptx.util import Inches

from lakehouse import seeds
from lakehouse.filters import Filters
from packs import render
from packs.cabinet_numbers import PackError, load
from packs.cabinet_slides import (
    CabinetPack,
    ChartSlide,
    NumbersSlide,
    TableSlides,
    TextSlide,
    TitleSlide,
    compose,
    methodology_lines,
)
from packs.pptx import (
    BLUE,
    BODY_PT,
    CHART_PT,
    CONTENT_BOTTOM,
    CONTENT_TOP,
    CONTENT_WIDTH,
    FOOTER_TOP,
    IMAGE_SCALE,
    MARGIN,
    MIN_PT,
    Deck,
    emu_pt,
    fitting_size,
    paginate,
    table_row_heights,
    text_width_pt,
    wrapped_lines,
)

__all__ = [
    "FOOTER_TOP",
    "MIN_PT",
    "PackError",
    "cabinet_pack_pptx",
    "chart_png",
    "filters_from",
    "for_slide",
    "methodology_lines",
    "paginate",
    "render_pack",
    "table_row_heights",
    "text_width_pt",
    "wrapped_lines",
]


def for_slide(fig, size: int = CHART_PT):
    """A figure with every text at ``size``: base font, ticks, legend, numbers on bars.

    Numbers inside bars that do not fit at 14 pt are left off the bar rather than shrunk
    or turned on their side (the table beside the chart has every number).
    """
    fig.update_layout(
        font_size=size,
        legend_font_size=size,
        margin={"l": 8, "r": 8, "t": 40, "b": 8},
        uniformtext_minsize=MIN_PT,
        uniformtext_mode="hide",
    )
    fig.update_xaxes(tickfont_size=size, title_font_size=size)
    fig.update_yaxes(tickfont_size=size, title_font_size=size)
    for trace in fig.data:
        if getattr(trace, "textfont", None) is not None:
            trace.textfont.size = size
        if trace.type == "bar":
            trace.textangle = 0
    for ann in fig.layout.annotations:
        ann.font.size = max(size - 2, MIN_PT)
    return fig


def chart_png(fig, width_pt: float, height_pt: float) -> bytes:
    """PNG of ``fig`` for a box of ``width_pt`` × ``height_pt`` on a slide."""
    fig = for_slide(go.Figure(fig))
    return render.figure_png(
        fig, width=int(round(width_pt)), height=int(round(height_pt)), scale=IMAGE_SCALE
    )


def _numbers_slide(deck: Deck, slide: NumbersSlide) -> None:
    s = deck.slide(slide.title, slide.name)
    per_row = 4 if len(slide.numbers) > 6 else 3
    box_w = Inches(12.4 / per_row - 0.25)
    for i, (value, label) in enumerate(slide.numbers):
        left = Inches(0.5 + (i % per_row) * 12.4 / per_row)
        top = Inches(1.5 + (i // per_row) * 2.4)
        # sized to stay on one line in its box: "529 of 589" never wraps over its label
        size = fitting_size(value, emu_pt(box_w) - 16, 48)
        deck.text(s, value, left, top, box_w, Inches(1.0), size=size, bold=True, colour=BLUE)
        deck.text(s, label, left, top + Inches(1.05), box_w, Inches(0.9), size=18)
    deck.caption(s, slide.note)


def render_pack(pack: CabinetPack) -> bytes:
    """The composed pack as PPTX bytes: slides laid out, figures drawn."""
    deck = Deck(pack.footer, draw=chart_png)
    for slide in pack.slides:
        if isinstance(slide, TitleSlide):
            deck.title_slide(slide.title, slide.subtitle)
        elif isinstance(slide, NumbersSlide):
            _numbers_slide(deck, slide)
        elif isinstance(slide, ChartSlide):
            deck.chart_with_table(
                slide.name,
                slide.title,
                slide.figure,
                slide.table,
                slide.caption,
                empty=slide.empty,
                chart_width=slide.chart_width,
            )
        elif isinstance(slide, TableSlides):
            deck.paged_tables(slide.name, slide.title, slide.table)
        elif isinstance(slide, TextSlide):
            s = deck.slide(slide.title, slide.name)
            if slide.lines:
                deck.text(
                    s, list(slide.lines), MARGIN, CONTENT_TOP, CONTENT_WIDTH,
                    int(CONTENT_BOTTOM - CONTENT_TOP), size=BODY_PT,
                )  # fmt: skip
    return deck.save()


def cabinet_pack_pptx(
    db: object, filters: Filters | None = None, *, public: bool = False, name_schools: bool = False
) -> bytes:
    """The cabinet pack for ``filters`` as PPTX bytes: load, compose, render.

    ``public`` applies disclosure control (:mod:`packs.disclosure`: counts of 1 to the seed
    threshold minus one and every cell that would reveal one are ``c``);
    ``name_schools`` adds a table of flagged schools (never in a public pack).
    Each slide's title is its message, worked out from the numbers on it.
    """
    name_schools = name_schools and not public
    numbers = load(db, filters, name_schools=name_schools)
    return render_pack(compose(numbers, public=public, name_schools=name_schools))


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
