"""``python -m ingest {register,boundaries,contacts,returns,template}``.

Every problem the user can cause or fix is one line on stderr, never a
traceback: ``error: <what> (<file>)``. Rejected return files are data, not
failures: the command still exits 0.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
import traceback
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ingest.values import parse_round, parse_urn

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

EPILOG = """\
exit codes:
  0  the job ran (return files may still have been rejected: rejections are
     data, listed in the summary and in bronze.files / bronze.messages)
  1  the job could not run at all: a missing path, an unreadable folder, a
     register, boundaries or contacts file that cannot be used, the database busy or
     damaged, or the model build failed. Nothing was changed (except that a
     rejected register or boundaries file is kept on record in bronze.files).
  2  usage error (unknown command or option, bad date or round)

database: --db PATH, else $ESAFETY_DB, else data/esafety.duckdb in the project.
"""


class CommandError(Exception):
    """A one-line reason the command could not run."""


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a date like 2026-09-01") from None


def _round(value: str) -> str:
    parsed, problem = parse_round(value)
    if problem:
        raise argparse.ArgumentTypeError(problem)
    return str(parsed)


def _urn(value: str) -> int:
    parsed, problem = parse_urn(value)
    if problem:
        raise argparse.ArgumentTypeError(problem)
    return int(str(parsed))


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (public so the README and tests can show its help)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", metavar="PATH", help="database file (default: see below)")
    builds = argparse.ArgumentParser(add_help=False)
    builds.add_argument("--as-of", type=_date, metavar="YYYY-MM-DD",
                        help="as-of date for the rebuild (default today)")  # fmt: skip
    builds.add_argument("--round", type=_round, metavar="YYYY/YY",
                        help="current round for the rebuild (default the latest)")  # fmt: skip

    fmt = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(
        prog="python -m ingest",
        description="Load the school register, district boundaries and return workbooks.",
        epilog=EPILOG,
        formatter_class=fmt,
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def loader(command: str, summary: str) -> argparse.ArgumentParser:
        """A command that loads files and then rebuilds the models."""
        return sub.add_parser(
            command, parents=[common, builds], epilog=EPILOG, formatter_class=fmt, help=summary
        )

    for command, metavar, summary in (
        ("register", "FILE.csv", "load a GIAS establishment extract (CSV) as the school register"),
        ("boundaries", "FILE.geojson", "load ONS Local Authority District boundaries (GeoJSON)"),
        ("contacts", "FILE.csv",
         "load the council's contact list (CSV: URN, role, name, e-mail, telephone)"),
    ):  # fmt: skip
        loader(command, summary).add_argument("file", type=Path, metavar=metavar)

    p = loader("returns", "ingest return workbooks from files and folders, then rebuild")
    p.add_argument(
        "paths",
        nargs="+",
        type=Path,
        metavar="PATH",
        help="workbooks (.xlsx .xlsm .xls .ods) and folders (searched recursively)",
    )
    p.add_argument(
        "--no-build", action="store_true", help="load bronze only; do not rebuild the models"
    )

    p = sub.add_parser(
        "template",
        parents=[common],
        epilog=EPILOG,
        formatter_class=fmt,
        help="write the return template (one, or one per open school)",
    )
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--out", type=Path, metavar="FILE.xlsx", help="write one template")
    where.add_argument(
        "--all",
        type=Path,
        metavar="DIR",
        help="one pre-filled template per open school expected to return",
    )
    p.add_argument("--urn", type=_urn, help="pre-fill for this school (looked up in the register)")
    p.add_argument(
        "--round",
        type=_round,
        metavar="YYYY/YY",
        help="the round to fill in (default: the round whose deadline is next)",
    )
    p.add_argument(
        "--version",
        type=int,
        choices=(1, 2),
        default=None,
        help="return version: 2, the current template (default), or 1, the old one",
    )

    return parser  # fmt: skip


class ProgressBar:
    """A plain-text bar on a terminal, redrawn at most ten times a second."""

    def __init__(self, stream=sys.stderr, width: int = 30) -> None:
        self.stream = stream
        self.width = width
        self._last = 0.0

    def __call__(self, done: int, total: int, name: str) -> None:
        now = time.monotonic()
        if done < total and now - self._last < 0.1:
            return
        self._last = now
        filled = self.width * done // max(total, 1)
        bar = "#" * filled + "." * (self.width - filled)
        self.stream.write(f"\r[{bar}] {done}/{total} files read")
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()


def _cmd_returns(args: argparse.Namespace) -> int:
    from ingest.batch import expand_paths, load_returns, rebuild_models
    from lakehouse.db import db_path, writing

    found = expand_paths(args.paths)  # fails early on a missing path
    progress = ProgressBar() if len(found.entries) > 20 and sys.stderr.isatty() else None
    with writing(args.db) as con:
        summary = load_returns(con, found, progress=progress)
        if not args.no_build:
            summary.build_note = rebuild_models(con, args.as_of, args.round)
    summary.db = str(db_path(args.db))
    print(summary.report())
    return EXIT_OK


def _cmd_load(args: argparse.Namespace) -> int:
    from ingest.batch import rebuild_models
    from lakehouse.db import writing

    load: Callable[..., Any]
    load_error: type[ValueError]
    if args.command == "register":
        from ingest.register import RegisterError, load_register

        load, load_error = load_register, RegisterError
    elif args.command == "contacts":
        from ingest.contacts import ContactsError, load_contacts

        load, load_error = load_contacts, ContactsError
    else:
        from ingest.boundaries import BoundariesError, load_boundaries

        load, load_error = load_boundaries, BoundariesError
    if not args.file.exists():
        raise FileNotFoundError(2, "no such file", str(args.file))
    failure: Exception | None = None
    with writing(args.db) as con:
        try:
            summary = load(con, args.file, batch_id=uuid.uuid4().hex[:12])
        except load_error as exc:
            if not getattr(exc, "recorded", False):
                raise
            failure = exc  # keep the 'rejected' record; nothing else changes
        note = rebuild_models(con, args.as_of, args.round)
    if failure is not None:
        raise CommandError(f"{failure}; the file is recorded as rejected in bronze.files")
    print(summary.message())
    print(note)
    return EXIT_OK


def _register_school(db: str | None, urn: int) -> dict:
    import duckdb

    from lakehouse import db as lakedb

    path = lakedb.db_path(db)
    if not path.exists():
        raise CommandError(f"no database, so URN {urn} cannot be looked up ({path})")
    con = lakedb.connect_readonly(path)
    try:
        row = (
            con.cursor()
            .execute(
                "SELECT urn, name FROM bronze.register WHERE urn = ? "
                "ORDER BY loaded_at DESC LIMIT 1",
                [urn],
            )
            .fetchone()
        )
    except duckdb.CatalogException:
        row = None
    finally:
        con.close()
    if row is None:
        raise CommandError(f"URN {urn} is not in the school register ({path})")
    return {"urn": row[0], "name": row[1]}


def _cmd_template(args: argparse.Namespace) -> int:
    from ingest.template import write_all_templates, write_template
    from lakehouse import db as lakedb

    if args.all is not None:
        if args.urn is not None:
            raise CommandError("--urn goes with --out, not --all")
        path = lakedb.db_path(args.db)
        if not path.exists():
            raise CommandError(f"no database: load a register first ({path})")
        con = lakedb.connect_readonly(path)
        try:
            written = write_all_templates(args.all, con, args.round, args.version)
        finally:
            con.close()
        print(f"{len(written)} templates written to {args.all}")
        return EXIT_OK
    school = _register_school(args.db, args.urn) if args.urn is not None else None
    out = write_template(args.out, school, args.round, args.version)
    print(f"template written to {out}")
    return EXIT_OK


_COMMANDS = {
    "register": _cmd_load,
    "boundaries": _cmd_load,
    "contacts": _cmd_load,
    "returns": _cmd_returns,
    "template": _cmd_template,
}


def _fail(message: str) -> int:
    print(f"error: {' '.join(message.split())}", file=sys.stderr)
    return EXIT_FAILED


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit code (0 ran, 1 could not run, 2 usage).

    A load (register, boundaries, returns) is recorded in the audit log with the
    operating-system user who ran it, whatever its outcome.
    """
    args = build_parser().parse_args(argv)  # exits 2 on a usage error
    code = _run(args)
    if args.command != "template":
        _audit(args, code)
    return code


def _audit(args: argparse.Namespace, code: int) -> None:
    from lakehouse import audit

    try:
        audit.record(
            audit.os_user(),
            "ingest",
            args.db,
            command=f"ingest {args.command}",
            sources=[str(p) for p in (getattr(args, "paths", None) or [args.file])],
            exit_code=code,
        )
    except Exception as exc:  # the load has happened: say the record is missing, loudly
        print(f"warning: the audit log could not record this command ({exc})", file=sys.stderr)


def _run(args: argparse.Namespace) -> int:
    # Imported here, not at the top: reader processes re-import this module's
    # caller (python -m ingest) and must not pay for DuckDB.
    import duckdb

    from lakehouse import db as lakedb

    db = lakedb.db_path(args.db)
    unchanged = f"nothing was changed ({db})"
    from ingest.batch import BuildFailed

    try:
        return _COMMANDS[args.command](args)
    except CommandError as exc:
        return _fail(str(exc))
    except FileNotFoundError as exc:
        return _fail(f"{exc.strerror or 'not found'} ({exc.filename or exc})")
    except PermissionError as exc:
        return _fail(f"{exc.strerror or 'permission denied'} ({exc.filename or exc})")
    except lakedb.DatabaseBusy as exc:
        return _fail(f"database busy: {exc}; {unchanged}")
    except BuildFailed as exc:
        return _fail(f"{exc}; {unchanged}")
    except ValueError as exc:  # RegisterError / BoundariesError: already "<file>: <reason>"
        return _fail(f"{exc}; {unchanged}")
    except duckdb.Error as exc:
        return _fail(f"database error: {str(exc).splitlines()[0]}; {unchanged}")
    except OSError as exc:
        return _fail(f"{exc.strerror or exc} ({exc.filename or db})")
    except KeyboardInterrupt:
        return _fail(f"interrupted; {unchanged}")
    except Exception as exc:  # a bug: still one line, details on request
        if os.environ.get("ESAFETY_DEBUG"):
            traceback.print_exc()
        return _fail(
            f"unexpected {type(exc).__name__}: {exc}; {unchanged}"
            " (set ESAFETY_DEBUG=1 to see the details)"
        )
