"""ui/forms.py through AppTest: a save whose run a second submission stops still says so."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _note_form() -> None:
    import streamlit as st
    from streamlit.runtime.scriptrunner_utils.script_requests import RerunData
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    from ui import forms

    if saved := forms.confirmation("note_saved"):
        st.success(saved)
    once = forms.OnceForm("note")
    with once.form():
        notes = st.text_input("Notes", key=once.key("notes"))
        if once.submitted("Save note"):
            st.session_state.setdefault("store", []).append(notes)  # the write
            # the second click of a double-click reaches the server now: Streamlit stops this
            # run at its next Streamlit call and runs the page again
            ctx = get_script_run_ctx()
            assert ctx is not None and ctx.script_requests is not None
            ctx.script_requests.request_rerun(
                RerunData(query_string=ctx.query_string, page_script_hash=ctx.page_script_hash)
            )
            once.saved(("note_saved", f"Note saved: {notes}."))
            st.rerun()


def test_a_save_whose_run_a_second_click_stops_still_shows_its_confirmation() -> None:
    at = AppTest.from_function(_note_form).run()
    at.text_input(key="notes").input("Visited the DSL")
    at.button[0].click().run()
    assert not at.exception
    assert at.session_state["store"] == ["Visited the DSL"]
    assert [s.value for s in at.success] == ["Note saved: Visited the DSL."]
    assert at.text_input(key="notes~1").value == "", "the next note starts empty"


def _audited_note_form() -> None:
    import streamlit as st
    from streamlit.runtime.scriptrunner_utils.script_requests import RerunData
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    from ui import auth, forms

    once = forms.OnceForm("note")
    with once.form():
        notes = st.text_input("Notes", key=once.key("notes"))
        if once.submitted("Save note"):
            by = auth.User(email="officer@council.example", name="Officer", role="officer")
            st.session_state.setdefault("store", []).append(notes)  # the write
            ctx = get_script_run_ctx()  # a second click arrives: the run stops at its next call
            assert ctx is not None and ctx.script_requests is not None
            ctx.script_requests.request_rerun(
                RerunData(query_string=ctx.query_string, page_script_hash=ctx.page_script_hash)
            )
            auth.audit_as(by, "casework", change="note")
            once.saved(("note_saved", f"Note saved: {notes}."))
            st.rerun()


def test_a_save_whose_run_a_second_click_stops_still_has_its_audit_row(tmp_path, monkeypatch):
    from lakehouse import audit, store

    monkeypatch.setenv("ESAFETY_DB", str(tmp_path / "esafety.duckdb"))
    at = AppTest.from_function(_audited_note_form).run()
    at.text_input(key="notes").input("Visited the DSL")
    at.button[0].click().run()
    assert not at.exception
    con = store.connect(tmp_path / "esafety.duckdb")
    try:
        events = audit.events(con, action="casework")
    finally:
        con.close()
    assert list(events["user"]) == ["officer@council.example"]
    assert '"change": "note"' in events["details"].iloc[0]
