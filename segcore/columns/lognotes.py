"""The notes a transaction log's conversion to customers writes, one wording for the pandas and DuckDB paths.

Each is a lazy message (the conversion is cached across sessions): it reads in the language current when shown,
and the user's column names and values stay as written. ``CANCELLED_MARK`` lets code find the cancellation note
without reading its (translated) words.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from segcore.i18n import Message, _l, lazy_ngettext


def examples(values: Sequence[object]) -> str:
    """" (for example '31.02.2024', 'soon')" for the unreadable values shown, "" when there are none."""
    shown = ", ".join(repr(str(v)) for v in values)
    return " " + str(_l("(for example {values})", values=shown)) if shown else ""


def no_id(n: int) -> Message:
    return lazy_ngettext("{n:,} row had no customer id and was left out.",
                         "{n:,} rows had no customer id and were left out.", n)


def no_date(n: int, *, column: str, unreadable: int, blank: int, shown: Sequence[object] = ()) -> Message:
    """Rows without a usable date: how many were unreadable (with examples) and how many blank."""
    parts = []
    if unreadable:
        parts.append(str(_l("{n:,} unreadable", n=unreadable)) + examples(shown))
    if blank:
        parts.append(str(_l("{n:,} blank", n=blank)))
    return lazy_ngettext("{n:,} row had no usable date in '{column}' ({detail}) and was left out.",
                         "{n:,} rows had no usable date in '{column}' ({detail}) and were left out.", n,
                         column=column, detail=", ".join(parts))


def no_amount(n: int) -> Message:
    return lazy_ngettext("{n:,} row had no amount and was left out.", "{n:,} rows had no amount and were left out.", n)


def after_as_of(n: int, as_of: dt.date) -> Message:
    return lazy_ngettext("{n:,} row is dated on or after the as-of date {date} and was left out.",
                         "{n:,} rows are dated on or after the as-of date {date} and were left out.", n,
                         date=as_of.isoformat())


def cancelled(n: int) -> Message:
    return lazy_ngettext("{n:,} row belongs to cancelled invoices (ids starting with 'C').",
                         "{n:,} rows belong to cancelled invoices (ids starting with 'C').", n)


# The English text every cancellation note holds (the recipe for warehouse SQL looks for it).
CANCELLED_MARK = "cancelled invoices (ids starting with 'C')"


def is_cancelled_note(note: object) -> bool:
    text = note.render("en") if isinstance(note, Message) else str(note)
    return CANCELLED_MARK in text


def flipped(n: int) -> Message:
    return lazy_ngettext("{n:,} cancelled line had a positive amount and was counted as negative.",
                         "{n:,} cancelled lines had a positive amount and were counted as negative.", n)


def returns(n: int) -> Message:
    return lazy_ngettext(
        "{n:,} row is a return or cancellation (negative amount); it is netted into monetary, not counted as an "
        "order.",
        "{n:,} rows are returns or cancellations (negative amounts); they are netted into monetary, not counted as "
        "orders.", n)


def only_returns(n: int) -> Message:
    return lazy_ngettext(
        "{n:,} customer has only returns or zero-value rows; they are kept with frequency 0 and dated by their last "
        "activity.",
        "{n:,} customers have only returns or zero-value rows; they are kept with frequency 0 and dated by their "
        "last activity.", n)


def frequency(*, by_order: bool) -> Message:
    if by_order:
        return _l("Frequency counts distinct orders with a positive amount.")
    return _l("Frequency counts distinct purchase days with a positive amount.")


def amount_from(quantity: str, price: str) -> Message:
    return _l("There is no amount column, so each line's amount is {quantity} x {price}.", quantity=quantity,
              price=price)
