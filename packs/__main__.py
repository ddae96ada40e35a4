"""``python -m packs``: cabinet pack and governor reports from the command line.

    python -m packs cabinet --out FILE.pptx [--db PATH] [--round YYYY/YY]
        [--district D ...] [--setting S ...] [--filtering managed|locked_down]
        [--public] [--name-schools]
    python -m packs governor --urn URN --out FILE.pdf [--db PATH] [--round YYYY/YY]
    python -m packs governor --all-flagged --out FILE.zip [--db PATH] [--round YYYY/YY]

Exit 0 on success, 1 when the pack could not be made (one line on stderr),
2 for bad arguments.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import duckdb

from lakehouse import seeds
from lakehouse.db import ReadOnlyDatabase, db_path
from lakehouse.rounds import RoundError, parse_round


def _round(text: str) -> str:
    # one parser for every command: 2026-27 and 2026/2027 mean 2026/27
    try:
        return parse_round(text)
    except RoundError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m packs", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)
    c = sub.add_parser("cabinet", help="the cabinet PowerPoint pack")
    c.add_argument("--out", required=True, type=Path, help="the .pptx file to write")
    c.add_argument("--db", help="database path (default $ESAFETY_DB, else data/esafety.duckdb)")
    c.add_argument(
        "--round", type=_round, help="collection round, YYYY/YY (default: the current round)"
    )
    c.add_argument("--district", action="append", default=[], help="a district (repeatable)")
    c.add_argument("--setting", action="append", default=[], help="a setting (repeatable)")
    c.add_argument("--filtering", choices=seeds.order("filtering"))
    c.add_argument(
        "--public",
        action="store_true",
        help=f"suppress counts of fewer than {seeds.small_group_threshold()} schools"
        " (for publication)",
    )
    c.add_argument(
        "--name-schools",
        action="store_true",
        help="add a table naming the flagged schools (ignored with --public)",
    )
    g = sub.add_parser("governor", help="governor reports as PDF, one per school")
    who = g.add_mutually_exclusive_group(required=True)
    who.add_argument("--urn", type=int, help="the school's URN")
    who.add_argument(
        "--all-flagged", action="store_true", help="one report per flagged school, in a zip"
    )
    g.add_argument("--out", required=True, type=Path, help="the .pdf (or .zip) file to write")
    g.add_argument("--db", help="database path (default $ESAFETY_DB, else data/esafety.duckdb)")
    g.add_argument(
        "--round", type=_round, help="collection round, YYYY/YY (default: the current round)"
    )
    return p


def _write(path: Path, data: bytes) -> None:
    """Write the pack owner-only (0600): it holds what the dashboard holds (docs/SECURITY.md)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as fh:
        fh.write(data)
    os.chmod(tmp, 0o600)  # whatever the umask, and a leftover .part's old mode
    tmp.replace(path)


def _record(args: argparse.Namespace, what: str, size: int) -> None:
    """An export from the command line is on the audit record, with the OS user, before the
    file is written: as in the app, no record, no file (OSError stops the run)."""
    import sqlite3

    from lakehouse import audit

    try:
        audit.record(
            audit.os_user(),
            "export",
            args.db,
            what=what,
            file_name=args.out.name,
            command=f"packs {args.command}",
            bytes=size,
        )
    except sqlite3.Error as exc:
        raise OSError(f"the audit log cannot be written ({exc}); nothing was written") from None


def run(argv: list[str] | None = None) -> int:
    """Parse arguments, build the pack, write it; returns the exit code."""
    args = _parser().parse_args(argv)
    from packs import cabinet, governor, render

    path = db_path(args.db)
    if not path.exists():
        print(
            f"error: no database at {path}; run the ingest commands first or pass --db",
            file=sys.stderr,
        )
        return 1
    db = ReadOnlyDatabase(path)
    try:
        if args.command == "cabinet":
            f = cabinet.filters_from(args.round, args.district, args.setting, args.filtering)
            data = cabinet.cabinet_pack_pptx(
                db, f, public=args.public, name_schools=args.name_schools
            )
            what = "cabinet pack"
        elif args.all_flagged:
            data = governor.governor_reports_zip(db, None, args.round)
            what = "governor reports"
        else:
            data = governor.governor_report_pdf(db, args.urn, args.round)
            what = f"governor report for URN {args.urn}"
        _record(args, what, len(data))
        _write(args.out, data)
    except (cabinet.PackError, governor.ReportError, render.RenderError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except duckdb.Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        print(f"error: cannot read {path}: {first}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"error: cannot write {args.out}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    finally:
        db.close()
    print(f"wrote {what} to {args.out} ({len(data) // 1024} KB)")
    return 0


def main() -> None:
    sys.exit(run())


if __name__ == "__main__":
    main()
