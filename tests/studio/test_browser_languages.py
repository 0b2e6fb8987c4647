"""The studio in a real chromium in Chinese, Korean and Russian: ``?lang=`` opens it in that language on the native
demo file, the sidebar and every page speak it, the language holds while moving between pages, the picker changes
it, and each Profiles page is screenshot (docs/screenshots/profiles_<lang>.png with SEGCORE_UPDATE_SCREENSHOTS=1).
Slow: run it with ``nice``. The map uses PCA (SEGCORE_FAST_MAP=1), as in test_browser.py.
"""

from __future__ import annotations

import pytest
from browser_support import VIEWPORT, WAIT_MS, open_page, screenshot, settle

playwright_sync = pytest.importorskip("playwright.sync_api")
expect = playwright_sync.expect

# (page titles in the sidebar, the h1 of each page, a native column of the demo file, the sample button)
LANGUAGES = {
    "zh": (("1 · 数据", "2 · 特征", "3 · 细分", "4 · 画像"),
           ("您的客户", "选择细分依据", "发现客户群体", "客户群体画像"), "年消费额", "客户 · GBK"),
    "ko": (("1 · 데이터", "2 · 변수", "3 · 세그먼트", "4 · 프로필"),
           ("우리 고객", "세분화 기준", "세그먼트 찾기", "세그먼트 프로필"), "연간 구매액", "고객 · EUC-KR"),
    "ru": (("1 · Данные", "2 · Признаки", "3 · Сегменты", "4 · Профили"),
           ("Ваши клиенты", "По чему сегментировать", "Поиск сегментов", "Профили сегментов"),
           "Годовые расходы, руб", "Клиенты · CP1251"),
}




def heading(page) -> str:
    return page.locator('[data-testid="stMain"] h1').first.inner_text().strip()


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("language", ["zh", "ko", "ru"])
def test_walk_in_language_on_native_file(server, browser, language):
    titles, headings, column, sample = LANGUAGES[language]
    context = browser.new_context(viewport=VIEWPORT, locale="en-US")  # the URL wins over the browser's language
    page = context.new_page()
    page.goto(f"{server}/?lang={language}")
    settle(page)
    assert heading(page) == headings[0]
    main = page.locator('[data-testid="stMain"]')
    expect(main.get_by_text(sample).first).to_be_visible(timeout=WAIT_MS)  # opened on the native demo file
    expect(main.get_by_text(column).first).to_be_attached(timeout=WAIT_MS)  # a header of the (canvas) preview grid
    nav = page.locator('[data-testid="stSidebarNav"]')
    for title in titles:
        expect(nav.get_by_role("link", name=title)).to_be_visible(timeout=WAIT_MS)
    screenshot(page, f"data_{language}", readme=False)
    for title, expected in zip(titles[1:], headings[1:], strict=True):
        open_page(page, title)
        assert heading(page) == expected
        assert main.locator('[data-testid="stException"]').count() == 0
        assert f"lang={language}" in page.url  # a copied link carries the language
    screenshot(page, f"profiles_{language}")
    context.close()


@pytest.mark.browser
@pytest.mark.slow
def test_picker_switches_the_language(server, browser):
    context = browser.new_context(viewport=VIEWPORT, locale="ru-RU")  # no ?lang=: the browser's language
    page = context.new_page()
    page.goto(server)
    settle(page)
    assert heading(page) == "Ваши клиенты"
    picker = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first
    picker.click(no_wait_after=True)
    page.get_by_role("option", name="한국어").click(no_wait_after=True)
    page.wait_for_timeout(500)
    settle(page)
    assert heading(page) == "우리 고객" and "lang=ko" in page.url
    open_page(page, "2 · 변수")
    assert heading(page) == "세분화 기준"
    context.close()
