"""Keeping the catalogs in step with the code: extract, update, check, compile (developer tooling, Babel).

``extract`` reads every wrapped string under the paths in babel.cfg; ``update`` merges them into the four ``.po``
files (new entries empty, removed ones dropped); ``check`` lists what a user would see untranslated: entries
missing from a catalog, empty or fuzzy translations in zh/ko/ru, placeholders a translation lost or invented, and
plural entries without the language's number of forms. A test runs ``check`` on every run.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from segcore.i18n.language import DEFAULT_LANGUAGE, LANGUAGES
from segcore.i18n.translate import DOMAIN, po_path, reload_catalogs

ROOT = Path(__file__).resolve().parents[2]
MAPPING_FILE = ROOT / "babel.cfg"
KEYWORDS = {
    **DEFAULT_KEYWORDS,
    "_l": None,
    "lazy_gettext": None,
    "lazy_ngettext": (1, 2),
    "lazy_pgettext": ((1, "c"), 2),
}
# Fixed header dates keep a re-run of `update` from changing files that gained no string.
_STAMP = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
_SKIP_DIRS = {".git", "tests", "data", "benchmarks", "sample_data", "docs", "__pycache__", "node_modules"}
_FIELD = re.compile(r"(?<!\{)\{([A-Za-z_][A-Za-z0-9_]*)(?:[!:][^{}]*)?\}")


@dataclass(frozen=True)
class Problem:
    language: str
    msgid: str
    what: str

    def __str__(self) -> str:
        return f"[{self.language}] {self.what}: {self.msgid!r}"


def _new_catalog(language: str | None) -> Catalog:
    return Catalog(
        locale=language,
        domain=DOMAIN,
        project="segcore",
        creation_date=_STAMP,
        revision_date=_STAMP,
        charset="utf-8",
        fuzzy=False,
    )


def extract(root: Path = ROOT) -> Catalog:
    """Every wrapped string in the code, as a template catalog (``msgid`` -> where it appears)."""
    with MAPPING_FILE.open() as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    template = _new_catalog(None)
    skip = lambda path: Path(path).name not in _SKIP_DIRS  # noqa: E731
    for filename, lineno, message, comments, context in extract_from_dir(
        root,
        method_map,
        options_map,
        keywords=KEYWORDS,
        comment_tags=("TRANSLATORS:",),
        strip_comment_tags=True,
        directory_filter=skip,
    ):
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return template


def read_catalog(language: str) -> Catalog:
    path = po_path(language)
    if not path.is_file():
        return _new_catalog(language)
    with path.open("rb") as handle:
        return read_po(handle, locale=language, domain=DOMAIN)


def write_catalog(catalog: Catalog, language: str) -> Path:
    path = po_path(language)
    path.parent.mkdir(parents=True, exist_ok=True)
    catalog.creation_date, catalog.revision_date = _STAMP, _STAMP
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=110, sort_output=True, ignore_obsolete=True, include_lineno=False)
    path.write_bytes(buffer.getvalue())
    return path


def update(root: Path = ROOT) -> dict[str, int]:
    """Merge the code's strings into each ``.po`` file; returns, per language, how many entries need translating."""
    template = extract(root)
    todo = {}
    for language in LANGUAGES:
        catalog = read_catalog(language)
        catalog.update(template, no_fuzzy_matching=True, update_creation_date=False)
        write_catalog(catalog, language)
        todo[language] = (
            sum(1 for m in catalog if m.id and _untranslated(m)) if language != DEFAULT_LANGUAGE else 0
        )
    reload_catalogs()
    return todo


def compile_catalogs() -> list[Path]:
    """Write ``segcore.mo`` beside each ``.po`` (optional: the studio reads the ``.po`` files directly)."""
    written = []
    for language in LANGUAGES:
        mo = po_path(language).with_suffix(".mo")
        with mo.open("wb") as handle:
            write_mo(handle, read_catalog(language), use_fuzzy=False)
        written.append(mo)
    return written


def _untranslated(message) -> bool:
    strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
    return message.fuzzy or not all(strings)


def _fields(text: str) -> set[str]:
    return set(_FIELD.findall(text or ""))


def check(root: Path = ROOT) -> list[Problem]:
    """Everything a user would see untranslated or broken, per language; an empty list means the catalogs are whole."""
    template = extract(root)
    problems: list[Problem] = []
    for language in LANGUAGES:
        catalog = read_catalog(language)
        for entry in template:
            if not entry.id:
                continue
            msgid = entry.id[0] if isinstance(entry.id, tuple | list) else entry.id
            found = catalog.get(entry.id, context=entry.context)
            if found is None:
                problems.append(
                    Problem(language, msgid, "missing from the catalog (run python -m segcore.i18n update)")
                )
                continue
            if language == DEFAULT_LANGUAGE:
                continue
            if _untranslated(found):
                problems.append(Problem(language, msgid, "not translated"))
                continue
            problems.extend(_placeholder_problems(language, entry.id, found.string, catalog.num_plurals))
    return problems


def _placeholder_problems(language: str, msgid, msgstr, num_plurals: int) -> list[Problem]:
    ids = list(msgid) if isinstance(msgid, tuple | list) else [msgid]
    strings = list(msgstr) if isinstance(msgstr, tuple | list) else [msgstr]
    problems = []
    if len(ids) > 1 and len(strings) != num_plurals:
        problems.append(Problem(language, ids[0], f"needs {num_plurals} plural forms, has {len(strings)}"))
    expected = set().union(*(_fields(text) for text in ids))
    for text in strings:
        found = _fields(text)
        # A plural form may leave out {n} ("один клиент"), never invent a field or drop another one.
        if found - expected or (expected - {"n"}) - found:
            problems.append(
                Problem(language, ids[0], f"placeholders {sorted(found)} differ from {sorted(expected)}")
            )
            break
    return problems
