"""Dates written in any of the layouts customer exports use: ISO, day- or month-first, YYYYMMDD, 年月日, Korean dotted.

One module so that column roles (is this column a date?) and transaction logs (when was each purchase?) read dates
the same way.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

# Parsing checks look at this many values: enough to see every format, cheap on 1M rows.
SAMPLE_ROWS = 5_000
# Share of sampled values that must parse for a text column to count as dates.
DATE_PARSE_SHARE = 0.90
# Parsed dates outside these years are treated as unreadable (a 2-digit year read as year 0011, an id read as a date).
MIN_YEAR, MAX_YEAR = 1900, 2100

# Date formats tried in order (after ISO 8601); day-first before month-first for '-' and '.', US order first for '/'.
_DATE_FORMATS = ("%d-%m-%Y", "%m-%d-%Y", "%m/%d/%Y", "%d/%m/%Y", "%d.%m.%Y", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d",
                 "%m/%d/%y", "%d/%m/%y", "%d-%m-%y", "%d.%m.%y", "%d %b %Y", "%d %B %Y", "%b %d %Y", "%B %d %Y")  # fmt: skip
_TIME_SUFFIXES = ("", " %H:%M", " %H:%M:%S")
_DATE_LIKE = re.compile(
    r"^\s*(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}|\d{8}|\d{1,2} [A-Za-z]{3,9},? \d{4}"
    r"|[A-Za-z]{3,9} \d{1,2},? \d{4})([ T]\d{1,2}:\d{2}(:\d{2})?\S*)?\s*$"
)


# Month-first formats are tried before day-first ones only when the data does not decide (see _parse_text_dates).
_TIME_SUFFIXES = (" %H:%M:%S", " %H:%M", "")
_MONTH_FIRST = tuple(f"%m{sep}%d{sep}{y}{t}" for sep in "/-." for y in ("%y", "%Y") for t in _TIME_SUFFIXES)
_DAY_FIRST = tuple(f"%d{sep}%m{sep}{y}{t}" for sep in "/-." for y in ("%y", "%Y") for t in _TIME_SUFFIXES)
_YEAR_FIRST = tuple(f"%Y{sep}%m{sep}%d{t}" for sep in "/." for t in _TIME_SUFFIXES) + (
    "%Y年%m月%d日",
    "%Y年%m月%d日 %H:%M:%S",
    "%Y. %m. %d.",
    "%Y.%m.%d.",
)


def _is_number(s: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s)


def detect_date_format(values: pd.Series) -> str | None:
    """The strftime format (or "ISO8601"/"mixed") that parses at least 90% of the values, or None if they are not dates.

    Looks at text only; give it a sample for speed. Day-first is chosen over month-first when both fit every value.
    """
    text = values.dropna().astype(str).str.strip()
    if text.empty or text.str.match(_DATE_LIKE).mean() < DATE_PARSE_SHARE:
        return None
    best, best_share = None, 0.0
    for fmt in ("ISO8601",) + tuple(d + t for d in _DATE_FORMATS for t in _TIME_SUFFIXES):
        share = pd.to_datetime(text, format=fmt, errors="coerce").notna().mean()
        if share > best_share:
            best, best_share = fmt, share
        if share == 1.0:
            break
    if best_share >= DATE_PARSE_SHARE:
        return best
    if pd.to_datetime(text, format="mixed", errors="coerce").notna().mean() >= DATE_PARSE_SHARE:
        return "mixed"
    return None


def parse_dates(values: pd.Series, *, fmt: str | None = None) -> pd.Series:
    """Values as datetimes (NaT where a value does not parse), using ``fmt`` or the format detected on a sample."""
    if pd.api.types.is_datetime64_any_dtype(values):
        return values
    text = values.astype("string").str.strip()
    if fmt is None:
        sample = text.dropna()
        fmt = detect_date_format(sample.iloc[:SAMPLE_ROWS]) or "mixed"
    return pd.to_datetime(text, format=fmt, errors="coerce")


def describe_format(fmt: str) -> str:
    if fmt in ("ISO8601", "mixed"):
        return "year-month-day" if fmt == "ISO8601" else "several layouts"
    order = [
        {"d": "day", "m": "month", "Y": "year", "y": "year", "b": "month", "B": "month"}[c]
        for c in re.findall(r"%([dmYybB])", fmt)
    ]
    return "-".join(order)


def _plausible(parsed: pd.Series) -> pd.Series:
    years = parsed.dt.year
    return parsed.where((years >= MIN_YEAR) & (years <= MAX_YEAR))


def _parse_text_dates(values: pd.Series) -> pd.Series:
    """Parse distinct text values trying ISO first, then explicit formats (month- or day-first, decided by data)."""
    text = values.astype(str).str.strip()
    # ISO first (also reads YYYYMMDD text); _plausible drops ids that happen to parse into odd years
    out = _plausible(pd.to_datetime(text, format="ISO8601", errors="coerce"))
    rest = out.isna()
    if not rest.any():
        return out
    # the data decides the order: a first field above 12 can only be a day
    first = pd.to_numeric(text[rest].str.extract(r"^(\d{1,2})[/.-]", expand=False), errors="coerce")
    second = pd.to_numeric(
        text[rest].str.extract(r"^\d{1,2}[/.-](\d{1,2})[/.-]", expand=False), errors="coerce"
    )
    day_first = (first > 12).sum() > (second > 12).sum()
    families = (_DAY_FIRST + _MONTH_FIRST) if day_first else (_MONTH_FIRST + _DAY_FIRST)
    for fmt in families + _YEAR_FIRST:
        if not rest.any():
            break
        parsed = _plausible(pd.to_datetime(text[rest], format=fmt, errors="coerce"))
        out = out.where(~rest, parsed.reindex(out.index))
        rest = out.isna()
    return out


def parse_log_dates(s: pd.Series) -> pd.Series:
    """Dates from datetimes, text (mixed formats) or YYYYMMDD integers; unreadable values become NaT."""
    if pd.api.types.is_datetime64_any_dtype(s):
        if getattr(s.dt, "tz", None) is not None:
            s = s.dt.tz_convert(None)
        return s.astype("datetime64[us]")
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    values = pd.Series(uniques)
    if _is_number(values):
        as_float = values.astype(float)
        integral = np.isfinite(as_float) & (as_float == np.round(as_float))
        ymd = as_float.where(
            integral & (as_float >= MIN_YEAR * 10_000) & (as_float < (MAX_YEAR + 1) * 10_000)
        )
        text = ymd.map(lambda v: f"{int(v)}" if v == v else "")
        parsed = pd.to_datetime(text, format="%Y%m%d", errors="coerce")
    else:
        parsed = _parse_text_dates(values)
    parsed = parsed.astype("datetime64[us]").to_numpy()
    out = np.full(len(s), np.datetime64("NaT"), dtype="datetime64[us]")
    valid = codes >= 0
    out[valid] = parsed[codes[valid]]
    return pd.Series(out, index=s.index)
