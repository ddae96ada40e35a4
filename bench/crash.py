"""Crash harness: SIGKILL ingests and builds at random moments; the database must survive whole.

    .venv/bin/python bench/crash.py [--kills 50] [--schools 600] [--seed 2026]

A sample county is loaded (register, boundaries, the first round of returns).
Then, ``--kills`` times, one write is chosen at random — ``python -m ingest
returns`` of the later rounds (with more than 1,000 files the reader runs in
a process pool) or ``python -m lakehouse build`` — and:

1. run to the end on a copy of the database, to know the state *after* it;
2. run on the live database and SIGKILLed at a random moment within the time
   the full run took;
3. checked: the live database opens and every table's row count equals the
   state before or the state after (never torn, never mixed); no process the
   killed one started is still alive two seconds later (no orphaned workers);
   and once the next writer has run, no temp copy, WAL or link is left beside
   the database (no leftovers).

Printed: kills (and how many landed mid-write), torn databases, orphaned
processes, leftover files and time. Exit 1 when any check failed.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def counts(db: Path) -> dict[str, int] | None:
    """Row count of every bronze, silver and gold table; None when the file will not open."""
    import duckdb

    try:
        con = duckdb.connect(str(db), read_only=True)
    except duckdb.Error:
        return None
    try:
        tables = con.execute(
            "SELECT table_schema, table_name FROM information_schema.tables "
            "WHERE table_schema IN ('bronze', 'silver', 'gold') ORDER BY 1, 2"
        ).fetchall()
        # identifiers from the catalogue itself, quoted
        return {
            f"{s}.{t}": con.execute(f'SELECT count(*) FROM "{s}"."{t}"').fetchone()[0]
            for s, t in tables
        }
    except duckdb.Error:
        return None
    finally:
        con.close()


def descendants(pid: int) -> set[int]:
    """Every process below ``pid`` (Linux /proc), found while it still lives."""
    found: set[int] = set()
    frontier = [pid]
    while frontier:
        current = frontier.pop()
        try:
            tasks = os.listdir(f"/proc/{current}/task")
        except OSError:
            continue
        for tid in tasks:
            try:
                with open(f"/proc/{current}/task/{tid}/children") as fh:
                    children = [int(c) for c in fh.read().split()]
            except OSError:
                continue
            for child in children:
                if child not in found:
                    found.add(child)
                    frontier.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def leftovers(db: Path) -> list[Path]:
    return sorted(db.parent.glob(f".{db.name}.*"))


class County:
    """A loaded sample county and the commands that write it."""

    def __init__(self, work: Path, schools: int, seed: int) -> None:
        from samplecounty.generate import write_sample

        self.work = work
        sample = work / "sample"
        write_sample(sample, schools=schools, rounds=3, seed=seed)
        rounds = sorted(p for p in (sample / "returns").iterdir() if p.is_dir())
        self.later = [str(p) for p in rounds[1:]]
        self.db = work / "live" / "county.duckdb"
        self.db.parent.mkdir()
        for args in (["register", sample / "register.csv"],
                     ["boundaries", sample / "districts.geojson"],
                     ["returns", rounds[0]]):  # fmt: skip
            self._run(["ingest", *map(str, args)], self.db).check_returncode()
        self.files = sum(1 for r in self.later for p in Path(r).rglob("*") if p.is_file())

    def command(self, op: str, db: Path) -> list[str]:
        if op == "ingest":
            return [sys.executable, "-m", "ingest", "returns", *self.later, "--db", str(db)]
        return [sys.executable, "-m", "lakehouse", "build", "--db", str(db)]

    def _run(self, args: list[str], db: Path) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", *args, "--db", str(db)], cwd=ROOT,
                              capture_output=True, text=True, timeout=900)  # fmt: skip

    def start(self, op: str, db: Path) -> subprocess.Popen:
        return subprocess.Popen(self.command(op, db), cwd=ROOT, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True)  # fmt: skip


def next_writer(db: Path) -> None:
    """What any next ingest or build does first: take the lock, clear leftovers, swap."""
    subprocess.run(
        [sys.executable, "-c", "import sys; from lakehouse.db import writing\n"
         "with writing(sys.argv[1]): pass", str(db)],
        cwd=ROOT, check=True, timeout=300,
    )  # fmt: skip


def run(kills: int, schools: int, seed: int, out=sys.stdout) -> int:
    rng = random.Random(seed)
    start = time.perf_counter()
    tally: Counter = Counter()
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="esafety-crash-") as tmp:
        county = County(Path(tmp), schools, seed)
        side = Path(tmp) / "side" / "county.duckdb"
        side.parent.mkdir()
        from ingest.batch import POOL_THRESHOLD

        pool = "in a process pool" if county.files >= POOL_THRESHOLD else "in one process"
        print(f"county: {schools} schools; an ingest reads {county.files:,} files {pool}",
              file=out)  # fmt: skip
        for n in range(1, kills + 1):
            op = rng.choice(["ingest", "ingest", "build"])
            before = counts(county.db)
            shutil.copyfile(county.db, side)
            t0 = time.perf_counter()
            done = county.start(op, side)
            _, err = done.communicate(timeout=900)
            full = time.perf_counter() - t0
            if done.returncode != 0:
                problems.append(f"#{n} {op} failed when left to finish: {err.strip()[-300:]}")
                continue
            after = counts(side)
            for leftover in leftovers(side):
                leftover.unlink()

            victim = county.start(op, county.db)
            delay = rng.uniform(0.0, full)
            time.sleep(delay)
            below = descendants(victim.pid)
            finished = victim.poll() is not None
            if not finished:
                below |= descendants(victim.pid)
                victim.send_signal(signal.SIGKILL)
                if len(below) > 1:  # besides multiprocessing's resource tracker
                    tally["kills with reader workers running"] += 1
            victim.communicate(timeout=60)
            tally["finished before the kill" if finished else "killed mid-write"] += 1

            state = counts(county.db)
            verdict = "before" if state == before else "after" if state == after else None
            if verdict is None:
                tally["torn"] += 1
                problems.append(f"#{n} {op} killed at {delay:.2f}s: the database is torn")
            else:
                tally[f"left {verdict}"] += 1
            time.sleep(2.0)
            orphans = [pid for pid in below if alive(pid)]
            if orphans:
                tally["orphaned processes"] += len(orphans)
                problems.append(f"#{n} {op}: {len(orphans)} processes outlived the kill")
                for pid in orphans:
                    os.kill(pid, signal.SIGKILL)
            left_by_kill = leftovers(county.db)
            next_writer(county.db)
            remaining = leftovers(county.db)
            tally["temp files left by kills"] += len(left_by_kill)
            if remaining:
                tally["leftovers after the next writer"] += len(remaining)
                problems.append(f"#{n}: leftovers after the next writer: {remaining}")
            print(f"#{n:>3} {op:<6} full {full:5.2f}s, killed at {delay:5.2f}s"
                  f"{' (already done)' if finished else f' with {len(below)} child processes'}: "
                  f"{verdict or 'TORN'}, "
                  f"{len(left_by_kill)} temp file(s) -> {len(remaining)} after the next writer, "
                  f"{len(orphans)} orphans", file=out, flush=True)  # fmt: skip
    seconds = time.perf_counter() - start
    torn = tally["torn"]
    print(f"\nkills: {kills} ({tally['killed mid-write']} mid-write, "
          f"{tally['finished before the kill']} had already finished)", file=out)  # fmt: skip
    print(f"torn databases: {torn} (left before: {tally['left before']}, "
          f"after: {tally['left after']})", file=out)  # fmt: skip
    print(f"orphaned processes: {tally['orphaned processes']} (kills while a reader pool ran: "
          f"{tally['kills with reader workers running']})", file=out)  # fmt: skip
    print(f"leftovers: {tally['leftovers after the next writer']} after the next writer "
          f"(the kills left {tally['temp files left by kills']} temp files behind)",
          file=out)  # fmt: skip
    print(f"time: {seconds:.0f} s", file=out)
    for problem in problems:
        print(f"PROBLEM {problem}", file=out)
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=50)
    parser.add_argument(
        "--schools",
        type=int,
        default=600,
        help="600 gives an ingest of over 1,000 files, read in a process pool",
    )
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    return run(args.kills, args.schools, args.seed)


if __name__ == "__main__":
    sys.exit(main())
