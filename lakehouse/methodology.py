"""The methodology document's seed tables, and the plain-English method other outputs reuse.

``docs/methodology.md`` explains the method in words; the block between its
seed markers is generated here from the seed CSVs (``python -m lakehouse
docs``), and a test fails when the document and the seeds disagree. The
cabinet pack's methodology slide reads ``summary_lines`` so the method is
told from one place.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from lakehouse.errors import BuildError
from lakehouse.seeds import read_seeds

METHODOLOGY = Path(__file__).resolve().parent.parent / "docs" / "methodology.md"


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def methodology_tables(seeds_dir: Path | None = None) -> str:
    """The seed tables rendered as Markdown, as they appear in docs/methodology.md."""
    seeds = read_seeds(seeds_dir)
    areas = {r["area"]: r["label"] for r in seeds["areas"]}
    sources = {r["source"]: r["label"] for r in seeds["statement_sources"]}
    parts = ["### Points for each response", ""]
    parts.append(
        _table(
            ["Response", "Points"],
            [
                [r["label"], r["points"] or "left out of the score"]
                for r in sorted(seeds["response_labels"], key=lambda r: int(r["sort_order"]))
            ],
        )
    )
    parts += ["", "### Indicator weights", ""]
    parts.append(
        _table(
            ["Indicator", "Area", "Weight", "From version", "Standard", "Statement"],
            [
                [
                    r["indicator_id"],
                    areas[r["area"]],
                    r["weight"],
                    r["version"],
                    sources.get(r["standard"], "-"),
                    r["statement"],
                ]
                for r in seeds["indicators"]
            ],
        )
    )
    parts += ["", "### Return versions", ""]
    parts.append(
        _table(
            ["Version", "Label", "Expected from round", "Meaning"],
            [
                [r["version"], r["label"], r["expected_from_round"] or "-", r["description"]]
                for r in seeds["return_versions"]
            ],
        )
    )
    parts += ["", "### Policies", ""]
    parts.append(
        _table(
            ["Policy", "Label", "From version", "Required from round"],
            [
                [r["policy"], r["label"], r["version"], r["required_from_round"] or "not required"]
                for r in sorted(seeds["policies"], key=lambda r: int(r["sort_order"]))
            ],
        )
    )
    parts += ["", "### DfE filtering and monitoring standards", ""]
    parts.append(
        _table(
            ["Standard", "Label", "Meaning"],
            [
                [r["standard"], r["label"], r["description"]]
                for r in sorted(seeds["fm_standards"], key=lambda r: int(r["sort_order"]))
            ],
        )
    )
    parts += ["", "### Standards checks (the Filtering and monitoring sheet)", ""]
    parts.append(
        _table(
            ["Check", "Wording", "Standard", "Answer", "Date", "Judged as", "When it falls short"],
            [
                [
                    r["check_key"],
                    r["label"],
                    r["standard"],
                    r["answer_kind"],
                    "yes" if r["has_date"] == "true" else "no",
                    r["judged_as"],
                    r["short"],
                ]
                for r in sorted(seeds["fm_checks"], key=lambda r: int(r["sort_order"]))
            ],
        )
    )
    parts += ["", "### Standard statuses", ""]
    parts.append(
        _table(
            ["Status", "Label", "Meaning"],
            [
                [r["status"], r["label"], r["description"]]
                for r in sorted(seeds["fm_statuses"], key=lambda r: int(r["sort_order"]))
            ],
        )
    )
    parts += ["", "### Self-review checked against the standards check", ""]
    parts.append(
        _table(
            ["Statement", "Check", "Meaning"],
            [
                [r["indicator_id"], r["check_key"], r["description"]]
                for r in seeds["fm_evidence_pairs"]
            ],
        )
    )
    parts += ["", "### Grades", ""]
    parts.append(
        _table(
            ["Grade", "Label", "Score from"],
            [
                [r["grade"], r["label"], r["min_score"]]
                for r in sorted(seeds["grade_bands"], key=lambda r: int(r["grade"]))
            ],
        )
    )
    parts += ["", "### Rule numbers", ""]
    parts.append(
        _table(
            ["Rule", "Value", "Meaning"],
            [[r["rule"], r["value"], r["description"]] for r in seeds["rules"]],
        )
    )
    parts += ["", "### Leadership caps for overdue or missing policies", ""]
    parts.append(
        _table(
            ["Policies overdue or missing (at least)", "Best leadership grade", "Meaning"],
            [[r["min_policies"], r["cap_grade"], r["description"]] for r in seeds["policy_caps"]],
        )
    )
    parts += ["", "### Caps (the names in capped_by)", ""]
    parts.append(
        _table(
            ["Cap", "Area", "Label", "Meaning"],
            [
                [r["cap"], areas[r["area"]], r["label"], r["description"]]
                for r in sorted(seeds["caps"], key=lambda r: int(r["sort_order"]))
            ],
        )
    )
    parts += ["", "### Wording of grade explanations and governor reports", ""]
    parts.append(
        _table(
            ["Key", "Text", "Used for"],
            [[r["key"], r["text"], r["description"]] for r in seeds["report_text"]],
        )
    )
    parts += ["", "### Filtering approaches", ""]
    parts.append(
        _table(
            ["Code", "Label", "Meaning"],
            [
                [r["filtering"], r["label"], r["description"]]
                for r in sorted(seeds["filtering_approaches"], key=lambda r: int(r["sort_order"]))
            ],
        )
    )
    parts += ["", "### Return statuses", ""]
    parts.append(
        _table(
            ["Status", "Label", "Meaning"],
            [
                [r["status"], r["label"], r["description"]]
                for r in sorted(seeds["return_statuses"], key=lambda r: int(r["sort_order"]))
            ],
        )
    )
    parts += ["", "### Policy review freshness", ""]
    parts.append(
        _table(
            ["Status", "Label", "Up to days since review", "Meaning"],
            [
                [r["status"], r["label"], r["max_days"] or "-", r["description"]]
                for r in sorted(seeds["freshness_status"], key=lambda r: int(r["sort_order"]))
            ],
        )
    )
    parts += ["", "### Flags for support", ""]
    parts.append(
        _table(
            ["Flag", "Label", "Kind", "Weight", "When", "Suggested action", "Always high priority"],
            [
                [
                    r["flag"],
                    r["label"],
                    r["kind"],
                    r["weight"],
                    r["description"],
                    r["suggested_action"],
                    "yes" if r["forces_high_priority"].lower() == "true" else "no",
                ]
                for r in sorted(seeds["flags"], key=lambda r: int(r["sort_order"]))
            ],
        )
    )
    parts += ["", "### County-wide action for each theme", ""]
    parts.append(
        _table(
            ["Theme", "County-wide action"],
            [
                [r["label"], r["county_action"]]
                for r in sorted(seeds["flags"], key=lambda r: int(r["sort_order"]))
                if r["kind"] == "theme"
            ],
        )
    )
    parts += ["", "### Support priorities", ""]
    parts.append(
        _table(
            ["Priority", "Label", "Meaning"],
            [
                [r["priority"], r["label"], r["description"]]
                for r in sorted(seeds["priorities"], key=lambda r: int(r["sort_order"]))
            ],
        )
    )
    parts += ["", "### Settings from the register", ""]
    parts.append(
        _table(
            ["Order", "Setting", "Phase matches", "Type matches"],
            [
                [r["rule_order"], r["setting"], r["phase_like"] or "any", r["type_like"] or "any"]
                for r in sorted(seeds["setting_rules"], key=lambda r: int(r["rule_order"]))
            ],
        )
    )
    parts += ["", "### Independent schools (not expected to return)", ""]
    parts.append(
        _table(
            ["Register field", "Matches"],
            [[r["field"], r["pattern"]] for r in seeds["independence_rules"]],
        )
    )
    return "\n".join(parts) + "\n"


SEEDS_BEGIN = "<!-- seeds:begin -->"
SEEDS_END = "<!-- seeds:end -->"


def render_methodology(text: str, seeds_dir: Path | None = None) -> str:
    """``text`` with the block between the seed markers replaced by fresh seed tables."""
    start = text.find(SEEDS_BEGIN)
    end = text.find(SEEDS_END)
    if start < 0 or end < start:
        raise BuildError(f"methodology document has no {SEEDS_BEGIN} ... {SEEDS_END} block")
    head = text[: start + len(SEEDS_BEGIN)]
    return head + "\n" + methodology_tables(seeds_dir) + text[end:]


def summary_lines(folder: Path | None = None) -> list[str]:
    """The method in a few plain-English lines with the numbers in force; docs/methodology.md
    tells it at length from the same seeds. The build keeps the lines of the seeds it was
    built with (:func:`method_lines`, ``method:<n>`` in gold.build_info), which the cabinet
    pack's methodology slide says."""
    return method_lines(read_seeds(folder))


def method_lines(seeds: Mapping[str, list[dict[str, str]]]) -> list[str]:
    """:func:`summary_lines` for seed rows already read (the build's)."""
    rules = {r["rule"]: float(r["value"]) for r in seeds["rules"]}
    responses = sorted(seeds["response_labels"], key=lambda r: int(r["sort_order"]))
    bands = sorted(seeds["grade_bands"], key=lambda r: int(r["grade"]))
    fresh = {r["status"]: r["max_days"] for r in seeds["freshness_status"]}
    caps = {r["cap"]: r["label"] for r in seeds["caps"]}

    def pct(rule: str) -> str:
        return f"{rules[rule] * 100:.0f}%"

    def whole(rule: str) -> str:
        return f"{rules[rule]:g}"

    scored = [r for r in responses if r["points"]]
    left_out = [r["label"] for r in responses if not r["points"]]
    grades = []
    for i, band in enumerate(bands):
        if float(band["min_score"]) > 0:
            grades.append(f"{band['label']} {band['min_score']}%+")
        else:
            grades.append(f"{band['label']} below {bands[i - 1]['min_score']}%")
    by_version: dict[str, int] = {}
    for row in seeds["indicators"]:
        by_version[row["version"]] = by_version.get(row["version"], 0) + 1
    counts, total = [], 0
    for version in sorted(by_version, key=int):
        total += by_version[version]
        counts.append(f"{total} (version {version})")
    return [
        f"Each school rates itself against {' or '.join(counts)} statements in "
        f"{len(seeds['areas'])} areas: "
        + ", ".join(
            f"{r['label']} = {r['points']} point{'' if r['points'] == '1' else 's'}" for r in scored
        )
        + (f"; {' and '.join(left_out)} is left out." if left_out else "."),
        f"Blends: outcomes {pct('outcomes_indicator_share')} statements + "
        f"{pct('outcomes_survey_share')} pupil survey; training "
        f"{pct('training_indicator_share')} statements + {pct('training_coverage_share')} staff "
        f"coverage; overall {pct('overall_areas_share')} the other four areas + "
        f"{pct('overall_ovr_share')} its own statements.",
        "Grades from the score: " + "; ".join(grades) + ".",
        "Caps (a grade can only get worse): "
        f"{caps['locked_down'].lower()} keeps provision at best grade "
        f"{whole('locked_down_cap_grade')}; a staff group under "
        f"{whole('training_group_min_coverage_pct')}% trained keeps training at best grade "
        f"{whole('training_group_cap_grade')}; overdue policies cap leadership; overall is never "
        "better than leadership.",
        f"Policy reviews: fresh within {fresh.get('fresh')} days, due soon within "
        f"{fresh.get('due_soon')} days, then overdue.",
        "Version 2 returns are also judged against the four DfE filtering and monitoring "
        f"standards (met, partly met, not met; within a year = {whole('fm_window_days')} days): "
        f"filtering not met keeps provision at best grade {whole('fm_filtering_cap_grade')}, "
        f"annual review not met keeps leadership at best grade {whole('fm_review_cap_grade')}.",
        "Support priority: high for an inadequate area, no return two rounds running or "
        f"{whole('priority_high_concerns')}+ concerns; medium for "
        f"{whole('priority_medium_concerns')} concern; low for county-wide themes only "
        "(training, policy review, locked-down filtering).",
    ]
