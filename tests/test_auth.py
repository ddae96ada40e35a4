"""Each role's reach, checked on the server: what a viewer, an officer, an admin and a
stranger see and can do (AppTest, with ``$ESAFETY_TEST_USER`` standing in for sign-in).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit import config
from streamlit.testing.v1 import AppTest

from lakehouse import audit, roles, store
from tests.conftest import open_app

DASHBOARD = str(Path(__file__).resolve().parents[1] / "dashboard.py")
TIMEOUT = 60


@pytest.fixture
def people(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, gold_db: Path) -> Path:
    """A council list with one person per role, and a store of this test's own."""
    listing = tmp_path / "roles.csv"
    listing.write_text(
        "email,role\n"
        "Vera.Viewer@council.gov.uk,viewer\n"
        "olly.officer@council.gov.uk,officer\n"
        "ada.admin@council.gov.uk,admin\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("ESAFETY_ROLES", str(listing))
    monkeypatch.setenv("ESAFETY_STORE", str(tmp_path / "store.sqlite"))
    monkeypatch.setenv("ESAFETY_DB", str(gold_db))
    return tmp_path / "store.sqlite"


def _as(email: str | None, monkeypatch: pytest.MonkeyPatch, page: str | None = None) -> AppTest:
    if email:
        monkeypatch.setenv("ESAFETY_TEST_USER", email)
    else:
        monkeypatch.delenv("ESAFETY_TEST_USER", raising=False)
    return open_app(page, timeout=TIMEOUT)


def _texts(at: AppTest) -> str:
    parts = [
        e.value for kind in ("caption", "error", "text", "markdown", "title") for e in at.get(kind)
    ]
    return "\n".join(str(p) for p in parts)


def _events(path: Path, action: str | None = None) -> list[dict]:
    con = store.connect(path=path)
    try:
        return audit.events(con, action=action).to_dict("records")
    finally:
        con.close()


def test_a_viewer_reads_the_flagged_schools_but_gets_no_download_button(
    people: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _as("vera.viewer@council.gov.uk", monkeypatch, "pages/flagged_schools.py")
    assert at.dataframe, "a viewer reads the table"
    assert at.get("download_button") == []
    assert "Downloads are for officers and admins (your role: viewer)" in _texts(at)


def test_an_officer_gets_the_download_button(people: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _as("olly.officer@council.gov.uk", monkeypatch, "pages/flagged_schools.py")
    assert len(at.get("download_button")) >= 1


def test_a_viewer_has_no_upload_and_an_officer_has_one(
    people: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    viewer = _as("vera.viewer@council.gov.uk", monkeypatch, "pages/returns_quality.py")
    assert viewer.get("file_uploader") == []
    assert "Uploading returns is for officers and admins" in _texts(viewer)
    officer = _as("olly.officer@council.gov.uk", monkeypatch, "pages/returns_quality.py")
    assert len(officer.get("file_uploader")) == 1


def test_a_viewer_sees_no_pack_buttons(people: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _as("vera.viewer@council.gov.uk", monkeypatch, "pages/packs.py")
    assert [b.label for b in at.button if "Make" in b.label] == []
    assert "Meeting packs are for officers and admins" in _texts(at)


def test_a_signed_in_stranger_sees_no_data_only_whom_to_ask(
    people: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _as("someone@elsewhere.org", monkeypatch)
    assert at.dataframe == [] and at.metric == []
    assert "Your account has no access to this dashboard." in _texts(at)
    assert "Signed in as someone@elsewhere.org." in _texts(at)
    assert [e["action"] for e in _events(people)] == ["denied"]


def test_the_admin_page_is_for_admins_only(people: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    officer = _as("olly.officer@council.gov.uk", monkeypatch)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        officer.switch_page("pages/admin.py")  # not in an officer's navigation at all
    # and the page guards itself when run by any other route
    bare = AppTest.from_file(str(Path(DASHBOARD).parent / "pages" / "admin.py")).run()
    assert "does not allow this: admin" in bare.error[0].value
    assert bare.dataframe == [] and bare.text_input == []
    admin = _as("ada.admin@council.gov.uk", monkeypatch, "pages/admin.py")
    emails = list(admin.dataframe[0].value["E-mail"])
    assert emails == [
        "ada.admin@council.gov.uk",
        "olly.officer@council.gov.uk",
        "vera.viewer@council.gov.uk",
    ]


def test_an_admin_changes_a_role_and_the_change_is_on_record(
    people: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _as("ada.admin@council.gov.uk", monkeypatch, "pages/admin.py")
    at.text_input(key="admin_role_email").input("Vera.Viewer@council.gov.uk")
    at.selectbox(key="admin_role_role").select("officer")
    at.button[[b.label for b in at.button].index("Save role")].click().run()
    assert not at.exception
    con = store.connect(path=people)
    try:
        assert roles.role_of("vera.viewer@council.gov.uk", con) == "officer"
    finally:
        con.close()
    change = _events(people, "role_change")[0]
    assert change["user"] == "ada.admin@council.gov.uk"
    assert '"before": "viewer"' in change["details"] and '"after": "officer"' in change["details"]
    # and the viewer-turned-officer now gets the upload
    vera = _as("vera.viewer@council.gov.uk", monkeypatch, "pages/returns_quality.py")
    assert len(vera.get("file_uploader")) == 1


def test_each_session_records_its_sign_in_once(
    people: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _as("olly.officer@council.gov.uk", monkeypatch)
    at.run()
    assert [(e["user"], e["action"]) for e in _events(people)] == [
        ("olly.officer@council.gov.uk", "sign_in")
    ]


def test_without_sign_in_the_sidebar_says_it_runs_for_one_local_user(
    people: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _as(None, monkeypatch)
    assert any("Running for one local user on this computer" in c.value for c in at.sidebar.caption)
    assert at.metric, "the local user sees the overview"


@pytest.mark.parametrize("address", ["0.0.0.0", "", "192.168.1.20", "::"])
def test_without_sign_in_the_app_refuses_to_serve_beyond_this_computer(
    address: str, people: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = config.get_option("server.address")
    config.set_option("server.address", address)
    try:
        at = _as(None, monkeypatch)
    finally:
        config.set_option("server.address", before)
    assert at.metric == [] and at.dataframe == []
    assert "Refusing to serve" in at.error[0].value
    assert "sign-in is not configured" in at.error[0].value


def test_the_test_user_hook_is_ignored_once_sign_in_is_configured(
    people: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ui import auth

    monkeypatch.setattr(auth, "sign_in_configured", lambda: True)
    monkeypatch.setenv("ESAFETY_TEST_USER", "ada.admin@council.gov.uk")
    # no session is signed in outside a browser: the hook must not stand in for one
    assert auth.current_user() is auth.ANONYMOUS


def test_roles_reach_exactly_their_actions() -> None:
    from ui.auth import User

    reach = {
        role: sorted(
            a
            for a in ("read", "export", "upload", "casework", "admin")
            if User("e", "n", role).can(a)
        )
        for role in ("viewer", "officer", "admin", "none")
    }
    assert reach == {
        "viewer": ["read"],
        "officer": ["casework", "export", "read", "upload"],
        "admin": ["admin", "casework", "export", "read", "upload"],
        "none": [],
    }
