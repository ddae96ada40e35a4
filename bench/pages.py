"""How long each dashboard page takes to finish rendering in headless Chromium.

    .venv/bin/python bench/pages.py [--repeats 5] [--scales county national]

Scales: ``county`` (600 schools) and ``national`` (24,000 schools), each built
with the real ``python -m samplecounty`` and ``python -m ingest register``,
``boundaries`` and ``returns`` commands (national: about 66,000 workbooks, ~4 minutes on 2 cores)
and cached under bench/results/ (delete a folder to rebuild it).

Every page is opened in a fresh browser session (a full script run), once cold
and then ``--repeats`` times warm; the warm median is reported next to an empty
Streamlit page served in the same run. Target: warm, every page within 2× the
empty page at national scale. Results are also written to bench/results/pages.json.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.conftest import CHROMIUM_ARGS, build_sample_db, streamlit_server  # noqa: E402
from ui.app import PAGE_SPECS  # noqa: E402

RESULTS = ROOT / "bench" / "results"
# every page of the app's navigation; the first (default) page is served at "/"
PAGES = ["" if i == 0 else Path(path).stem for i, (path, _title, _icon) in enumerate(PAGE_SPECS)]
COUNTY_SCHOOLS = 600
NATIONAL_SCHOOLS = 24_000
EMPTY_APP = 'import streamlit as st\n\nst.title("Empty page")\n'


def _sample_db(scale: str, schools: int) -> Path:
    """A sample county built once through the real ingest commands, cached in bench/results."""
    folder = RESULTS / scale
    db = folder / "sample.duckdb"
    if not db.exists():
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        started = time.monotonic()
        build_sample_db(folder, schools=schools)
        print(f"built the {scale} database in {time.monotonic() - started:.0f} s", flush=True)
    return db


def county_db() -> Path:
    """The 600-school county."""
    return _sample_db("county", COUNTY_SCHOOLS)


def national_db() -> Path:
    """24,000 schools (about 4 minutes on 2 cores the first time)."""
    return _sample_db("national", NATIONAL_SCHOOLS)


# Finished: a heading is on the page, no script run is going, and every plotly
# chart has drawn its SVG (or MapLibre canvas).
_FINISHED_JS = """() => {
  if (!document.querySelector('[data-testid="stHeading"] h1')) return false;
  if (document.querySelector('[data-testid="stStatusWidget"]')) return false;
  const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
  return charts.every(c => c.querySelector('.main-svg') || c.querySelector('canvas'));
}"""


def _ready(page, started: float) -> float:
    """Seconds from ``started`` until the page finished rendering and stayed so for 0.6 s."""
    page.wait_for_selector('[data-testid="stAppViewContainer"]', timeout=120_000)
    finished_at: float | None = None
    while True:
        done = page.evaluate(_FINISHED_JS)
        now = time.monotonic()
        if not done:
            finished_at = None
        elif finished_at is None:
            finished_at = now
        elif now - finished_at >= 0.6:
            return finished_at - started
        page.wait_for_timeout(25)


def time_pages(browser, url: str, paths: list[str], repeats: int) -> dict[str, dict[str, float]]:
    """Cold and warm-median seconds for each path, each load in a fresh session."""
    out: dict[str, dict[str, float]] = {}
    for path in paths:
        runs = []
        for _ in range(repeats + 1):
            context = browser.new_context(viewport={"width": 1600, "height": 1000})
            page = context.new_page()
            started = time.monotonic()
            page.goto(f"{url}/{path}", timeout=120_000)
            runs.append(_ready(page, started))
            if page.locator('[data-testid="stException"]').count():
                raise RuntimeError(f"/{path} raised an exception in the app")
            context.close()
        out[path or "overview"] = {"cold": runs[0], "warm_median": statistics.median(runs[1:])}
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument(
        "--scales", nargs="+", default=["county", "national"], choices=["county", "national"]
    )
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    county = county_db()
    dbs = {"county": county}
    if "national" in args.scales:
        dbs["national"] = national_db()
    empty_script = RESULTS / "empty_app.py"
    empty_script.write_text(EMPTY_APP, encoding="utf-8")

    report: dict[str, dict] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            for scale in args.scales:
                with streamlit_server(dbs[scale], script=str(empty_script)) as url:
                    empty = time_pages(browser, url, [""], args.repeats)["overview"]
                with streamlit_server(dbs[scale]) as url:
                    pages = time_pages(browser, url, PAGES, args.repeats)
                report[scale] = {"empty": empty, "pages": pages}
                print(f"\n{scale}: empty page warm {empty['warm_median']:.2f} s")
                print(f"{'page':<22}{'cold s':>8}{'warm s':>8}{'× empty':>9}")
                for name, t in pages.items():
                    ratio = t["warm_median"] / empty["warm_median"]
                    flag = "" if ratio <= 2 else "  over target"
                    print(f"{name:<22}{t['cold']:>8.2f}{t['warm_median']:>8.2f}{ratio:>9.2f}{flag}")
        finally:
            browser.close()
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "pages.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
