"""Statistical disclosure control for public outputs: one module every public output uses.

An output registers every count it will publish under a key (the same key wherever
the same number appears, on any slide), and the sums that tie counts together (a
row's cells add to its total; the settings' rows add to the county row). Then:

* **Primary suppression**: a count from 1 to the threshold minus one (seed rule
  ``public_suppress_below``) is shown as ``c``. Zero is shown: it names no school.
* **Secondary suppression**, chosen by an integer program solved with HiGHS: the
  cheapest set of further cells (cost: the count, so small cells go first) such that
  in every published sum, a suppressed member never stands alone. Then every
  suppressed cell is audited the way tau-ARGUS audits a table: HiGHS finds the
  smallest and largest value the cell can take given everything published; where the
  two are equal, the program is made to hide one more cell beside it, and solved again.
* **Percentages** whose numerator or denominator touches a suppressed cell are not
  shown (``c``) and never reach a headline.

Symbols follow the Government Statistical Service convention: ``c`` confidential
(suppressed), ``z`` not applicable, ``x`` not available. See docs/DISCLOSURE.md.
"""

from __future__ import annotations

import math
import os
import sys
import threading
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from lakehouse.seeds import small_group_threshold
from presentation.formatting import percent_of

SUPPRESSED = "c"
NOT_APPLICABLE = "z"
NOT_AVAILABLE = "x"

Key = Hashable

# what hiding a total costs against hiding an inner cell of the same size
TOTAL_WEIGHT = 10.0


def threshold() -> int:
    """The primary-suppression threshold from ``seeds/rules.csv`` (``public_suppress_below``)."""
    return small_group_threshold()


def symbols_note(below: int) -> str:
    """The key to the symbols, for every public slide that shows a table."""
    return (
        f"c: suppressed, a count of 1 to {below - 1} schools or a cell that would let one be "
        "worked out; z: not applicable; x: not available."
    )


def is_small(count: object, below: int) -> bool:
    """A count that must not be published: 1 up to ``below`` - 1."""
    if count is None or (isinstance(count, float) and math.isnan(count)):
        return False
    return 0 < int(count) < below  # type: ignore[call-overload]


# ---------------------------------------------------------------- the solver

_banner_lock = threading.Lock()
_banner_shown = False


def _highs():
    """A silent HiGHS model. HiGHS prints its banner on stdout when the first model is made,
    from C++, so the first one is made with stdout pointed at /dev/null (a CLI's output is
    its one line)."""
    global _banner_shown
    import highspy

    with _banner_lock:
        if not _banner_shown:
            sys.stdout.flush()
            saved = os.dup(1)
            try:
                with open(os.devnull, "w") as null:
                    os.dup2(null.fileno(), 1)
                    h = highspy.Highs()
            finally:
                os.dup2(saved, 1)
                os.close(saved)
            _banner_shown = True
        else:
            h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    return h


@dataclass(frozen=True)
class Constraint:
    """``lower <= sum(coefficient * unknown) <= upper`` over named unknowns."""

    terms: Mapping[Key, float]
    lower: float = -math.inf
    upper: float = math.inf


def feasible_ranges(
    unknowns: Iterable[Key], constraints: Sequence[Constraint]
) -> dict[Key, tuple[float, float]]:
    """The smallest and largest value of each unknown (a whole number >= 0) that every
    constraint allows: two integer programs per unknown, solved with HiGHS. ``inf`` when
    nothing bounds it from above."""
    import highspy

    names = list(dict.fromkeys(unknowns))
    index = {k: i for i, k in enumerate(names)}
    h = _highs()
    inf = highspy.kHighsInf
    for _ in names:
        h.addCol(0.0, 0.0, inf, 0, [], [])
    for i in range(len(names)):
        h.changeColIntegrality(i, highspy.HighsVarType.kInteger)
    for c in constraints:
        idx = [index[k] for k in c.terms if k in index]
        vals = [float(c.terms[k]) for k in c.terms if k in index]
        if not idx:
            continue
        lo = c.lower if math.isfinite(c.lower) else -inf
        hi = c.upper if math.isfinite(c.upper) else inf
        h.addRow(lo, hi, len(idx), idx, vals)
    out: dict[Key, tuple[float, float]] = {}
    for k, i in index.items():
        bounds = []
        for sense in (highspy.ObjSense.kMinimize, highspy.ObjSense.kMaximize):
            h.changeColCost(i, 1.0)
            h.changeObjectiveSense(sense)
            h.run()
            status = h.getModelStatus()
            if status == highspy.HighsModelStatus.kOptimal:
                bounds.append(float(h.getInfo().objective_function_value))
            elif status in (
                highspy.HighsModelStatus.kUnbounded,
                highspy.HighsModelStatus.kUnboundedOrInfeasible,
            ):
                bounds.append(math.inf if sense == highspy.ObjSense.kMaximize else 0.0)
            else:
                raise RuntimeError(
                    f"disclosure audit: no solution ({h.modelStatusToString(status)})"
                )
            h.changeColCost(i, 0.0)
        out[k] = (round(bounds[0], 6), round(bounds[1], 6))
    return out


def _choose_cells(
    costs: Mapping[Key, float],
    fixed: set[Key],
    groups: Sequence[Sequence[Key]],
    cuts: Sequence[Sequence[Key]],
) -> set[Key]:
    """The cheapest set of cells containing ``fixed`` with no group holding exactly one of
    them, and at least one cell of each cut (a 0/1 integer program, HiGHS)."""
    import highspy

    names = list(costs)
    index = {k: i for i, k in enumerate(names)}
    h = _highs()
    for k in names:
        lo = 1.0 if k in fixed else 0.0
        # an infinite cost marks a cell that is never hidden as a secondary (a zero)
        hi = 0.0 if math.isinf(costs[k]) and k not in fixed else 1.0
        h.addCol(0.0 if math.isinf(costs[k]) else float(costs[k]), lo, hi, 0, [], [])
    for i in range(len(names)):
        h.changeColIntegrality(i, highspy.HighsVarType.kInteger)
    for members in groups:
        idx = [index[k] for k in dict.fromkeys(members)]
        for i in idx:
            # sum of the others >= this one: a suppressed member never stands alone
            others = [j for j in idx if j != i]
            h.addRow(0.0, highspy.kHighsInf, len(idx), [*others, i], [1.0] * len(others) + [-1.0])
    for cut in cuts:
        idx = [index[k] for k in dict.fromkeys(cut)]
        if idx:
            h.addRow(1.0, highspy.kHighsInf, len(idx), idx, [1.0] * len(idx))
    h.changeObjectiveSense(highspy.ObjSense.kMinimize)
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        # nothing cheaper exists: hide every cell that takes part in a sum
        return set(names)
    values = h.getSolution().col_value
    return {k for k, i in index.items() if values[i] > 0.5}


# ---------------------------------------------------------------- a publication


@dataclass
class Publication:
    """Every count one output publishes, the sums between them, and what to suppress.

    ``below`` is the threshold; ``None`` means an internal output: nothing is suppressed.
    """

    below: int | None
    values: dict[Key, int] = field(default_factory=dict)
    sums: list[tuple[Key, tuple[Key, ...]]] = field(default_factory=list)
    at_most: list[tuple[Key, tuple[Key, ...]]] = field(default_factory=list)
    hidden: frozenset[Key] = frozenset()
    protected: bool = False

    # -- registering

    def count(self, key: Key, value: object) -> Key:
        """Register a published count under ``key`` (the same key for the same number)."""
        n = 0 if value is None or (isinstance(value, float) and math.isnan(value)) else int(value)  # type: ignore[call-overload]
        if key in self.values and self.values[key] != n:
            raise ValueError(f"{key!r} registered as {self.values[key]} and as {n}")
        self.values[key] = n
        self.protected = False
        return key

    def total(self, key: Key, parts: Sequence[Key]) -> Key:
        """Register ``key`` (already counted) as the sum of ``parts``."""
        found = sum(self.values[p] for p in parts)
        if found != self.values[key]:
            raise ValueError(f"{key!r} is {self.values[key]} but its parts add to {found}")
        self.sums.append((key, tuple(parts)))
        self.protected = False
        return key

    def bound(self, key: Key, parts: Sequence[Key]) -> Key:
        """Register that ``parts`` add to no more than ``key`` (some schools fall in none)."""
        self.at_most.append((key, tuple(parts)))
        self.protected = False
        return key

    # -- protecting

    def primary(self) -> set[Key]:
        if self.below is None:
            return set()
        return {k for k, v in self.values.items() if is_small(v, self.below)}

    def constraints(self, hidden: Iterable[Key]) -> list[Constraint]:
        """What a reader knows: every sum and bound, with the shown counts filled in."""
        hidden = set(hidden)
        out = []
        for rel, sign in ((self.sums, 0), (self.at_most, 1)):
            for total, parts in rel:
                terms: dict[Key, float] = {}
                known = 0.0
                for k, coef in [(total, -1.0), *((p, 1.0) for p in parts)]:
                    if k in hidden:
                        terms[k] = terms.get(k, 0.0) + coef
                    else:
                        known += coef * self.values[k]
                if not terms:
                    continue
                upper = -known
                out.append(Constraint(terms, -math.inf if sign else -known, upper))
        return out

    def exposed(self, hidden: Iterable[Key]) -> dict[Key, float]:
        """Suppressed cells whose value the published numbers pin down exactly."""
        hidden = set(hidden)
        if not hidden:
            return {}
        ranges = feasible_ranges(sorted(hidden, key=repr), self.constraints(hidden))
        return {k: lo for k, (lo, hi) in ranges.items() if lo == hi}

    def protect(self, rounds: int = 40) -> frozenset[Key]:
        """Primary, then secondary suppression until no suppressed cell can be worked out."""
        self.protected = True
        primary = self.primary()
        if not primary:
            self.hidden = frozenset()
            return self.hidden
        groups = [(t, *p) for t, p in self.sums]
        related = {k for g in groups for k in g} | primary
        # a total hides everything under it and is what a reader looks for first: hiding one
        # costs ten times a cell of the same size, so the program hides cells inside tables
        margins = {t for t, _ in self.sums} | {t for t, _ in self.at_most}
        # a zero is never hidden to protect another cell: it names no school, and where its
        # row or column adds to zero a reader knows it anyway
        costs = {
            k: math.inf
            if self.values[k] == 0 and k not in primary
            else (self.values[k] + 1.0) * (TOTAL_WEIGHT if k in margins else 1.0)
            for k in sorted(related, key=repr)
        }
        usable = {k for k, c in costs.items() if not math.isinf(c)}
        cuts: list[list[Key]] = []
        hidden = _choose_cells(costs, primary, groups, cuts)
        for _ in range(rounds):
            exposed = self.exposed(hidden)
            if not exposed:
                break
            for k in exposed:
                near = {
                    m for g in (*groups, *[(t, *p) for t, p in self.at_most]) if k in g for m in g
                }
                cut = sorted((near & usable) - hidden, key=repr)
                if not cut:  # every neighbour is hidden already: reach one step further
                    far = {m for g in groups if set(g) & near for m in g}
                    cut = sorted((far & usable) - hidden, key=repr)
                if not cut:
                    cut = sorted(usable - hidden, key=repr)
                cuts.append(cut)
            hidden = _choose_cells(costs, primary, groups, cuts)
        else:
            # never publish what the audit could not clear: hide every related cell
            hidden = usable | primary
        self.hidden = frozenset(hidden)
        return self.hidden

    # -- showing

    def _ready(self) -> None:
        if not self.protected:
            self.protect()

    def is_hidden(self, key: Key) -> bool:
        self._ready()
        return key in self.hidden

    def known(self, key: Key) -> int | None:
        """The count, or None when it is suppressed."""
        return None if self.is_hidden(key) else self.values[key]

    def show(self, key: Key) -> str:
        """The count as text, ``c`` when suppressed."""
        return SUPPRESSED if self.is_hidden(key) else str(self.values[key])

    def show_with(self, key: Key, one: str, many: str) -> str:
        """The count and the words that follow it: ``1 school has``, ``3 schools have``; a
        suppressed count takes ``many`` (``c schools have``), which says nothing of it."""
        return f"{self.show(key)} {one if self.known(key) == 1 else many}"

    def share_value(self, numerator: Sequence[Key], denominator: Sequence[Key]) -> float | None:
        """The percentage, or None when any count it rests on is suppressed or it has none."""
        if any(self.is_hidden(k) for k in (*numerator, *denominator)):
            return None
        den = sum(self.values[k] for k in denominator)
        if not den:
            return None
        return 100.0 * sum(self.values[k] for k in numerator) / den

    def share(self, numerator: Sequence[Key], denominator: Sequence[Key]) -> str:
        """``"42%"``; ``c`` when it touches a suppressed count; ``z`` when there is no one to
        count (a denominator of zero)."""
        if any(self.is_hidden(k) for k in (*numerator, *denominator)):
            return SUPPRESSED
        den = sum(self.values[k] for k in denominator)
        if not den:
            return NOT_APPLICABLE
        return percent_of(sum(self.values[k] for k in numerator), den)
