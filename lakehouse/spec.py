"""The return specification as project data (the CSV files in ``lakehouse/seeds``).

The template writer, the return reader, the SQL models and the docs all read
these files, so the spec lives in one place and the council can edit it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# the return reader and template writer read the spec seeds through the one seed reader
from lakehouse.seeds import SEEDS_DIR, read_seed  # noqa: F401

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def normalise(text: object) -> str:
    """Fold case, spacing and punctuation so headers and names match loosely.

    ``'SELF REVIEW'``, ``'Self-review'`` and ``' self_review '`` all become
    ``'selfreview'``; ``'Self-review guidance'`` stays different.
    """
    if text is None:
        return ""
    return _NON_ALNUM.sub("", str(text).strip().lower().replace("–", "-"))


def indicators() -> tuple[dict[str, str], ...]:
    return read_seed("indicators")


def areas() -> tuple[dict[str, str], ...]:
    return read_seed("areas")


def policies() -> tuple[dict[str, str], ...]:
    return read_seed("policies")


def staff_groups() -> tuple[dict[str, str], ...]:
    return read_seed("staff_groups")


def incident_categories() -> tuple[dict[str, str], ...]:
    return read_seed("incident_categories")


def school_fields() -> tuple[dict[str, str], ...]:
    return read_seed("school_fields")


def synonyms(kind: str) -> dict[str, str]:
    """Normalised text -> canonical value for one kind (response, yesno, ...)."""
    return {normalise(r["text"]): r["value"] for r in read_seed("synonyms") if r["kind"] == kind}


def labels(seed: str, key: str) -> dict[str, str]:
    """Key -> label for a vocabulary seed, e.g. ``labels('areas', 'area')``."""
    return {r[key]: r["label"] for r in read_seed(seed)}


def setting_order(present: Iterable[str]) -> list[str]:
    """``present`` settings in the council's usual order (seeds/settings.csv), others after.

    Officers read Primary, Secondary, Special, PRU in that order, not alphabetically.
    """
    rank = {r["setting"]: int(r["sort_order"]) for r in read_seed("settings")}
    unique = list(dict.fromkeys(present))
    return sorted(unique, key=lambda s: (rank.get(s, len(rank) + 1), s))


def quote_statements(message: str) -> str:
    """A message naming an indicator code with its statement beside it:

    ``PRO3: 'Maybe' is not ...`` -> ``PRO3 ("Pupils are taught ..."): 'Maybe' is not ...``.
    Codes that are not indicators, and messages with none, are left as they are.
    """
    statements = {i["indicator_id"]: i["statement"] for i in indicators()}

    def quoted(m: re.Match[str]) -> str:
        code = m.group(0)
        return f'{code} ("{statements[code]}")' if code in statements else code

    return _CODE.sub(quoted, str(message))


_CODE = re.compile(r"\b[A-Z]{3}[0-9]{1,2}\b(?! \(\")")
