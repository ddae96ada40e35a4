"""The generated parts of ``docs/return-format.md``: what a school fills in, from the seeds.

``python -m ingest.return_format`` rewrites the tables between the markers
from the seeds, :mod:`ingest.layout` and the limits seed; the prose around
them is written by hand. ``tests/test_return_format.py`` fails when the
document and the seeds (or the reader's rejection reasons) disagree.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

from ingest.layout import (
    COLUMNS,
    HEADER_SEARCH_ROWS,
    REQUIRED_COLUMNS,
    SELF_REVIEW,
    SELF_REVIEW_KEYS,
    SHEETS_BY_VERSION,
    WORKBOOK_EXTENSIONS,
)
from ingest.limits import size_text
from lakehouse.spec import fm_checks, labels, latest_version, read_seed, statement_sources

DOC = Path(__file__).resolve().parent.parent / "docs" / "return-format.md"
BEGIN = "<!-- generated:begin -->"
END = "<!-- generated:end -->"


def _table(header: Iterable[str], rows: Iterable[Iterable[object]]) -> list[str]:
    header = list(header)
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in rows:
        cells = [str(c).replace("|", "\\|").replace("\n", " ") for c in row]
        lines.append("| " + " | ".join(cells) + " |")
    return lines + [""]


def _quoted(texts: Iterable[str]) -> str:
    return ", ".join(f"`{t}`" for t in texts)


def _sorted(rows: tuple[dict[str, str], ...]) -> list[dict[str, str]]:
    if rows and "sort_order" in rows[0]:
        return sorted(rows, key=lambda r: int(r["sort_order"]))
    return list(rows)


def _synonyms(kind: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for row in read_seed("synonyms"):
        if row["kind"] == kind:
            out.setdefault(row["value"], []).append(row["text"])
    return out


def _limit_value(name: str, value: str) -> str:
    if name.endswith("_bytes"):
        return size_text(float(value))
    if name.endswith("_ratio"):
        return f"{float(value):,.0f} times"
    return f"{int(value):,}"


def render() -> str:
    """The generated section, markers excluded."""
    out: list[str] = []
    out += ["### Files accepted", ""]
    out += [f"Workbooks ending {_quoted(sorted(WORKBOOK_EXTENSIONS))}.", ""]

    out += ["### Sheets and their columns", ""]
    out += [
        f"A header row is looked for in the first {HEADER_SEARCH_ROWS} rows of each sheet.",
        "",
    ]
    rows = []
    for sheet in SHEETS_BY_VERSION[latest_version()]:
        required = set(REQUIRED_COLUMNS[sheet])
        for key, texts in COLUMNS[sheet].items():
            if sheet == SELF_REVIEW and key in SELF_REVIEW_KEYS:
                need = "one of Indicator ID or Statement"
            else:
                need = "required" if key in required else "optional"
            rows.append((sheet, texts[0], _quoted(texts[1:]) or "-", need))
    out += _table(("sheet", "column", "also accepted", "needed"), rows)

    out += ["### School sheet fields", ""]
    out += _table(
        ("field", "required", "from version", "what to enter"),
        (
            (r["label"], "yes" if r["required"] == "true" else "no", r["version"], r["help"])
            for r in _sorted(read_seed("school_fields"))
        ),
    )

    area_labels = labels("areas", "area")
    out += ["### Self-review statements", ""]
    sources = statement_sources()
    out += _table(
        ("ID", "area", "from version", "standard", "statement"),
        (
            (
                r["indicator_id"],
                area_labels[r["area"]],
                r["version"],
                sources.get(r["standard"], "-"),
                r["statement"],
            )
            for r in read_seed("indicators")
        ),
    )
    words = _synonyms("response")
    out += ["Responses (any case, spacing or punctuation):", ""]
    out += _table(
        ("response", "also written as"),
        (
            (r["label"], _quoted(t for t in words.get(r["response"], []) if t != r["label"]))
            for r in _sorted(read_seed("response_labels"))
        ),
    )

    out += ["### Policies (one row each)", ""]
    out += [
        f"- {r['label']}"
        + ("" if r["version"] == "1" else f" (version {r['version']} on)")
        + (
            f"; required from {r['required_from_round']}"
            if r["required_from_round"] and r["version"] != "1"
            else "; not required"
            if not r["required_from_round"]
            else ""
        )
        for r in _sorted(read_seed("policies"))
    ] + [""]

    out += ["### Filtering and monitoring checks (version 2)", ""]
    out += _table(
        ("key", "check", "standard", "answer", "date"),
        (
            (
                f"`{r['check_key']}`",
                r["label"],
                r["standard"],
                {"text": "text", "yesno": "Yes / No", "pass_fail": "Pass / Fail", "date": "-"}[
                    r["answer_kind"]
                ],
                "date" if r["has_date"] == "true" else "-",
            )
            for r in fm_checks()
        ),
    )

    for title, seed in (
        ("Staff groups (Training sheet)", "staff_groups"),
        ("Incident categories (Incidents sheet)", "incident_categories"),
    ):
        out += [f"### {title}", ""]
        out += [f"- {r['label']}" for r in _sorted(read_seed(seed))] + [""]

    out += ["### Words the reader understands", ""]
    yes_no = _synonyms("yesno")
    understood = [
        ("Yes", _quoted(yes_no.get("true", []))),
        ("No", _quoted(yes_no.get("false", []))),
        ("never reviewed (a policy date)", _quoted(_synonyms("never").get("never", []))),
    ]
    for kind in ("filtering", "monitoring", "pass_fail", "return_version"):
        for spellings in _synonyms(kind).values():
            understood.append((f"{kind}: {spellings[0]}", _quoted(spellings[1:]) or "-"))
    understood.append(
        (
            "a role or provider that names nothing (unanswered)",
            _quoted(_synonyms("empty_role")["none"]),
        )
    )
    out += _table(("meaning", "accepted"), understood)

    out += ["### Limits", ""]
    out += _table(
        ("limit", "value", "what happens"),
        (
            (r["name"], _limit_value(r["name"], r["value"]), r["meaning"])
            for r in read_seed("ingest_limits")
        ),
    )
    return "\n".join(out).rstrip() + "\n"


def update(doc: Path = DOC) -> bool:
    """Rewrite the generated section of ``doc``; True when it changed."""
    text = doc.read_text(encoding="utf-8")
    start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
    new = text[:start] + "\n" + render() + text[end:]
    if new != text:
        doc.write_text(new, encoding="utf-8")
    return new != text


def generated_section(doc: Path = DOC) -> str:
    """The generated section as it stands in ``doc`` (markers excluded)."""
    text = doc.read_text(encoding="utf-8")
    return text[text.index(BEGIN) + len(BEGIN) : text.index(END)].lstrip("\n")


if __name__ == "__main__":
    print(f"{DOC}: {'updated' if update() else 'already up to date'}")
    sys.exit(0)
