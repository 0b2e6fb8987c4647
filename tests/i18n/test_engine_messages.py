"""Engine errors in the reader's language: every message a marketer can meet is wrapped, and reads natively.

The guard reads the engine's source: each SegcoreError (DataError, SpecError, ...) is built from a translation call,
so an f-string message added later fails here. The bad-input corpus (the files the CLI and studio tests use) then
checks that the messages really come out in Chinese, Korean and Russian with the user's values left as written.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from bad_input_corpus import CASES

from segcore.columns.checks import no_features_reason, too_few_customers
from segcore.columns.rfm import to_customers
from segcore.columns.roles import infer_roles
from segcore.columns.transactions import detect_transactions
from segcore.errors import DataError, SegcoreError
from segcore.i18n import use_language
from segcore.io.load import load_table

ROOT = Path(__file__).resolve().parents[2]
ERRORS = {"SegcoreError", "DataError", "SpecError", "NotEnoughData", "ModelError", "StoreError"}
TRANSLATING = {"_", "_l", "gettext", "lazy_gettext", "lazy_ngettext", "lazy_pgettext", "no_features_reason"}
# Variables that hold a message made by a translation call a few lines above (checked by reading those lines).
MESSAGE_VARIABLES = {"message", "small"}
NATIVE = {"zh": re.compile(r"[\u4e00-\u9fff]"), "ko": re.compile(r"[\uac00-\ud7af]"), "ru": re.compile(r"[а-яА-ЯёЁ]")}
# English words that only the message skeleton could bring (the corpus's own data is customer_id/spend/visits...).
# A library's own words in brackets ("File is not a zip file") are kept as the detail behind the message.
LIBRARY_DETAIL = re.compile(r"\([^()]*\)|（[^（）]*）")
ENGLISH = re.compile(r"\b(the|is|are|not|and|Check|Upload|Choose|file|rows?|columns?|again)\b")


def _error_calls():
    for path in sorted((ROOT / "segcore").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in ERRORS and node.args:
                yield path.relative_to(ROOT), node.lineno, node.args[0]


def test_every_engine_error_is_built_from_a_translation_call():
    calls = list(_error_calls())
    assert len(calls) > 200
    untranslated = []
    for path, line, arg in calls:
        if isinstance(arg, ast.Call):
            func = arg.func.id if isinstance(arg.func, ast.Name) else getattr(arg.func, "attr", "")
            if func in TRANSLATING:
                continue
        if isinstance(arg, ast.Name) and arg.id in MESSAGE_VARIABLES:
            continue
        untranslated.append(f"{path}:{line}")
    assert not untranslated, untranslated


def _refusal(case) -> SegcoreError | None:
    """The error the studio's load path (and the CLI's inspect/fit) gives this file, if any."""
    name, data = next(iter(case.make().items()))
    try:
        df = load_table(data, name=name).df
        tx = detect_transactions(df)
        if tx is not None:
            df = to_customers(df, columns=tx).df
            small = too_few_customers(len(df), customer_column=tx.customer)
            if small:
                return SegcoreError(small)
        schema = infer_roles(df)
        if too_few_customers(len(df)) or not schema.names(use="feature"):
            return SegcoreError(no_features_reason(df, schema))
    except SegcoreError as error:
        return error
    return None


REFUSED = [c for c in CASES if c.studio and c.argv is None and c.inspect is not None and c.name != "4000_columns_named_a"]


@pytest.mark.parametrize("case", REFUSED, ids=[c.name for c in REFUSED])
def test_a_refused_file_is_explained_in_each_language(case):
    error = _refusal(case)
    assert error is not None, case.name
    with use_language("en"):
        english = str(error)
    for language, script in NATIVE.items():
        with use_language(language):
            shown = str(error)
        assert shown != english and script.search(shown), (language, shown)
        left = ENGLISH.findall(LIBRARY_DETAIL.sub("", shown))
        assert not left, (language, left, shown)


def test_values_and_file_names_stay_as_written_and_numbers_follow_the_locale():
    data = b"customer_id,spend\n" + b"".join(b"C%d,\x00%d\n" % (i, i) for i in range(1200))
    with pytest.raises(DataError) as caught:
        load_table(data, name="客户_2026.csv")
    with use_language("ru"):
        ru = str(caught.value)
    with use_language("zh"):
        zh = str(caught.value)
    assert "客户_2026.csv" in ru and "客户_2026.csv" in zh
    assert "1\xa0200 NUL-байтов" in ru  # Russian plural (5-20 form) and grouping
    assert "1,200 个 NUL 字节" in zh
