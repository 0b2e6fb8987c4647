"""Every page of the studio in Chinese, Korean and Russian on the native demo file: no English left.

A fresh session opens with ``?lang=`` and lands on the demo file in that language (GBK, EUC-KR, CP1251), then walks
Data -> Features -> Segments -> Profiles -> Share. Every heading, caption, alert, metric and widget label/help is
collected; the only Latin words allowed are method and format names (UMAP, PCA, k-means, CSV...), acronyms and the
user's own data (column names, file name, values). Streamlit's own uploader chrome is not an element AppTest reads.
"""

from __future__ import annotations

import pytest
from language_walk import ALLOWED, data_words, english_words, walk

NATIVE_COLUMNS = {"zh": "年消费额", "ko": "연간 구매액", "ru": "Годовые расходы, руб"}
PAGE_TITLES = {
    "zh": ("您的客户", "选择细分依据", "发现客户群体", "客户群体画像", "保存与分享"),
    "ko": ("우리 고객", "세분화 기준", "세그먼트 찾기", "세그먼트 프로필", "저장 및 공유"),
    "ru": ("Ваши клиенты", "По чему сегментировать", "Поиск сегментов", "Профили сегментов", "Сохранить и поделиться"),
}


@pytest.mark.slow
@pytest.mark.parametrize("language", ["zh", "ko", "ru"])
def test_every_page_speaks_the_language_on_a_native_file(language):
    at, shown = walk(language)
    assert not at.exception, [e.value for e in at.exception]
    assert NATIVE_COLUMNS[language] in at.session_state["dataset"].df.columns  # opened on the native demo
    allowed = ALLOWED | data_words(at)
    left = {page: sorted(english_words(texts, allowed=allowed)) for page, texts in shown.items()}
    assert all(not words for words in left.values()), {page: words for page, words in left.items() if words}
    titles = tuple(next(t for t in texts) for texts in shown.values())
    assert titles == PAGE_TITLES[language]
