"""One date reader for every layout customer exports use: ISO, day- or month-first, YYYYMMDD, 年月日, Korean dotted.

Column roles (is this column a date, and written how?) and transaction logs (when was each purchase?) both read
dates here, so a layout that works in one works in the other. Values are read once per distinct value and mapped
back, so a million rows cost what their few thousand distinct dates cost.

Which of day and month comes first is decided by the data (a first field above 12 can only be a day); when the data
does not decide, the separator does: '/' is read month-first (US exports), '-' and '.' day-first (European and
Russian ones).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

# Parsing checks look at this many values: enough to see every format, cheap on 1M rows.
SAMPLE_ROWS = 5_000
# Share of sampled values that must read as dates for a text column to be a date column.
DATE_PARSE_SHARE = 0.90
# Parsed dates outside these years are treated as unreadable (a 2-digit year read as year 0011, an id read as a date).
MIN_YEAR, MAX_YEAR = 1900, 2100

_TIME_SUFFIXES = (" %H:%M:%S", " %H:%M", "")
_MONTH_FIRST = tuple(f"%m{sep}%d{sep}{y}{t}" for sep in "/-." for y in ("%Y", "%y") for t in _TIME_SUFFIXES)
_DAY_FIRST = tuple(f"%d{sep}%m{sep}{y}{t}" for sep in "/-." for y in ("%Y", "%y") for t in _TIME_SUFFIXES)
_YEAR_FIRST = tuple(f"%Y{sep}%m{sep}%d{t}" for sep in "/." for t in _TIME_SUFFIXES) + (
    "%Y年%m月%d日",
    "%Y年%m月%d日 %H:%M:%S",
    "%Y. %m. %d.",
    "%Y.%m.%d.",
)
_MONTH_NAMES = ("%d %b %Y", "%d %B %Y", "%b %d %Y", "%B %d %Y", "%b %d, %Y", "%B %d, %Y")
_FIELD_SEPARATOR = r"[-/., 年月日]"
# What a date written as text looks like; a column must mostly match before any parsing is tried.
_DATE_LIKE = re.compile(
    r"^\s*(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}|\d{8}|\d{1,2} [A-Za-z]{3,9},? \d{4}"
    r"|[A-Za-z]{3,9} \d{1,2},? \d{4}|\d{4}年\d{1,2}月\d{1,2}日|\d{4}\. ?\d{1,2}\. ?\d{1,2}\.?)"
    r"([ T]\d{1,2}:\d{2}(:\d{2})?\S*)?\s*$"
)


def parse_dates(values: pd.Series) -> pd.Series:
    """Dates from datetimes, text in any of the layouts above (mixed within a column) or YYYYMMDD integers.

    Unreadable values, and dates outside MIN_YEAR..MAX_YEAR, become NaT; the index is kept.
    """
    return _read(values)[0]


def detect_date_format(values: pd.Series) -> str | None:
    """The layout that reads most of the values ("ISO8601", a strftime format, or "mixed" when several are needed),
    or None when fewer than DATE_PARSE_SHARE of them are dates written as text. Give it a sample for speed."""
    text = values.dropna().astype(str).str.strip()
    if text.empty or text.str.match(_DATE_LIKE).mean() < DATE_PARSE_SHARE:
        return None
    parsed, used = _read(text)
    if parsed.notna().mean() < DATE_PARSE_SHARE or not used:
        return None
    layout, count = max(used.items(), key=lambda item: item[1])  # counts are of distinct values
    return layout if count >= DATE_PARSE_SHARE * text.nunique() else "mixed"


def date_share(values: pd.Series, *, sample: int = 2_000) -> float:
    """Share of the (first ``sample``) distinct non-missing values that read as dates; 1.0 for datetime columns."""
    if pd.api.types.is_datetime64_any_dtype(values):
        return 1.0
    distinct = pd.Series(values.dropna().unique()[:sample])
    if distinct.empty:
        return 0.0
    if _is_text(distinct) and not distinct.astype(str).str.contains(r"[-/.年]|\d{8}", regex=True).any():
        return 0.0
    return float(parse_dates(distinct).notna().mean())


def describe_format(fmt: str) -> str:
    """'day-month-year' for a strftime layout, in words for a reason shown to the user."""
    if fmt in ("ISO8601", "mixed"):
        return "year-month-day" if fmt == "ISO8601" else "several layouts"
    order = [
        {"d": "day", "m": "month", "Y": "year", "y": "year", "b": "month", "B": "month"}[c]
        for c in re.findall(r"%([dmYybB])", fmt)
    ]
    return "-".join(order)


def _is_number(s: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s)


def _is_text(s: pd.Series) -> bool:
    return pd.api.types.is_object_dtype(s) or pd.api.types.is_string_dtype(s)


def _plausible(parsed: pd.Series) -> pd.Series:
    years = parsed.dt.year
    return parsed.where((years >= MIN_YEAR) & (years <= MAX_YEAR))


def _read(s: pd.Series) -> tuple[pd.Series, dict[str, int]]:
    """(dates, how many distinct values each layout read)."""
    if pd.api.types.is_datetime64_any_dtype(s):
        if getattr(s.dt, "tz", None) is not None:
            s = s.dt.tz_convert(None)
        return s.astype("datetime64[us]"), {}
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    values = pd.Series(uniques)
    if _is_number(values):
        as_float = values.astype(float)
        integral = np.isfinite(as_float) & (as_float == np.round(as_float))
        ymd = as_float.where(integral & (as_float >= MIN_YEAR * 10_000) & (as_float < (MAX_YEAR + 1) * 10_000))
        text = ymd.map(lambda v: f"{int(v)}" if v == v else "")
        parsed = pd.to_datetime(text, format="%Y%m%d", errors="coerce")
        used = {"%Y%m%d": int(parsed.notna().sum())}
    else:
        parsed, used = _read_text(values)
    parsed = parsed.astype("datetime64[us]").to_numpy()
    out = np.full(len(s), np.datetime64("NaT"), dtype="datetime64[us]")
    valid = codes >= 0
    out[valid] = parsed[codes[valid]]
    return pd.Series(out, index=s.index), {k: v for k, v in used.items() if v}


def _read_text(values: pd.Series) -> tuple[pd.Series, dict[str, int]]:
    """Distinct text values: ISO first, then the day/month order the data (or the separator) decides."""
    text = values.astype(str).str.strip()
    out = _plausible(pd.to_datetime(text, format="ISO8601", errors="coerce"))
    used = {"ISO8601": int(out.notna().sum())}
    # every layout below has a separator between its fields: text without one (ids such as 'C00031234') is no
    # date in any of them, and trying the ~50 layouts on it cost a second per column of ids
    rest = out.isna() & text.str.contains(_FIELD_SEPARATOR, regex=True)
    if not rest.any():
        return out, used
    first = pd.to_numeric(text[rest].str.extract(r"^(\d{1,2})[/.-]", expand=False), errors="coerce")
    second = pd.to_numeric(text[rest].str.extract(r"^\d{1,2}[/.-](\d{1,2})[/.-]", expand=False), errors="coerce")
    day_votes, month_votes = int((first > 12).sum()), int((second > 12).sum())
    if day_votes == month_votes:  # the data does not decide: '/' is US month-first, '-' and '.' day-first
        slashes = int(text[rest].str.match(r"^\d{1,2}/").sum())
        day_first = slashes * 2 < int(first.notna().sum())
    else:
        day_first = day_votes > month_votes
    families = (_DAY_FIRST + _MONTH_FIRST) if day_first else (_MONTH_FIRST + _DAY_FIRST)
    for fmt in families + _YEAR_FIRST + _MONTH_NAMES:
        if not rest.any():
            break
        parsed = _plausible(pd.to_datetime(text[rest], format=fmt, errors="coerce"))
        used[fmt] = int(parsed.notna().sum())
        out = out.where(~rest, parsed.reindex(out.index))
        rest = out.isna()
    return out, used
