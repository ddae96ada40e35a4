"""The cabinet PowerPoint pack, read back with python-pptx, and the suppression rule."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from lakehouse.filters import Filters
from packs import suppress
from packs.__main__ import run
from packs.cabinet import PackError, cabinet_pack_pptx
from tests.conftest import require_chromium

CHART_SLIDES = (
    "Grades in the five areas",
    "Overall effectiveness by setting",
    "Schools flagged for support, by district",
    "Schools needing support",
    "Overall effectiveness across rounds",
)


def _slides(data: bytes) -> list:
    return list(Presentation(io.BytesIO(data)).slides)


def _title(slide) -> str:
    return slide.shapes.title.text if slide.shapes.title is not None else ""


def _texts(slide) -> str:
    parts = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            parts.append(shape.text_frame.text)
        if shape.has_table:
            parts.extend(c.text for row in shape.table.rows for c in row.cells)
    return "\n".join(parts)


def _table_rows(slide) -> list[list[str]]:
    for shape in slide.shapes:
        if shape.has_table:
            return [[c.text for c in row.cells] for row in shape.table.rows]
    return []


def test_the_pack_has_every_slide_and_a_picture_on_each_chart_slide(gold_reader):
    require_chromium()
    slides = _slides(cabinet_pack_pptx(gold_reader, Filters()))
    titles = [_title(s) for s in slides]
    assert titles[0] == "Online safety in our schools"
    for expected in (
        "Headline numbers",
        *CHART_SLIDES,
        "How the grades are worked out",
        "Data sources and licences",
    ):
        assert expected in titles
    for slide in slides:
        if _title(slide) in CHART_SLIDES:
            pictures = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
            assert pictures, f"no chart picture on '{_title(slide)}'"
            assert pictures[0].image.content_type == "image/png"
            assert _table_rows(slide), f"no numbers table on '{_title(slide)}'"


def test_the_title_slide_gives_the_round_and_the_as_of_date(gold_reader):
    require_chromium()
    slides = _slides(cabinet_pack_pptx(gold_reader, Filters()))
    title_text = _texts(slides[0])
    assert "2026/27" in title_text
    assert "1 March 2027" in title_text
    assert "2026/27" in _texts(slides[1]) and "1 March 2027" in _texts(slides[1])


def test_a_public_pack_shows_counts_under_five_as_suppressed(gold_reader):
    require_chromium()
    slides = _slides(cabinet_pack_pptx(gold_reader, Filters(), public=True, name_schools=True))
    by_title = {_title(s): s for s in slides}
    rows = _table_rows(by_title["Overall effectiveness by setting"])
    special = next(r for r in rows if r[0] == "Special")  # one school: Good
    assert "1" not in special[1:]
    assert "<5" in special
    assert special[-1] == "<5"
    headline = _texts(by_title["Headline numbers"])
    assert "<5" in headline  # one late return
    # naming is never allowed in a public pack
    assert not any(t.startswith("Flagged schools") for t in by_title)
    assert "Public version" in _texts(slides[0])


def test_an_internal_pack_shows_the_small_counts(gold_reader):
    require_chromium()
    slides = _slides(cabinet_pack_pptx(gold_reader, Filters()))
    rows = _table_rows(next(s for s in slides if _title(s) == "Overall effectiveness by setting"))
    special = next(r for r in rows if r[0] == "Special")
    assert special[-1] == "1"


def test_schools_are_named_only_when_the_officer_asks(gold_reader):
    require_chromium()
    unnamed = _slides(cabinet_pack_pptx(gold_reader, Filters()))
    assert not any("Damson Primary School" in _texts(s) for s in unnamed)
    named = _slides(cabinet_pack_pptx(gold_reader, Filters(), name_schools=True))
    flagged = [s for s in named if _title(s).startswith("Flagged schools")]
    assert flagged
    assert "Damson Primary School" in _texts(flagged[0])


def test_the_pack_follows_the_filters(gold_reader):
    require_chromium()
    slides = _slides(cabinet_pack_pptx(gold_reader, Filters(settings=("Secondary",))))
    rows = _table_rows(next(s for s in slides if _title(s) == "Overall effectiveness by setting"))
    assert [r[0] for r in rows[1:]] == ["Secondary"]
    assert "Settings: Secondary" in _texts(slides[0])


def test_an_unknown_round_is_a_one_line_error(gold_reader):
    with pytest.raises(PackError, match="round 1999/00 has no returns"):
        cabinet_pack_pptx(gold_reader, Filters(round="1999/00"))


def test_the_methodology_slide_reads_its_numbers_from_the_seeds(gold_reader):
    require_chromium()
    slides = _slides(cabinet_pack_pptx(gold_reader, Filters()))
    text = _texts(next(s for s in slides if _title(s) == "How the grades are worked out"))
    assert "Outstanding 85%+" in text and "Good 65%+" in text
    assert "fresh within 305 days" in text


def test_the_cli_writes_a_pack_and_exits_one_with_one_line_on_bad_input(
    gold_reader, tmp_path, capsys
):
    require_chromium()
    out = tmp_path / "pack.pptx"
    assert run(["cabinet", "--out", str(out), "--db", str(gold_reader.path), "--public"]) == 0
    assert _slides(out.read_bytes())
    assert (
        run(["cabinet", "--out", str(out), "--db", str(gold_reader.path), "--round", "1999/00"])
        == 1
    )
    err = capsys.readouterr().err.strip()
    assert err.startswith("error:") and "\n" not in err and "Traceback" not in err
    assert run(["cabinet", "--out", str(out), "--db", str(tmp_path / "none.duckdb")]) == 1
    with pytest.raises(SystemExit) as bad:
        run(["cabinet", "--out", str(out), "--filtering", "open"])
    assert bad.value.code == 2


# --- the suppression rule --------------------------------------------------------------


def test_the_suppression_threshold_is_seed_data():
    assert suppress.threshold() == 5


def test_counts_from_one_to_four_are_suppressed_and_zero_is_shown():
    assert [suppress.show_count(n, 5) for n in (0, 1, 4, 5, 12)] == ["0", "<5", "<5", "5", "12"]
    assert suppress.show_count(3, None) == "3"


def test_a_lone_suppressed_cell_takes_the_next_smallest_with_it():
    # with the total shown, 3 could be worked out from 20 - 10 - 7: hide the 7 too
    assert suppress.suppression_mask([10, 7, 3, 0], 5) == [False, True, True, False]
    assert suppress.suppression_mask([10, 7, 3, 2], 5) == [False, False, True, True]
    assert suppress.suppression_mask([10, 7, 3], 5, total_shown=False) == [False, False, True]


def test_suppressed_rows_are_not_plotted():
    frame = pd.DataFrame({"label": ["a", "b", "c"], "schools": [12, 2, 0]})
    assert list(suppress.for_plotting(frame, "schools", 5)["label"]) == ["a", "c"]
    assert len(suppress.for_plotting(frame, "schools", None)) == 3


def test_percentages_over_fewer_than_five_schools_are_not_shown():
    assert suppress.show_percent(3, 4, 5) == "c"
    assert suppress.show_percent(3, 6, 5) == "50%"
    assert suppress.show_percent(1, 0, 5) == ""
