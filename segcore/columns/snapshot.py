"""The snapshot date of a transaction log, chosen so a few wrongly dated rows cannot move it.

Recency is measured from the day after the last purchase. One row typed with the wrong year (2031 for 2021), or a
batch of test orders dated years ahead, would move that day and make every real customer look lapsed. So dates in
the future (after today) or after a gap far longer than the log's usual rhythm are set aside, counted and named.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from segcore.i18n import Message, lazy_ngettext

# A gap between consecutive purchase days this long (or as long as the busier half of the log) ends the log.
MIN_IMPLAUSIBLE_GAP_DAYS = 180


def last_plausible_day(dates: pd.Series, *, today: pd.Timestamp | None = None) -> pd.Timestamp:
    """The latest purchase day that belongs to the log: not after today, and not after a gap longer than
    max(MIN_IMPLAUSIBLE_GAP_DAYS, the span of the earlier half of the log) that starts above the median day."""
    today = (today or pd.Timestamp.now()).normalize()
    days = np.sort(dates.dropna().dt.normalize().unique())
    if not len(days):
        raise ValueError("no dates")
    median = days[len(days) // 2]
    span = (median - days[0]) / np.timedelta64(1, "D")
    limit = max(MIN_IMPLAUSIBLE_GAP_DAYS, span)
    upper = days[len(days) // 2 :]
    gaps = np.diff(upper) / np.timedelta64(1, "D")
    big = np.flatnonzero(gaps > limit)
    end = pd.Timestamp(upper[big[0]]) if len(big) else pd.Timestamp(days[-1])
    if end > today:
        not_future = days[days <= np.datetime64(today)]
        end = pd.Timestamp(not_future[-1]) if len(not_future) else end
    return end


def implausible_note(n_rows: int, *, column: str, last: pd.Timestamp, latest: pd.Timestamp, as_of: pd.Timestamp) -> Message:
    return lazy_ngettext(
        "{n:,} row is dated after {last} in '{column}' ({latest}), in the future or far beyond the rest of the log, "
        "and was left out; recency is measured from {as_of}. Check that date (a wrong year?) or choose the snapshot "
        "date yourself.",
        "{n:,} rows are dated after {last} in '{column}' (the latest {latest}), in the future or far beyond the rest "
        "of the log, and were left out; recency is measured from {as_of}. Check those dates (a wrong year?) or "
        "choose the snapshot date yourself.",
        n_rows, last=last.date().isoformat(), column=column, latest=latest.date().isoformat(),
        as_of=as_of.date().isoformat(),
    )
