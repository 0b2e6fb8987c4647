"""User text (column names, values, segment names, titles) is inert wherever the studio renders it."""

from __future__ import annotations

import ast
import csv
import io
import re

import pandas as pd
import pytest
from apptest_support import APP, TIMEOUT, fresh, no_errors
from helpers import ROOT, customers
from streamlit.testing.v1 import AppTest

EVIL_COLUMN = "<script>alert('col')</script>spend"
EVIL_NAME = "<img src=x onerror=alert(1)><b>boss</b>"
RAW_TAG = re.compile(r"(?<!\\)<(script|img|b)\b", re.IGNORECASE)


def _markdown_protos(at: AppTest):
    for kind in ("markdown", "caption", "title", "subheader", "info", "success", "warning"):
        yield from getattr(at, kind)


def _assert_inert(at: AppTest) -> None:
    for element in _markdown_protos(at):
        assert not getattr(element.proto, "allow_html", False), element.value
        assert not RAW_TAG.search(element.value), f"unescaped user HTML in: {element.value!r}"


def _module_string_constants(tree: ast.Module) -> dict[str, str]:
    return {target.id: node.value.value for node in tree.body if isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
            for target in node.targets if isinstance(target, ast.Name)}


def test_no_page_opts_into_raw_html():
    """Raw HTML only as a fixed style sheet: st.html of a module-level literal holding one <style> block, no user text."""
    for path in [ROOT / "app.py", *sorted((ROOT / "pages").rglob("*.py"))]:
        source = path.read_text(encoding="utf-8")
        assert "unsafe_allow_html=True" not in source, path
        tree = ast.parse(source)
        constants = _module_string_constants(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "html":
                (argument,) = node.args
                assert isinstance(argument, ast.Name) and argument.id in constants, (path, node.lineno)
                css = constants[argument.id].strip()
                assert re.fullmatch(r"<style>[^<>]*</style>", css), (path, node.lineno, css)


@pytest.mark.slow
def test_html_in_column_and_segment_names_is_rendered_inert():
    df, _ = customers(400, seed=31)
    df = df.rename(columns={"total_spend": EVIL_COLUMN})
    at = fresh()
    at.file_uploader(key="uploader").set_value(("evil.csv", df.to_csv(index=False).encode(), "text/csv")).run()
    no_errors(at)
    _assert_inert(at)
    at.switch_page("pages/features.py").run()
    chosen = at.multiselect[0]
    if EVIL_COLUMN not in chosen.value:
        chosen.set_value([*chosen.value, EVIL_COLUMN]).run()
    no_errors(at)
    _assert_inert(at)
    at.switch_page("pages/segments.py").run()
    no_errors(at)
    _assert_inert(at)
    at.switch_page("pages/profiles.py").run()
    at.text_input(key="name_0").set_value(EVIL_NAME).run()
    no_errors(at)
    _assert_inert(at)
    assert any(EVIL_COLUMN.split("<")[0] in m.value or "alert" in m.value for m in at.markdown)

    at.switch_page("pages/share.py").run()
    at.text_input[0].set_value(f"Board pack {EVIL_NAME}")
    at.form_submit_button[0].click().run()
    next(b for b in at.button if b.label == "Create share link").click().run()
    token = next(c.value for c in at.code if "?share=" in c.value).split("?share=", 1)[1]
    view = AppTest.from_file(APP, default_timeout=TIMEOUT)
    view.query_params["share"] = token
    view.run()
    no_errors(view)
    _assert_inert(view)
    headings = [m.value for m in view.markdown if m.value.startswith("### ")]
    assert any("boss" in h for h in headings)  # the renamed segment is shown, escaped


def test_exported_assignments_are_safe_in_spreadsheets():
    """Customer ids that look like formulas reach the CSV download neutralised."""
    from segcore.render.export import safe_csv

    frame = pd.DataFrame({"customer_id": ["=HYPERLINK(\"http://x\")", "+SUM(1)", "C1"], "segment": [0, 1, 0]})
    text = safe_csv(frame).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [["customer_id", "segment"], ["'=HYPERLINK(\"http://x\")", "0"], ["'+SUM(1)", "1"], ["C1", "0"]]


def test_password_protects_the_studio_but_not_share_links(monkeypatch):
    monkeypatch.setenv("SEGCORE_APP_PASSWORD", "correct horse")
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.metric and at.title[0].value == "segcore"  # nothing of the data shows before the password
    at.text_input[0].set_value("wrong")
    at.form_submit_button[0].click().run()
    assert "not right" in at.error[0].value
    at.text_input[0].set_value("correct horse")
    at.form_submit_button[0].click().run()
    no_errors(at)
    assert any(m.label == "Rows" for m in at.metric)


def test_platform_login_is_required_when_configured():
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x"}
    at.run()
    assert not at.metric
    assert [b.label for b in at.button] == ["Log in"]
