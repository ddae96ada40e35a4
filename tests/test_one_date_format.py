"""One date format everywhere: every date a page shows reads 1 Dec 2026, in tables too."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from presentation.formatting import STREAMLIT_DATE_FORMAT
from tests.test_pages_apptest import PAGES

ISO = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def _is_date_column(values: pd.Series) -> bool:
    if pd.api.types.is_datetime64_any_dtype(values):
        return True
    present = values.dropna()
    return not present.empty and all(isinstance(v, dt.date) for v in present)


@pytest.mark.parametrize("page", PAGES)
def test_every_date_column_on_a_page_uses_the_council_date(
    sample_db: Path, page: str, shown_page
) -> None:
    at = shown_page(sample_db, page)
    for frame in at.dataframe:
        config = json.loads(frame.proto.columns or "{}")
        formats = {
            k.split(":", 1)[-1]: (v.get("type_config") or {}).get("format")
            for k, v in config.items()
        }
        for column in frame.value.columns:
            if _is_date_column(frame.value[column]):
                assert formats.get(column) == STREAMLIT_DATE_FORMAT, (page, column, formats)
    for table in at.table:
        cells = table.value.astype(str).to_numpy().ravel()
        assert not [c for c in cells if ISO.search(c)], page
