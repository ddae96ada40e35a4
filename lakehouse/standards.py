"""Reads of the DfE filtering and monitoring standards (RETURN-v2.md), gold only.

For the county standards view, the school profile, the governor report, the
cabinet pack and the exports. Every function returns data in snake_case with
gold's labels beside the codes; display headers are the presentation layer's.
Filters narrow through one filter-to-SQL place, ``lakehouse.reads.base.filter_sql``.
"""

from __future__ import annotations

from typing import Any

import duckdb
import pandas as pd

from lakehouse.filters import Filters
from lakehouse.reads.base import NOT_KNOWN, filter_sql
from lakehouse.sql import frame

Con = duckdb.DuckDBPyConnection

# what a county table may be split by (column of gold.fm_standards)
STANDARDS_BY = ("district", "setting")


def version_counts(con: Con, f: Filters) -> dict[int, int]:
    """Current returns in ``f.round`` (narrowed by ``f``) per return version: {1: n, 2: m}.

    Every view that compares scores across a round holding both versions says these.
    """
    where, params = filter_sql("gold.school_rounds", f)
    rows = con.execute(
        f"SELECT return_version, count(*) FROM gold.school_rounds WHERE {where} "
        "GROUP BY return_version ORDER BY return_version",
        params,
    ).fetchall()
    return {int(v): int(n) for v, n in rows}


def standards_summary(con: Con, f: Filters) -> pd.DataFrame:
    """One row per standard × status in ``f.round``: ``schools`` and ``share_pct`` of the
    version 2 returns (``n``); 'unknown' counts the version 1 returns (share of all returns)."""
    where, params = filter_sql("gold.fm_standards", f)
    return frame(
        con,
        f"""
        WITH base AS (SELECT * FROM gold.fm_standards WHERE {where}),
        grid AS (
            SELECT DISTINCT b.standard, b.standard_label, s.status, s.status_label,
                s.status_order
            FROM base AS b
            CROSS JOIN (SELECT DISTINCT status, status_label, status_order FROM base) AS s
        ),
        counts AS (
            SELECT standard, status, count(*) AS schools FROM base GROUP BY ALL
        ),
        totals AS (
            SELECT
                standard,
                count(*) FILTER (WHERE status <> 'unknown') AS n,
                count(*) AS returns
            FROM base
            GROUP BY standard
        )
        SELECT
            g.standard, g.standard_label, g.status, g.status_label, g.status_order,
            CAST(coalesce(c.schools, 0) AS INTEGER) AS schools,
            CAST(t.n AS INTEGER) AS n,
            CAST(t.returns AS INTEGER) AS returns,
            100.0 * coalesce(c.schools, 0)
                / nullif(CASE WHEN g.status = 'unknown' THEN t.returns ELSE t.n END, 0)
                AS share_pct
        FROM grid AS g
        JOIN totals AS t USING (standard)
        LEFT JOIN counts AS c USING (standard, status)
        ORDER BY g.standard, g.status_order
        """,
        params,
    )


def _status_counts(con: Con, key: str, where: str, params: list[Any]) -> pd.DataFrame:
    """Per ``key`` (a checked column expression, first column) and standard: the status
    counts, ``n`` (version 2 returns) and ``met_pct`` of n. One SELECT for every grouping."""
    return frame(
        con,
        f"""
        SELECT
            {key},
            standard,
            any_value(standard_label) AS standard_label,
            CAST(count(*) FILTER (WHERE status = 'met') AS INTEGER) AS met,
            CAST(count(*) FILTER (WHERE status = 'partly') AS INTEGER) AS partly,
            CAST(count(*) FILTER (WHERE status = 'not_met') AS INTEGER) AS not_met,
            CAST(count(*) FILTER (WHERE status = 'unknown') AS INTEGER) AS unknown,
            CAST(count(*) FILTER (WHERE status <> 'unknown') AS INTEGER) AS n,
            100.0 * count(*) FILTER (WHERE status = 'met')
                / nullif(count(*) FILTER (WHERE status <> 'unknown'), 0) AS met_pct
        FROM gold.fm_standards
        WHERE {where}
        GROUP BY 1, standard
        ORDER BY 1, standard
        """,
        params,
    )


def standards_by(con: Con, f: Filters, by: str) -> pd.DataFrame:
    """Per ``by`` group (district or setting) and standard: met / partly / not met / unknown
    counts, ``n`` (version 2 returns) and ``met_pct`` of n."""
    if by not in STANDARDS_BY:
        raise ValueError(f"unknown grouping {by!r}; expected one of {', '.join(STANDARDS_BY)}")
    where, params = filter_sql("gold.fm_standards", f)
    # a school with no district or setting: the database's words for it (gold.blank_labels)
    return _status_counts(con, f'coalesce({by}, {NOT_KNOWN}) AS "group"', where, params)


def standards_trend(con: Con, f: Filters) -> pd.DataFrame:
    """Per round (every round, narrowed by district, setting and filtering) and standard:
    met / partly / not met / unknown counts, ``n`` and ``met_pct``."""
    where, params = filter_sql("gold.fm_standards", f, skip=("round",))
    return _status_counts(con, "round", where, params)


def all_four(con: Con, f: Filters) -> dict[str, int]:
    """Version 2 returns in ``f.round`` meeting all four standards: ``all_met`` of
    ``version_2`` returns, and ``version_1`` returns (not asked), ``mismatches``
    (statements where self-review and evidence disagree) and ``schools_with_mismatch``."""
    where, params = filter_sql("gold.fm_standards", f)
    row = con.execute(
        f"""
        WITH per_return AS (
            SELECT
                return_id,
                any_value(return_version) AS return_version,
                bool_and(status = 'met') AS all_met
            FROM gold.fm_standards
            WHERE {where}
            GROUP BY return_id
        )
        SELECT
            count(*) FILTER (WHERE return_version >= 2),
            count(*) FILTER (WHERE return_version >= 2 AND all_met),
            count(*) FILTER (WHERE return_version < 2),
            (SELECT count(*) FROM gold.fm_evidence_mismatches AS m
                WHERE m.return_id IN (SELECT return_id FROM per_return)),
            (SELECT count(DISTINCT m.return_id) FROM gold.fm_evidence_mismatches AS m
                WHERE m.return_id IN (SELECT return_id FROM per_return))
        FROM per_return
        """,
        params,
    ).fetchall()[0]
    keys = ("version_2", "all_met", "version_1", "mismatches", "schools_with_mismatch")
    return {k: int(v or 0) for k, v in zip(keys, row, strict=True)}


def school_standards(con: Con, urn: int, round: str | None = None) -> pd.DataFrame:
    """The school's four standards from its current return in ``round`` (default: its latest
    round with a return): standard, label, status, status label, detail, reviewed_on,
    next_review_due, return_version. Empty when the school has no return."""
    return frame(
        con,
        """
        SELECT round, standard, standard_label, status, status_label, detail, reviewed_on,
            next_review_due, return_version, completed_on
        FROM gold.fm_standards
        WHERE urn = ? AND round = coalesce(?, (SELECT max(round) FROM gold.fm_standards
                                                WHERE urn = ?))
        ORDER BY standard
        """,
        [urn, round, urn],
    )


def school_mismatches(con: Con, urn: int, round: str | None = None) -> pd.DataFrame:
    """Statements of the school's return where self-review says fully in place and its own
    standards check says otherwise: indicator_id, statement, shortfalls, label."""
    return frame(
        con,
        """
        SELECT round, indicator_id, statement, shortfalls, label
        FROM gold.fm_evidence_mismatches
        WHERE urn = ? AND round = coalesce(?, (SELECT max(round) FROM gold.fm_standards
                                                WHERE urn = ?))
        ORDER BY indicator_id
        """,
        [urn, round, urn],
    )


def standards_wide(con: Con, f: Filters) -> pd.DataFrame:
    """One row per school with a current return in ``f.round``: urn, return_version and each
    standard's status label and detail (``standard_1_status``, ``standard_1_detail``, ...), the
    next review due, the number of self-review/evidence disagreements (for exports), then each
    standard's status code (``standard_1_code``, ...: met, partly, not_met, unknown)."""
    where, params = filter_sql("gold.fm_standards", f)
    return frame(
        con,
        f"""
        SELECT
            s.urn,
            any_value(s.return_version) AS return_version,
            max(s.status_label) FILTER (WHERE s.standard = 1) AS standard_1_status,
            max(s.detail) FILTER (WHERE s.standard = 1) AS standard_1_detail,
            max(s.status_label) FILTER (WHERE s.standard = 2) AS standard_2_status,
            max(s.detail) FILTER (WHERE s.standard = 2) AS standard_2_detail,
            max(s.status_label) FILTER (WHERE s.standard = 3) AS standard_3_status,
            max(s.detail) FILTER (WHERE s.standard = 3) AS standard_3_detail,
            max(s.status_label) FILTER (WHERE s.standard = 4) AS standard_4_status,
            max(s.detail) FILTER (WHERE s.standard = 4) AS standard_4_detail,
            max(s.next_review_due) AS next_review_due,
            CAST((SELECT count(*) FROM gold.fm_evidence_mismatches AS m
                  WHERE m.return_id = any_value(s.return_id)) AS INTEGER) AS evidence_mismatches,
            max(s.status) FILTER (WHERE s.standard = 1) AS standard_1_code,
            max(s.status) FILTER (WHERE s.standard = 2) AS standard_2_code,
            max(s.status) FILTER (WHERE s.standard = 3) AS standard_3_code,
            max(s.status) FILTER (WHERE s.standard = 4) AS standard_4_code
        FROM gold.fm_standards AS s
        WHERE {where}
        GROUP BY s.urn
        ORDER BY s.urn
        """,
        params,
    )
