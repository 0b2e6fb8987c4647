"""The current language: one context variable that the studio sets per script run and the CLI sets from ``--lang``.

A context variable (not a global) because one Streamlit server runs many sessions at once, each in its own thread
with its own language; engine code reads it through ``current_language()`` and never takes a language argument.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from typing import Literal

Language = Literal["en", "zh", "ko", "ru"]

LANGUAGES: tuple[Language, ...] = ("en", "zh", "ko", "ru")
DEFAULT_LANGUAGE: Language = "en"
# Each language named in itself, as a picker shows it.
LANGUAGE_NAMES: dict[Language, str] = {"en": "English", "zh": "中文", "ko": "한국어", "ru": "Русский"}
# The Babel locale used for numbers, dates and plural rules (Simplified Chinese, mainland conventions).
BABEL_LOCALES: dict[Language, str] = {"en": "en_US", "zh": "zh_Hans_CN", "ko": "ko_KR", "ru": "ru_RU"}

_CURRENT: ContextVar[Language] = ContextVar("segcore_language", default=DEFAULT_LANGUAGE)


def normalize_language(value: str | None) -> Language | None:
    """The supported language a code such as ``zh-CN``, ``zh_Hans``, ``ko-KR`` or ``RU`` means, else None."""
    if not value:
        return None
    code = str(value).strip().replace("_", "-").split("-")[0].lower()
    return code if code in LANGUAGES else None  # type: ignore[return-value]


def choose_language(*candidates: str | None) -> Language:
    """The first candidate that names a supported language (URL, then browser, ...), else English."""
    for candidate in candidates:
        language = normalize_language(candidate)
        if language:
            return language
    return DEFAULT_LANGUAGE


def current_language() -> Language:
    return _CURRENT.get()


def set_language(language: str | None) -> Token:
    """Make ``language`` current for this thread/context (unknown codes fall back to English)."""
    return _CURRENT.set(choose_language(language))


@contextmanager
def use_language(language: str | None) -> Iterator[Language]:
    """Run a block in ``language`` and restore the previous one afterwards (reports, tests)."""
    token = set_language(language)
    try:
        yield current_language()
    finally:
        _CURRENT.reset(token)
