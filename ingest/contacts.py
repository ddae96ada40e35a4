"""Load the council's own contact list (`python -m ingest contacts FILE.csv`) into bronze.

GIAS publishes a head's name and the school's telephone but no e-mail address, so a
council chasing returns by e-mail keeps its own list: one row per person, with the
school's URN, their role (head, DSL, e-safety lead, ...), name, e-mail and telephone.
Headers are matched loosely, like the register's. A row that cannot be used is
skipped and a value that cannot be used is left blank; each is reported in
bronze.messages naming the file, the row and the column. Each load is a whole list:
the models read the latest one.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from ingest.register import _decode, _parse_urn
from ingest.sources import SourceError, SourceFile, insert, match_headers
from lakehouse.seeds import read_seed
from lakehouse.spec import normalise

# bronze.contacts column -> the headers a council's list may use (compared loosely)
HEADERS: dict[str, tuple[str, ...]] = {
    "urn": ("URN", "School URN", "Unique reference number"),
    "role": ("Role", "Contact role", "Position", "Job title", "Title of post"),
    "name": ("Name", "Contact name", "Full name", "Contact", "Person"),
    "email": ("E-mail", "Email", "Email address", "E-mail address", "Mail"),
    "telephone": ("Telephone", "Phone", "Tel", "Telephone number", "Phone number", "Mobile"),
}
CONTACT_COLUMNS = (
    "urn",
    "role",
    "name",
    "email",
    "telephone",
    "source_row",
    "source_file",
    "source_sha256",
    "loaded_at",
)
_EMAIL = re.compile(r"^[^@\s<>\"',;]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")


class ContactsError(SourceError):
    """The file cannot be used as a contact list at all (see :class:`SourceError`)."""


@dataclass(frozen=True)
class ContactsSummary:
    """What one contact list load did."""

    rows: int
    schools: int
    with_email: int
    skipped: int
    problems: int
    status: str  # 'loaded' | 'duplicate'
    file_name: str = ""
    reported: tuple[str, ...] = ()  # each problem, naming file, row and column

    # a long list of problems is in bronze.messages; the terminal shows the first few
    SHOWN = 20

    def message(self) -> str:
        """A line for the terminal, then one line per problem (the first few)."""
        lines = [self._summary(), *self.reported[: self.SHOWN]]
        if len(self.reported) > self.SHOWN:
            lines.append(f"... and {len(self.reported) - self.SHOWN} more in bronze.messages")
        return "\n".join(lines)

    def _summary(self) -> str:
        if self.status == "duplicate":
            return f"{self.file_name}: already loaded (identical file), nothing changed"
        notes = []
        if self.skipped:
            notes.append(f"{self.skipped} {'row' if self.skipped == 1 else 'rows'} skipped")
        if self.problems:
            notes.append(
                f"{self.problems} {'value' if self.problems == 1 else 'values'} left blank"
            )
        more = f"; {', '.join(notes)} (see bronze.messages)" if notes else ""
        people = f"{self.rows} {'contact' if self.rows == 1 else 'contacts'}"
        schools = f"{self.schools} {'school' if self.schools == 1 else 'schools'}"
        return (
            f"{self.file_name}: {people} loaded for {schools}, "
            f"{self.with_email} with an e-mail address{more}"
        )


def role_codes() -> dict[str, str]:
    """Normalised role text -> role code, from seeds/contact_roles.csv (code, label, aliases)."""
    codes: dict[str, str] = {}
    for row in read_seed("contact_roles"):
        names = [row["role"], row["label"], *(row.get("also_called") or "").split(";")]
        for name in names:
            if name.strip():
                codes.setdefault(normalise(name), row["role"])
    return codes


def clean_telephone(text: str) -> str | None:
    """A telephone number as written, tidied; None when it has too few digits to dial."""
    digits = re.sub(r"\D", "", text)
    if len(digits) < 9 or len(digits) > 15:
        return None
    return " ".join(text.split())


def _parse(data: bytes, name: str) -> tuple[dict[str, list], list[tuple[str, str]], int, int]:
    text = _decode(data, name)
    try:
        reader = csv.reader(io.StringIO(text, newline=""))
        header = [h.strip() for h in (next(reader, None) or [])]
    except csv.Error as exc:
        raise ContactsError(f"{name}: not a readable CSV file ({exc})") from None
    if not any(header):
        raise ContactsError(f"{name}: empty file, expected a contact list with a URN column")
    index = match_headers(header, HEADERS)
    if "urn" not in index:
        raise ContactsError(f"{name} row 1: no URN column; expected URN, role, name, e-mail")
    if not {"email", "telephone", "name"} & set(index):
        raise ContactsError(
            f"{name} row 1: no name, e-mail or telephone column; expected URN, role, name, "
            "e-mail, telephone"
        )
    roles = role_codes()
    other_label = next(
        (r["label"] for r in read_seed("contact_roles") if r["role"] == "other"), "other"
    )
    rows: dict[str, list] = {c: [] for c in ("urn", "role", "name", "email", "telephone", "row")}
    warnings: list[tuple[str, str]] = []
    skipped = problems = 0

    def heading(column: str) -> str:
        return header[index[column]]

    try:
        for record in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in record):
                continue

            def cell(column: str, record: list[str] = record) -> str:
                i = index.get(column)
                return " ".join(record[i].split()) if i is not None and i < len(record) else ""

            where = f"row {line}"
            urn = _parse_urn(cell("urn"))
            if urn is None:
                warnings.append(
                    (
                        f"{where}, {heading('urn')}",
                        f"{name} {where}, column {heading('urn')}: {cell('urn')!r} is not a "
                        "URN; row skipped",
                    )
                )
                skipped += 1
                continue
            role_text = cell("role")
            role = roles.get(normalise(role_text)) if role_text else "other"
            if role is None:
                warnings.append(
                    (
                        f"{where}, {heading('role')}",
                        f"{name} {where}, column {heading('role')}: role {role_text!r} is not "
                        "one the council lists (seeds/contact_roles.csv); kept as "
                        f"{other_label}",
                    )
                )
                role = "other"
            email = cell("email").lower() or None
            if email and not _EMAIL.match(email):
                warnings.append(
                    (
                        f"{where}, {heading('email')}",
                        f"{name} {where}, column {heading('email')}: {cell('email')!r} is not "
                        "an e-mail address; left blank",
                    )
                )
                problems += 1
                email = None
            phone_text = cell("telephone")
            phone = clean_telephone(phone_text) if phone_text else None
            if phone_text and phone is None:
                warnings.append(
                    (
                        f"{where}, {heading('telephone')}",
                        f"{name} {where}, column {heading('telephone')}: {phone_text!r} is not "
                        "a telephone number; left blank",
                    )
                )
                problems += 1
            person = cell("name") or None
            if not (person or email or phone):
                warnings.append(
                    (
                        where,
                        f"{name} {where}: URN {urn} has no name, e-mail or telephone; row skipped",
                    )
                )
                skipped += 1
                continue
            for column, value in (
                ("urn", urn),
                ("role", role),
                ("name", person),
                ("email", email),
                ("telephone", phone),
                ("row", line),
            ):
                rows[column].append(value)
    except csv.Error as exc:
        raise ContactsError(
            f"{name} row {reader.line_num}: not a readable CSV file ({exc})"
        ) from None
    if not rows["urn"]:
        raise ContactsError(f"{name}: no contacts with a valid URN")
    return rows, warnings, skipped, problems


def load_contacts(
    con: duckdb.DuckDBPyConnection, path: Path, *, batch_id: str | None = None
) -> ContactsSummary:
    """Append one contact list to bronze.contacts and record the file in bronze.files.

    A byte-identical list already loaded is recorded as 'duplicate'. Raises
    ContactsError when the file cannot be used at all.
    """
    source = SourceFile.read(Path(path), "contacts", ContactsError, "a CSV file", batch_id=batch_id)
    if source.already_loaded(con):
        source.record(con, "duplicate", "identical to a contact list already loaded")
        return ContactsSummary(0, 0, 0, 0, 0, "duplicate", source.name)
    try:
        rows, warnings, skipped, problems = _parse(source.data, source.name)
    except ContactsError as exc:
        source.reject(con, str(exc))
    n = len(rows["urn"])
    table = pa.table(
        {
            "urn": pa.array(rows["urn"], pa.int32()),
            **{c: pa.array(rows[c], pa.string()) for c in ("role", "name", "email", "telephone")},
            "source_row": pa.array(rows["row"], pa.int32()),
            "source_file": pa.array([source.name] * n, pa.string()),
            "source_sha256": pa.array([source.sha256] * n, pa.string()),
            "loaded_at": pa.array([source.loaded_at] * n, pa.timestamp("us")),
        }
    )
    insert(con, "contacts", table, CONTACT_COLUMNS)
    for location, message in warnings:
        source.warn(con, location, message)
    source.record(con, "loaded", None)
    return ContactsSummary(
        rows=n,
        schools=len(set(rows["urn"])),
        with_email=sum(1 for e in rows["email"] if e),
        skipped=skipped,
        problems=problems,
        status="loaded",
        file_name=source.name,
        reported=tuple(message for _, message in warnings),
    )
