"""Files people download: CSV that Excel opens safely, an .xlsx workbook, and profiles as JSON.

A customer table can hold anything a customer typed, including ``=HYPERLINK(...)``. Spreadsheet programs run such
cells as formulas (CSV injection, OWASP), so a text cell that starts with a formula character, even after spaces or
control characters, gets a leading quote; so does every line inside a cell that holds a line break or tab (a bare
CR followed by ``=cmd|...`` must not become a formula in a program that splits lines on CR). Every text cell is
quoted in the CSV; numeric columns are written as numbers, so plain negative numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from segcore.errors import SpecError
from segcore.i18n import _l

# OWASP "CSV Injection": a cell starting with any of these can be run as a formula by Excel, LibreOffice or Sheets.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A formula character after any leading whitespace or control characters (spreadsheets skip those).
RISKY_START = re.compile(r"^[\s\x00-\x1f]*[=+\-@]")
# Where a program that splits on line breaks or tabs starts a new cell inside ours.
INNER_BREAK = re.compile(r"(?<=[\r\n\t])(?=[\s\x00-\x1f]*[=+\-@])")
# Cells needing a look in Python: risky at the start, or holding a line break or tab.
NEEDS_CARE = r"^[\s\x00-\x1f]*[=+\-@]|[\r\n\t]"
# Every cell NEEDS_CARE matches holds one of these characters (an RE2 pattern for pyarrow's kernels).
CARE_CHARACTERS = r"[=+\-@\r\n\t]"
# Text that is just a number ("-12", "-3.5") cannot be a formula; leaving it alone keeps it a number in Excel.
PLAIN_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")
# UTF-8 with a byte-order mark: without it Excel on Windows reads UTF-8 as cp1252 and mangles 서울 or Москва.
CSV_ENCODING = "utf-8-sig"
# Excel limits sheet names to 31 characters and forbids these characters.
SHEET_NAME_MAX = 31
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def neutralise(value: Any) -> Any:
    """``'=1+1'`` -> ``"'=1+1"``, ``"id\\r=cmd"`` -> ``"id\\r'=cmd"``; anything not risky is returned unchanged.

    A quote goes before the cell when it starts with a formula character (after any whitespace or control
    characters), and after every line break or tab that is followed by one, so no piece of the cell starts a
    formula whichever way a program splits it.
    """
    if not isinstance(value, str):
        return value
    inner = INNER_BREAK.sub(lambda m: "" if _plain_after(value, m.end()) else "'", value)
    if RISKY_START.match(value) and not PLAIN_NUMBER.match(value.strip()):
        return "'" + inner
    return inner


def _plain_after(text: str, start: int) -> bool:
    """Whether the line starting at ``start`` is just a number (``-5``), which no spreadsheet runs."""
    line = re.split(r"[\r\n\t]", text[start:], maxsplit=1)[0]
    return bool(PLAIN_NUMBER.match(line.strip()))


def _is_text(s: pd.Series) -> bool:
    return (
        pd.api.types.is_object_dtype(s)
        or pd.api.types.is_string_dtype(s)
        or isinstance(s.dtype, pd.CategoricalDtype)
    )


def _safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy where text cells and column names cannot be read as formulas."""
    out = df.copy()
    for col in out.columns:
        if _is_text(out[col]):
            out[col] = _neutralise_column(out[col])
    out.columns = [neutralise(str(c)) for c in out.columns]
    return out


def _neutralise_column(column: pd.Series) -> pd.Series:
    """neutralise() over a whole column, vectorised: only the few cells that may be risky are touched in Python."""
    values = column.astype(object)
    candidates = _may_need_care(values)
    if candidates is None:  # mixed or unusual cells: the exact pattern on every cell
        candidates = values.astype("string").str.contains(NEEDS_CARE, regex=True).fillna(False).to_numpy(dtype=bool)
    if not candidates.any():
        return values
    values = values.copy()
    values[candidates] = _neutralise_each_distinct(values[candidates])
    return values


def _neutralise_each_distinct(cells: pd.Series) -> np.ndarray:
    """neutralise() once per distinct cell: a segment name such as "High-value regulars" repeats on every row."""
    codes, distinct = pd.factorize(cells, use_na_sentinel=False)
    return np.array([neutralise(v) for v in distinct], dtype=object)[codes]  # a harmless candidate stays as it is


def _may_need_care(values: pd.Series) -> np.ndarray | None:
    """Cells holding any character NEEDS_CARE can match on (a superset of the risky cells), found by pyarrow's
    string kernels instead of one Python regex call per cell; None when the column is not all text."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        text = pa.array(values.to_numpy(), type=pa.string(), from_pandas=True)
    except (pa.ArrowException, TypeError, ValueError):
        return None
    hits = pc.match_substring_regex(text, CARE_CHARACTERS)
    return hits.fill_null(False).to_numpy(zero_copy_only=False)


def safe_csv(df: pd.DataFrame) -> bytes:
    """CSV bytes (UTF-8 with BOM, no index): text cells quoted, formula-looking text prefixed by a single quote."""
    safe = _safe_frame(df)
    text = _quoted_text_and_integers(safe)
    if text is None:
        text = safe.to_csv(index=False, quoting=csv.QUOTE_NONNUMERIC)
    return text.encode(CSV_ENCODING)


def _quoted_text_and_integers(df: pd.DataFrame) -> str | None:
    """The exact text ``to_csv(index=False, quoting=QUOTE_NONNUMERIC)`` writes, built by pyarrow's string kernels
    (0.04 s instead of 0.3 s for 200k assignments), for a table of complete text and integer columns; None for any
    other table (floats, booleans, dates, missing values), which pandas writes."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if df.empty or len(df.columns) == 0:
        return None
    fields = []
    for name in df.columns:
        column = df[name]
        if pd.api.types.is_integer_dtype(column.dtype) and not isinstance(column.dtype, pd.CategoricalDtype):
            if column.isna().any():
                return None
            fields.append(pc.cast(pa.array(column.to_numpy(dtype=np.int64)), pa.string()))
            continue
        if not _is_text(column) or isinstance(column.dtype, pd.CategoricalDtype) or column.isna().any():
            return None
        try:
            text = pa.array(column.astype(object).to_numpy(), type=pa.string())
        except (pa.ArrowException, TypeError, ValueError):
            return None  # numbers mixed into a text column
        fields.append(_quoted(text))
    header = ",".join(_quote_text(str(name)) for name in df.columns)
    lines = pc.binary_join_element_wise(*fields, ",") if len(fields) > 1 else fields[0]
    return header + os.linesep + os.linesep.join(lines.to_pylist()) + os.linesep


def _quoted(text):
    import pyarrow.compute as pc

    return pc.binary_join_element_wise('"', pc.replace_substring(text, '"', '""'), '"', "")


def _quote_text(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def _sheet_name(name: str) -> str:
    clean = SHEET_NAME_FORBIDDEN.sub("_", str(name)).strip("'")[:SHEET_NAME_MAX]
    if not clean:
        raise SpecError(_l("The sheet name is empty. Give the Excel sheet a name such as 'segments'."))
    return clean


def to_excel(df: pd.DataFrame, *, sheet_name: str = "segments") -> bytes:
    """An .xlsx workbook with one sheet. Text is written as text: '=...' is never stored as a formula.

    Time-zone aware dates are written in their own local time (Excel has no time zones).
    """
    out = df.copy()
    for col in out.columns:
        if isinstance(out[col].dtype, pd.DatetimeTZDtype):
            out[col] = out[col].dt.tz_localize(None)
    out.columns = [str(c) for c in out.columns]
    buf = io.BytesIO()
    options = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    with pd.ExcelWriter(buf, engine="xlsxwriter", engine_kwargs={"options": options}) as writer:
        out.to_excel(writer, sheet_name=_sheet_name(sheet_name), index=False)
    return buf.getvalue()


def profiles_json(profiles: Iterable[Any]) -> str:
    """Profiles as a JSON list (indent 2, non-English text kept readable rather than \\u-escaped)."""
    return json.dumps([p.to_dict() for p in profiles], indent=2, ensure_ascii=False)
