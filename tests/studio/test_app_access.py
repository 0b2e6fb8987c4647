"""Who may open the studio and whose saved runs they see: hosted sign-in by default, owners of saved runs."""

from __future__ import annotations

import os

import pytest
from apptest_support import APP, TIMEOUT, no_errors
from streamlit.testing.v1 import AppTest

from segcore.store.runs import open_store

AUTH = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32, "client_id": "c",
        "client_secret": "s", "server_metadata_url": "https://id.example.com/.well-known/openid-configuration"}


def _store():
    return open_store(f"sqlite:///{os.environ['SEGCORE_DATA_DIR']}/segcore.sqlite3")


def _signed_in(email: str, *, admins: str = "") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.secrets["auth"] = AUTH
    if admins:
        at.secrets["admins"] = admins
    at.user = {"is_logged_in": True, "email": email}
    return at


def _save(title: str, owner: str | None) -> str:
    aggregates = {"headline": {"customers": 40, "segments": 1}, "profiles": [{"segment": 0, "size": 40}]}
    return _store().save_run(title=title, note="", spec={}, aggregates=aggregates, model_bytes=b"m",
                             fingerprint="fp", load_report={}, owner=owner).run_id


def _titles_on_share_page(at: AppTest) -> set[str]:
    at.switch_page("pages/share.py").run()
    no_errors(at)
    return {m.value.split("**")[1] for m in at.markdown if m.value.startswith("**")}


def test_a_hosted_studio_with_no_sign_in_stays_closed_but_share_links_work(monkeypatch):
    monkeypatch.setenv("SEGCORE_HOSTED", "1")  # what a request from another machine gets (see test_browser_access)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert "no sign-in set up" in at.error[0].value
    assert not at.metric and not at.get("file_uploader") and not at.button
    with pytest.raises(ValueError):  # the studio's pages are not even registered in this session
        at.switch_page("pages/share.py").run()

    store = _store()
    token = store.create_share(_save("Board view", "ana@example.com")).token
    view = AppTest.from_file(APP, default_timeout=TIMEOUT)
    view.query_params["share"] = token
    view.run()
    assert "Board view" in view.title[0].value and not view.error


def test_an_open_demo_is_an_explicit_setting_and_each_visitor_sees_only_their_runs(monkeypatch):
    monkeypatch.setenv("SEGCORE_HOSTED", "1")
    monkeypatch.setenv("SEGCORE_OPEN_DEMO", "1")
    _save("Someone else's demo run", "demo-0123456789abcdef")
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    no_errors(at)
    assert at.get("file_uploader")
    assert "Someone else's demo run" not in _titles_on_share_page(at)


@pytest.mark.slow
def test_saved_runs_belong_to_the_signed_in_user():
    ana = _signed_in("ana@example.com").run()
    no_errors(ana)
    ana.switch_page("pages/features.py").run()
    ana.switch_page("pages/segments.py").run()
    ana.switch_page("pages/share.py").run()
    ana.text_input[0].set_value("Ana's Q4 run")
    ana.form_submit_button[0].click().run()
    no_errors(ana)
    saved = next(r for r in _store().list_runs() if r.title == "Ana's Q4 run")
    assert saved.owner == "ana@example.com"
    assert "Ana's Q4 run" in {m.value.split("**")[1] for m in ana.markdown if m.value.startswith("**")}

    ben = _signed_in("ben@example.com").run()
    assert "Ana's Q4 run" not in _titles_on_share_page(ben)
    assert not [b for b in ben.button if b.key == f"del_{saved.run_id}"]

    boss = _signed_in("boss@example.com", admins="boss@example.com").run()
    assert "Ana's Q4 run" in _titles_on_share_page(boss)
    assert any("saved by ana@example" in c.value for c in boss.caption)  # the address is markdown-escaped
    next(b for b in boss.button if b.key == f"del_{saved.run_id}").click().run()
    no_errors(boss)
    assert all(r.run_id != saved.run_id for r in _store().list_runs())


def test_the_app_password_signs_in_one_shared_account(monkeypatch):
    monkeypatch.setenv("SEGCORE_HOSTED", "1")
    monkeypatch.setenv("SEGCORE_APP_PASSWORD", "correct horse battery")
    _save("Saved with the password", "password-user")
    _save("Saved by a platform user", "carol@example.com")
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.get("file_uploader")
    at.text_input[0].set_value("correct horse battery")
    at.form_submit_button[0].click().run()
    no_errors(at)
    titles = _titles_on_share_page(at)
    assert "Saved with the password" in titles and "Saved by a platform user" not in titles
