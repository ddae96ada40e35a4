"""Benchmark: the SQL build against naive per-school Python scoring.

    .venv/bin/python bench/build.py [--schools 24000 600] [--rounds 3] [--naive-sample 300]

Makes a deterministic bronze layer directly in DuckDB (no workbooks), times
``lakehouse.build.build`` on it, and, side by side, a naive approach: score
each current return one at a time in Python (one query per return for its
responses, policies and training, then the area rules in Python loops). The
naive approach runs on a sample of returns and is extrapolated to all of them;
the table says so. The naive scorer covers only the area scores, not freshness,
flags or the other gold tables, so the comparison flatters it.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lakehouse.build import build
from lakehouse.db import ensure_bronze
from lakehouse.spec import SEEDS_DIR

ROUNDS = ("2024/25", "2025/26", "2026/27")


def make_bronze(con: duckdb.DuckDBPyConnection, schools: int, rounds: int) -> int:
    """Fill bronze with ``schools`` schools and ``rounds`` rounds; returns the returns made."""
    ensure_bronze(con)
    con.execute(
        """
        INSERT INTO bronze.register
        SELECT
            100000 + i, 'School ' || i,
            ['Primary', 'Primary', 'Primary', 'Secondary', 'Not applicable', 'Nursery',
             'All-through', '16 plus', 'Middle deemed primary', 'Primary'][i % 10 + 1],
            ['Community school', 'Academy converter', 'Community special school',
             'Pupil referral unit', 'Other independent school',
             'Voluntary aided school'][i % 6 + 1],
            CASE WHEN i % 6 = 4 THEN 'Independent schools' ELSE 'Local authority maintained schools'
            END,
            CASE WHEN i % 97 = 0 THEN 'Closed' ELSE 'Open' END,
            'LA ' || (i % 150), 'District ' || (i % 300),
            'E0' || lpad(CAST(i % 300 AS VARCHAR), 7, '0'),
            'AB1 2CD', NULL, NULL, 50 + (i % 500) / 100.0, -3 + (i % 700) / 100.0, 100 + i % 900,
            true, 'bench.csv', 'bench', TIMESTAMP '2026-09-01'
        FROM range(?) AS t(i)
        """,
        [schools],
    )
    con.execute(
        """
        CREATE TEMP TABLE bench_returns AS
        SELECT
            sha256(CAST(i AS VARCHAR) || '-' || r) AS sha256, 100000 + i AS urn,
            r AS round_no, i
        FROM range(?) AS t(i), range(?) AS s(r)
        WHERE hash(i, r) % 20 <> 0  -- one school in twenty misses a round
        """,
        [schools, rounds],
    )
    con.execute(
        """
        INSERT INTO bronze.returns
        SELECT
            sha256, urn || '.xlsx', TIMESTAMP '2026-01-01' + INTERVAL (round_no) YEAR,
            urn, ? [round_no + ?],
            make_date(2024 + round_no + ?, 10, 1) + CAST(hash(sha256) % 120 AS INTEGER),
            NULL, 'DSL',
            CASE WHEN hash(sha256, 'f') % 10 = 0 THEN 'locked_down' ELSE 'managed' END, NULL,
            NULL, NULL, CAST(hash(sha256, 'o') % 4 AS INTEGER),
            CASE WHEN hash(sha256, 's') % 3 = 0 THEN CAST(hash(sha256, 'p') % 101 AS DOUBLE) END
        FROM bench_returns
        """,
        [list(ROUNDS), 1 + 3 - rounds, 3 - rounds],
    )
    indicators = str(SEEDS_DIR / "indicators.csv")
    con.execute(
        """
        INSERT INTO bronze.responses
        SELECT r.sha256, i.indicator_id,
            ['fully', 'fully', 'fully', 'partly', 'partly', 'not', 'na', NULL]
                [CAST(hash(r.sha256, i.indicator_id) % 8 AS INTEGER) + 1],
            NULL, NULL, NULL
        FROM bench_returns AS r, read_csv(?, header = true) AS i
        """,
        [indicators],
    )
    con.execute(
        """
        INSERT INTO bronze.policies
        SELECT r.sha256, p.policy,
            CASE WHEN hash(r.sha256, p.policy) % 15 <> 0
                THEN make_date(2024 + r.round_no, 10, 1)
                    - CAST(hash(r.sha256, p.policy) % 420 AS INTEGER) END,
            NULL, true, true, false, NULL
        FROM bench_returns AS r, read_csv(?, header = true) AS p
        """,
        [str(SEEDS_DIR / "policies.csv")],
    )
    con.execute(
        """
        INSERT INTO bronze.training
        SELECT r.sha256, g.staff_group, 5 + CAST(hash(r.sha256, g.staff_group) % 40 AS INTEGER),
            CAST(hash(r.sha256, g.staff_group, 't') % 46 AS INTEGER), NULL
        FROM bench_returns AS r, read_csv(?, header = true) AS g
        """,
        [str(SEEDS_DIR / "staff_groups.csv")],
    )
    con.execute(
        """
        INSERT INTO bronze.incidents
        SELECT r.sha256, c.category, CAST(hash(r.sha256, c.category) % 6 AS INTEGER), NULL
        FROM bench_returns AS r, read_csv(?, header = true) AS c
        """,
        [str(SEEDS_DIR / "incident_categories.csv")],
    )
    return con.execute("SELECT count(*) FROM bronze.returns").fetchone()[0]


def naive_seconds_per_return(con: duckdb.DuckDBPyConnection, sample: int) -> float:
    """Score ``sample`` current returns one by one in Python; seconds per return."""
    weights = dict(con.execute("SELECT indicator_id, weight FROM seeds.indicators").fetchall())
    areas = dict(con.execute("SELECT indicator_id, area FROM seeds.indicators").fetchall())
    points = dict(con.execute("SELECT response, points FROM seeds.response_labels").fetchall())
    ids = [
        r[0]
        for r in con.execute(
            "SELECT return_id FROM silver.returns WHERE is_current ORDER BY return_id LIMIT ?",
            [sample],
        ).fetchall()
    ]
    started = time.perf_counter()
    for return_id in ids:
        answers = con.execute(
            "SELECT indicator_id, response FROM silver.responses WHERE return_id = ?", [return_id]
        ).fetchall()
        con.execute("SELECT * FROM silver.policies WHERE return_id = ?", [return_id]).fetchall()
        con.execute("SELECT * FROM silver.training WHERE return_id = ?", [return_id]).fetchall()
        totals: dict[str, list[float]] = {}
        for indicator, response in answers:
            got = points.get(response)
            entry = totals.setdefault(areas[indicator], [0.0, 0.0])
            if got is not None:
                entry[0] += weights[indicator] * got
                entry[1] += 2 * weights[indicator]
        _ = {a: (100 * p / w if w else None) for a, (p, w) in totals.items()}
    return (time.perf_counter() - started) / max(len(ids), 1)


def run(schools: int, rounds: int, naive_sample: int) -> dict[str, float]:
    con = duckdb.connect()
    started = time.perf_counter()
    returns = make_bronze(con, schools, rounds)
    made = time.perf_counter() - started
    result = build(con)
    naive = naive_seconds_per_return(con, naive_sample)
    current = con.execute("SELECT count(*) FROM silver.returns WHERE is_current").fetchone()[0]
    con.close()
    return {
        "schools": schools,
        "returns": returns,
        "bronze_s": made,
        "build_s": result.seconds,
        "naive_s": naive * current,
        "naive_sample": min(naive_sample, current),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, nargs="+", default=[24000, 600])
    parser.add_argument("--rounds", type=int, default=3, choices=(1, 2, 3))
    parser.add_argument("--naive-sample", type=int, default=300)
    args = parser.parse_args()
    rows = [run(n, args.rounds, args.naive_sample) for n in args.schools]
    print(
        f"{'schools':>8} {'returns':>8} {'make bronze':>12} {'SQL build':>10} "
        f"{'naive Python (extrapolated)':>28}"
    )
    for r in rows:
        naive = f"{r['naive_s']:.1f} s from {r['naive_sample']}"
        print(
            f"{r['schools']:>8} {r['returns']:>8} {r['bronze_s']:>10.2f} s {r['build_s']:>8.2f} s "
            f"{naive:>28}"
        )
    print("SQL build = lakehouse.build.build(): every silver and gold table plus data tests.")
    print("Naive = area scores only, one return at a time, timed on a sample and scaled up.")


if __name__ == "__main__":
    main()
