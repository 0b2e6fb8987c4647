"""One family of exceptions, each carrying a message written for a marketer.

Every message says what is wrong, where (file, line, column when known) and what to do next. The app shows
``str(error)`` in an ``st.error`` box and the CLI prints it after ``error:``; neither adds a traceback.
"""

from __future__ import annotations

from segcore.i18n import lazy_ngettext


class SegcoreError(Exception):
    """Base class: anything the user can fix by changing their input or their choices."""


class DataError(SegcoreError):
    """The file or table cannot be read or has nothing to segment on."""


class SpecError(SegcoreError):
    """The chosen columns, method, k or pinned-segment rules do not fit the data."""


class NotEnoughData(SpecError):
    """Fewer customers than the analysis needs (for example fewer rows than segments)."""


class ModelError(SegcoreError):
    """A saved model cannot be loaded, or new data does not match the model it is scored with."""


class StoreError(SegcoreError):
    """A saved segmentation or share link cannot be found, read or written."""


def require_columns(frame, columns, *, what: str) -> None:
    """SpecError naming the columns of ``columns`` that ``frame`` lacks and the ones it has (the one such check)."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        shown = ", ".join(map(str, frame.columns[:20])) + (" ..." if len(frame.columns) > 20 else "")
        raise SpecError(
            lazy_ngettext(
                "The {what} {missing} is not in the table. Pick columns from: {shown}.",
                "The {what} {missing} are not in the table. Pick columns from: {shown}.",
                len(missing), what=what, missing=", ".join(map(repr, missing)), shown=shown,
            )
        )
