"""gettext lookups in the current language, read straight from the ``.po`` catalogs, and lazy messages.

The ``.po`` files are compiled in memory on first use (Babel's ``write_mo`` into a ``GNUTranslations``), so a fresh
clone needs no build step and a translator's edit shows on the next start. Placeholders are ``{name}`` fields filled
with ``str.format``; a number without a format spec is written the locale's way (``30,000`` / ``30 000``).
"""

from __future__ import annotations

import gettext as _gettext
import io
import numbers
import re
import string
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from segcore.i18n.language import DEFAULT_LANGUAGE, LANGUAGES, current_language, use_language

DOMAIN = "segcore"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@lru_cache(maxsize=len(LANGUAGES))
def _translations(language: str) -> _gettext.NullTranslations:
    path = po_path(language)
    if language == DEFAULT_LANGUAGE or not path.is_file():
        return _gettext.NullTranslations()
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return _gettext.GNUTranslations(buffer)


def reload_catalogs() -> None:
    """Forget the compiled catalogs (after ``python -m segcore.i18n update`` in a running process, or in tests)."""
    _translations.cache_clear()


# Number specs written the locale's way: "{x:,}", "{x:.2f}", "{x:,.0f}", "{x:.1%}" (grouping and decimal sign).
_NUMBER_SPEC = re.compile(r"^,?(?:\.(\d+)([f%]))?$")


class _LocaleFormatter(string.Formatter):
    """str.format that writes numbers in the current locale and renders nested lazy messages.

    A bare number, or one with a plain spec (``,`` / ``.2f`` / ``.1%``), gets the locale's grouping and decimal
    sign (1,234.5 / 1 234,5; 12.3% / 12,3 %); any other spec is Python's own.
    """

    def format_field(self, value: Any, format_spec: str) -> str:
        if isinstance(value, Message):
            value = str(value)
        if isinstance(value, numbers.Number) and not isinstance(value, bool):
            spec = _NUMBER_SPEC.match(format_spec)
            if spec:
                from segcore.i18n.formatting import format_number, format_percent

                digits, kind = spec.groups()
                if kind == "%":
                    return format_percent(float(value), digits=int(digits))
                return format_number(value, digits=None if digits is None else int(digits))
        return super().format_field(value, format_spec)


_FORMATTER = _LocaleFormatter()


def _fill(text: str, values: dict[str, Any]) -> str:
    return _FORMATTER.vformat(text, (), values) if values else text


def gettext(message: str, /, **values: Any) -> str:
    """``message`` translated into the current language, ``{placeholders}`` filled from ``values``."""
    return _fill(_translations(current_language()).gettext(message), values)


_ = gettext


def ngettext(singular: str, plural: str, n: int, /, **values: Any) -> str:
    """The plural form right for ``n`` in the current language (Russian has three); ``{n}`` is filled with n."""
    values.setdefault("n", n)
    return _fill(_translations(current_language()).ngettext(singular, plural, n), values)


def pgettext(context: str, message: str, /, **values: Any) -> str:
    """Like gettext, for a short word whose meaning depends on where it is shown (``context`` tells translators)."""
    return _fill(_translations(current_language()).pgettext(context, message), values)


def N_(message: str) -> str:  # noqa: N802 (the gettext convention)
    """Marks a string for extraction without translating it (a constant translated later with ``_(CONSTANT)``)."""
    return message


class Message:
    """A message translated when it is shown, not when it is made: engine exceptions and notes carry these.

    ``str(message)`` renders in the language current at that moment; values (column names, numbers) are kept as
    given and filled in after translation. Equal messages compare equal; they pickle (Streamlit caches them).
    """

    __slots__ = ("singular", "plural", "n", "context", "values")

    def __init__(
        self,
        singular: str,
        plural: str | None = None,
        n: int | None = None,
        context: str | None = None,
        values: dict[str, Any] | None = None,
    ) -> None:
        self.singular, self.plural, self.n, self.context = singular, plural, n, context
        self.values = dict(values or {})

    def render(self, language: str | None = None) -> str:
        if language is not None:
            with use_language(language):
                return self.render()
        if self.plural is not None:
            return ngettext(self.singular, self.plural, int(self.n or 0), **self.values)
        if self.context is not None:
            return pgettext(self.context, self.singular, **self.values)
        return gettext(self.singular, **self.values)

    def __str__(self) -> str:
        return self.render()

    def __format__(self, spec: str) -> str:
        return format(self.render(), spec)

    def __repr__(self) -> str:
        return f"Message({self.singular!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Message):
            return self.__getstate__() == other.__getstate__()
        if isinstance(other, str):  # a note or reason compared with its text, as it reads now
            return self.render() == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.render())  # equal to a str with the same text, so it hashes like one

    def __getstate__(self) -> tuple:
        return (self.singular, self.plural, self.n, self.context, self.values)

    def __setstate__(self, state: tuple) -> None:
        self.singular, self.plural, self.n, self.context, self.values = state

    def __add__(self, other: object) -> str:
        return self.render() + str(other)

    def __radd__(self, other: object) -> str:
        return str(other) + self.render()

    def __contains__(self, text: str) -> bool:
        return text in self.render()


def lazy_gettext(message: str, /, **values: Any) -> Message:
    """A message to translate later, when it is shown (``_l`` for short)."""
    return Message(message, values=values)


_l = lazy_gettext


def lazy_ngettext(singular: str, plural: str, n: int, /, **values: Any) -> Message:
    values.setdefault("n", n)
    return Message(singular, plural, n, values=values)


def lazy_pgettext(context: str, message: str, /, **values: Any) -> Message:
    return Message(message, context=context, values=values)


def render(value: Any, language: str | None = None) -> str:
    """Any text the engine hands back (a plain string or a lazy Message) as a string in ``language``/current."""
    if isinstance(value, Message):
        return value.render(language)
    return str(value)
