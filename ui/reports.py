"""Governor reports for many schools, one at a time, so a page can show its progress.

Each report comes from the pack's own builder (:func:`packs.governor.governor_reports_zip`
for one school); this only gathers them into one zip and says how far it has got.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Sequence

from packs.governor import governor_reports_zip


def governor_zip(
    db: object,
    urns: Sequence[int],
    progress: Callable[[int, int, int], None] | None = None,
    *,
    chart: bool = True,
) -> bytes:
    """One zip of the governor reports of ``urns`` (in that order); ``progress(done, total,
    urn)`` after each school; ``chart=False`` leaves the comparison chart out (quicker)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as out:
        for i, urn in enumerate(urns, start=1):
            with zipfile.ZipFile(
                io.BytesIO(governor_reports_zip(db, [int(urn)], chart=chart))
            ) as one:
                for member in one.namelist():
                    out.writestr(member, one.read(member))
            if progress is not None:
                progress(i, len(urns), int(urn))
    return buf.getvalue()
