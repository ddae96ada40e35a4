"""Browser sessions loading pages while the database is written and swapped under them.

    .venv/bin/python bench/concurrency.py [--sessions 20] [--contexts 4] [--seconds 120]
        [--scale county|national] [--upload-every 5] [--no-big-ingest]
        [--db LOADED.duckdb --returns FOLDER]

One dashboard server (``streamlit run dashboard.py``) on a copy of the sample
database (bench/pages.py builds and caches it under bench/results/). In one
headless Chromium, ``--sessions`` pages spread over ``--contexts`` browser
contexts (each page its own Streamlit session) load the app's pages in turn,
while two writers run:

- a big ingest: ``python -m ingest returns`` of every return of the scale into
  the same database (national: ~66,000 workbooks), once, from the start;
- repeated one-file uploads: ``python -m ingest returns ONE_FILE`` every
  ``--upload-every`` seconds (the same copy-and-swap the upload page does).

Each load is counted as one of: ``ok``; ``exception`` (a traceback or the
app's "Something went wrong"); ``lock`` (a lock or busy-connection message);
``empty`` ("No data yet" on a loaded database); ``mixed`` (the run read two
file versions: its start and end markers differ, see ui.app.bench_marker);
``stale`` (it read a version older than one swapped in more than a second
before the load began); ``timeout``. Prints a table and writes
bench/results/concurrency.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.conftest import CHROMIUM_ARGS, streamlit_server  # noqa: E402
from ui.app import PAGE_SPECS  # noqa: E402

RESULTS = ROOT / "bench" / "results"
PAGES = ["" if i == 0 else Path(path).stem for i, (path, _t, _i) in enumerate(PAGE_SPECS)]
LOCK_WORDS = ("Could not set lock", "Conflicting lock", "connection is busy", "already closed")
STALE_GRACE_S = 1.0


class Versions:
    """When each file version went live (inode -> first time seen), watched from outside."""

    def __init__(self, db: Path) -> None:
        self.db = db
        self.seen: list[tuple[float, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def _watch(self) -> None:
        last = None
        while not self._stop.is_set():
            try:
                ino = os.stat(self.db).st_ino
            except FileNotFoundError:
                ino = None
            if ino is not None and ino != last:
                self.seen.append((time.monotonic(), ino))
                last = ino
            time.sleep(0.02)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def live_before(self, t: float) -> int | None:
        """The newest version live since at least STALE_GRACE_S before ``t``."""
        live = [ino for when, ino in self.seen if when <= t - STALE_GRACE_S]
        return live[-1] if live else None

    def order(self, ino: int) -> int:
        return next((i for i, (_w, v) in enumerate(self.seen) if v == ino), -1)


def _ingest(args: list[str], db: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ingest", "returns", *args, "--db", str(db)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=dict(os.environ, ESAFETY_DB=str(db)),
    )


def _writers(db: Path, returns: Path, big: bool, every: float, stop: threading.Event) -> dict:
    """Start the big ingest and the repeated one-file uploads; returns their tallies."""
    tally: dict = {"big_ingest_s": None, "big_ingest_rc": None, "uploads": 0, "upload_failures": 0}
    files = sorted(p for p in returns.rglob("*.xlsx"))

    def big_ingest() -> None:
        started = time.monotonic()
        done = _ingest([str(returns)], db)
        tally["big_ingest_s"] = round(time.monotonic() - started, 1)
        tally["big_ingest_rc"] = done.returncode

    def uploads() -> None:
        i = 0
        while not stop.wait(every):
            one = files[i % len(files)]
            i += 1
            done = _ingest([str(one)], db)
            tally["uploads"] += 1
            tally["upload_failures"] += done.returncode != 0

    threads = [threading.Thread(target=uploads, daemon=True)]
    if big:
        threads.append(threading.Thread(target=big_ingest, daemon=True))
    for t in threads:
        t.start()
    tally["_threads"] = threads
    return tally


async def _session(
    context, n: int, url: str, until: float, versions: Versions, counts: Counter, log: list
) -> None:
    page = await context.new_page()
    page.set_default_timeout(60_000)
    i = n
    while time.monotonic() < until:
        path = PAGES[i % len(PAGES)]
        i += 1
        began = time.monotonic()
        outcome = "ok"
        try:
            await page.goto(f"{url}/{path}")
            await page.wait_for_selector('[data-testid="stAppViewContainer"]')
            # the run is over when its end marker is on the page (or it stopped without one:
            # then wait until the status widget has been gone for a second)
            try:
                await page.locator('.esafety-marker[data-stage="end"]').wait_for(
                    state="attached", timeout=90_000
                )
            except Exception:
                quiet = 0
                while quiet < 5:
                    await page.wait_for_timeout(200)
                    busy = await page.locator('[data-testid="stStatusWidget"]').count()
                    quiet = 0 if busy else quiet + 1
            text = await page.locator('[data-testid="stMain"]').inner_text()
            if await page.locator('[data-testid="stException"]').count() or (
                "Something went wrong" in text
            ):
                outcome = "exception"
            elif any(w in text for w in LOCK_WORDS):
                outcome = "lock"
            elif "No data yet" in text:
                outcome = "empty"
            else:
                marks = {
                    await m.get_attribute("data-stage"): (
                        await m.get_attribute("data-version"),
                        await m.get_attribute("data-built"),
                    )
                    for m in await page.locator(".esafety-marker").all()
                }
                start, end = marks.get("start"), marks.get("end")
                if start and end:
                    counts["marked"] += 1  # the mixed and stale checks could run on this load
                if start and end and start != end:
                    outcome = "mixed"
                elif start and start[0]:
                    expected = versions.live_before(began)
                    if expected is not None and versions.order(int(start[0])) < versions.order(
                        expected
                    ):
                        outcome = "stale"
        except Exception as exc:  # a load that never settles
            outcome = "timeout"
            log.append(f"session {n} /{path}: {type(exc).__name__}: {str(exc)[:120]}")
        counts[outcome] += 1
        if outcome != "ok" and outcome != "timeout":
            log.append(f"session {n} /{path}: {outcome}")
    await page.close()


async def _browse(url: str, sessions: int, contexts: int, seconds: float, versions: Versions):
    from playwright.async_api import async_playwright

    counts: Counter = Counter()
    log: list[str] = []
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        ctxs = [await browser.new_context() for _ in range(contexts)]
        until = time.monotonic() + seconds
        await asyncio.gather(
            *(
                _session(ctxs[n % contexts], n, url, until, versions, counts, log)
                for n in range(sessions)
            )
        )
        await browser.close()
    return counts, log


def run(
    db_source: Path,
    returns: Path,
    *,
    sessions: int,
    contexts: int,
    seconds: float,
    upload_every: float,
    big_ingest: bool,
) -> dict:
    """One measured run on a private copy of ``db_source``; the figures as a dict."""
    with tempfile.TemporaryDirectory(prefix="esafety-concurrency-") as tmp:
        db = Path(tmp) / "county.duckdb"
        shutil.copyfile(db_source, db)
        versions = Versions(db)
        versions.start()
        stop = threading.Event()
        env = {"ESAFETY_BENCH_MARKERS": "1", "ESAFETY_STORE": str(Path(tmp) / "store.sqlite")}
        with streamlit_server(db, extra_env=env) as url:
            tally = _writers(db, returns, big_ingest, upload_every, stop)
            started = time.monotonic()
            counts, log = asyncio.run(_browse(url, sessions, contexts, seconds, versions))
            stop.set()
            for t in tally.pop("_threads"):
                t.join(timeout=600)
            elapsed = time.monotonic() - started
        versions.stop()
    loads = sum(counts.values())
    return {
        "sessions": sessions,
        "contexts": contexts,
        "seconds": round(elapsed, 1),
        "loads": loads - counts.get("marked", 0),
        "swaps": max(len(versions.seen) - 1, 0),
        **{
            k: counts.get(k, 0)
            for k in ("ok", "marked", "exception", "lock", "empty", "mixed", "stale", "timeout")
        },
        **tally,
        "problems": log[:50],
    }


def _table(result: dict) -> str:
    keys = [
        "sessions",
        "seconds",
        "loads",
        "swaps",
        "uploads",
        "ok",
        "marked",
        "exception",
        "lock",
        "empty",
        "mixed",
        "stale",
        "timeout",
        "big_ingest_s",
    ]
    head = "| " + " | ".join(keys) + " |"
    rule = "|" + "---|" * len(keys)
    row = "| " + " | ".join(str(result.get(k, "")) for k in keys) + " |"
    return "\n".join([head, rule, row])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--contexts", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--scale", choices=["county", "national"], default="national")
    parser.add_argument("--upload-every", type=float, default=5.0)
    parser.add_argument("--no-big-ingest", action="store_true")
    parser.add_argument("--db", type=Path, help="a loaded database instead of --scale's")
    parser.add_argument("--returns", type=Path, help="the returns folder for --db")
    args = parser.parse_args()
    from bench.pages import county_db, national_db

    if args.db:
        db, returns = args.db, args.returns or args.db.parent / "sample" / "returns"
    else:
        db = national_db() if args.scale == "national" else county_db()
        returns = db.parent / "sample" / "returns"
    result = run(
        db,
        returns,
        sessions=args.sessions,
        contexts=args.contexts,
        seconds=args.seconds,
        upload_every=args.upload_every,
        big_ingest=not args.no_big_ingest,
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "concurrency.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(_table(result))
    for line in result["problems"]:
        print("  " + line)
    bad = sum(result[k] for k in ("exception", "lock", "empty", "mixed", "stale"))
    return 0 if bad == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
