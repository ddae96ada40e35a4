"""Finding a school the way a person types it.

"st marys" finds *St Mary's*, "saint josephs herne bay" finds *St Joseph's ..., Herne
Bay*, "tn3 8fq" (or "TN38FQ") finds the school at that postcode, a URN finds its school,
and "hext" finds *The Hextable School*. Both sides go through :func:`normalise`:
apostrophes dropped, other punctuation a space, case and accents ignored, "saint"
read as "st", and the invisible characters a pasted name can carry (zero-width
spaces, bidirectional marks) removed. Every word typed must start a word of the
school's name, district, town, postcode or URN; failing that, appear inside one
(so "table" still finds Hextable). Closed schools are found and say so.

Pure functions over :func:`search_index`'s rows; the app caches the index per
database version and matches in Python, a few milliseconds for 24,000 schools.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import duckdb
import pandas as pd

from lakehouse.sql import frame

Con = duckdb.DuckDBPyConnection

# words a person types for the same word in a school's name
_SAME_WORD = {"saint": "st"}
_APOSTROPHES = "'\u2018\u2019\u02bc`\u00b4"
_INVISIBLE = "Cf"  # format characters: zero-width spaces and joiners, bidirectional marks
_SPLIT = re.compile(r"[^0-9a-z]+")


def normalise(text: object) -> list[str]:
    """The words of ``text`` as search compares them: ["st", "marys", "primary"]."""
    raw = unicodedata.normalize("NFKD", str(text or ""))
    kept = []
    for ch in raw:
        if (
            ch in _APOSTROPHES
            or unicodedata.combining(ch)
            or unicodedata.category(ch) == _INVISIBLE
        ):
            continue  # "Mary's" -> "marys"; "é" -> "e"; "hex\u200btable" -> "hextable"
        kept.append(ch)
    words = _SPLIT.split("".join(kept).casefold())
    return [_SAME_WORD.get(w, w) for w in words if w]


def search_index(con: Con) -> pd.DataFrame:
    """Every school in the register with what a search can match: urn, name, setting,
    district, postcode, is_open."""
    return frame(
        con,
        """SELECT urn, name, setting, district, postcode, is_open
           FROM gold.school_overview ORDER BY name, urn""",
    )


def _haystack(row: Any) -> list[str]:
    words = normalise(row.name) + normalise(row.district) + normalise(row.postcode)
    postcode = "".join(normalise(row.postcode))
    return [*words, postcode, str(int(row.urn))]


def _label(r: Any) -> str:
    where = ", ".join(str(p) for p in (r.setting, r.district) if isinstance(p, str) and p)
    return (
        f"{r.name} — URN {int(r.urn)}"
        + (f" ({where})" if where else "")
        + (" · closed" if r.closed else "")
    )


def matches(index: pd.DataFrame, text: str, limit: int = 50) -> pd.DataFrame:
    """The schools of ``index`` that ``text`` finds, best first (at most ``limit``).

    Order: the URN typed exactly, then schools where every word typed starts a word
    (then where some only appear inside a word), open schools before closed, by name.
    Adds ``closed`` (bool) and ``label`` ("Name — URN 123 (Setting, District)", ending
    " · closed" for a closed school) for a picker.
    """
    wanted = normalise(text)
    scored = []
    row: Any  # a row of the search index
    for pos, row in enumerate(index.itertuples(index=False)):
        if not wanted:
            scored.append((0, pos))
            continue
        words = _haystack(row)
        score = 0
        for w in wanted:
            if any(h == w or h.startswith(w) for h in words):
                score += 2
            elif len(w) >= 3 and any(w in h for h in words):
                score += 1
            else:
                break
        else:
            exact_urn = len(wanted) == 1 and wanted[0] == str(int(row.urn))
            scored.append((score + (100 if exact_urn else 0), pos))
    picked = index.iloc[[pos for _, pos in scored]].copy()
    picked["_score"] = [s for s, _ in scored]
    picked["closed"] = ~picked["is_open"].fillna(True).astype(bool)
    picked = picked.sort_values(
        ["_score", "closed", "name"], ascending=[False, True, True], kind="stable"
    ).head(limit)
    picked["label"] = [_label(r) for r in picked.itertuples(index=False)]
    return picked.drop(columns=["_score"]).reset_index(drop=True)
