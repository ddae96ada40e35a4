"""Hostile-input harness: the real ingest against generated and mutated workbooks.

    .venv/bin/python bench/fuzz.py [--cases 10000] [--seed 2026] [--batch 250]

Half the cases are workbooks generated with hypothesis strategies — a valid
return with random edits (cells of every type: huge and odd strings, control
characters, NaN and infinities, dates far out of range, booleans; sheets
renamed, dropped, added; rows added by the thousand), random sheets, and
text in several encodings saved under workbook names — and half are
byte-level mutations of real sample-county returns (bit flips, cuts,
insertions, and edits to the XML inside the zip, re-zipped). Odd file names
(non-ASCII, undecodable bytes, very long) are mixed in.

Each batch of files goes through ``ingest.batch.load_returns`` in one
``writing()`` session, as ``python -m ingest returns`` runs it; the models are
rebuilt once at the end. Printed: cases, crashes (an exception out of the
ingest or the build), files not on record (a file in the batch without its
``bronze.files`` row), outcomes, time and peak memory. Crashing files are
kept under bench/results/fuzz-crashes/. Exit 1 when anything crashed or a
file went unrecorded.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import random
import resource
import shutil
import sys
import tempfile
import time
import traceback
import zipfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import xlsxwriter  # noqa: E402
from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import seed as hypothesis_seed  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from ingest.layout import COLUMNS, SHEETS  # noqa: E402
from lakehouse.spec import read_seed  # noqa: E402

RESULTS = ROOT / "bench" / "results"
URN = 118234
TODAY = dt.date(2027, 1, 15)

# --------------------------------------------------------------------------- strategies

_WORDS = sorted(
    {t for columns in COLUMNS.values() for texts in columns.values() for t in texts}
    | {r["label"] for seed in ("school_fields", "policies", "staff_groups",
                               "incident_categories", "response_labels") for r in read_seed(seed)}
    | {r["text"] for r in read_seed("synonyms")}
    | {r["indicator_id"] for r in read_seed("indicators")}
    | {"118234", "URN 118234", "2026/27", "2026-2027", "2026/28", "never", "=1+1",
       '=HYPERLINK("x")'}
)  # fmt: skip

_odd_text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=200),
    st.text(alphabet="\x00\x01\x07\x0b\x1b\u200b\ufeff\u202e\ud7ff\ue000\U0001f600", max_size=20),
    st.builds(lambda c, n: c * n, st.sampled_from("xé😀\t\n "), st.integers(1000, 32_767)),
    st.sampled_from(_WORDS),
    st.builds(lambda w, pad: pad + w.upper() + pad, st.sampled_from(_WORDS),
              st.sampled_from(["", " ", "  \t"])),
)  # fmt: skip

cells = st.one_of(
    st.none(),
    _odd_text,
    st.integers(min_value=-(2**63), max_value=2**63),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)),
    st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(9999, 12, 31)),
    st.sampled_from([0, 1, -1, 0.5, 1e308, 2**31, 118234.0, 46000, 2_958_466]),
)

sheet_names = st.one_of(
    st.sampled_from(SHEETS),
    st.builds(str.upper, st.sampled_from(SHEETS)),
    st.builds(lambda s: s.replace("-", " ").lower(), st.sampled_from(SHEETS)),
    st.text(st.characters(blacklist_characters="[]:*?/\\'", codec="utf-8"),
            min_size=1, max_size=31),
)  # fmt: skip


def _good() -> dict[str, list[list[object]]]:
    from tests.returns_factory import good_return

    return good_return(urn=URN, completed=dt.date(2026, 10, 1))


@st.composite
def edited_return(draw) -> dict[str, list[list[object]]]:
    """A valid return with random edits: the cases closest to what schools send."""
    sheets = _good()
    for _ in range(draw(st.integers(0, 12))):
        kind = draw(st.sampled_from(["cell", "cell", "cell", "drop", "rename", "rows", "sheet"]))
        name = draw(st.sampled_from(list(sheets))) if sheets else None
        if kind == "cell" and name:
            rows = sheets[name]
            r = draw(st.integers(0, max(len(rows) + 2, 0)))
            c = draw(st.integers(0, 6))
            while len(rows) <= r:
                rows.append([])
            while len(rows[r]) <= c:
                rows[r].append(None)
            rows[r][c] = draw(cells)
        elif kind == "drop" and name:
            del sheets[name]
        elif kind == "rename" and name:
            new = draw(sheet_names)
            if new not in sheets:
                sheets[new] = sheets.pop(name)
        elif kind == "rows" and name:
            row = draw(st.lists(cells, max_size=5))
            sheets[name].extend([row] * draw(st.sampled_from([1, 10, 3000])))
        elif kind == "sheet":
            sheets.setdefault(
                draw(sheet_names), draw(st.lists(st.lists(cells, max_size=6), max_size=8))
            )
    return sheets  # fmt: skip


random_workbook = st.dictionaries(
    sheet_names, st.lists(st.lists(cells, max_size=8), max_size=12), max_size=6
)


@st.composite
def encoded_text(draw) -> bytes:
    """Text in some encoding, saved as if it were a workbook."""
    text = draw(st.text(max_size=400)) + ",".join(
        draw(st.lists(st.sampled_from(_WORDS), max_size=10))
    )
    encoding = draw(
        st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-32", "cp1252", "latin-1"])
    )
    data = text.encode(encoding, "replace")
    prefix = draw(
        st.sampled_from([b"", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"<?xml"])
    )
    return prefix + data  # fmt: skip


file_names = st.one_of(
    st.just(b""),
    st.just(b""),
    st.just(b""),
    st.sampled_from(
        [b"caf\xe9 ", b"\xff\xfe", "École Sainte-Marie ".encode(), b"x" * 200, b"a b  c "]
    ),
)
extensions = st.sampled_from([".xlsx", ".xlsx", ".xlsx", ".xlsm", ".xls", ".ods", ".XLSX"])

generated_case = st.tuples(
    st.one_of(edited_return(), edited_return(), random_workbook, encoded_text()),
    file_names,
    extensions,
)


# --------------------------------------------------------------------------- writing cases


def workbook_bytes(sheets: dict[str, list[list[object]]]) -> bytes:
    """An .xlsx of ``sheets`` (xlsxwriter: fast, and it escapes control characters)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {
        "in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
        "strings_to_urls": False, "nan_inf_to_errors": True,
    })  # fmt: skip
    dates = book.add_format({"num_format": "dd/mm/yyyy"})
    used: set[str] = set()
    for name, rows in sheets.items():
        clean = "".join(ch for ch in name if ch not in "[]:*?/\\").strip("'")[:31] or "Sheet"
        if clean.lower() in used:
            continue
        used.add(clean.lower())
        try:
            sheet = book.add_worksheet(clean)
        except Exception:
            continue  # a name Excel itself would refuse: the case just has fewer sheets
        for r, row in enumerate(rows[:5000]):
            for c, value in enumerate(row):
                _write(sheet, r, c, value, dates)
    book.close()
    return buffer.getvalue()


def _write(sheet, r: int, c: int, value: object, dates) -> None:
    if value is None:
        return
    if isinstance(value, bool):
        sheet.write_boolean(r, c, value)
    elif isinstance(value, int | float):
        sheet.write_number(r, c, float(value) if abs(value) < 1e308 else 1e308)
    elif isinstance(value, dt.date):
        try:
            sheet.write_datetime(r, c, value, dates)
        except Exception:  # before 1900: Excel cannot hold it, so the school types it as text
            sheet.write_string(r, c, value.isoformat())
    else:
        sheet.write_string(r, c, str(value).encode("utf-8", "replace").decode("utf-8"))


def mutate(data: bytes, rng: random.Random) -> bytes:
    """One byte-level or XML-level mutation of a real return."""
    kind = rng.choice(["flip", "flip", "cut", "insert", "zero", "xml", "xml", "xml"])
    b = bytearray(data)
    if kind == "flip":
        for _ in range(rng.randint(1, 30)):
            i = rng.randrange(len(b))
            b[i] ^= 1 << rng.randrange(8)
    elif kind == "cut":
        b = b[: rng.randrange(len(b))]
    elif kind == "insert":
        i = rng.randrange(len(b))
        b[i:i] = rng.randbytes(rng.randint(1, 2000))
    elif kind == "zero":
        i = rng.randrange(len(b))
        b[i : i + rng.randint(1, 4000)] = bytes(min(4000, len(b) - i))
    else:
        return _mutate_xml(data, rng)
    return bytes(b)


_XML_EDITS = [
    b"\xff", b"<", b"&", b"\x00", b'"', b"]]>", b"<c r=\"XFD1048576\"><v>1</v></c>",
    b"<row r=\"1048576\">", b"999999999999999999999", b"-1", b"NaN", b"1e400", b"&#0;",
    "é😀".encode(), b"<!ENTITY x \"y\">", b"</sheetData>",
]  # fmt: skip


def _mutate_xml(data: bytes, rng: random.Random) -> bytes:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as old:
            members = [(i, old.read(i.filename)) for i in old.infolist()]
    except Exception:  # already not a zip (a bad sample file, or an earlier mutation)
        if not data:
            return data
        i = rng.randrange(len(data))
        return data[:i] + bytes([rng.randrange(256)]) + data[i + 1 :]
    if not members:
        return data
    index = rng.randrange(len(members))
    info, body = members[index]
    body = bytearray(body)
    for _ in range(rng.randint(1, 5)):
        i = rng.randrange(max(len(body), 1))
        action = rng.choice(["insert", "delete", "duplicate", "replace"])
        if action == "insert":
            body[i:i] = rng.choice(_XML_EDITS)
        elif action == "delete":
            del body[i : i + rng.randint(1, 200)]
        elif action == "duplicate":
            body[i:i] = body[i : i + rng.randint(1, 2000)] * rng.randint(1, 50)
        else:
            body[i : i + 1] = bytes([rng.randrange(256)])
    members[index] = (info, bytes(body))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        for member, content in members:
            new.writestr(member, content)
    return out.getvalue()


def sample_county(seed: int) -> tuple[list[bytes], list[int]]:
    """Real returns of a small sample county and its URNs (written once, cached)."""
    import csv

    from samplecounty.generate import write_sample

    folder = Path(tempfile.gettempdir()) / "esafety-bench" / f"fuzz-sample-{seed}"
    if not (folder / "returns").is_dir():
        write_sample(folder, schools=40, rounds=1, seed=seed)
    with open(folder / "register.csv", newline="", encoding="utf-8") as fh:
        urns = [int(row["URN"]) for row in csv.DictReader(fh)]
    return [p.read_bytes() for p in sorted((folder / "returns").rglob("*.xlsx"))], urns


# --------------------------------------------------------------------------- running


class Harness:
    """Writes cases into batch folders and runs each full batch through the real ingest."""

    def __init__(self, work: Path, batch: int, urns: list[int]) -> None:
        from ingest.register import load_register
        from lakehouse.db import writing
        from tests.returns_factory import write_register_csv

        self.work, self.batch_size = work, batch
        self.db = work / "fuzz.duckdb"
        with writing(self.db) as con:
            load_register(con, write_register_csv(work / "register.csv", [URN, *urns]))
        self.pending: list[Path] = []
        self.folder: Path | None = None
        self.cases = Counter()
        self.outcomes = Counter()
        self.reasons = Counter()
        self.crashes: list[tuple[str, str]] = []
        self.unrecorded: list[str] = []
        self.batches = 0

    def add(self, kind: str, data: bytes, name: bytes = b"", ext: str = ".xlsx") -> None:
        if self.folder is None:
            self.folder = self.work / f"batch-{self.batches:05d}"
            self.folder.mkdir()
        n = sum(self.cases.values())
        self.cases[kind] += 1
        path = os.fsencode(self.folder) + b"/" + name + f"case-{n:06d}{ext}".encode()
        with open(path, "wb") as fh:
            fh.write(data)
        self.pending.append(Path(os.fsdecode(path)))
        if len(self.pending) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        if not self.pending or self.folder is None:
            return
        folder, files = self.folder, self.pending
        self.folder, self.pending = None, []
        self.batches += 1
        try:
            summary = self._ingest([folder])
        except Exception:
            self._isolate(files)
            shutil.rmtree(folder, ignore_errors=True)
            return
        recorded = self._recorded(summary.batch_id)
        from ingest.reader import display_name

        for path in files:
            name = display_name(path.name)
            if recorded[name] < 1:
                self.unrecorded.append(name)
            recorded[name] -= 1
        self.outcomes.update(o.status for o in summary.outcomes)
        self.reasons.update((o.reason or "")[:28] for o in summary.outcomes if o.reason)
        shutil.rmtree(folder, ignore_errors=True)

    def _ingest(self, paths: list[Path]):
        from ingest.batch import load_returns
        from lakehouse.db import writing

        with writing(self.db) as con:
            return load_returns(con, paths, today=TODAY, workers=1)

    def _recorded(self, batch_id: str) -> Counter:
        import duckdb

        con = duckdb.connect(str(self.db), read_only=True)
        try:
            rows = con.execute(
                "SELECT file_name FROM bronze.files WHERE batch_id = ?", [batch_id]
            ).fetchall()
        finally:
            con.close()
        return Counter(r[0] for r in rows)

    def _isolate(self, files: list[Path]) -> None:
        """A batch raised: find the files that make the ingest raise on their own."""
        keep = RESULTS / "fuzz-crashes"
        found = False
        for path in files:
            try:
                self._ingest([path])
            except Exception:
                found = True
                keep.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, keep / f"{time.time_ns()}-{path.name[-40:]}")
                self.crashes.append((path.name, traceback.format_exc(limit=3)))
        if not found:
            self.crashes.append(("(the batch as a whole)", traceback.format_exc(limit=3)))

    def build(self) -> str | None:
        """Rebuild the models over everything loaded; the error, if the build fails."""
        from ingest.batch import rebuild_models
        from lakehouse.db import writing

        try:
            with writing(self.db) as con:
                rebuild_models(con, TODAY, None)
        except Exception as exc:
            return " ".join(str(exc).split())[:300]
        return None


def run(cases: int, seed: int, batch: int, out=sys.stdout) -> int:
    start = time.perf_counter()
    rng = random.Random(seed)
    real, urns = sample_county(seed)
    with tempfile.TemporaryDirectory(prefix="esafety-fuzz-") as tmp:
        harness = Harness(Path(tmp), batch, urns)
        generated = cases - cases // 2

        @hypothesis_seed(seed)
        @settings(max_examples=generated, database=None, deadline=None,
                  phases=[Phase.generate], suppress_health_check=list(HealthCheck))  # fmt: skip
        @given(generated_case)
        def generate(case) -> None:
            content, name, ext = case
            if isinstance(content, bytes):
                harness.add("encoded text", content, name, ext)
            else:
                harness.add("generated workbook", workbook_bytes(content), name, ext)

        generate()
        while sum(harness.cases.values()) < cases:
            data = rng.choice(real)
            for _ in range(rng.choice([1, 1, 1, 2, 3])):
                data = mutate(data, rng)
            harness.add("mutated sample return", data)
        harness.flush()
        build_error = harness.build()
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    total = sum(harness.cases.values())
    crashes = len(harness.crashes) + (1 if build_error else 0)
    print(f"cases: {total:,} (" + ", ".join(f"{n:,} {k}" for k, n in harness.cases.items()) + ")",
          file=out)  # fmt: skip
    print(f"crashes: {crashes}", file=out)
    print(f"files not on record: {len(harness.unrecorded)}", file=out)
    print("outcomes: " + ", ".join(f"{n:,} {k}" for k, n in sorted(harness.outcomes.items())),
          file=out)  # fmt: skip
    print(f"build over the fuzzed data: {'ok' if not build_error else 'FAILED: ' + build_error}",
          file=out)  # fmt: skip
    print(f"time: {seconds:.1f} s ({1000 * seconds / max(total, 1):.1f} ms per case), "
          f"{harness.batches} write sessions", file=out)  # fmt: skip
    print(f"peak memory: {peak:.0f} MiB", file=out)
    common = "; ".join(f"{r}... {n}" for r, n in harness.reasons.most_common(8))
    print(f"most common reasons: {common}", file=out)
    for name, trace in harness.crashes[:10]:
        print(f"\nCRASH {name}:\n{trace}", file=out)
    for name in harness.unrecorded[:10]:
        print(f"NOT ON RECORD {name}", file=out)
    return 1 if crashes or harness.unrecorded else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--batch", type=int, default=250, help="files per write session")
    args = parser.parse_args(argv)
    return run(args.cases, args.seed, args.batch)


if __name__ == "__main__":
    sys.exit(main())
