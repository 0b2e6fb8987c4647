"""Saving a run, opening its read-only share link, revoking it: through AppTest on the sample data."""

from __future__ import annotations

import re

import pytest
from apptest_support import APP, TIMEOUT, fresh, metrics, no_errors, saved_run_id
from streamlit.testing.v1 import AppTest

from segcore.store.tokens import INVALID_LINK_MESSAGE

pytestmark = pytest.mark.slow  # each test walks the studio from upload to a saved run

TITLE = 'Q4 <script>alert("x")</script> segments'
CUSTOMER_ID = re.compile(r"\bC\d{5}\b")


def _all_text(at: AppTest) -> str:
    parts = [e.value for kind in ("markdown", "caption", "title", "subheader", "info", "code", "text")
             for e in getattr(at, kind)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    return "\n".join(str(p) for p in parts)


def _shared(token: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["share"] = token
    return at.run()


def test_save_share_open_and_revoke():
    at = fresh()
    at.switch_page("pages/features.py").run()
    at.switch_page("pages/segments.py").run()
    at.switch_page("pages/share.py").run()
    no_errors(at)
    at.text_input[0].set_value(TITLE)
    at.form_submit_button[0].click().run()
    no_errors(at)
    assert any(s.value.startswith("Saved") for s in at.success)
    share_button = next(b for b in at.button if b.label == "Create share link")
    share_button.click().run()
    link = next(c.value for c in at.code if "?share=" in c.value)
    token = link.split("?share=", 1)[1]
    assert len(token) >= 43

    view = _shared(token)
    no_errors(view)
    assert "\\<script\\>" in view.title[0].value  # user text is escaped, never rendered as HTML
    shown = metrics(view)
    assert shown["Customers"] == "5,000" and shown["Segments"] == "5"
    assert len([t for t in view.markdown if t.value.startswith("### ")]) == 5  # one card heading per segment
    text = _all_text(view)
    assert not CUSTOMER_ID.search(text), "a shared view must not show customer ids"
    assert not view.dataframe
    assert [b.label for b in view.get("download_button")] == ["Report (HTML, opens offline)", "Report (PDF)"]
    assert not view.text_input  # read-only: no renaming, no editing

    at.switch_page("pages/share.py").run()
    revoke = next(b for b in at.button if b.label == "Revoke")
    revoke.click().run()
    no_errors(at)
    for bad in (token, token[:-1] + ("A" if token[-1] != "A" else "B"), "not-a-token"):
        gone = _shared(bad)
        assert [e.value for e in gone.error] == [INVALID_LINK_MESSAGE]
        assert not gone.metric and not gone.markdown


def test_compare_two_runs_of_the_same_customers():
    at = fresh()
    at.switch_page("pages/features.py").run()
    at.switch_page("pages/segments.py").run()
    for k in (3, 5):
        at.selectbox(key="k_choice").set_value(k).run()
        at.switch_page("pages/share.py").run()
        at.text_input[0].set_value(f"k={k}")
        at.form_submit_button[0].click().run()
        no_errors(at)
        at.switch_page("pages/segments.py").run()
    at.switch_page("pages/share.py").run()
    no_errors(at)
    # the runs are picked by title: the store may hold other files' waves of this series from earlier tests
    at.selectbox(key="cmp_a").set_value(saved_run_id("k=5")).run()
    at.selectbox(key="cmp_b").set_value(saved_run_id("k=3")).run()
    no_errors(at)
    table = at.dataframe[-1].value
    assert table.to_numpy().sum() == 5000  # every customer counted once, from a k=5 segment to a k=3 one
    assert table.shape[0] in (3, 5) and table.shape[1] in (3, 5) and table.shape[0] != table.shape[1]


def test_open_a_saved_run_shows_its_cards_without_the_original_file():
    at = fresh()
    at.switch_page("pages/features.py").run()
    at.switch_page("pages/segments.py").run()
    at.switch_page("pages/share.py").run()
    at.text_input[0].set_value("Opened run")
    at.checkbox[0].check()  # store the customer rows with it
    at.form_submit_button[0].click().run()
    no_errors(at)
    run_buttons = [b for b in at.button if b.label == "Open"]
    run_buttons[0].click().run()
    no_errors(at)
    opened = [s.value for s in at.subheader if s.value.startswith("Opened:")]
    assert opened and "Opened run" in opened[0]
    assert any("customer rows stored with it" in c.value for c in at.caption)
    headings = [m.value for m in at.markdown if m.value.startswith("### ")]
    assert len(headings) == 5
    labels = [b.label for b in at.get("download_button")]
    assert labels.count("Report (PDF)") == 2  # the current segmentation's and the opened run's
    next(b for b in at.button if b.label == "Close").click().run()
    assert not [s for s in at.subheader if s.value.startswith("Opened:")]
