"""The disclosure module: primary and secondary suppression, chosen and audited with HiGHS."""

from __future__ import annotations

import math

from packs.disclosure import Constraint, Publication, feasible_ranges, threshold


def _row(pub: Publication, name: str, cells: list[int]) -> list[str]:
    keys = [pub.count((name, i), v) for i, v in enumerate(cells)]
    pub.count((name, "total"), sum(cells))
    pub.total((name, "total"), keys)
    return keys


def test_the_suppression_threshold_is_seed_data():
    assert threshold() == 5


def test_counts_from_one_to_four_are_suppressed_and_zero_is_shown():
    pub = Publication(5)
    for n in (0, 1, 4, 5, 12):
        pub.count(("n", n), n)
    assert [pub.show(("n", n)) for n in (0, 1, 4, 5, 12)] == ["0", "c", "c", "5", "12"]
    internal = Publication(None)
    internal.count("three", 3)
    assert internal.show("three") == "3"


def test_a_lone_suppressed_cell_takes_another_with_it_and_none_can_be_worked_out():
    # with the total shown, 3 could be worked out from 20 - 10 - 7: another cell goes too
    pub = Publication(5)
    keys = _row(pub, "row", [10, 7, 3, 0])
    hidden = pub.protect()
    assert keys[2] in hidden and len(hidden & set(keys)) >= 2
    assert pub.exposed(hidden) == {}


def test_the_issue_row_cannot_be_recovered_from_its_total_and_its_percentage():
    # "<5 | 20 | c | 0 | 0 | 38" beside "58% Good or better": Outstanding was pinned at 2
    pub = Publication(5)
    keys = _row(pub, "overall", [2, 20, 16, 0, 0])
    pub.protect()
    assert pub.show(keys[0]) == "c"
    assert pub.share(keys[:2], keys[:4]) == "c"  # the percentage touches a suppressed count
    assert pub.exposed(pub.hidden) == {}


def test_linked_tables_are_protected_across_them():
    # settings' rows add up to the county row: a suppression must hold in both directions
    pub = Publication(5)
    a = _row(pub, "primary", [12, 30, 9, 6])
    b = _row(pub, "special", [1, 6, 8, 5])
    county = [
        pub.count(("county", i), x + y)
        for i, (x, y) in enumerate(zip([12, 30, 9, 6], [1, 6, 8, 5], strict=True))
    ]
    pub.count(("county", "total"), 77)
    pub.total(("county", "total"), county)
    for i, key in enumerate(county):
        pub.total(key, [a[i], b[i]])
    hidden = pub.protect()
    assert b[0] in hidden
    assert pub.exposed(hidden) == {}


def test_the_audit_finds_a_cell_pinned_by_a_rounded_percentage():
    # x + 20 + y = 38 (x Outstanding, y Satisfactory hidden); 58% of 38 Good or better:
    # 21.85 <= x + 20 <= 22.23, so x = 2 exactly
    ranges = feasible_ranges(
        ["x", "y"],
        [
            Constraint({"x": 1, "y": 1}, 18, 18),
            Constraint({"x": 1}, 0.575 * 38 - 20, 0.585 * 38 - 20),
        ],
    )
    assert ranges["x"] == (2.0, 2.0)
    assert ranges["y"] == (16.0, 16.0)
    free = feasible_ranges(["x"], [Constraint({"x": 1}, 0, math.inf)])
    assert free["x"][1] == math.inf
