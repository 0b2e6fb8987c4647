"""What a saved run's fields may hold, checked before anything is written: ids, title, note, series, the counts
from the summary's headline, and JSON that stores numpy numbers, timestamps and our dataclasses in plain form."""

from __future__ import annotations

import json
import re
from typing import Any

from segcore.errors import StoreError
from segcore.i18n import N_, Message, _l, lazy_gettext

# Titles show up in lists and link previews; 200 characters is a long sentence, more would only be pasted junk.
TITLE_MAX_CHARS = 200
# A note is a short free-text memo; 20,000 characters is pages of text but stops an accidental paste of a file.
NOTE_MAX_CHARS = 20_000
# run_id and share_id are uuid4 hex: exactly 32 lowercase hex digits.
ID_PATTERN = re.compile(r"[0-9a-f]{32}")
MISSING_RUN_MESSAGE = N_(
    "That saved segmentation no longer exists (it may have been deleted). Pick another one from the saved list."
)


def check_id(run_id: str) -> str:
    # Ids come from URLs and widgets; anything that is not one of our ids cannot exist, so say so plainly.
    if not isinstance(run_id, str) or not ID_PATTERN.fullmatch(run_id):
        raise StoreError(lazy_gettext(MISSING_RUN_MESSAGE))
    return run_id


def clean_title(title: str) -> str:
    clean = " ".join(str(title or "").split())
    if not clean:
        raise StoreError(_l("Give the saved segmentation a title, for example 'Q3 customers, 5 segments'."))
    if len(clean) > TITLE_MAX_CHARS:
        raise StoreError(
            _l(
                "The title has {n_clean:,} characters; keep it to {title_max_chars} or fewer (put longer "
                "text in the note).",
                n_clean=len(clean), title_max_chars=TITLE_MAX_CHARS,
            )
        )
    return clean


def clean_series(series: str) -> str:
    """One line, at most 120 characters (a series is a label, not a note)."""
    return " ".join(str(series or "").split())[:120]


def clean_note(note: str) -> str:
    clean = str(note or "").strip()
    if len(clean) > NOTE_MAX_CHARS:
        raise StoreError(_l(
            "The note has {n_clean:,} characters; keep it to {note_max_chars:,} or fewer.",
            n_clean=len(clean), note_max_chars=NOTE_MAX_CHARS,
        ))
    return clean


def headline_counts(aggregates: dict) -> tuple[int, int]:
    """(customers, segments) from the summary's headline: the one definition of the counts a run shows."""
    try:
        headline = _as_plain(aggregates)["headline"]
        return int(headline["customers"]), int(headline["segments"])
    except (KeyError, TypeError, ValueError) as e:
        raise StoreError(
            _l(
                "Could not save: the chart data has no headline with the customer and segment counts. This "
                "is a bug in segcore; please report it with the steps that led here.",
            )
        ) from e


def _as_plain(value: Any) -> Any:
    return value.to_dict() if hasattr(value, "to_dict") else value


def _json_default(value: Any) -> Any:
    # Results arrive with numpy numbers, timestamps and our own dataclasses inside; store their plain form.
    for method in ("to_dict", "tolist", "isoformat"):
        if hasattr(value, method):
            return getattr(value, method)()
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    if isinstance(value, Message):  # a lazy note or reason: stored as text in the language current when saved
        return str(value)
    raise TypeError(type(value).__name__)


def to_json(value: Any, what: object) -> str:
    try:
        return json.dumps(_as_plain(value), ensure_ascii=False, default=_json_default)
    except (TypeError, ValueError) as e:
        raise StoreError(
            _l(
                "Could not save: the {what} contain a value that cannot be stored ({e}). This is a bug in "
                "segcore; please report it with the steps that led here.",
                what=what, e=e,
            )
        ) from e
