"""Every string the studio, the engine and the reports show is in the catalogs, translated in zh, ko and ru.

The strings are extracted from the code on every run (babel.cfg), so a new ``_("...")`` without a translation, a
translation that lost a ``{placeholder}``, or a Russian plural with two forms instead of three fails here.
Fix with ``python -m segcore.i18n update``, then translate the new entries in the ``.po`` files.
"""

from __future__ import annotations

import re
import tokenize
from pathlib import Path

import pytest

from segcore.i18n import LANGUAGES, catalogs

ROOT = Path(__file__).resolve().parents[2]


def test_every_extracted_string_is_translated_in_every_language():
    problems = catalogs.check()
    assert not problems, "\n".join(str(p) for p in problems[:40]) + f"\n({len(problems)} problems)"


@pytest.mark.slow
def test_catalogs_hold_no_entry_the_code_no_longer_uses():
    used = {(m.id if isinstance(m.id, str) else m.id[0], m.context) for m in catalogs.extract() if m.id}
    for language in LANGUAGES:
        kept = {
            (m.id if isinstance(m.id, str) else m.id[0], m.context)
            for m in catalogs.read_catalog(language)
            if m.id
        }
        assert kept <= used, (
            f"{language}: stale entries {sorted(kept - used)[:10]} (run python -m segcore.i18n update)"
        )


def test_plural_forms_are_right_for_each_language():
    forms = {language: catalogs.read_catalog(language).num_plurals for language in LANGUAGES}
    assert forms == {"en": 2, "zh": 1, "ko": 1, "ru": 3}


def test_check_finds_an_untranslated_string_and_a_lost_placeholder(tmp_path, monkeypatch):
    (tmp_path / "segcore").mkdir()
    (tmp_path / "segcore" / "probe.py").write_text(
        'from segcore.i18n import _\n_("Probe string never translated")\n_("Rows: {rows}", rows=1)\n'
    )
    problems = catalogs.check(tmp_path)
    missing = {(p.language, p.msgid) for p in problems}
    assert {(language, "Probe string never translated") for language in LANGUAGES} <= missing

    catalog = catalogs.read_catalog("ru")
    catalog.add("Rows: {rows}", "Строки:")  # the translation dropped the {rows} field
    monkeypatch.setattr(
        catalogs,
        "read_catalog",
        lambda language: catalog if language == "ru" else catalogs._new_catalog(language),
    )
    lost = [p for p in catalogs.check(tmp_path) if p.language == "ru" and p.msgid == "Rows: {rows}"]
    assert lost and "placeholders" in lost[0].what


def _fstring_tokens(path: Path):
    with path.open("rb") as handle:
        for token in tokenize.tokenize(handle.readline):
            if token.type == tokenize.STRING and re.match(r"(?i)r?f", token.string):
                yield token


def test_no_translation_call_inside_an_fstring():
    """Babel cannot see ``_("...")`` written inside an f-string's braces; such text never reaches a catalog."""
    calls = re.compile(r"\b(?:_|_l|gettext|ngettext|pgettext|lazy_gettext|lazy_ngettext)\(\s*[\"']")
    files = [*(ROOT / "segcore").rglob("*.py"), *(ROOT / "pages").rglob("*.py"), ROOT / "app.py"]
    hidden = [f"{path.relative_to(ROOT)}:{token.start[0]}" for path in files for token in _fstring_tokens(path)
              if calls.search(token.string)]
    assert not hidden


def test_no_fstring_or_concatenation_inside_a_translation_call():
    """``_(f"...")`` cannot be extracted: its text never reaches a catalog."""
    pattern = re.compile(r"\b(?:_|_l|gettext|ngettext|lazy_gettext|lazy_ngettext)\(\s*f[\"']")
    offenders = [
        str(path.relative_to(ROOT))
        for folder in ("segcore", "pages")
        for path in (ROOT / folder).rglob("*.py")
        if pattern.search(path.read_text(encoding="utf-8"))
    ]
    offenders += ["app.py"] if pattern.search((ROOT / "app.py").read_text(encoding="utf-8")) else []
    assert not offenders
