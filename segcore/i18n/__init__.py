"""One translation layer for everything a user reads: gettext catalogs (managed with Babel) in en, zh, ko, ru.

How to wrap a string (engine, CLI, pages; the catalogs are checked by a test on every run):

    from segcore.i18n import _, ngettext, _l

    st.button(_("Fit segments"))                                   # translated now, in the current language
    _("Loaded {rows} rows from {file}", rows=n, file=name)         # placeholders are {name}; fill by keyword
    ngettext("{n} customer", "{n} customers", n)                   # plural forms per language; {n} is filled
    raise DataError(_l("Column {column} has no numbers.", column=col))  # lazy: rendered when shown

- Put every value in a placeholder, never in the message text (no f-strings inside ``_()``): translators move them,
  and column names and values stay exactly as the user wrote them. Numbers are formatted for the locale
  (30,000 / 30 000); a plain spec fixes the digits and keeps the locale's signs (``{gain:.2f}`` -> 0,12 in Russian,
  ``{share:.1%}`` -> 12,3%, ``{rows:,}``).
- Engine code that makes a message before the language is known (exceptions, notes stored on results, names kept
  in cached objects) uses the lazy ``_l`` / ``lazy_ngettext``; ``str(message)`` renders it in the language current
  when it is shown. Everything else calls ``_`` at the moment it draws.
- A module-level constant is marked with ``N_("...")`` and translated where it is shown: ``_(CONSTANT)``.
- Don't use ``_`` as a throwaway variable in a function that also translates (it would shadow the function).
- Short words whose meaning depends on the place: ``pgettext("chart axis", "Share")``.

The current language: the studio installs a resolver that reads the session's choice (sidebar picker, ``?lang=``,
the browser's language); the CLI sets a context variable from ``--lang``; ``use_language("zh")`` runs a block in
another language (reports, tests).
Numbers, percentages and dates: ``format_number``, ``format_percent``, ``format_date`` (Babel, CLDR data).

Catalogs live in ``segcore/i18n/locale/<lang>/LC_MESSAGES/segcore.po`` and are read directly (no compile step):
``python -m segcore.i18n update`` extracts every wrapped string (babel.cfg) and merges it into the four ``.po``
files; translate the new entries in zh, ko and ru; ``python -m segcore.i18n check`` lists what is missing;
``python -m segcore.i18n compile`` writes ``.mo`` files for tools that want them (optional).
"""

from __future__ import annotations

from segcore.i18n.formatting import (
    format_compact,
    format_date,
    format_datetime,
    format_number,
    format_percent,
)
from segcore.i18n.language import (
    DEFAULT_LANGUAGE,
    LANGUAGE_NAMES,
    LANGUAGES,
    Language,
    choose_language,
    current_language,
    normalize_language,
    set_language,
    set_language_resolver,
    use_language,
)
from segcore.i18n.translate import (
    N_,
    Message,
    _,
    _l,
    gettext,
    lazy_gettext,
    lazy_ngettext,
    lazy_pgettext,
    ngettext,
    pgettext,
    reload_catalogs,
    render,
)

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "LANGUAGE_NAMES",
    "Language",
    "Message",
    "N_",
    "_",
    "_l",
    "choose_language",
    "current_language",
    "format_compact",
    "format_date",
    "format_datetime",
    "format_number",
    "format_percent",
    "gettext",
    "lazy_gettext",
    "lazy_ngettext",
    "lazy_pgettext",
    "ngettext",
    "normalize_language",
    "pgettext",
    "reload_catalogs",
    "render",
    "set_language",
    "set_language_resolver",
    "use_language",
]
