"""The methodology document's seed tables, and the plain-English method other outputs reuse.

``docs/methodology.md`` explains the method in words; the block between its
seed markers is generated here from the seed CSVs (``python -m lakehouse
docs``), and a test fails when the document and the seeds disagree. The
cabinet pack's methodology slide reads ``summary_lines`` so the method is
told from one place.
"""

from __future__ import annotations

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
            ["Indicator", "Area", "Weight", "Statement"],
            [
                [r["indicator_id"], areas[r["area"]], r["weight"], r["statement"]]
                for r in seeds["indicators"]
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
