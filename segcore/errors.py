"""One family of exceptions, each carrying a message written for a marketer.

Every message says what is wrong, where (file, line, column when known) and what to do next. The app shows
``str(error)`` in an ``st.error`` box and the CLI prints it after ``error:``; neither adds a traceback.
"""

from __future__ import annotations


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
