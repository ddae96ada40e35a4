"""The sentences the casework screens say: a worklist row's casework, a chase list's
contact gaps, a theme's trend across rounds. Words only; the numbers come from
:mod:`lakehouse.reads`."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from presentation.formatting import council_date, percent


def casework_note(row: pd.Series) -> str:
    """'supported on 3 Dec 2026; next action due 10 Jan 2027; 1 overdue action' for one
    worklist row (:func:`lakehouse.reads.casework.with_casework`); '' when none applies."""
    bits = []
    if row.get("supported_on"):
        bits.append(f"supported on {council_date(row['supported_on'])}")
    if row.get("next_action_due"):
        bits.append(f"next action due {council_date(row['next_action_due'])}")
    overdue = int(row.get("overdue_actions") or 0)
    if overdue:
        bits.append(f"{overdue} overdue action" + ("" if overdue == 1 else "s"))
    return "; ".join(bits)


def trend_text(shares: Iterable[tuple[str, float]]) -> str:
    """'2025/26: 52% → 2026/27: 61%' from (round, share %) pairs, oldest first."""
    return " → ".join(f"{rnd}: {percent(share)}" for rnd, share in shares)


def with_trend_text(themes: pd.DataFrame) -> pd.DataFrame:
    """County themes (:func:`lakehouse.reads.triage.county_themes`) with ``trend`` in words."""
    out = themes.copy()
    out["trend"] = [trend_text(t) for t in out["trend"]]
    return out


def contact_gaps(chase: pd.DataFrame) -> tuple[int, int]:
    """(schools on a chase list with no e-mail contact, those with no contact at all)."""
    if chase.empty or "has_email" not in chase:
        return 0, 0
    no_email = int((~chase["has_email"].fillna(False).astype(bool)).sum())
    nothing = int((~chase["has_contact"].fillna(False).astype(bool)).sum())
    return no_email, nothing


def contact_warning(chase: pd.DataFrame) -> str | None:
    """What a chase screen says when schools on it cannot be e-mailed (None when all can)."""
    no_email, nothing = contact_gaps(chase)
    if not no_email:
        return None
    total = len(chase)
    if total == 1:
        first = "The school on this list has no e-mail contact"
    elif no_email == total:
        first = f"None of the {total} schools on this list has an e-mail contact"
    else:
        verb = "has" if no_email == 1 else "have"
        first = f"{no_email} of the {total} schools on this list {verb} no e-mail contact"
    if not nothing:
        phone = "; they can be telephoned" if no_email > 1 else "; it can be telephoned"
    elif total == 1:
        phone = " and no telephone number"
    else:
        phone = f"; {nothing} {'has' if nothing == 1 else 'have'} no telephone number either"
    return (
        f"{first}{phone}. GIAS publishes no e-mail addresses: load the council's contact "
        "list with `python -m ingest contacts FILE.csv` (URN, role, name, e-mail, telephone)."
    )
