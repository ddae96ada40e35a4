"""Collection rounds: the one parser every command and reader uses.

A round is the school year a return covers, written ``2026/27`` everywhere
inside the project. People write it many ways (``2026-27``, ``2026/2027``,
``2026 – 2027``); all of them mean the same round, and a pair of years that
are not consecutive (``2026/28``) is refused with a message saying why.
"""

from __future__ import annotations

import re

_ROUND = re.compile(r"^\s*(\d{4})\s*[/\-–—]\s*(\d{2}|\d{4})\s*$")


class RoundError(ValueError):
    """The text is not a collection round; the message says why in one line."""


def _show(value: object) -> str:
    shown = str(value).strip()
    return shown if len(shown) <= 40 else shown[:37] + "..."


def parse_round(value: object) -> str:
    """``2026/27`` from ``2026/27``, ``2026-27``, ``2026/2027`` or ``2026-2027``.

    Raises ``RoundError`` for anything else, including blank text and years
    that do not follow one another.
    """
    if value is None or not str(value).strip():
        raise RoundError("collection round is blank")
    match = _ROUND.match(str(value))
    if not match:
        raise RoundError(f"'{_show(value)}' is not a collection round like 2026/27")
    first, second = int(match[1]), match[2]
    expected = first + 1
    if int(second) != (expected if len(second) == 4 else expected % 100):
        raise RoundError(
            f"'{_show(value)}' is not a collection round: the years must be consecutive"
        )
    return f"{first}/{expected % 100:02d}"


def first_year(round_: str) -> int:
    """The calendar year a round starts in (``2026`` for ``2026/27``)."""
    return int(parse_round(round_)[:4])
