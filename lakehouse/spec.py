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


def _of_version(seed: str, version: int | None) -> tuple[dict[str, str], ...]:
    """Rows of a spec seed that a return of ``version`` carries (None: every version's rows).

    Each row's ``version`` is the first return version that has it (blank means 1).
    """
    rows = read_seed(seed)
    if version is None:
        return rows
    return tuple(r for r in rows if int(r.get("version") or 1) <= version)


def indicators(version: int | None = 1) -> tuple[dict[str, str], ...]:
    """The self-review statements of a return of ``version`` (default 1; None: all)."""
    return _of_version("indicators", version)


def areas() -> tuple[dict[str, str], ...]:
    return read_seed("areas")


def policies(version: int | None = 1) -> tuple[dict[str, str], ...]:
    """The policies a return of ``version`` lists (default 1; None: all)."""
    return _of_version("policies", version)


def policy_required(row: dict[str, str], round: str | None) -> bool:
    """Whether a policy row counts in the leadership cap and policy_overdue in ``round``.

    Blank ``required_from_round`` means never required; rounds compare as text (YYYY/YY).
    """
    start = (row.get("required_from_round") or "").strip()
    return bool(start) and (round is None or round >= start)


def staff_groups() -> tuple[dict[str, str], ...]:
    return read_seed("staff_groups")


def incident_categories() -> tuple[dict[str, str], ...]:
    return read_seed("incident_categories")


def school_fields(version: int | None = 1) -> tuple[dict[str, str], ...]:
    """The School sheet fields of a return of ``version`` (default 1; None: all)."""
    return _of_version("school_fields", version)


def fm_checks() -> tuple[dict[str, str], ...]:
    """The checks of the Filtering and monitoring sheet (version 2), in the seed's order."""
    return tuple(sorted(read_seed("fm_checks"), key=lambda r: int(r["sort_order"])))


def fm_standards() -> tuple[dict[str, str], ...]:
    """The four DfE filtering and monitoring standards, in order."""
    return tuple(sorted(read_seed("fm_standards"), key=lambda r: int(r["sort_order"])))


def statement_sources() -> dict[str, str]:
    """A statement's source code (``DfE-FM-3``) -> the standard or guidance it comes from."""
    return {r["source"]: r["label"] for r in read_seed("statement_sources")}


def v2_message(key: str) -> str:
    """One wording of seeds/v2_messages.csv (warnings and labels of version 2)."""
    for row in read_seed("v2_messages"):
        if row["message"] == key:
            return row["text"]
    raise KeyError(key)


def latest_version() -> int:
    """The newest return version in seeds/return_versions.csv (the template's default)."""
    return max(int(r["version"]) for r in read_seed("return_versions"))


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
