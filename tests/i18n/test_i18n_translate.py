"""The translation layer: language choice, lookups, plural forms, lazy messages, locale formatting."""

from __future__ import annotations

import datetime as dt
import pickle
import threading

import pytest

from segcore.errors import DataError
from segcore.i18n import (
    Message,
    _,
    _l,
    choose_language,
    current_language,
    format_date,
    format_number,
    format_percent,
    lazy_ngettext,
    ngettext,
    normalize_language,
    reload_catalogs,
    render,
    translate,
    use_language,
)


@pytest.fixture
def catalogs(tmp_path, monkeypatch):
    """A private locale folder with one Russian and one Chinese entry, so these tests do not depend on wording."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    entries = {
        "ru": {
            "Segments": "Сегменты",
            "Column {column} has no numbers.": "В столбце {column} нет чисел.",
            ("{n} customer", "{n} customers"): ("{n} клиент", "{n} клиента", "{n} клиентов"),
        },
        "zh": {"Segments": "细分", ("{n} customer", "{n} customers"): ("{n} 位客户",)},
    }
    for language, messages in entries.items():
        catalog = Catalog(locale=language, domain="segcore")
        for msgid, msgstr in messages.items():
            catalog.add(msgid, msgstr)
        path = tmp_path / language / "LC_MESSAGES" / "segcore.po"
        path.parent.mkdir(parents=True)
        with path.open("wb") as handle:
            write_po(handle, catalog)
    monkeypatch.setattr(translate, "LOCALE_DIR", tmp_path)
    reload_catalogs()
    yield
    reload_catalogs()


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("zh-CN", "zh"),
        ("zh_Hans", "zh"),
        ("ko-KR", "ko"),
        ("RU", "ru"),
        ("en-GB", "en"),
        ("de-DE", None),
        ("", None),
    ],
)
def test_normalize_language(code, expected):
    assert normalize_language(code) == expected


def test_choose_language_takes_the_first_supported_candidate():
    assert choose_language(None, "fr", "ko-KR", "ru") == "ko"
    assert choose_language(None, "de-DE") == "en"


def test_use_language_restores_the_previous_language():
    assert current_language() == "en"
    with use_language("ru"):
        assert current_language() == "ru"
        with use_language("zh-CN"):
            assert current_language() == "zh"
        assert current_language() == "ru"
    assert current_language() == "en"


def test_each_thread_keeps_its_own_language():
    seen = {}

    def worker(language):
        with use_language(language):
            seen[language] = current_language()

    threads = [threading.Thread(target=worker, args=(code,)) for code in ("zh", "ko", "ru")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == {"zh": "zh", "ko": "ko", "ru": "ru"}
    assert current_language() == "en"


def test_gettext_translates_and_fills_values_after_translation(catalogs):
    assert _("Segments") == "Segments"
    with use_language("ru"):
        assert _("Segments") == "Сегменты"
        assert (
            _("Column {column} has no numbers.", column="сумма_покупок")
            == "В столбце сумма_покупок нет чисел."
        )
        assert _("Not in the catalog") == "Not in the catalog"  # falls back to English, never blank


def test_russian_has_three_plural_forms_chinese_one(catalogs):
    with use_language("ru"):
        assert [ngettext("{n} customer", "{n} customers", n) for n in (1, 3, 5, 21, 1000)] == [
            "1 клиент",
            "3 клиента",
            "5 клиентов",
            "21 клиент",
            "1\xa0000 клиентов",
        ]
    with use_language("zh"):
        assert ngettext("{n} customer", "{n} customers", 1) == "1 位客户"
        assert ngettext("{n} customer", "{n} customers", 12000) == "12,000 位客户"
    assert ngettext("{n} customer", "{n} customers", 1) == "1 customer"
    assert ngettext("{n} customer", "{n} customers", 2) == "2 customers"


def test_lazy_message_renders_in_the_language_current_when_shown(catalogs):
    message = _l("Column {column} has no numbers.", column="金额")
    error = DataError(message)
    assert str(error) == "Column 金额 has no numbers."
    with use_language("ru"):
        assert str(error) == "В столбце 金额 нет чисел."
        assert f"{message}" == "В столбце 金额 нет чисел."
    assert message.render("ru") == "В столбце 金额 нет чисел."
    assert render("plain text", "ru") == "plain text"


def test_lazy_message_pickles_and_compares(catalogs):
    message = lazy_ngettext("{n} customer", "{n} customers", 3)
    copy = pickle.loads(pickle.dumps(message))
    assert copy == message and isinstance(copy, Message)
    with use_language("ru"):
        assert str(copy) == "3 клиента"


def test_numbers_percentages_and_dates_follow_the_locale():
    shown = {}
    for language in ("en", "zh", "ko", "ru"):
        with use_language(language):
            shown[language] = (
                format_number(1234.5),
                format_percent(0.123),
                format_date(dt.date(2026, 12, 2)),
            )
    assert shown["en"] == ("1,234.5", "12.3%", "Dec 2, 2026")
    assert shown["zh"] == ("1,234.5", "12.3%", "2026年12月2日")
    assert shown["ko"][2] == "2026. 12. 2."
    assert shown["ru"][0] == "1\xa0234,5" and shown["ru"][1].startswith("12,3")
    assert format_number(float("nan")) == "–"


def test_bare_numbers_in_messages_are_written_the_locale_way():
    with use_language("ru"):
        assert _("Loaded {rows} rows", rows=30000) == "Loaded 30\xa0000 rows"
        # a plain spec keeps its digits and takes the locale's signs
        assert _("{share:.1%} of customers", share=0.255) == "25,5% of customers"
        assert _("gain {gain:.2f}, {rows:,} rows", gain=1234.5, rows=30000) == "gain 1\xa0234,50, 30\xa0000 rows"
        assert _("{code:>4}|", code=7) == "   7|"  # any other spec is Python's own
