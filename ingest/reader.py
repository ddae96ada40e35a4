"""Read one school's return workbook, and ingest many into bronze.

:func:`read_return` applies every rule of RETURN-v1.md ("Sheets", "Bad input",
"Precise readings") to one file and never raises for bad content: a file that
is not a usable return comes back with ``rejection`` set, problems inside a
usable return come back as :class:`Message` rows tied to ``Sheet!Cell``.
:func:`ingest_paths` runs it over files and folders and writes bronze.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from ingest import values as v
from ingest.values import normalise
from ingest.workbook import Sheet, Workbook, WorkbookError
from lakehouse.spec import (
    incident_categories,
    indicators,
    policies,
    school_fields,
    staff_groups,
)

WORKBOOK_EXTENSIONS = frozenset({".xlsx", ".xlsm", ".xls", ".ods"})
EARLIEST_COMPLETED = dt.date(2000, 1, 1)

# The return's layout: sheet name and, per column key, the header texts accepted
# (matched after normalising). The template writes the first text of each.
SHEETS: dict[str, dict[str, tuple[str, ...]]] = {
    "School": {"field": ("Field",), "value": ("Value",)},
    "Self-review": {
        "indicator_id": ("Indicator ID", "Indicator", "ID"),
        "statement": ("Statement",),
        "response": ("Response",),
        "evidence": ("Evidence",),
    },
    "Policies": {
        "policy": ("Policy",),
        "last_reviewed": ("Last reviewed", "Date last reviewed", "Reviewed"),
        "approved_by_governors": ("Approved by governors",),
        "pupils_consulted": ("Pupils consulted",),
        "families_consulted": ("Families consulted",),
    },
    "Training": {
        "staff_group": ("Staff group",),
        "headcount": ("Headcount",),
        "trained": ("Trained in last 12 months", "Trained"),
    },
    "Incidents": {
        "category": ("Category",),
        "count": ("Number this year", "Number", "Count"),
    },
}
_REQUIRED_COLUMNS = {
    "School": ("field", "value"),
    "Policies": ("policy", "last_reviewed"),
    "Training": ("staff_group", "headcount", "trained"),
    "Incidents": ("category", "count"),
}


@dataclass(frozen=True, slots=True)
class Message:
    """A problem found in a file: ``severity`` is 'error' or 'warning'."""

    severity: str
    location: str | None
    message: str


@dataclass(slots=True)
class ResponseRow:
    indicator_id: str
    response: str | None
    raw_response: str | None
    evidence: str | None
    location: str | None


@dataclass(slots=True)
class PolicyRow:
    policy: str
    last_reviewed: dt.date | None
    raw_last_reviewed: str | None
    approved_by_governors: bool | None
    pupils_consulted: bool | None
    families_consulted: bool | None
    location: str | None


@dataclass(slots=True)
class TrainingRow:
    staff_group: str
    headcount: int | None
    trained: int | None
    location: str | None


@dataclass(slots=True)
class IncidentRow:
    category: str
    count: int | None
    location: str | None


@dataclass
class ReturnRead:
    """One file read: ``rejection`` is a one-line reason, or None when it is a usable return."""

    file_name: str
    rejection: str | None = None
    messages: list[Message] = field(default_factory=list)
    urn: int | None = None
    round: str | None = None
    completed_on: dt.date | None = None
    school_name: str | None = None
    completed_by: str | None = None
    filtering: str | None = None
    filtering_raw: str | None = None
    monitoring: str | None = None
    monitoring_raw: str | None = None
    pupils_offsite: int | None = None
    pupil_survey_pct: float | None = None
    responses: list[ResponseRow] = field(default_factory=list)
    policies: list[PolicyRow] = field(default_factory=list)
    training: list[TrainingRow] = field(default_factory=list)
    incidents: list[IncidentRow] = field(default_factory=list)
    sha256: str | None = None
    size_bytes: int | None = None

    @property
    def ok(self) -> bool:
        return self.rejection is None

    def count(self, severity: str) -> int:
        return sum(1 for m in self.messages if m.severity == severity)


class _Rejected(Exception):
    def __init__(self, reason: str, location: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.location = location


def _aliases(*texts: str) -> set[str]:
    """Normalised forms of names, also without a trailing '(...)' (``Completed by``)."""
    out: set[str] = set()
    for t in texts:
        out.add(normalise(t))
        if "(" in t:
            out.add(normalise(t.split("(")[0]))
    out.discard("")
    return out


@cache
def _lookup(seed: str, key: str) -> dict[str, str]:
    """Normalised label or key -> key, for a vocabulary seed."""
    rows = {
        "school_fields": school_fields,
        "policies": policies,
        "staff_groups": staff_groups,
        "incident_categories": incident_categories,
    }[seed]()
    table: dict[str, str] = {}
    for r in rows:
        for alias in _aliases(r["label"], r[key]):
            table.setdefault(alias, r[key])
    return table


@cache
def _indicator_lookups() -> tuple[dict[str, str], dict[str, str]]:
    by_id = {normalise(r["indicator_id"]): r["indicator_id"] for r in indicators()}
    by_statement = {normalise(r["statement"]): r["indicator_id"] for r in indicators()}
    return by_id, by_statement


def _labels(seed_rows: tuple[dict[str, str], ...], key: str) -> dict[str, str]:
    return {r[key]: r["label"] for r in seed_rows}


class _Reader:
    def __init__(self, file_name: str, register_urns: Collection[int] | None, today: dt.date):
        self.out = ReturnRead(file_name=file_name)
        self.register_urns = register_urns
        self.today = today

    def warn(self, location: str | None, message: str) -> None:
        self.out.messages.append(Message("warning", location, message))

    def error(self, location: str | None, message: str) -> None:
        self.out.messages.append(Message("error", location, message))

    def read(self, book: Workbook) -> ReturnRead:
        try:
            self._school(book)
        except _Rejected as rejected:
            self.out.rejection = rejected.reason
            self.out.messages = [Message("error", rejected.location, rejected.reason)]
            return self.out
        self._self_review(book.sheet("Self-review"))
        self._policies(book.sheet("Policies"))
        self._training(book.sheet("Training"))
        self._incidents(book.sheet("Incidents"))
        return self.out

    # -- School ---------------------------------------------------------
    def _school_cells(self, sheet: Sheet) -> dict[str, tuple[object, str]]:
        """Field key -> (value, ref of the value cell); the first row for a field wins."""
        fields = _lookup("school_fields", "field")
        table = sheet.find_table(SHEETS["School"], _REQUIRED_COLUMNS["School"])
        cells: dict[str, tuple[object, str]] = {}
        if table is not None:
            for row in table.rows():
                key = fields.get(normalise(row.get("field")))
                if key and key not in cells:
                    cells[key] = (row.get("value"), row.ref("value") or "")
            return cells
        # No Field/Value header: read label/value pairs wherever a known label sits.
        for r, line in enumerate(sheet.rows):
            for c, cell in enumerate(line):
                key = fields.get(normalise(cell)) if isinstance(cell, str) else None
                if key and key not in cells:
                    cells[key] = (sheet.value(r, c + 1), sheet.ref(r, c + 1))
                    break
        return cells

    def _school(self, book: Workbook) -> None:
        sheet = book.sheet("School")
        if sheet is None:
            found = ", ".join(book.sheet_names) or "none"
            raise _Rejected(f"has no School sheet (sheets found: {found})")
        cells = self._school_cells(sheet)
        labels = _labels(school_fields(), "field")
        o = self.out

        def cell(key: str) -> tuple[object, str]:
            return cells.get(key, (None, f"{sheet.name}!?"))

        raw, ref = cell("urn")
        if "urn" not in cells:
            raise _Rejected("no valid URN: the School sheet has no URN row")
        urn, problem = v.parse_urn(raw)
        if problem:
            raise _Rejected(f"no valid URN: {problem} ({ref})", ref)
        o.urn = urn
        # The round is read before the register check so a rejected file keeps it on record.
        round_raw, round_ref = cell("round")
        o.round, round_problem = v.parse_round(round_raw)
        if self.register_urns is None:
            raise _Rejected(
                "no school register is loaded: load one first with "
                "'python -m ingest register FILE.csv'"
            )
        if urn not in self.register_urns:
            raise _Rejected(f"URN {urn} is not in the school register ({ref})", ref)
        if "round" not in cells:
            raise _Rejected("no collection round: the School sheet has no Collection round row")
        if round_problem:
            raise _Rejected(f"no valid collection round: {round_problem} ({round_ref})", round_ref)

        raw, ref = cell("completed_on")
        label = labels["completed_on"]
        if "completed_on" not in cells:
            raise _Rejected(f"no valid {label}: the School sheet has no {label} row")
        completed, problem = v.parse_date(raw)
        if problem:
            raise _Rejected(f"no valid {label}: {problem} ({ref})", ref)
        if completed is None:
            raise _Rejected(f"no valid {label}: it is blank ({ref})", ref)
        if completed > self.today:
            raise _Rejected(f"no valid {label}: {completed:%d/%m/%Y} is in the future ({ref})", ref)
        if completed < EARLIEST_COMPLETED:
            raise _Rejected(f"no valid {label}: {completed:%d/%m/%Y} is before 2000 ({ref})", ref)
        o.completed_on = completed

        o.school_name = v.text(cell("school_name")[0])
        o.completed_by = v.text(cell("completed_by")[0])

        raw, ref = cell("filtering")
        o.filtering_raw = v.text(raw)
        o.filtering, problem = v.parse_filtering(raw)
        if problem:
            self.warn(ref if "filtering" in cells else None, f"{labels['filtering']}: {problem}")

        raw, ref = cell("monitoring")
        o.monitoring_raw = v.text(raw)
        keys, problems = v.parse_monitoring(raw)
        o.monitoring = ";".join(keys) if keys else None
        for problem in problems:
            self.warn(ref, f"{labels['monitoring']}: {problem}")

        raw, ref = cell("pupils_offsite")
        o.pupils_offsite, problem = v.parse_count(raw)
        if problem:
            self.warn(ref, f"{labels['pupils_offsite']}: {problem}")

        raw, ref = cell("pupil_survey_pct")
        o.pupil_survey_pct, problem = v.parse_percentage(raw)
        if problem:
            self.warn(ref, f"{labels['pupil_survey_pct']}: {problem}")

    # -- Self-review ----------------------------------------------------
    def _self_review(self, sheet: Sheet | None) -> None:
        ids = [r["indicator_id"] for r in indicators()]
        found: dict[str, ResponseRow] = {}
        table = None
        if sheet is None:
            self.warn(None, "no Self-review sheet: every indicator is unanswered")
        else:
            table = sheet.find_table(SHEETS["Self-review"], ("response",))
            if table is not None and not {"indicator_id", "statement"} & table.columns.keys():
                table = None
            if table is None:
                self.warn(
                    None,
                    f"{sheet.name}: no header row with Indicator ID or Statement and Response:"
                    " every indicator is unanswered",
                )
        by_id, by_statement = _indicator_lookups()
        for row in table.rows() if table is not None else ():
            indicator = by_id.get(normalise(row.get("indicator_id"))) or by_statement.get(
                normalise(row.get("statement"))
            )
            if indicator is None:
                continue  # notes, totals and unknown rows are ignored
            ref = row.ref("response")
            if indicator in found:
                self.warn(ref, f"{indicator} appears more than once; the first row is used")
                continue
            raw = row.get("response")
            response, problem = v.parse_response(raw)
            if problem:
                self.warn(ref, f"{indicator}: {problem}; counted as unanswered")
            found[indicator] = ResponseRow(
                indicator, response, v.text(raw), v.text(row.get("evidence")), ref
            )
        self.out.responses = [found.get(i) or ResponseRow(i, None, None, None, None) for i in ids]

    # -- Policies -------------------------------------------------------
    def _policies(self, sheet: Sheet | None) -> None:
        required = [r["policy"] for r in policies()]
        labels = _labels(policies(), "policy")
        table = self._table(sheet, "Policies")
        lookup = _lookup("policies", "policy")
        found: dict[str, PolicyRow] = {}
        completed = self.out.completed_on
        for row in table.rows() if table is not None else ():
            key = lookup.get(normalise(row.get("policy")))
            if key is None or key in found:
                continue
            ref = row.ref("last_reviewed")
            raw = row.get("last_reviewed")
            reviewed, problem = v.parse_date(raw)
            if problem:
                self.warn(ref, f"{labels[key]}: {problem}; treated as not reviewed")
            elif reviewed is not None and completed and reviewed > completed:
                self.error(
                    ref,
                    f"{labels[key]}: last reviewed {reviewed:%d/%m/%Y} is after the date "
                    f"completed ({completed:%d/%m/%Y}); treated as blank",
                )
                reviewed = None
            flags = []
            for col in ("approved_by_governors", "pupils_consulted", "families_consulted"):
                value, problem = v.parse_yes_no(row.get(col))
                if problem:
                    self.warn(row.ref(col), f"{labels[key]}: {problem}")
                flags.append(value)
            found[key] = PolicyRow(key, reviewed, v.text(raw), *flags, ref)
        for key in required:
            if key not in found and table is not None:
                self.warn(None, f"Policies: no row for '{labels[key]}'; counted as missing")
        self.out.policies = [
            found.get(k) or PolicyRow(k, None, None, None, None, None, None) for k in required
        ]

    # -- Training -------------------------------------------------------
    def _training(self, sheet: Sheet | None) -> None:
        table = self._table(sheet, "Training")
        lookup = _lookup("staff_groups", "staff_group")
        labels = _labels(staff_groups(), "staff_group")
        found: dict[str, TrainingRow] = {}
        for row in table.rows() if table is not None else ():
            key = lookup.get(normalise(row.get("staff_group")))
            if key is None or key in found:
                continue
            headcount, problem = v.parse_count(row.get("headcount"))
            if problem:
                self.warn(row.ref("headcount"), f"{labels[key]} headcount: {problem}")
            trained, problem = v.parse_count(row.get("trained"))
            if problem:
                self.warn(row.ref("trained"), f"{labels[key]} trained: {problem}")
            if headcount is not None and trained is not None and trained > headcount:
                self.error(
                    row.ref("trained"),
                    f"{labels[key]}: {trained} trained is more than the headcount of "
                    f"{headcount}; the row is kept but not scored",
                )
            found[key] = TrainingRow(key, headcount, trained, row.ref("staff_group"))
        order = [r["staff_group"] for r in staff_groups()]
        self.out.training = [found[k] for k in order if k in found]

    # -- Incidents ------------------------------------------------------
    def _incidents(self, sheet: Sheet | None) -> None:
        table = self._table(sheet, "Incidents")
        lookup = _lookup("incident_categories", "category")
        labels = _labels(incident_categories(), "category")
        found: dict[str, IncidentRow] = {}
        for row in table.rows() if table is not None else ():
            key = lookup.get(normalise(row.get("category")))
            if key is None or key in found:
                continue
            count, problem = v.parse_count(row.get("count"))
            if problem:
                self.warn(row.ref("count"), f"{labels[key]}: {problem}")
            found[key] = IncidentRow(key, count, row.ref("count"))
        order = [r["category"] for r in incident_categories()]
        self.out.incidents = [found[k] for k in order if k in found]

    def _table(self, sheet: Sheet | None, name: str):
        if sheet is None:
            self.warn(None, f"no {name} sheet")
            return None
        table = sheet.find_table(SHEETS[name], _REQUIRED_COLUMNS[name])
        if table is None:
            headers = ", ".join(SHEETS[name][k][0] for k in _REQUIRED_COLUMNS[name])
            self.warn(None, f"{sheet.name}: no header row with {headers}; sheet not read")
        return table


def read_return_bytes(
    data: bytes, file_name: str, register_urns: Collection[int] | None, today: dt.date
) -> ReturnRead:
    """Read a return from a file's bytes; never raises for bad content."""
    out = _read_data(data, file_name, register_urns, today)
    out.sha256 = hashlib.sha256(data).hexdigest()
    out.size_bytes = len(data)
    return out


def _read_data(
    data: bytes, file_name: str, register_urns: Collection[int] | None, today: dt.date
) -> ReturnRead:
    try:
        book = Workbook.from_bytes(data)
        out = _Reader(file_name, register_urns, today).read(book)
    except WorkbookError as exc:
        out = ReturnRead(file_name=file_name, rejection=str(exc))
        out.messages = [Message("error", None, str(exc))]
    except Exception as exc:  # a bad file must never stop a batch
        reason = f"could not be read as a workbook: {type(exc).__name__}: {exc}"[:200]
        out = ReturnRead(file_name=file_name, rejection=reason)
        out.messages = [Message("error", None, reason)]
    return out


def read_return(path: Path, register_urns: Collection[int] | None, today: dt.date) -> ReturnRead:
    """Read one return workbook: a rejection reason, or the parsed return and its messages.

    ``register_urns`` is every URN in the school register (None when no register
    is loaded: every file is then rejected). ``today`` bounds ``Date completed``.
    """
    path = Path(path)
    if path.suffix.lower() not in WORKBOOK_EXTENSIONS:
        try:
            data = path.read_bytes()
        except OSError as exc:
            return _unreadable(path, exc)
        out = ReturnRead(file_name=path.name, rejection=not_a_workbook_reason(path))
        out.messages = [Message("error", None, out.rejection)]
        out.sha256 = hashlib.sha256(data).hexdigest()
        out.size_bytes = len(data)
        return out
    try:
        data = path.read_bytes()
    except OSError as exc:
        return _unreadable(path, exc)
    return read_return_bytes(data, path.name, register_urns, today)


# A file as the ingest sees it: (sha256, size, problem, compact read). ``problem``
# is set when the file could not be read at all; the compact read (see
# :func:`compact`) is None when the file was not parsed (not a workbook suffix,
# or bytes already in bronze).
Scanned = tuple[str | None, int | None, str | None, tuple | None]

_worker_urns: frozenset[int] | None = None
_worker_today: dt.date | None = None
_worker_loaded: frozenset[str] = frozenset()


def init_worker(
    urns: frozenset[int] | None, today: dt.date, loaded: frozenset[str] = frozenset()
) -> None:
    """Pool initializer: the register, date and already-loaded hashes every job uses."""
    global _worker_urns, _worker_today, _worker_loaded
    _worker_urns, _worker_today, _worker_loaded = urns, today, loaded


def scan_job(path: str) -> Scanned:
    """Pool job: :func:`scan_file` with the initializer's register, date and hashes."""
    return scan_file(Path(path), _worker_urns, _worker_today or dt.date.today(), _worker_loaded)


def scan_file(
    path: Path, urns: Collection[int] | None, today: dt.date, loaded: Collection[str]
) -> Scanned:
    """Hash one file and, when it is a workbook whose bytes are not in ``loaded``, read it.

    The hash and the read come from the same bytes, so what is recorded is
    what was read even while a school is still saving the file.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, None, f"could not be read: {exc.strerror or exc}", None
    sha, size = hashlib.sha256(data).hexdigest(), len(data)
    if sha in loaded or path.suffix.lower() not in WORKBOOK_EXTENSIONS:
        return sha, size, None, None
    read = _read_data(data, path.name, register_urns=urns, today=today)
    read.sha256, read.size_bytes = sha, size
    return sha, size, None, compact(read)


def compact(r: ReturnRead) -> tuple:
    """A read as plain tuples and lists (cheap to pickle and to append to column buffers).

    ``(rejection, urn, round, warnings, errors, messages, returns_tail, responses,
    policies, training, incidents)``: ``messages`` are (severity, location, text);
    ``returns_tail`` is the bronze.returns row after sha256, file_name and
    ingested_at (None when rejected); each child table is its bronze columns,
    sha256 first, as one list per column.
    """
    messages = tuple((m.severity, m.location, m.message) for m in r.messages)
    if not r.ok:
        return (r.rejection, r.urn, r.round, 0, 0, messages, None, None, None, None, None)
    sha = r.sha256
    res, pol, tra, inc = r.responses, r.policies, r.training, r.incidents
    return (
        None, r.urn, r.round, r.count("warning"), r.count("error"), messages,
        (r.urn, r.round, r.completed_on, r.school_name, r.completed_by, r.filtering,
         r.filtering_raw, r.monitoring, r.monitoring_raw, r.pupils_offsite,
         r.pupil_survey_pct),
        ([sha] * len(res), [x.indicator_id for x in res], [x.response for x in res],
         [x.raw_response for x in res], [x.evidence for x in res], [x.location for x in res]),
        ([sha] * len(pol), [p.policy for p in pol], [p.last_reviewed for p in pol],
         [p.raw_last_reviewed for p in pol], [p.approved_by_governors for p in pol],
         [p.pupils_consulted for p in pol], [p.families_consulted for p in pol],
         [p.location for p in pol]),
        ([sha] * len(tra), [t.staff_group for t in tra], [t.headcount for t in tra],
         [t.trained for t in tra], [t.location for t in tra]),
        ([sha] * len(inc), [n.category for n in inc], [n.count for n in inc],
         [n.location for n in inc]),
    )  # fmt: skip


def not_a_workbook_reason(path: Path) -> str:
    exts = ", ".join(sorted(WORKBOOK_EXTENSIONS))
    return f"not a return workbook (expected {exts}; got '{path.suffix or 'no extension'}')"


def _unreadable(path: Path, exc: OSError) -> ReturnRead:
    reason = f"could not be read: {exc.strerror or exc}"
    return ReturnRead(
        file_name=path.name, rejection=reason, messages=[Message("error", None, reason)]
    )


# -- ingest ---------------------------------------------------------------


@dataclass
class FileOutcome:
    """What happened to one file in a batch."""

    path: str
    file_name: str
    sha256: str | None
    status: str  # 'loaded' | 'rejected' | 'duplicate'
    reason: str | None
    urn: int | None = None
    round: str | None = None
    warnings: int = 0
    errors: int = 0


@dataclass
class IngestSummary:
    """Counts and per-file outcomes of one :func:`ingest_paths` run."""

    outcomes: list[FileOutcome] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # hidden and Excel lock files in folders
    batch_id: str = ""
    db: str = ""
    build_note: str | None = None

    def _n(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def seen(self) -> int:
        return len(self.outcomes)

    @property
    def loaded(self) -> int:
        return self._n("loaded")

    @property
    def rejected(self) -> int:
        return self._n("rejected")

    @property
    def duplicates(self) -> int:
        return self._n("duplicate")

    @property
    def warnings(self) -> int:
        return sum(o.warnings for o in self.outcomes if o.status == "loaded")

    @property
    def errors(self) -> int:
        return sum(o.errors for o in self.outcomes if o.status == "loaded")

    def report(self, max_rejections: int = 10) -> str:
        """A few lines for the terminal, ending with where to see the details."""
        lines = [
            f"{_count(self.seen, 'file')} seen: {self.loaded} loaded, {self.rejected} rejected, "
            f"{_count(self.duplicates, 'duplicate')}; {_count(self.warnings, 'warning')} and "
            f"{_count(self.errors, 'error')} in loaded returns."
        ]
        rejected = [o for o in self.outcomes if o.status == "rejected"]
        for o in rejected[:max_rejections]:
            lines.append(f"  rejected {o.path}: {o.reason}")
        if len(rejected) > max_rejections:
            lines.append(f"  ... and {len(rejected) - max_rejections} more rejected")
        if self.skipped:
            lines.append(
                f"{len(self.skipped)} hidden or Excel lock files (~$...) in folders were skipped."
            )
        if self.build_note:
            lines.append(self.build_note)
        lines.append(
            "Details: the Returns page of the dashboard, or the tables bronze.files and "
            f"bronze.messages (batch_id '{self.batch_id}') in {self.db}."
        )
        return "\n".join(lines)


def expand_paths(paths: Sequence[str | Path]) -> tuple[list[Path], list[Path]]:
    """Files to ingest and files skipped, from files and folders (recursively, sorted).

    In folders, hidden files and folders (``.name``) and Excel's lock files
    (``~$name.xlsx``, left while a workbook is open) are skipped: they are
    never returns and would only clutter the record. A file named on the
    command line is always taken. Raises FileNotFoundError for a missing path
    and PermissionError for a folder that cannot be listed.
    """
    files: list[Path] = []
    skipped: list[Path] = []
    for given in paths:
        p = Path(given)
        if p.is_dir():
            _walk(p, files, skipped)
        elif p.exists():
            files.append(p)
        else:
            raise FileNotFoundError(2, "no such file or folder", str(p))
    return files, skipped


def _walk(folder: Path, files: list[Path], skipped: list[Path]) -> None:
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except PermissionError as exc:
        raise PermissionError(exc.errno, "folder cannot be read", str(folder)) from None
    for entry in entries:
        path = folder / entry.name
        if entry.name.startswith((".", "~$")):
            skipped.append(path)
        elif entry.is_dir():
            _walk(path, files, skipped)
        elif entry.is_file():
            files.append(path)


def ingest_paths(
    paths: Sequence[str | Path],
    db: str | Path | None = None,
    *,
    today: dt.date | None = None,
    progress: Callable[[int, int, str], None] | None = None,
    rebuild: bool = True,
    as_of: dt.date | None = None,
    round: str | None = None,
    workers: int | None = None,
) -> IngestSummary:
    """Ingest return workbooks from files and folders into bronze, then rebuild the models.

    Every file found goes on record in bronze.files (kind 'return'): files in
    folders that are not workbooks are 'rejected' too; hidden files and Excel
    lock files in folders are skipped and only counted (see
    :func:`expand_paths`). Bytes already in bronze.returns, or loaded earlier
    in this batch, are 'duplicate'; bytes rejected before are read again (the
    register may have changed), and a repeat within one batch of a rejected
    file is rejected for the same reason. Supersession is silver's job: both
    returns are kept. All in one copy-and-swap write: on any exception
    nothing is changed.
    Raises FileNotFoundError / PermissionError when a path is missing or a
    folder unreadable, :class:`lakehouse.db.DatabaseBusy`, and whatever the
    build raises.
    """
    from ingest.store import ingest_files  # duckdb stays out of reader processes

    files, skipped = expand_paths(paths)
    return ingest_files(
        files,
        skipped,
        db,
        today=today or dt.date.today(),
        progress=progress,
        rebuild=rebuild,
        as_of=as_of,
        round=round,
        workers=workers,
    )


def _count(n: int, noun: str) -> str:
    """'1 file', '2 files': the summary is read by people, not parsed."""
    return f"{n:,} {noun}{'' if n == 1 else 's'}"
