"""bench/concurrency.py, small: browser sessions loading pages while writers swap the file.

The full run (20 sessions, national scale) is in the README; this one keeps the
same counts honest on the 60-school sample: no exception, lock error, empty,
mixed or stale view while a full re-ingest and one-file uploads swap the file.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser


def test_sessions_under_writes_see_no_exception_lock_error_or_mixed_view(sample_db: Path) -> None:
    from bench.concurrency import run

    # the bench drives Playwright's async API with asyncio.run; the sync browser tests
    # that ran before leave an event loop on this thread, so the bench gets its own
    with ThreadPoolExecutor(max_workers=1) as pool:
        result = pool.submit(
            run,
            sample_db,
            sample_db.parent / "sample" / "returns",
            sessions=4,
            contexts=2,
            seconds=20,
            upload_every=2,
            big_ingest=True,
        ).result()
    assert result["swaps"] >= 2, "the writers should have swapped the file during the run"
    assert result["loads"] >= 4 and result["marked"] >= 2
    bad = {k: result[k] for k in ("exception", "lock", "empty", "mixed", "stale", "timeout")}
    assert bad == dict.fromkeys(bad, 0), result["problems"]
    assert result["upload_failures"] == 0 and result["big_ingest_rc"] == 0
