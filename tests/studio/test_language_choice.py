"""The studio's language: ?lang= in the URL, else the browser's language, else English; the sidebar picker wins
and holds across pages."""

from __future__ import annotations

import pytest
from apptest_support import APP, AppTest

LABELS = {"en": "Language", "zh": "语言", "ko": "언어", "ru": "Язык"}


def picker(at: AppTest):
    return at.sidebar.selectbox(key="lang")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("url", "browser", "expected"),
    [
        ("zh", None, "zh"),
        ("ru", "ko-KR", "ru"),
        (None, "ko-KR", "ko"),
        (None, "de-DE", "en"),
        ("xx", "ru-RU", "ru"),
    ],
)
def test_url_then_browser_then_english(url, browser, expected):
    at = AppTest.from_file(APP, default_timeout=120)
    if url:
        at.query_params["lang"] = url
    if browser:
        at.context = {"locale": browser}
    at.run()
    assert not at.exception
    assert picker(at).value == expected
    assert picker(at).label == LABELS[expected]


@pytest.mark.slow
def test_picker_changes_the_language_and_it_holds_across_pages():
    # AppTest drops the entry script's sidebar elements from its tree after the first run of an st.navigation app,
    # so the pick is made through the widget's session key (what the widget writes); the browser test clicks it.
    at = AppTest.from_file(APP, default_timeout=120)
    at.context = {"locale": "en-US"}
    at.run()
    at.session_state["lang"] = "ko"
    at.run()
    assert at.title[0].value == "우리 고객"
    at.switch_page("pages/features.py").run()
    assert not at.exception
    assert at.title[0].value == "세분화 기준"
    at.switch_page("pages/data.py").run()
    assert at.title[0].value == "우리 고객"
