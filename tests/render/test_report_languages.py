"""Reports in Chinese, Korean and Russian: the PDF embeds fonts that draw every character (text extracted with
pypdf holds the native column and segment names and no '?'), the HTML says its language and can show CJK."""

from __future__ import annotations

import re

import pytest
from helpers import SAMPLE_DATA
from pypdf import PdfReader

from segcore.i18n import use_language
from segcore.insight.summary import build_summary
from segcore.io.load import load_table
from segcore.model.segmentation import segment
from segcore.model.spec import FeatureSpec
from segcore.render.report import html_report, pdf_report

NATIVE_FILES = {
    "zh": ("kehu_gbk.csv", ["年消费额", "访问次数", "年龄"]),
    "ru": ("klienty_cp1251.csv", ["Годовые расходы, руб", "Число визитов", "Возраст"]),
}


def _summary(name: str, features: list[str]) -> dict:
    df = load_table(SAMPLE_DATA / name).df
    seg = segment(df, spec=FeatureSpec(features=tuple(features), k=3, seed=0))
    return build_summary(seg, df)


def _pdf_text(pdf: bytes) -> str:
    import io

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    # pypdf puts spaces and NULs between CJK glyphs (poppler's pdftotext does not); compare without them
    return re.sub(r"[\s\x00]+", "", text)


@pytest.mark.slow
@pytest.mark.parametrize("language", sorted(NATIVE_FILES))
def test_pdf_holds_native_names_and_no_question_marks(language):
    name, columns = NATIVE_FILES[language]
    summary = _summary(name, columns)
    with use_language(language):
        pdf = pdf_report(summary, title=name, show_sql=False)
    text = _pdf_text(pdf)
    for column in columns:
        assert re.sub(r"\s+", "", column) in text
    for profile in summary["profiles"]:
        assert re.sub(r"\s+", "", profile["name"]) in text
    assert "??" not in text and "?" not in text
    chrome = {"zh": "群体", "ru": "Сегменты"}[language]  # the report's own words are in the language too
    assert chrome in text


@pytest.mark.slow
def test_korean_pdf_draws_hangul():
    summary = _summary("kehu_gbk.csv", ["年消费额", "访问次数"])
    summary["profiles"][0]["name"] = "충성 고객"
    with use_language("ko"):
        text = _pdf_text(pdf_report(summary, title="고객 세분화", show_sql=False))
    assert "충성고객" in text and "고객세분화" in text and "세그먼트" in text and "?" not in text


@pytest.mark.parametrize(("language", "lang_attr"), [("zh", "zh-Hans"), ("ko", "ko"), ("ru", "ru"), ("en", "en")])
def test_html_sets_lang_and_a_cjk_font_stack(language, lang_attr):
    summary = {"headline": {"customers": 1234, "segments": 2}, "profiles": [], "notes": []}
    with use_language(language):
        html = html_report(summary, title="t")
    assert f'<html lang="{lang_attr}">' in html
    assert "Noto Sans CJK SC" in html and "Malgun Gothic" in html
    assert {"en": "1,234", "zh": "1,234", "ko": "1,234", "ru": "1\xa0234"}[language] in html
