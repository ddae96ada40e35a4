"""The cabinet PowerPoint pack, read back with python-pptx, and the suppression rule."""

from __future__ import annotations

import io

import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from lakehouse.filters import Filters
from packs.__main__ import run
from packs.cabinet import PackError, cabinet_pack_pptx
from tests.conftest import require_chromium

# slides by their internal names: their titles are messages worked out from the data
CHART_SLIDES = ("areas", "setting", "districts", "support", "trend")


def _slides(data: bytes) -> list:
    return list(Presentation(io.BytesIO(data)).slides)


def _title(slide) -> str:
    return slide.shapes.title.text if slide.shapes.title is not None else ""


def _named(slides, name: str):
    return next(s for s in slides if s.name == name)


def _numbers(slides, name: str) -> list[list[str]]:
    """The table of a chart slide, beside its chart or on the slide after it."""
    rows = _table_rows(_named(slides, name))
    if not rows:
        rows = _table_rows(_named(slides, f"{name}-numbers"))
    return rows


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


# Each pack is made once for the module: the tests read the same slides.
@pytest.fixture(scope="module")
def default_slides(gold_reader) -> list:
    require_chromium()
    return _slides(cabinet_pack_pptx(gold_reader, Filters()))


@pytest.fixture(scope="module")
def named_slides(gold_reader) -> list:
    require_chromium()
    return _slides(cabinet_pack_pptx(gold_reader, Filters(), name_schools=True))


@pytest.fixture(scope="module")
def public_slides(gold_reader) -> list:
    require_chromium()
    return _slides(cabinet_pack_pptx(gold_reader, Filters(), public=True, name_schools=True))


@pytest.mark.slow
def test_the_pack_has_every_slide_and_a_picture_on_each_chart_slide(default_slides):
    slides = default_slides
    titles = [_title(s) for s in slides]
    assert titles[0] == "Online safety in our schools"
    names = [s.name for s in slides]
    for expected in ("headline", *CHART_SLIDES, "methodology", "sources"):
        assert expected in names
    assert "How the grades are worked out" in titles and "Data sources and licences" in titles
    for name in CHART_SLIDES:
        slide = _named(slides, name)
        pictures = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
        assert pictures, f"no chart picture on '{_title(slide)}'"
        assert pictures[0].image.content_type == "image/png"
        assert _numbers(slides, name), f"no numbers table for '{_title(slide)}'"


@pytest.mark.slow
def test_each_slide_title_says_its_message_in_plain_words(default_slides):
    slides = default_slides
    titles = {s.name: _title(s) for s in slides}
    assert titles["headline"].startswith("10 of 11 returns in; ")
    assert "Good or better overall" in titles["headline"]
    assert " is the weakest area: " in titles["areas"]
    assert "% of schools Satisfactory or worse" in titles["areas"]
    assert titles["support"].endswith(")") and "need support" in titles["support"]
    for title in titles.values():
        for jargon in ("Outst.", "Satis.", "Inad.", "Insuff.", "PRU", "OVR", "LEA4"):
            assert jargon not in title


@pytest.mark.slow
def test_the_title_slide_gives_the_round_and_the_as_of_date(default_slides):
    slides = default_slides
    title_text = _texts(slides[0])
    assert "2026/27" in title_text
    assert "1 Mar 2027" in title_text  # the council's date style, as on every output
    assert "2026/27" in _texts(slides[1]) and "1 Mar 2027" in _texts(slides[1])


@pytest.mark.slow
def test_a_public_pack_shows_counts_under_five_as_suppressed(public_slides):
    slides = public_slides
    rows = _numbers(slides, "setting")
    # Special (one school, Good) is pooled with the other small types of school, and no
    # count from 1 to 4 is shown in any row
    assert "Special" not in [r[0] for r in rows]
    assert not {"1", "2", "3", "4"} & {c for r in rows[1:] for c in r[1:]}
    other = next(r for r in rows if r[0] == "Other types of school")
    # the GSS symbol: c for a suppressed count (docs/DISCLOSURE.md)
    assert "c" in other
    headline = _texts(_named(slides, "headline"))
    assert "\nc\n" in f"\n{headline}\n"  # one late return
    # naming is never allowed in a public pack
    assert not any(s.name.startswith("named") for s in slides)
    assert "Public version" in _texts(slides[0])


@pytest.mark.slow
def test_an_internal_pack_shows_the_small_counts(default_slides):
    slides = default_slides
    rows = _numbers(slides, "setting")
    special = next(r for r in rows if r[0] == "Special")
    assert special[-1] == "1"


@pytest.mark.slow
def test_schools_are_named_only_when_the_officer_asks(default_slides, named_slides):
    unnamed = default_slides
    assert not any("Damson Primary School" in _texts(s) for s in unnamed)
    named = named_slides
    flagged = [s for s in named if s.name.startswith("named")]
    assert flagged
    assert "Damson Primary School" in _texts(flagged[0])


@pytest.mark.slow
def test_the_pack_follows_the_filters(gold_reader):
    require_chromium()
    slides = _slides(cabinet_pack_pptx(gold_reader, Filters(settings=("Secondary",))))
    rows = _numbers(slides, "setting")
    assert [r[0] for r in rows[1:]] == ["Secondary"]
    assert "Settings: Secondary" in _texts(slides[0])


def test_an_unknown_round_is_a_one_line_error(gold_reader):
    with pytest.raises(PackError, match="round 1999/00 has no returns"):
        cabinet_pack_pptx(gold_reader, Filters(round="1999/00"))


@pytest.mark.slow
def test_the_methodology_slide_reads_its_numbers_from_the_seeds(default_slides):
    slides = default_slides
    text = _texts(_named(slides, "methodology"))
    assert "Outstanding 85%+" in text and "Good 65%+" in text
    assert "fresh within 305 days" in text


@pytest.mark.slow
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


@pytest.fixture(scope="module")
def no_boundaries_reader(tmp_path_factory: pytest.TempPathFactory):
    """The gold fixture with no district boundaries loaded (ingest boundaries never run)."""
    from lakehouse.db import ReadOnlyDatabase, writing
    from tests.gold_fixture import build_gold_db

    path = build_gold_db(tmp_path_factory.mktemp("no_boundaries") / "county.duckdb")
    with writing(path) as con:
        con.execute("DELETE FROM gold.district_shapes")
    database = ReadOnlyDatabase(path)
    yield database
    database.close()


@pytest.mark.parametrize("public", [True, False], ids=["public", "internal"])
@pytest.mark.slow
def test_a_pack_without_district_boundaries_says_so_on_the_map_slide(no_boundaries_reader, public):
    require_chromium()
    slides = _slides(cabinet_pack_pptx(no_boundaries_reader, Filters(), public=public))
    districts = _named(slides, "districts")
    assert "No district boundaries are loaded" in _texts(districts)
    assert not [s for s in districts.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
    # the rest of the pack is still there
    assert {"headline", "support", "trend", "sources"} <= {s.name for s in slides}


@pytest.mark.slow
def test_the_named_schools_appendix_lists_schools_in_worklist_order_concerns_first(named_slides):
    slides = named_slides
    rows = [
        row
        for s in slides
        if s.name.startswith("named")
        for row in _table_rows(s)[1:]  # each page repeats the header
    ]
    # priority, then support score, then overall score: Juniper (6, 55) before Cedar (6, 72),
    # Hazel (4, no score) before Acorn (4, 72); the old list put Cedar first
    assert [r[1] for r in rows] == [
        "900006", "900004", "900011", "900003", "900008", "900007",
        "900009", "900001", "900005", "900010", "900002",
    ]  # fmt: skip
    by_urn = {r[1]: r for r in rows}
    assert by_urn["900004"][3] == "High"
    assert by_urn["900003"][4] == ("Declining; Training gap; Policy overdue; Locked-down filtering")


@pytest.mark.slow
def test_no_table_header_breaks_inside_a_word(default_slides, public_slides):
    from packs.pptx import CELL_MARGIN, emu_pt, longest_word_pt

    broken = []
    for slide in [*default_slides, *public_slides]:
        for shape in slide.shapes:
            if not shape.has_table:
                continue
            table = shape.table
            for c, column in enumerate(table.columns):
                room = emu_pt(column.width - 2 * CELL_MARGIN)
                for r, row in enumerate(table.rows):
                    cell = row.cells[c]
                    size = cell.text_frame.paragraphs[0].font.size.pt
                    if longest_word_pt(cell.text, size, bold=r == 0) > room:
                        broken.append(f"{slide.name}: {cell.text!r} in {room:.0f} pt")
    assert not broken, broken


def test_bar_numbers_are_never_shrunk_under_14_points_or_turned():
    import plotly.graph_objects as go

    from packs.cabinet import for_slide

    fig = for_slide(go.Figure(go.Bar(x=[1, 99], y=["a", "b"], text=["1", "99"], orientation="h")))
    assert fig.layout.uniformtext.minsize >= 14 and fig.layout.uniformtext.mode == "hide"
    assert all(t.textangle == 0 and t.textfont.size >= 14 for t in fig.data)


# the chart slides of a public pack of one small district of the gold fixture: every count
# on them is under the threshold or would reveal one, so none may draw a chart
ALL_SUPPRESSED_SLIDES = ("areas", "setting", "filtering", "districts", "worklist", "trend")


@pytest.mark.slow
def test_a_public_slide_whose_figures_are_all_suppressed_says_so_instead_of_an_empty_chart(
    gold_reader, tmp_path
):
    import subprocess
    from pathlib import Path

    from packs.disclosure import threshold
    from tests.test_packs_render import _need

    require_chromium()
    data = cabinet_pack_pptx(gold_reader, Filters(districts=("Northdown",)), public=True)
    slides = _slides(data)
    for name in ALL_SUPPRESSED_SLIDES:
        slide = _named(slides, name)
        text = _texts(slide)
        assert "Nothing to draw: every figure this chart would show is suppressed (c)" in text, name
        assert f"a count of fewer than {threshold()} schools" in text, name
        assert not [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE], name
        assert "Bars show" not in text, f"{name}: the caption explains bars that are not there"
        # the table is still there, all its suppressed cells marked c
        assert "c" in [c for row in _numbers(slides, name) for c in row], name
    # the same pack for the whole fixture county still draws the charts it can
    county = _slides(cabinet_pack_pptx(gold_reader, Filters(), public=True))
    pictures = [
        s.name for s in county if any(p.shape_type == MSO_SHAPE_TYPE.PICTURE for p in s.shapes)
    ]
    assert {"areas", "support", "trend"} <= set(pictures)

    # page images for a person to look at: the sentence where the chart would be
    _need("soffice", "pdftoppm")
    out = Path(__file__).resolve().parents[1] / "test-artifacts" / "packs-suppressed"
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.png"):
        old.unlink()
    pptx = tmp_path / "northdown-public.pptx"
    pptx.write_bytes(data)
    subprocess.run(
        [
            "soffice", f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}", "--headless",
            "--convert-to", "pdf", "--outdir", str(tmp_path), str(pptx),
        ],
        check=True, capture_output=True, timeout=240,
    )  # fmt: skip
    subprocess.run(
        ["pdftoppm", "-r", "50", "-png", str(tmp_path / "northdown-public.pdf"),
         str(out / "northdown-public")],
        check=True, timeout=120,
    )  # fmt: skip
    assert len(list(out.glob("northdown-public-*.png"))) >= len(ALL_SUPPRESSED_SLIDES)
