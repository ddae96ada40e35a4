"""Security controls that need no browser: the audit chain, file modes, sessions and identity.

The browser halves (copied cookies, expiry, unverified e-mail, upload PUTs,
outbound connections) are in tests/test_security_browser.py; docs/SECURITY.md
maps each finding to these tests.
"""

from __future__ import annotations

import sqlite3
import stat
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from lakehouse import audit, roles, sessions, store
from tests.conftest import PROJECT_ROOT

ISSUER = "https://login.example/tenant"


@pytest.fixture
def where(tmp_path: Path) -> Path:
    return tmp_path / "store.sqlite"


@pytest.fixture
def con(where: Path):
    c = store.connect(path=where)
    yield c
    c.close()


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _three_rows(con: sqlite3.Connection) -> None:
    with store.transaction(con):
        audit.record_in(con, "ada@council.gov.uk", "sign_in", issuer=ISSUER, subject="s-ada")
        audit.record_in(con, "olly@council.gov.uk", "export", rows=3)
        audit.record_in(con, "olly@council.gov.uk", "upload", files=[{"name": "a.xlsx"}])


# --- an audit log that cannot be rewritten ------------------------------------------------


def test_a_forged_insert_reusing_or_going_below_the_last_id_is_refused(con) -> None:
    _three_rows(con)
    for forged_id in (2, 3, 1):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            con.execute(
                "INSERT INTO audit_log (id, at, user, action, details, prev_hash, hash) "
                "VALUES (?, '2020-01-01T00:00:00+00:00', 'ada@council.gov.uk', 'export', '{}', "
                "'x', 'y')",
                [forged_id],
            )
    assert con.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0] == 3


def test_a_replace_of_an_audit_row_is_refused(con) -> None:
    _three_rows(con)
    for verb in ("REPLACE INTO", "INSERT OR REPLACE INTO"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            con.execute(
                f"{verb} audit_log (id, at, user, action, details) "
                "VALUES (2, '2020-01-01T00:00:00+00:00', 'someone', 'export', '{}')"
            )
    assert con.execute("SELECT user FROM audit_log WHERE id = 2").fetchone()[0] == (
        "olly@council.gov.uk"
    )


def test_a_row_appended_without_the_chain_is_refused(con) -> None:
    _three_rows(con)
    with pytest.raises(sqlite3.IntegrityError, match="must follow the last"):
        con.execute(
            "INSERT INTO audit_log (at, user, action, details, prev_hash, hash) "
            "VALUES ('2030-01-01T00:00:00+00:00', 'x', 'export', '{}', 'wrong', 'h')"
        )


@pytest.mark.slow
def test_audit_verify_finds_an_edit_made_with_the_triggers_dropped(con, where: Path) -> None:
    _three_rows(con)
    assert audit.verify(con).intact
    con.execute("DROP TRIGGER audit_log_no_update")
    con.execute("UPDATE audit_log SET user = 'someone.else@council.gov.uk' WHERE id = 2")
    verdict = audit.verify(con)
    assert verdict.broken_at == 2 and "row 2 was changed" in verdict.problem
    run = subprocess.run(
        [sys.executable, "-m", "lakehouse", "audit", "verify"],
        cwd=PROJECT_ROOT,
        env={"ESAFETY_STORE": str(where), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )
    assert run.returncode == 1
    assert "audit log broken: row 2 was changed after it was written" in run.stderr


def test_audit_verify_finds_a_deleted_row(con) -> None:
    _three_rows(con)
    con.execute("DROP TRIGGER audit_log_no_delete")
    con.execute("DELETE FROM audit_log WHERE id = 2")
    verdict = audit.verify(con)
    assert verdict.broken_at == 3 and "rows 2 to 2 are missing" in verdict.problem


def test_audit_verify_reports_a_dropped_trigger_on_an_intact_chain(con) -> None:
    _three_rows(con)
    con.execute("DROP TRIGGER audit_log_append_only")
    verdict = audit.verify(con)
    assert not verdict.intact and verdict.problem == "protection removed: audit_log_append_only"


@pytest.mark.slow
def test_audit_verify_reports_an_intact_log_and_its_head(con, where: Path) -> None:
    _three_rows(con)
    run = subprocess.run(
        [sys.executable, "-m", "lakehouse", "audit", "verify"],
        cwd=PROJECT_ROOT,
        env={"ESAFETY_STORE": str(where), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("audit log intact: 3 rows, last hash ")


def test_a_store_from_before_the_chain_is_chained_on_first_connect(tmp_path: Path) -> None:
    old = tmp_path / "old.sqlite"
    raw = sqlite3.connect(old)
    raw.executescript(
        """
        CREATE TABLE audit_log (id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL,
            user TEXT NOT NULL, action TEXT NOT NULL, details TEXT NOT NULL);
        INSERT INTO audit_log (at, user, action, details) VALUES
            ('2026-01-01T09:00:00+00:00', 'ada@council.gov.uk', 'sign_in', '{}'),
            ('2026-01-01T09:05:00+00:00', 'ada@council.gov.uk', 'export', '{"rows": 4}');
        """
    )
    raw.close()
    c = store.connect(path=old)
    try:
        assert audit.verify(c).intact and audit.verify(c).rows == 2
        audit.record_in(c, "olly@council.gov.uk", "sign_in")
        assert audit.verify(c).rows == 3 and audit.verify(c).intact
    finally:
        c.close()


def test_audit_rows_store_the_issuer_and_subject(con) -> None:
    _three_rows(con)
    row = con.execute("SELECT issuer, subject FROM audit_log WHERE id = 1").fetchone()
    assert tuple(row) == (ISSUER, "s-ada")


def test_denied_rows_are_throttled_to_one_per_account_per_minute(con) -> None:
    for _ in range(50):
        audit.record_in(con, "nobody@elsewhere.org", "denied", wanted="read")
    audit.record_in(con, "other@elsewhere.org", "denied", wanted="read")
    counts = dict(con.execute("SELECT user, COUNT(*) FROM audit_log GROUP BY user").fetchall())
    assert counts == {"nobody@elsewhere.org": 1, "other@elsewhere.org": 1}


# --- owner-only files -----------------------------------------------------------------------


def test_the_store_and_its_wal_files_are_created_owner_only(where: Path) -> None:
    c = store.connect(path=where)
    try:
        audit.record_in(c, "ada@council.gov.uk", "sign_in")
        for path in (
            where,
            where.with_name(where.name + "-wal"),
            where.with_name(where.name + "-shm"),
        ):
            assert path.exists() and _mode(path) == 0o600, path
    finally:
        c.close()


def test_the_database_is_owner_only_after_every_write(tmp_path: Path) -> None:
    from lakehouse.db import writing

    db = tmp_path / "county.duckdb"
    with writing(db) as c:
        c.execute("CREATE TABLE t AS SELECT 1 AS x")
    assert _mode(db) == 0o600
    db.chmod(0o644)
    with writing(db) as c:
        c.execute("INSERT INTO t VALUES (2)")
    assert _mode(db) == 0o600


# --- sessions and identity ------------------------------------------------------------------


def _claims(sub: str, email: str, verified: bool | None = True, **more) -> dict:
    claims = {"iss": ISSUER, "sub": sub, "email": email, **more}
    if verified is not None:
        claims["email_verified"] = verified
    return claims


@pytest.fixture
def role_list(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "roles.csv"
    path.write_text(
        "email,role\nadmin@council.gov.uk,admin\nolly@council.gov.uk,officer\n", encoding="utf-8"
    )
    monkeypatch.setenv("ESAFETY_ROLES", str(path))
    return path


def test_a_sign_in_opens_a_session_that_sign_out_ends(con, role_list) -> None:
    sid, session = sessions.start(con, _claims("s-olly", "Olly@Council.gov.uk"))
    found = sessions.lookup(con, sid)
    assert found is not None and found.role(con) == "officer"
    assert con.execute("SELECT id FROM sessions").fetchone()[0] != sid, "the id is stored hashed"
    assert sessions.sign_out(con, sid)
    assert sessions.lookup(con, sid) is None
    rows = con.execute("SELECT user, action, issuer, subject FROM audit_log ORDER BY id").fetchall()
    assert [tuple(r) for r in rows] == [
        ("olly@council.gov.uk", "sign_in", ISSUER, "s-olly"),
        ("olly@council.gov.uk", "sign_out", ISSUER, "s-olly"),
    ]


def test_an_unverified_email_never_gets_a_role(con, role_list) -> None:
    sid, session = sessions.start(con, _claims("s-mallory", "admin@council.gov.uk", False))
    assert session.role(con) == "none"
    assert "not verified" in session.why_none
    # the forgery is on record under the forger's own subject, not the admin's
    row = con.execute("SELECT user, subject, details FROM audit_log").fetchone()
    assert row["subject"] == "s-mallory" and '"email_verified": false' in row["details"]
    # and it did not claim the address: the real admin still binds it
    _, real = sessions.start(con, _claims("s-admin", "admin@council.gov.uk", True))
    assert real.role(con) == "admin"


def test_an_email_is_bound_to_the_first_verified_identity(con, role_list) -> None:
    _, first = sessions.start(con, _claims("s-olly", "olly@council.gov.uk"))
    _, other = sessions.start(con, _claims("s-impostor", "olly@council.gov.uk"))
    assert first.role(con) == "officer"
    assert other.role(con) == "none" and "another account" in other.why_none
    # the bound identity keeps its role even if its provider address changes
    _, renamed = sessions.start(con, _claims("s-olly", "olly.new@council.gov.uk"))
    assert renamed.role(con) == "officer"


def test_entra_ids_oid_is_the_subject(con, role_list) -> None:
    claims = {
        "iss": ISSUER,
        "sub": "pairwise-per-app",
        "oid": "00000000-aaaa",
        "preferred_username": "olly@council.gov.uk",
    }
    _, session = sessions.start(con, claims)
    assert session.subject == "00000000-aaaa" and session.email == "olly@council.gov.uk"
    assert session.role(con) == "officer"


def test_a_role_change_ends_that_persons_sessions(con, role_list) -> None:
    sid, _ = sessions.start(con, _claims("s-olly", "olly@council.gov.uk"))
    other, _ = sessions.start(con, _claims("s-admin", "admin@council.gov.uk"))
    roles.set_role(con, "olly@council.gov.uk", "viewer", "admin@council.gov.uk")
    assert sessions.lookup(con, sid) is None
    assert sessions.lookup(con, other) is not None


def _age(con, sid: str, column: str, hours: float) -> None:
    moment = (datetime.now(UTC) - timedelta(hours=hours)).isoformat(timespec="seconds")
    con.execute(
        f"UPDATE sessions SET {column} = ? WHERE id = ?", [moment, sessions.stored_key(sid)]
    )


def test_a_session_ends_after_the_idle_timeout_and_the_lifetime(con, role_list) -> None:
    limits = sessions.limits()
    assert (limits.idle, limits.lifetime) == (timedelta(hours=8), timedelta(hours=12))
    idle, _ = sessions.start(con, _claims("s-olly", "olly@council.gov.uk"))
    _age(con, idle, "last_seen", 8.1)
    assert sessions.lookup(con, idle) is None
    old, _ = sessions.start(con, _claims("s-olly", "olly@council.gov.uk"))
    _age(con, old, "started_at", 12.1)
    assert sessions.lookup(con, old) is None
    why = dict(con.execute("SELECT id, ended_why FROM sessions").fetchall())
    assert why[sessions.stored_key(idle)] == "idle"
    assert why[sessions.stored_key(old)] == "lifetime"


def test_a_sign_in_that_cannot_be_recorded_is_refused(where: Path, role_list) -> None:
    c = store.connect(path=where)
    c.execute("PRAGMA busy_timeout = 100")
    holder = store.connect(path=where)
    holder.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    try:
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            sessions.start(c, _claims("s-olly", "olly@council.gov.uk"))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert c.execute("SELECT COUNT(*) FROM sessions").fetchone()[0] == 0
    c.close()


def test_an_edit_of_the_role_list_file_is_recorded_and_ends_sessions(con, role_list) -> None:
    first = roles.check_list(con, "server start")
    assert first["added"] == ["admin@council.gov.uk", "olly@council.gov.uk"]
    assert roles.check_list(con, "server start") == {}, "an unchanged file is not recorded again"
    sid, _ = sessions.start(con, _claims("s-olly", "olly@council.gov.uk"))
    role_list.write_text(
        "email,role\nadmin@council.gov.uk,admin\nolly@council.gov.uk,admin\n"
        "eve@council.gov.uk,admin\n",
        encoding="utf-8",
    )
    change = roles.check_list(con, "server start")
    assert change == {
        "added": ["eve@council.gov.uk"],
        "removed": [],
        "changed": ["olly@council.gov.uk"],
    }
    row = con.execute(
        "SELECT details FROM audit_log WHERE action = 'role_list_change' ORDER BY id DESC"
    ).fetchone()
    assert "eve@council.gov.uk (admin)" in row["details"]
    assert sessions.lookup(con, sid) is None


# --- the HTTP guard's private Streamlit names and the network ------------------------------


def test_the_guard_uses_streamlits_private_names_that_still_exist() -> None:
    from streamlit import net_util
    from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
    from streamlit.web.server.starlette import starlette_auth_routes as routes

    assert hasattr(net_util, "_external_ip") and hasattr(net_util, "_internal_ip")
    assert callable(routes._set_single_cookie) and callable(routes._get_cookie_path)
    assert hasattr(MemoryUploadedFileManager("/x"), "file_storage")


def test_importing_the_guard_stops_the_external_ip_lookup(monkeypatch) -> None:
    from streamlit import net_util

    monkeypatch.setattr(net_util, "_external_ip", None)
    monkeypatch.setattr(net_util, "_internal_ip", None)
    calls: list[str] = []
    monkeypatch.setattr(
        net_util, "_make_blocking_http_get", lambda url, timeout=5: calls.append(url)
    )
    import ui.server

    ui.server.keep_off_the_network()
    assert net_util.get_external_ip() == "127.0.0.1" and calls == []


def test_the_gitignore_keeps_secrets_out() -> None:
    ignored = (PROJECT_ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert ".streamlit/secrets.toml" in ignored


def test_audit_writes_are_serialised_across_threads(where: Path) -> None:
    def write(n: int) -> None:
        for i in range(5):
            audit.record(f"user{n}@council.gov.uk", "export", path=where, i=i)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    c = store.connect(path=where)
    try:
        assert audit.verify(c).intact and audit.verify(c).rows == 20
    finally:
        c.close()


def test_the_admin_page_reports_the_first_broken_link(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, gold_db: Path
) -> None:
    from tests.test_auth import _as, _texts

    (tmp_path / "roles.csv").write_text("email,role\nada@council.gov.uk,admin\n", encoding="utf-8")
    monkeypatch.setenv("ESAFETY_ROLES", str(tmp_path / "roles.csv"))
    monkeypatch.setenv("ESAFETY_STORE", str(tmp_path / "store.sqlite"))
    monkeypatch.setenv("ESAFETY_DB", str(gold_db))
    c = store.connect(path=tmp_path / "store.sqlite")
    _three_rows(c)
    at = _as("ada@council.gov.uk", monkeypatch, "pages/admin.py")
    assert any("hash chain is intact" in s.value for s in at.success)
    c.execute("DROP TRIGGER audit_log_no_update")
    c.execute("UPDATE audit_log SET details = '{\"rows\": 1}' WHERE id = 2")
    c.close()
    at = _as("ada@council.gov.uk", monkeypatch, "pages/admin.py")
    assert "The audit log has been tampered with." in _texts(at)
    assert "row 2 was changed after it was written (first broken link: row 2)." in _texts(at)


@pytest.mark.slow
def test_a_command_line_ingest_is_on_record_with_the_os_user(tmp_path: Path) -> None:
    db = tmp_path / "county.duckdb"
    run = subprocess.run(
        [sys.executable, "-m", "ingest", "boundaries", str(tmp_path / "missing.geojson")]
        + ["--db", str(db)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    assert run.returncode == 1
    c = store.connect(db)
    try:
        row = c.execute("SELECT user, details FROM audit_log WHERE action = 'ingest'").fetchone()
    finally:
        c.close()
    assert row["user"] == audit.os_user()
    assert '"command": "ingest boundaries"' in row["details"] and '"exit_code": 1' in row["details"]


def test_a_download_answers_404_to_a_role_that_may_not_export() -> None:
    import asyncio

    from ui.server import _downloads_for_exporters

    def serve(may_export: bool, disposition: bytes) -> list[dict]:
        sent: list[dict] = []

        async def send(message: dict) -> None:
            sent.append(message)

        wrapped = _downloads_for_exporters(send, may_export)

        async def respond() -> None:
            await wrapped(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [(b"content-disposition", disposition)],
                }
            )
            await wrapped({"type": "http.response.body", "body": b"URN,School\n"})

        # its own thread: a browser test in the same session keeps an event loop running here
        worker = threading.Thread(target=lambda: asyncio.run(respond()))
        worker.start()
        worker.join(30)
        return sent

    refused = serve(False, b'attachment; filename="mail-merge.csv"')
    assert refused[0]["status"] == 404 and b"URN" not in b"".join(
        m.get("body", b"") for m in refused
    )
    assert serve(True, b'attachment; filename="mail-merge.csv"')[0]["status"] == 200
    assert serve(False, b"inline")[0]["status"] == 200, "images still show for viewers"


@pytest.mark.slow
def test_responses_carry_the_security_headers(gold_db: Path, tmp_path: Path) -> None:
    import urllib.error
    import urllib.request

    from tests.conftest import streamlit_server

    db = tmp_path / "county.duckdb"
    db.write_bytes(gold_db.read_bytes())
    with streamlit_server(
        db, script="serve.py", extra_env={"ESAFETY_STORE": str(tmp_path / "s.sqlite")}
    ) as url:
        with urllib.request.urlopen(url, timeout=10) as response:
            headers = response.headers
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Content-Security-Policy"] == "frame-ancestors 'none'"
        assert headers["X-Content-Type-Options"] == "nosniff"
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"{url}/_stcore/metrics", timeout=10)
        assert refused.value.code == 404
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(f"{url}/media/0123456789abcdef.csv", timeout=10)
        assert missing.value.headers["Cache-Control"] == "no-store"
        assert missing.value.headers["X-Content-Type-Options"] == "nosniff"


def test_bidi_and_zero_width_characters_are_stripped_at_ingest_with_a_message() -> None:
    from ingest import register, values
    from lakehouse import search

    data = "URN,EstablishmentName,LA (name)\n123456,Saint \u202eloohcS lliH\u202c,Kent\n"
    parsed = register._parse(data.encode(), "register.csv")
    assert parsed.rows["name"] == ["Saint loohcS lliH"], "no longer drawn as 'Saint Hill School'"
    assert parsed.warnings == [
        (
            "line 2",
            "register.csv line 2: EstablishmentName had invisible or direction-changing "
            "characters; removed",
        )
    ]
    assert values.text(" Hex\u200btable\ufeff ") == "Hextable"
    assert search.normalise("Hex\u200btable \u2066School\u2069") == ["hextable", "school"]


def test_a_viewer_is_told_the_database_cannot_be_read_and_only_an_admin_sees_its_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.test_auth import _as, _texts

    broken = tmp_path / "county.duckdb"
    broken.write_bytes(b"this is not a database" * 100)
    (tmp_path / "roles.csv").write_text(
        "email,role\nada@council.gov.uk,admin\nvera@council.gov.uk,viewer\n", encoding="utf-8"
    )
    monkeypatch.setenv("ESAFETY_ROLES", str(tmp_path / "roles.csv"))
    monkeypatch.setenv("ESAFETY_STORE", str(tmp_path / "store.sqlite"))
    monkeypatch.setenv("ESAFETY_DB", str(broken))
    viewer = _texts(_as("vera@council.gov.uk", monkeypatch))
    assert "The database cannot be read." in viewer and str(tmp_path) not in viewer
    admin = _texts(_as("ada@council.gov.uk", monkeypatch))
    assert f"Could not read {broken}" in admin


class _Files:
    """Stands in for Streamlit's in-memory upload store."""

    def __init__(self) -> None:
        self.file_storage: dict[str, dict[str, object]] = {}
        self.freed: list[str] = []

    def remove_session_files(self, session: str) -> None:
        self.freed.append(session)
        self.file_storage.pop(session, None)


def test_uploads_are_bound_to_their_session_and_limited_per_session(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from types import SimpleNamespace

    import ui.server as server

    files = _Files()
    monkeypatch.setattr(server, "_uploaded_files", lambda: files)
    monkeypatch.setattr(server, "_owners", {})
    mine = SimpleNamespace(key="k-officer")
    server.bind_streamlit_session("st-1", "k-officer")
    server.bind_streamlit_session("st-2", "k-other-officer")
    limits = sessions.limits()
    url = "/_stcore/upload_file/st-1/file-a"

    def refusal(path: str, size: int, role: str = "officer", who=mine) -> int | None:
        return server._upload_refusal(path, "PUT", {"content-length": str(size)}, who, role)

    assert refusal(url, 1000) is None
    assert refusal(url, 1000, role="viewer") == 404
    assert refusal(url, 1000, who=None) == 404
    assert refusal("/_stcore/upload_file/st-2/file-a", 1000) == 404, "another sign-in's session"
    assert refusal(url, limits.upload_bytes + 1) == 413
    files.file_storage["st-1"] = {
        f"f{i}": SimpleNamespace(data=b"x") for i in range(limits.upload_files)
    }
    assert refusal(url, 10) == 413, "one file more than a session may hold"
    assert refusal("/_stcore/upload_file/st-1/f0", 10) is None, "replacing its own file"
    assert server._upload_refusal(url, "PUT", {}, mine, "officer") == 411
    server._free_uploads("k-officer")
    assert files.freed == ["st-1"] and server._owner("st-1") is None
    assert server._owner("st-2") == "k-other-officer"


def test_a_pack_written_from_the_command_line_is_owner_only(tmp_path: Path) -> None:
    from packs.__main__ import _write

    out = tmp_path / "packs" / "cabinet.pdf"
    _write(out, b"%PDF-1.7 a pack")
    assert out.read_bytes() == b"%PDF-1.7 a pack" and _mode(out) == 0o600


def test_form_submit_buttons_take_no_click_while_the_page_runs() -> None:
    """The CSS keys on the attribute Streamlit's frontend sets on the running app."""
    from ui.projector import base_css

    bundle = "".join(
        p.read_text(encoding="utf-8", errors="replace")
        for p in (Path(__import__("streamlit").__file__).parent / "static" / "static" / "js").glob(
            "index.*.js"
        )
    )
    assert '"data-test-script-state"' in bundle and "RUNNING=`running`" in bundle
    assert (
        '.stApp[data-test-script-state="running"] [data-testid="stFormSubmitButton"] button'
        in base_css()
    )


def test_a_returns_school_name_loses_its_bidi_controls_with_a_message(tmp_path: Path) -> None:
    import datetime as dt

    from ingest.reader import read_return
    from tests.returns_factory import good_return, set_field, write_workbook

    sheets = good_return()
    set_field(sheets, "School name", "Saint \u202eloohcS lliH\u202c")
    result = read_return(
        write_workbook(tmp_path / "r.xlsx", sheets), {118234}, dt.date(2027, 1, 15)
    )
    assert result.school_name == "Saint loohcS lliH"
    assert any(
        "invisible or direction-changing characters removed" in m.message for m in result.messages
    )


def test_a_pack_from_the_command_line_is_on_record_before_it_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import argparse

    from packs.__main__ import _record

    db = tmp_path / "county.duckdb"
    args = argparse.Namespace(db=str(db), out=tmp_path / "cabinet.pptx", command="cabinet")
    _record(args, "cabinet pack", 1234)
    c = store.connect(db)
    try:
        row = c.execute("SELECT user, details FROM audit_log WHERE action = 'export'").fetchone()
        assert row["user"] == audit.os_user() and '"what": "cabinet pack"' in row["details"]
        monkeypatch.setattr(store, "BUSY_TIMEOUT_MS", 100)
        c.execute("BEGIN IMMEDIATE")  # the store locked: the pack must not be written
        try:
            with pytest.raises(OSError, match="audit log cannot be written"):
                _record(args, "cabinet pack", 1234)
        finally:
            c.execute("ROLLBACK")
    finally:
        c.close()
