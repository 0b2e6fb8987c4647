"""Readers for the formats that are not delimited text: Excel workbooks, Parquet, and JSON or JSON lines.

Their cells arrive as Python values (numbers, datetimes, text, nested records) rather than text, so each column is
given one dtype here; the header clean-up and the report are ``io``'s, as for every format.
"""

from __future__ import annotations

import io
import json
from typing import Any

import numpy as np
import pandas as pd

from segcore.errors import DataError
from segcore.i18n import _l, lazy_ngettext
from segcore.io import limits as _limits
from segcore.io import sniff as _sniff
from segcore.io.parsed import MAX_REPORTED_LINES, NA_TOKENS, RAGGED_TOLERANCE, SkippedRows, _Parsed


def _read_excel(data: bytes, source: str, sheet: str | int | None) -> _Parsed:
    import openpyxl

    _limits.check_zip_size(data, source)
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise DataError(
            _l(
                "{source} could not be opened as an Excel workbook ({kind}: {exc}). Open it in Excel, save "
                "it again as .xlsx (or export CSV) and upload again.",
                source=source, kind=type(exc).__name__, exc=exc,
            )
        ) from exc
    try:
        sheets = tuple(wb.sheetnames)
        chosen = _pick_sheet(sheets, sheet, source)
        ws = wb[chosen]
        ws.reset_dimensions()
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
    except DataError:
        raise
    except Exception as exc:
        raise DataError(
            _l(
                "{source} is damaged and sheet data could not be read ({exc}). Save it again in Excel.",
                source=source, exc=exc,
            )
        ) from exc
    finally:
        wb.close()
    width = max((len(r) for r in rows), default=0)
    _limits.check_columns(width, source=source, where=f"Sheet '{chosen}'")
    rows = [r + [None] * (width - len(r)) for r in rows]
    blank = [i for i, r in enumerate(rows) if all(_is_blank(v) for v in r)]
    start = next((i for i in range(len(rows)) if i not in set(blank)), None)
    if start is None:
        raise DataError(_l(
            "Sheet '{chosen}' of {source} is empty. Choose another sheet: {sheets}.",
            chosen=chosen, source=source, sheets=', '.join(sheets),
        ))
    names = ["" if v is None else str(v).strip() for v in rows[start]]
    body = [(i + 1, r) for i, r in enumerate(rows) if i > start and i not in set(blank)]
    df = pd.DataFrame([r for _, r in body], columns=range(width), dtype=object)
    df = df.apply(_tidy_object_column) if len(df) else df
    skipped = (
        [SkippedRows(_l("empty row"), len(blank), tuple(i + 1 for i in blank[:MAX_REPORTED_LINES]))]
        if blank
        else []
    )
    return _Parsed(df, names, skipped, [], {"sheet": chosen, "sheets": sheets})


def _pick_sheet(sheets: tuple[str, ...], sheet: str | int | None, source: str) -> str:
    if sheet is None:
        return sheets[0]
    if isinstance(sheet, int) and 0 <= sheet < len(sheets):
        return sheets[sheet]
    matches = [s for s in sheets if str(sheet) == s] or [
        s for s in sheets if str(sheet).strip().lower() == s.lower()
    ]
    if matches:
        return matches[0]
    raise DataError(
        _l(
            "{source} has no sheet {sheet!r}. Its sheets are: {sheets}. Choose one of these.",
            source=source, sheet=sheet, sheets=', '.join(sheets),
        )
    )


def _is_blank(value: Any) -> bool:
    return (
        value is None
        or (isinstance(value, str) and not value.strip())
        or (isinstance(value, float) and np.isnan(value))
    )


def _tidy_object_column(col: pd.Series) -> pd.Series:
    """Give a column of Python cells one dtype: numbers, datetimes, or text (mixed numbers and text -> text)."""
    col = col.map(lambda v: None if _is_blank(v) or (isinstance(v, str) and v.strip() in NA_TOKENS) else v)
    present = col.dropna()
    if present.empty:
        return pd.Series(np.full(len(col), np.nan), index=col.index)
    if all(isinstance(v, (int, float, np.number)) and not isinstance(v, bool) for v in present):
        return pd.to_numeric(col)
    if all(isinstance(v, bool) for v in present):
        return col.astype("boolean") if len(present) < len(col) else col.astype(bool)
    if all(isinstance(v, (pd.Timestamp, np.datetime64)) or hasattr(v, "isoformat") for v in present):
        try:
            return pd.to_datetime(col)
        except (ValueError, TypeError):
            pass
    return col.map(lambda v: v if v is None or isinstance(v, str) else _cell_text(v)).astype("str")


def _cell_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _read_parquet(data: bytes, source: str) -> _Parsed:
    """Read through pyarrow's own buffer without threads: a Python file object with threads can abort the process
    at exit ("terminate called without an active exception", apache/arrow#34314, #50482). Nested columns are
    flattened (structs) or kept as JSON text (lists, maps), with a warning naming them."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(pa.BufferReader(data))
        _limits.check_parquet_size(parquet.metadata, source)
        table = parquet.read(use_threads=False)
    except DataError:
        raise
    except Exception as exc:  # pyarrow raises ArrowInvalid/OSError for damaged files
        raise DataError(
            _l(
                "{source} could not be read as Parquet ({exc}). Export it again and upload again.",
                source=source, exc=exc,
            )
        ) from exc
    warnings = []
    while any(pa.types.is_struct(field.type) for field in table.schema):
        table = table.flatten()
    nested = [f.name for f in table.schema if pa.types.is_nested(f.type)]
    columns = {}
    for name, column in zip(table.column_names, table.columns, strict=True):
        if name in nested:
            columns[name] = pd.Series([None if v is None else _cell_text(v) for v in column.to_pylist()], dtype="str")
        else:
            columns[name] = column.to_pandas()
    if nested:
        warnings.append(
            lazy_ngettext(
                "{n} column of {source} holds lists or maps rather than single values ({names}); it was kept as "
                "text and is not used to segment on.",
                "{n} columns of {source} hold lists or maps rather than single values ({names}); they were kept as "
                "text and are not used to segment on.",
                len(nested), source=source, names=", ".join(nested[:5]),
            )
        )
    _limits.check_columns(len(columns), source=source, where="The Parquet file")
    df = pd.DataFrame(dict(enumerate(columns.values())))
    return _Parsed(df.reset_index(drop=True), [str(c) for c in columns], [], warnings)


def _read_json(text: str, source: str) -> _Parsed:
    text = text.lstrip("\ufeff")
    skipped: list[SkippedRows] = []
    try:
        payload = json.loads(text)
    except RecursionError:
        raise _limits.nesting_error(source) from None
    except json.JSONDecodeError as exc:
        if exc.msg != "Extra data":
            raise DataError(
                _l(
                    "{source} is not valid JSON (line {lineno}, column {colno}: {msg}). Fix it or export "
                    "the table as CSV.",
                    source=source, lineno=exc.lineno, colno=exc.colno, msg=exc.msg,
                )
            ) from exc
        payload, skipped = _json_lines(text, source)
    records = _json_records(payload, source)
    try:
        df = (
            pd.json_normalize(records, max_level=_limits.MAX_NESTING)
            if records and isinstance(records[0], dict)
            else pd.DataFrame(records)
        )
        _limits.check_columns(df.shape[1], source=source, where="The JSON file")
        df = df.astype(object).apply(_tidy_object_column) if not df.empty else df
    except RecursionError:
        raise _limits.nesting_error(source) from None
    except (ValueError, TypeError) as exc:
        raise DataError(
            _l(
                "{source} holds JSON that is not a table of records ({exc}). Use a list of flat records, "
                "e.g. [{{\"id\": 1, \"spend\": 20}}, ...], or export the table as CSV.",
                source=source, exc=exc,
            )
        ) from None
    if df.empty:
        raise DataError(_l(
            "{source} contains no records. Export the table with at least one row.",
            source=source,
        ))
    names = [str(c) for c in df.columns]
    return _Parsed(df.set_axis(range(df.shape[1]), axis=1), names, skipped)


def _json_lines(text: str, source: str) -> tuple[list, list[SkippedRows]]:
    payload, bad = [], []
    lines = _sniff.split_lines(text)
    for number, line in enumerate(lines, start=1):
        if line.strip():
            try:
                payload.append(json.loads(line))
            except RecursionError:
                raise _limits.nesting_error(source) from None
            except json.JSONDecodeError:
                bad.append(number)
    if len(bad) > max(1, int(RAGGED_TOLERANCE * len(lines))):
        raise DataError(
            _l(
                "{n_bad} lines of {source} are not valid JSON (first: lines {bad}). Use one JSON record per "
                "line, or export the table as CSV.",
                n_bad=len(bad), source=source, bad=', '.join(map(str, bad[:5])),
            )
        )
    return payload, (
        [SkippedRows(_l("invalid JSON line"), len(bad), tuple(bad[:MAX_REPORTED_LINES]))] if bad else []
    )


def _json_records(payload: Any, source: str) -> list:
    if isinstance(payload, list):
        return payload
    if isinstance(payload, dict):
        lists = [v for v in payload.values() if isinstance(v, list)]
        if len(lists) == 1 and lists[0] and all(isinstance(r, dict) for r in lists[0]):
            return lists[0]
        if lists and len(lists) == len(payload) and len({len(v) for v in lists}) == 1:
            return pd.DataFrame(payload).to_dict("records")
        return [payload]
    raise DataError(
        _l(
            "{source} holds a single JSON value, not a table. Use a list of records, e.g. [{{...}}, "
            "{{...}}].",
            source=source,
        )
    )
