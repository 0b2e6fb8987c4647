"""The current language: a context variable set by the CLI (``--lang``), reports and tests, else a resolver.

A context variable (not a global) because one Streamlit server runs many sessions at once, each in its own thread
with its own language; engine code reads it through ``current_language()`` and never takes a language argument.
The studio installs a resolver that reads the session's choice (picker, ``?lang=``, browser) whenever nothing was
set explicitly, so every page, fragment and cached call of a session sees that session's language.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
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

_CURRENT: ContextVar[Language | None] = ContextVar("segcore_language", default=None)
_RESOLVER: list[Callable[[], str | None]] = []  # at most one; a list so installing it needs no `global`


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
    explicit = _CURRENT.get()
    if explicit is not None:
        return explicit
    return choose_language(_RESOLVER[0]()) if _RESOLVER else DEFAULT_LANGUAGE


def set_language_resolver(resolver: Callable[[], str | None] | None) -> None:
    """Where the language comes from when none was set in this context (the studio: the session's choice)."""
    _RESOLVER.clear()
    if resolver is not None:
        _RESOLVER.append(resolver)


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
