"""``python -m lakehouse build|docs|audit verify``: rebuild silver and gold, refresh the
methodology tables, or check the audit log's hash chain.

Exit codes: 0 done, 1 could not run or the audit log is broken (one-line reason on
stderr), 2 bad arguments. A build is recorded in the audit log with the OS user,
and checks the role list file for edits (lakehouse.roles.check_list).
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import time
from datetime import date

import duckdb

from lakehouse import seeds, sql
from lakehouse.build import BuildError, build
from lakehouse.db import DatabaseBusy, db_path, writing
from lakehouse.methodology import METHODOLOGY, render_methodology
from lakehouse.rounds import RoundError, parse_round


def _as_of(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date written YYYY-MM-DD") from None


def _round(text: str) -> str:
    try:
        return parse_round(text)
    except RoundError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m lakehouse", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="rebuild silver and gold from bronze and the seed CSVs")
    b.add_argument("--db", help="database file (default $ESAFETY_DB, else data/esafety.duckdb)")
    b.add_argument("--as-of", type=_as_of, help="date that drives policy freshness (default today)")
    b.add_argument("--round", type=_round, help="current round (default the latest with a return)")
    d = sub.add_parser(
        "docs",
        help="regenerate the seed tables of docs/methodology.md and the model tables of"
        " docs/ARCHITECTURE.md",
    )
    d.add_argument("--check", action="store_true", help="only report whether the document is stale")
    a = sub.add_parser("audit", help="check the audit log")
    a.add_argument("check", choices=["verify"], help="verify: recompute the hash chain")
    a.add_argument("--db", help="database whose store to check (default $ESAFETY_DB)")
    return parser


def _summary(con: duckdb.DuckDBPyConnection, result, seconds: float) -> str:
    schools = sql.scalar(con, "SELECT count(*) FROM gold.school_overview")
    returns = sql.scalar(
        con, "SELECT count(*) FROM gold.school_rounds WHERE round = ?", [result.current_round]
    )
    by_priority = dict(
        con.execute(
            "SELECT priority, count(DISTINCT urn) FROM gold.support_flags GROUP BY priority"
        ).fetchall()
    )
    flags = ", ".join(f"{p} {by_priority.get(p, 0)}" for p in seeds.order("priority"))
    return (
        f"built: current round {result.current_round or 'none'}"
        f" (previous {result.previous_round or 'none'}), as of {result.as_of.isoformat()};"
        f" {schools} schools, {returns} current returns this round;"
        f" schools flagged: {flags}; {seconds:.2f} s"
    )


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "docs":
            return _docs(args.check)
        if args.command == "audit":
            return _audit_verify(args.db)
        started = time.perf_counter()
        path = db_path(args.db)
        with writing(path) as con:
            result = build(con, as_of=args.as_of, round=args.round)
            line = _summary(con, result, time.perf_counter() - started)
        _record_build(args.db, line)
        print(line)
        return 0
    except (BuildError, DatabaseBusy, duckdb.Error, OSError, sqlite3.Error, ValueError) as exc:
        print(
            f"lakehouse: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}",
            file=sys.stderr,
        )
        return 1


def _record_build(db: str | None, line: str) -> None:
    """A command-line build is on the audit record, with the OS user (and any role list edit)."""
    from lakehouse import audit, roles, store

    con = store.connect(db)
    try:
        who = audit.os_user()
        roles.check_list(con, f"{who} (command line)")
        with store.transaction(con):
            audit.record_in(con, who, "ingest", command="lakehouse build", summary=line)
    finally:
        con.close()


def _audit_verify(db: str | None) -> int:
    from lakehouse import audit, store

    con = store.connect(db)
    try:
        verdict = audit.verify(con)
    finally:
        con.close()
    if not verdict.intact:
        print(f"lakehouse: audit log broken: {verdict.problem}", file=sys.stderr)
        return 1
    print(f"audit log intact: {verdict.rows} rows, last hash {verdict.head}")
    return 0


def _docs(check: bool) -> int:
    """The generated parts of the docs: the seed tables of methodology.md (from the seeds)
    and the model tables of ARCHITECTURE.md (from the models' contracts)."""
    from lakehouse.contracts import ARCHITECTURE, render_architecture

    stale = 0
    for path, render, source in (
        (METHODOLOGY, render_methodology, "the seeds"),
        (ARCHITECTURE, render_architecture, "the models' contracts"),
    ):
        text = path.read_text(encoding="utf-8")
        fresh = render(text)
        if fresh == text:
            print(f"{path} matches {source}")
        elif check:
            print(
                f"lakehouse: {path} is out of date; run python -m lakehouse docs", file=sys.stderr
            )
            stale = 1
        else:
            path.write_text(fresh, encoding="utf-8")
            print(f"updated {path} from {source}")
    return stale


if __name__ == "__main__":
    sys.exit(main())
