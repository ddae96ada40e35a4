"""The cabinet pack's words, composed without a browser: filters kept, claims carried.

``packs.cabinet_slides.compose`` is a pure function of the loaded numbers, so these tests
read its slides (titles, tables, captions, figure labels) directly.
"""

from __future__ import annotations

import pytest

from lakehouse import seeds
from lakehouse.db import ReadOnlyDatabase
from lakehouse.filters import Filters
from packs.cabinet_numbers import load
from packs.cabinet_slides import (
    ChartSlide,
    Claims,
    NumbersSlide,
    Share,
    TextSlide,
    best_and_worst_title,
    compose,
    filtering_title,
)
from packs.disclosure import threshold
from presentation.formatting import percent_of


@pytest.fixture(scope="module")
def reader(sample_db):
    db = ReadOnlyDatabase(sample_db)
    yield db
    db.close()


@pytest.fixture(scope="module")
def districts(reader) -> list[str]:
    with reader.cursor() as con:
        return [
            r[0] for r in con.execute("SELECT district_name FROM gold.district_shapes").fetchall()
        ]


def _texts(pack) -> str:
    """Every word a slide carries: title, numbers, captions, table cells, figure labels."""
    parts = []
    for s in pack.slides:
        parts.append(s.title)
        if isinstance(s, NumbersSlide):
            parts += [f"{v} {label}" for v, label in s.numbers] + [s.note]
        if isinstance(s, TextSlide):
            parts += list(s.lines)
        if isinstance(s, ChartSlide):
            parts.append(s.caption)
            if s.table is not None:
                parts += [c for row in [s.table.header, *s.table.rows] for c in row]
            if s.figure is not None:
                parts += [str(a.text) for a in s.figure.layout.annotations]
                for trace in s.figure.data:
                    parts += [str(y) for y in (trace.y or ()) if y is not None]
    return "\n".join(parts)


def _slide(pack, name):
    return next(s for s in pack.slides if getattr(s, "name", "") == name)


def _numbers(pack) -> dict[str, str]:
    return {label: value for value, label in _slide(pack, "headline").numbers}


@pytest.mark.slow  # loads the sample county
def test_a_district_pack_names_no_other_district(reader, districts):
    county = seeds.report_text("county_name")
    for district in districts:
        text = _texts(compose(load(reader, Filters(districts=(district,)))))
        others = [d for d in districts if d != district and d not in district]
        named = [d for d in others if d in text]
        assert not named, f"the {district} pack names {named}"
        assert district in text and county in text


@pytest.mark.slow  # loads the sample county
def test_a_district_packs_county_comparison_is_the_countys_own_figure(reader, districts):
    county_name = seeds.report_text("county_name")
    whole = _numbers(compose(load(reader, Filters())))
    need, schools = int(whole["Need support (concerns)"]), int(whole["Schools in scope"])
    county_share = percent_of(need, schools)
    for district in districts:
        pack = compose(load(reader, Filters(districts=(district,))))
        title = _slide(pack, "districts").title
        assert f"{county_name} {county_share}" in title, title
        table = _slide(pack, "districts").table
        assert [row[0] for row in table.rows] == [district]


@pytest.mark.slow  # loads the sample county
def test_a_district_packs_headline_compares_with_the_county_and_says_so(reader):
    county_name = seeds.report_text("county_name")
    whole = compose(load(reader, Filters()))
    better = f"{seeds.vocabulary('grade')[2]} or better"
    county_gob = _numbers(whole)[f"Overall {better}"]
    pack = compose(load(reader, Filters(districts=("Thanet",))))
    headline = _slide(pack, "headline")
    assert headline.title.startswith("Thanet: ")
    if "%" in headline.title:
        assert headline.title.endswith(f"({county_name} {county_gob})")
    assert f"{county_name} as a whole: {county_gob} {better}." in headline.note


@pytest.mark.slow  # loads the sample county
def test_a_pack_for_one_setting_does_not_compare_settings(reader):
    pack = compose(load(reader, Filters(settings=("Primary",))))
    setting = _slide(pack, "setting")
    assert [row[0] for row in setting.table.rows] == ["Primary"]
    assert "do best" not in setting.title and "about the same" not in setting.title
    one_approach = compose(load(reader, Filters(filtering="managed")))
    assert not any(getattr(s, "name", "") == "filtering" for s in one_approach.slides)


@pytest.mark.slow  # loads the sample county
def test_need_support_counts_concerns_only_and_theme_only_schools_separately(reader):
    with reader.cursor() as con:
        by_priority = dict(
            con.execute(
                "SELECT priority, count(*) FROM gold.school_overview WHERE flag_count > 0 "
                "GROUP BY priority"
            ).fetchall()
        )
    pack = compose(load(reader, Filters()))
    numbers = _numbers(pack)
    concerns = by_priority.get("high", 0) + by_priority.get("medium", 0)
    assert numbers["Need support (concerns)"] == str(concerns)
    assert numbers["Themes only: county-wide offer"] == str(by_priority.get("low", 0))
    support = _slide(pack, "support")
    assert support.title.startswith(f"{concerns} schools need support")
    # the support table lists concerns; themes have their own slide
    themes = {r["label"] for r in seeds.read_seed("flags") if r["kind"] == "theme"}
    assert not themes & {row[0] for row in support.table.rows}


def test_a_headline_never_names_a_group_below_the_minimum_size():
    claims = Claims(min_group=10, min_difference=5)
    shares = [
        Share("Nursery", 60.0, 5),  # the best share, but five schools
        Share("Primary", 55.0, 200),
        Share("Special", 30.0, 20),
    ]
    title = best_and_worst_title(shares, claims, "Good or better overall", "By type")
    assert "Nursery" not in title
    assert title.startswith("Primary schools do best: 55%") and title.endswith("for special")


def test_close_shares_read_as_about_the_same_and_need_the_whole_mix():
    claims = Claims(min_group=10, min_difference=5)
    shares = [Share("Locked down", 56.0, 40), Share("Managed", 58.0, 300)]
    title = filtering_title(shares, claims, "Good or better")
    assert "about the same" in title and "Outstanding" not in title
    # a suppressed group that could matter stops any claim
    hidden = [Share("Primary", 70.0, 200), Share("Secondary", None, None)]
    assert best_and_worst_title(hidden, claims, "Good or better", "By type") == "By type"


@pytest.mark.slow  # loads the sample county
def test_headlines_of_the_sample_county_name_only_groups_of_the_minimum_size(reader):
    claims = Claims.from_seeds()
    for f in (Filters(), Filters(districts=("Thanet",)), Filters(filtering="managed")):
        pack = compose(load(reader, f))
        setting = _slide(pack, "setting")
        if " do best: " in setting.title:
            sizes = {row[0]: int(row[-1]) for row in setting.table.rows}
            best = setting.title.split(" schools do best")[0]
            worst = setting.title.rsplit(" for ", 1)[1]
            assert sizes[best] >= claims.min_group
            assert any(
                k.lower() == worst.lower() and v >= claims.min_group for k, v in sizes.items()
            )


@pytest.mark.slow  # loads the sample county
def test_the_worklist_slide_says_the_capacity_sentence_the_worklist_page_says(reader):
    from presentation.capacity import capacity_sentence

    numbers = load(reader, Filters())
    # the page's own sentence, from the same summary: one function writes both
    said = capacity_sentence(numbers.worklist)
    assert _slide(compose(numbers), "worklist").title == said
    assert said[0].isdigit() or said.startswith("All ")


@pytest.mark.slow  # loads the sample county
@pytest.mark.parametrize("public", [False, True])
def test_a_district_pack_never_states_the_county_capacity_as_the_districts_own(
    reader, districts, public
):
    capacity = int(seeds.rule("casework_capacity"))
    county = seeds.report_text("county_name")
    for district in districts:
        numbers = load(reader, Filters(districts=(district,)))
        pack = compose(numbers, public=public)
        if not any(getattr(s, "name", "") == "worklist" for s in pack.slides):
            continue
        slide = _slide(pack, "worklist")
        # either the district's own schools against the county team's capacity, or the
        # county team's capacity named as the county's
        assert slide.title.startswith(f"{district}: ") or slide.title == (
            f"The county support team can take on {capacity} schools across {county} this "
            "round, high priority first"
        ), slide.title
        if slide.title.startswith(f"{district}: ") and "flagged" not in slide.title:
            assert f"the county team's capacity of {capacity}" in slide.title
        assert f"counted down the whole of {county}'s worklist" in slide.caption
        # the title's counts are the table's: a c in the table keeps its number out
        row = next(r for r in slide.table.rows if r[0] == "High")
        if "c" in row[1:]:
            assert not slide.title.startswith(f"{district}: ")


@pytest.mark.slow  # loads the sample county
def test_the_worklist_slide_of_the_sample_county_reads_capacity_from_gold(reader):
    with reader.cursor() as con:
        high, within = con.execute(
            "SELECT count(*), count(*) FILTER (WHERE within_capacity) FROM gold.school_overview "
            "WHERE priority = 'high'"
        ).fetchone()
    title = _slide(compose(load(reader, Filters())), "worklist").title
    if within < high:
        assert title == f"{within} of {high} high-priority schools within capacity; " + (
            f"{high - within} beyond it"
        )
    else:
        assert title.startswith(f"All {high} high-priority")


@pytest.mark.slow  # loads the sample county
def test_a_slide_with_no_data_says_so_in_a_sentence(reader):
    pack = compose(load(reader, Filters(districts=("Thanet",), settings=("Nursery",))))
    empty = [s for s in pack.slides if isinstance(s, ChartSlide) and s.figure is None]
    assert empty
    for s in empty:
        assert s.empty.endswith(".") and len(s.empty.split()) >= 5


@pytest.mark.slow  # loads the sample county
def test_the_standards_slide_agrees_with_lakehouse_standards_on_the_sample_county(reader):
    from lakehouse import standards

    for f in (Filters(), Filters(districts=("Thanet",))):
        pack = compose(load(reader, f))
        slide = _slide(pack, "standards")
        with reader.cursor() as con:
            resolved = load(reader, f).filters
            four = standards.all_four(con, resolved)
            summary = standards.standards_summary(con, resolved)
        v2, met, v1 = four["version_2"], four["all_met"], four["version_1"]
        assert v2 > 0, "the sample county's latest round is mostly version 2"
        assert isinstance(slide, ChartSlide)
        assert slide.title == (
            f"{met} of {v2} version 2 returns meet all four DfE standards ({percent_of(met, v2)})"
        )
        assert slide.table.header == ["Standard", "Met", "Partly met", "Not met", "n"]
        expected = []
        for (_, label), part in summary.groupby(["standard", "standard_label"], sort=True):
            by = dict(zip(part["status"], part["schools"], strict=True))
            cells = [int(by.get(s, 0)) for s in ("met", "partly", "not_met")]
            expected.append([label, *map(str, cells), str(int(part["n"].iloc[0]))])
        assert slide.table.rows == expected
        assert all(row[-1] == str(v2) for row in slide.table.rows)
        if v1 > 1:
            assert f"{v1} version 1 returns were not asked" in slide.caption
        elif v1 == 0:
            assert "Every return in these filters is version 2." in slide.caption


def test_the_standards_title_leaves_out_a_suppressed_figure_and_says_when_none_was_asked():
    from packs.cabinet_slides import standards_title

    assert standards_title("147", "473", "31%", "Kent") == (
        "147 of 473 version 2 returns meet all four DfE standards (31%)"
    )
    for hidden in (("c", "473", "c"), ("147", "c", "c"), ("3", "8", "c")):
        title = standards_title(*hidden, "Kent")
        assert "c" not in title.split() and "%" not in title
    assert "no version 2 return" in standards_title("0", "0", "z", "Thanet")


@pytest.mark.slow  # loads the sample county
def test_a_round_with_no_version_2_return_has_a_standards_slide_that_says_so(reader):
    with reader.cursor() as con:
        rounds = [
            r[0]
            for r in con.execute(
                "SELECT round FROM gold.school_rounds GROUP BY round "
                "HAVING count(*) FILTER (WHERE return_version >= 2) = 0 ORDER BY round"
            ).fetchall()
        ]
    assert rounds, "the sample county's earlier rounds are version 1"
    slide = _slide(compose(load(reader, Filters(round=rounds[0]))), "standards")
    assert isinstance(slide, TextSlide)
    assert "no version 2 return" in slide.title
    assert slide.lines[0].startswith("No school in these filters sent a version 2 return")
    assert slide.lines[0].endswith(".")


@pytest.mark.slow  # loads the sample county
def test_the_public_standards_slide_shows_c_for_every_suppressed_count(reader):
    pack = compose(load(reader, Filters(districts=("Thanet",))), public=True)
    pub = pack.publication
    slide = _slide(pack, "standards")
    if isinstance(slide, TextSlide):
        return
    small = threshold()
    for row in slide.table.rows:
        for cell in row[1:]:
            assert cell == "c" or not 0 < int(cell) < small, row
    if "c" in (pub.show(("standards", "all_met")), pub.show(("standards", "version_2"))):
        assert "%" not in slide.title
