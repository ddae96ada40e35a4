"""The DfE filtering and monitoring standards for people: tables, headers and sentences.

Takes the frames of :mod:`lakehouse.standards` (snake_case, gold's labels) and the
database's words for the statuses and standards (``lakehouse.reads.base.fm_status_labels``,
``fm_standard_labels``) and gives what a page, an export or a pack shows. No Streamlit here.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from lakehouse import spec
from presentation.formatting import MISSING, council_date, percent_of

STATUSES = ("met", "partly", "not_met", "unknown")


def version_note(counts: dict[int, int]) -> str | None:
    """The sentence a view comparing a round's scores shows when the round holds more than one
    return version; None when it holds one (or none)."""
    present = {v: n for v, n in counts.items() if n}
    if len(present) < 2:
        return None
    sizes: dict[int, int] = {}
    for version in present:
        sizes[version] = len(spec.indicators(version))
    parts = [
        f"{n:,} version {v} {'return' if n == 1 else 'returns'} ({sizes[v]} statements)"
        for v, n in sorted(present.items(), reverse=True)
    ]
    return (
        "This round holds "
        + " and ".join(parts)
        + ": version 1 returns were not asked the DfE standards check."
    )


def summary_table(summary: pd.DataFrame, labels: Mapping[str, str]) -> pd.DataFrame:
    """One row per standard: schools met / partly / not met / unknown, n and the share met;
    ``labels`` names the statuses as the database does."""
    rows = []
    for _standard, g in summary.groupby("standard", sort=True):
        counts = dict(zip(g["status"], g["schools"], strict=True))
        n = int(g["n"].iloc[0])
        rows.append(
            {
                "Standard": g["standard_label"].iloc[0],
                **{labels[s]: int(counts.get(s, 0)) for s in STATUSES},
                "n (version 2 returns)": n,
                f"{labels['met']} (%)": percent_of(counts.get("met", 0), n),
            }
        )
    return pd.DataFrame(rows)


def group_table(by: pd.DataFrame, heading: str, labels: Mapping[str, str]) -> pd.DataFrame:
    """The standards by district or setting: one row per group and standard, with n;
    ``labels`` names the statuses as the database does."""
    return pd.DataFrame(
        {
            heading: by["group"],
            "Standard": by["standard_label"],
            labels["met"]: by["met"],
            labels["partly"]: by["partly"],
            labels["not_met"]: by["not_met"],
            labels["unknown"]: by["unknown"],
            "n (version 2 returns)": by["n"],
            f"{labels['met']} (%)": [
                percent_of(m, n) for m, n in zip(by["met"], by["n"], strict=True)
            ],
        }
    )


def trend_table(trend: pd.DataFrame, labels: Mapping[str, str]) -> pd.DataFrame:
    """Each standard's share met in each round, with n and the version 1 returns beside;
    ``labels`` names the statuses as the database does."""
    return pd.DataFrame(
        {
            "Round": trend["round"],
            "Standard": trend["standard_label"],
            f"{labels['met']} (%)": [
                percent_of(m, n) for m, n in zip(trend["met"], trend["n"], strict=True)
            ],
            labels["not_met"]: trend["not_met"],
            "n (version 2 returns)": trend["n"],
            "Version 1 returns (not asked)": trend["unknown"],
        }
    )


def school_table(rows: pd.DataFrame) -> pd.DataFrame:
    """A school's four standards: standard, status and what fell short."""
    return pd.DataFrame(
        {
            "Standard": [f"{s}. {label}" for s, label in zip(rows["standard"],
                                                           rows["standard_label"], strict=True)],
            "Status": rows["status_label"],
            "What fell short": rows["detail"],
        }
    )  # fmt: skip


def next_review_sentence(rows: pd.DataFrame) -> str | None:
    """When the school's next annual filtering and monitoring review falls due."""
    if rows.empty or int(rows["return_version"].iloc[0]) < 2:
        return None
    due = rows["next_review_due"].dropna()
    if due.empty:
        return "No review of filtering and monitoring within a year is on record: one is due now."
    return f"Next annual review of filtering and monitoring due by {council_date(due.max())}."


def all_four_sentence(four: dict[str, int]) -> str:
    """'147 of 473 version 2 returns (31%) meet all four standards; 63 version 1 returns ...'."""
    v2, met, v1 = four["version_2"], four["all_met"], four["version_1"]
    text = (
        f"{met:,} of {v2:,} version 2 {'return' if v2 == 1 else 'returns'} "
        f"({percent_of(met, v2)}) meet all four standards"
    )
    if v1:
        text += f"; {v1:,} version 1 {'return was' if v1 == 1 else 'returns were'} not asked"
    return text + "."


EXPORT_COLUMNS_PREFIX = "DfE standard "


def export_columns(wide: pd.DataFrame, standards: Mapping[int, str]) -> pd.DataFrame:
    """The standards columns exports carry, keyed by URN: return version, each standard's
    status, what fell short, the next review due and the self-review/evidence disagreements.

    ``wide`` is :func:`lakehouse.standards.standards_wide`; ``standards`` names the standards
    as the database does. A standard fell short by its status code, never by its words."""
    out = pd.DataFrame({"URN": wide["urn"], "Return version": wide["return_version"]})
    shortfalls = []
    for i in range(len(wide)):
        parts = [
            f"{standards[s]}: {wide[f'standard_{s}_detail'].iloc[i].split(': ', 1)[-1]}"
            for s in standards
            if wide[f"standard_{s}_code"].iloc[i] != "met"
            and int(wide["return_version"].iloc[i]) >= 2
        ]
        shortfalls.append("; ".join(parts))
    for s, label in standards.items():
        out[f"{EXPORT_COLUMNS_PREFIX}{s}: {label}"] = wide[f"standard_{s}_status"]
    out["DfE standards: what fell short"] = shortfalls
    out["Next filtering and monitoring review due"] = [
        council_date(d) if pd.notna(d) else MISSING for d in wide["next_review_due"]
    ]
    out["Self-review and evidence disagree"] = wide["evidence_mismatches"]
    return out
