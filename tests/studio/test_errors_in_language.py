"""A bad file dropped into the studio is explained in the user's language, with the file name and values as written."""

from __future__ import annotations

import pytest
from apptest_support import APP, AppTest
from bad_input_corpus import N_ROWS, base, csv_bytes


def _session(language: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["lang"] = language
    at.run()
    assert not at.exception
    return at


@pytest.mark.slow
def test_a_bad_upload_reads_in_russian_then_in_chinese():
    at = _session("ru")
    with_nul = csv_bytes(base()).replace(b"C0003", b"C\x00\x00\x000003")
    at.file_uploader(key="uploader").set_value(("клиенты.csv", with_nul, "text/csv")).run()
    assert not at.exception
    assert [e.value.replace("\\", "") for e in at.error] == [  # the page escapes Markdown characters
        "В клиенты.csv 3 NUL-байта (символ с кодом 0), первый — строка 5, символ 2; в текстовой таблице их быть "
        "не может. Удалите их (или пересохраните файл в табличном редакторе как «CSV UTF-8») и загрузите снова."
    ]

    at = _session("zh")
    one_column = b"customer\n" + b"".join(b"C%d\n" % i for i in range(N_ROWS))
    at.file_uploader(key="uploader").set_value(("客户.csv", one_column, "text/csv")).run()
    assert not at.exception
    shown = " ".join(e.value for e in at.error).replace("\\", "")
    assert shown.startswith("客户.csv 被读成了单个文本列：没有找到分隔符（逗号、分号、制表符、竖线）。"), shown
