"""docs/methodology.md must agree with the seed tables, in its generated tables and its prose."""

from __future__ import annotations

import calendar
import shutil

import pytest

from lakehouse.methodology import (
    METHODOLOGY,
    SEEDS_BEGIN,
    SEEDS_END,
    methodology_tables,
    summary_lines,
)
from lakehouse.seeds import SEEDS_DIR, read_seeds


def _pct(share: str) -> str:
    return f"{float(share) * 100:g} %"


def prose_claims(seeds_dir=None) -> list[str]:
    """Phrases the prose must contain, built from the seed values they quote."""
    seeds = read_seeds(seeds_dir)
    rule = {r["rule"]: r["value"] for r in seeds["rules"]}
    points = {r["response"]: r["points"] for r in seeds["response_labels"]}
    bands = sorted(seeds["grade_bands"], key=lambda r: int(r["grade"]))
    windows = {r["status"]: r["max_days"] for r in seeds["freshness_status"]}
    caps = sorted(seeds["policy_caps"], key=lambda r: int(r["min_policies"]))
    high = [r["label"].lower() for r in seeds["flags"] if r["forces_high_priority"] == "true"]
    flag_weight = {r["flag"]: r["weight"] for r in seeds["flags"]}
    expected_v2 = next(
        r["expected_from_round"] for r in seeds["return_versions"] if r["version"] == "2"
    )
    claims = [
        f"Fully in place earns {points['fully']} points, partly in place {points['partly']} and "
        f"not in place {points['not']}",
        f"fewer than\n{_pct(rule['min_answered_share'])} of its statements",
        f"{_pct(rule['outcomes_indicator_share'])} the indicator score and "
        f"{_pct(rule['outcomes_survey_share'])} the survey result",
        f"{_pct(rule['training_indicator_share'])} the indicator score and "
        f"{_pct(rule['training_coverage_share'])} staff coverage",
        f"**Overall effectiveness** is {_pct(rule['overall_areas_share'])} the average",
        f"scores and {_pct(rule['overall_ovr_share'])} the overall-effectiveness",
        f"under {rule['training_group_min_coverage_pct']} %\n  of its staff trained, training is "
        f"at best grade {rule['training_group_cap_grade']}",
        f"locked down rather than managed is at best grade {rule['locked_down_cap_grade']}",
        f"more than {windows['due_soon']} days past their last review",
        f"{caps[0]['min_policies']} such policy means at best grade {caps[0]['cap_grade']}; "
        f"{caps[1]['min_policies']} or more\n  mean at best grade {caps[1]['cap_grade']}",
        f"graded {rule['inadequate_grade']} (Inadequate),\n  overall is at best grade "
        f"{rule['inadequate_area_cap_grade']}",
        ", ".join(f"{b['label']} ({b['min_score']} or more)" for b in bands[:-1])
        + f",\n{bands[-1]['label']} (below {bands[-2]['min_score']})",
        f"fresh: reviewed up to {windows['fresh']} days ago",
        f"due soon: {int(windows['fresh']) + 1} to {windows['due_soon']} days ago",
        f"overdue: more than {windows['due_soon']} days ago",
        f"The return deadline is {rule['deadline_day']} "
        f"{calendar.month_name[int(rule['deadline_month'])]}",
        f"has {rule['priority_high_concerns']} or more concerns",
        f"medium with {rule['priority_medium_concerns']} concern;",
        f"`casework_capacity` ({rule['casework_capacity']})",
        # RETURN-v2.md: the standards' window, their two caps, the flags and the versions
        f"no more than {rule['fm_window_days']} days before it",
        f"(filtering) is\n  not met, provision is at best grade {rule['fm_filtering_cap_grade']}",
        f"(annual review) is\n  not met, leadership is at best grade {rule['fm_review_cap_grade']}",
        f"*DfE standard not met* (weight {flag_weight['fm_standard_not_met']})",
        f"*DfE standard partly met* (weight {flag_weight['fm_standard_partly']})",
        f"({expected_v2}\n  by default)",
    ]
    claims += [f"high if it has an {label}" for label in high]
    return claims


def flat(text: str) -> str:
    """Whitespace folded, so re-wrapping the prose never breaks a claim."""
    return " ".join(text.split())


def test_the_generated_tables_in_the_methodology_equal_the_seed_tables():
    text = METHODOLOGY.read_text(encoding="utf-8")
    block = text[text.index(SEEDS_BEGIN) + len(SEEDS_BEGIN) : text.index(SEEDS_END)]
    assert block == "\n" + methodology_tables(), "run: python -m lakehouse docs"


@pytest.mark.parametrize("claim", prose_claims())
def test_every_number_quoted_in_the_prose_matches_the_seeds(claim):
    assert flat(claim) in flat(METHODOLOGY.read_text(encoding="utf-8"))


def test_a_changed_seed_makes_the_methodology_disagree(tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS_DIR, seeds)
    rules = (seeds / "rules.csv").read_text(encoding="utf-8")
    (seeds / "rules.csv").write_text(
        rules.replace("locked_down_cap_grade,2,", "locked_down_cap_grade,3,"), encoding="utf-8"
    )
    text = METHODOLOGY.read_text(encoding="utf-8")
    assert methodology_tables(seeds) not in text
    assert not all(flat(claim) in flat(text) for claim in prose_claims(seeds))


def test_the_short_method_for_the_cabinet_slide_quotes_the_seeds_in_force(tmp_path):
    lines = "\n".join(summary_lines())
    assert "Outstanding 85%+" in lines and "fresh within 305 days" in lines
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS_DIR, seeds)
    rules = (seeds / "rules.csv").read_text(encoding="utf-8")
    (seeds / "rules.csv").write_text(
        rules.replace("locked_down_cap_grade,2,", "locked_down_cap_grade,3,"), encoding="utf-8"
    )
    changed = "\n".join(summary_lines(seeds))
    assert "keeps provision at best grade 3" in changed
    assert "keeps provision at best grade 2" in lines
