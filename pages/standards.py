"""DfE standards: how many schools meet each filtering and monitoring standard, by district
and setting, with n and the trend (RETURN-v2.md)."""

from __future__ import annotations

from ui import app
from ui import standards as standards_ui

TITLE = "DfE standards"

ctx = app.page_context(TITLE)
app.page_header(
    TITLE,
    ctx,
    note="The four DfE filtering and monitoring standards, judged from each version 2 "
    "return's own check; n counts the version 2 returns behind each figure.",
)
standards_ui.county_sections(ctx)
