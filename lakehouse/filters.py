"""The global dashboard filters and their round trip through the URL query string.

Kept free of Streamlit so queries, packs and tests can build a ``Filters``
directly; ``ui.app`` does the session-state and ``st.query_params`` glue.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from lakehouse import seeds

# query-string keys; lists are repeated keys (?district=A&district=B)
QP_ROUND = "round"
QP_DISTRICT = "district"
QP_SETTING = "setting"
QP_FILTERING = "filtering"
QP_KEYS = (QP_ROUND, QP_DISTRICT, QP_SETTING, QP_FILTERING)


@dataclass(frozen=True)
class Filters:
    """What the officer has narrowed the app to. Empty means "all"."""

    round: str | None = None
    districts: tuple[str, ...] = field(default_factory=tuple)
    settings: tuple[str, ...] = field(default_factory=tuple)
    filtering: str | None = None

    def __post_init__(self) -> None:
        # normalise so equal selections hash equal (cache keys, URL round trip)
        object.__setattr__(self, "districts", tuple(sorted(set(self.districts))))
        object.__setattr__(self, "settings", tuple(sorted(set(self.settings))))
        if self.filtering not in (None, *seeds.order("filtering")):
            object.__setattr__(self, "filtering", None)
        if self.round == "":
            object.__setattr__(self, "round", None)

    def with_(self, **changes: object) -> Filters:
        """A copy with some fields changed."""
        return replace(self, **changes)  # type: ignore[arg-type]

    def to_query_params(self) -> dict[str, str | list[str]]:
        """The query-string form; only the fields that narrow anything."""
        out: dict[str, str | list[str]] = {}
        if self.round:
            out[QP_ROUND] = self.round
        if self.districts:
            out[QP_DISTRICT] = list(self.districts)
        if self.settings:
            out[QP_SETTING] = list(self.settings)
        if self.filtering:
            out[QP_FILTERING] = self.filtering
        return out

    @classmethod
    def from_query_params(cls, params: Mapping[str, str | Iterable[str]]) -> Filters:
        """Read filters back from a query string; unknown or bad values are ignored."""

        def all_of(key: str) -> tuple[str, ...]:
            value = params.get(key)
            if value is None:
                return ()
            if isinstance(value, str):
                return (value,) if value else ()
            return tuple(v for v in value if v)

        def first(key: str) -> str | None:
            values = all_of(key)
            return values[0] if values else None

        return cls(
            round=first(QP_ROUND),
            districts=all_of(QP_DISTRICT),
            settings=all_of(QP_SETTING),
            filtering=first(QP_FILTERING),
        )

    def restricted_to(
        self, rounds: Iterable[str], districts: Iterable[str], settings: Iterable[str]
    ) -> Filters:
        """Drop values the database does not have (an old bookmark, a renamed district)."""
        rounds, districts, settings = set(rounds), set(districts), set(settings)
        return replace(
            self,
            round=self.round if self.round in rounds else None,
            districts=tuple(d for d in self.districts if d in districts),
            settings=tuple(s for s in self.settings if s in settings),
        )
