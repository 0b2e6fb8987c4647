"""Read a customer file (CSV/TSV/TXT, Excel, Parquet, JSON) into a DataFrame plus a report of what was done.

Marketers' files are messy: European number styles, legacy encodings, Excel re-saves with empty columns, broken
exports. ``load_table`` repairs what it safely can, reports every row or column it left out, and otherwise raises
``DataError`` saying what is wrong, where, and what to do. Dates stay text here (``roles`` decides what they are).
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import itertools
import json
import re
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import pandas as pd

from segcore import _sniff
from segcore.errors import DataError

# Share of data rows that may have the wrong number of fields and be skipped (reported) instead of failing.
RAGGED_TOLERANCE = 0.01
# Line numbers kept per skip reason: enough to find the problem, small enough to show.
MAX_REPORTED_LINES = 20
# A record spanning more lines than this means a quote was opened and never closed (notes rarely run longer).
MAX_RECORD_LINES = 20
# Cells read as missing (after stripping spaces), beside the empty cell.
NA_TOKENS = frozenset({"", "NA", "N/A", "n/a", "#N/A", "null", "NULL", "Null", "NaN", "nan", "<NA>"})
# Header names that mean "no name" (pandas writes "Unnamed: 3" for a blank header cell).
_UNNAMED = re.compile(r"(?:Unnamed(?::\s*\d+)?(?:_level_\d+)?)?", re.IGNORECASE)
_INTEGER = re.compile(r"[+-]?\d+")
# Head of the file decoded in Python to sniff the delimiter and header: 1 MiB holds the 200,000 characters and
# 50 records the sniffer looks at, whatever the script (4 bytes per character at most).
HEAD_BYTES = 1 << 20
# Data rows whose values choose the number style (decimal comma, thousands), as in the careful path.
NUMBER_STYLE_ROWS = 2000
# Python's str.strip() characters (Unicode White_Space plus the ASCII separators), so trimming matches exactly.
_PY_SPACES = "".join(ch for ch in map(chr, range(0x110000)) if ch.isspace())
_BYTE_LINE_BREAK = re.compile(rb"\r\n|\r|\n")
# RE2 versions of the _sniff number patterns (\p{Nd} is what Python's \d matches), anchored as fullmatch.
_RE2_DIGIT = r"\p{Nd}"
_RE2_PLAIN = r"[+-]?(?:D+\.?D*|\.D+)(?:[eE][+-]?D+)?".replace("D", _RE2_DIGIT)
_RE2_DECIMAL_COMMA = r"[+-]?(?:D{1,3}(?:\.D{3})+|D+)(?:,D+)?".replace("D", _RE2_DIGIT)
_RE2_THOUSANDS_COMMA = r"[+-]?D{1,3}(?:,D{3})+(?:\.D+)?".replace("D", _RE2_DIGIT)
_RE2_THOUSANDS_DOT = r"^[+-]?D{1,3}(?:\.D{3})+(?:,D+)?$".replace("D", _RE2_DIGIT)
_RE2_LEADING_ZERO = r"^[+-]?0D+$".replace("D", _RE2_DIGIT)
# pyarrow's CSV threads: on our shared 2-core machines they made reads 2-4x slower and erratic under load, while
# one thread is as fast as pandas' C parser (measured by benchmarks/bench_io.py).
ARROW_THREADS = False
# Bytes scanned at a time for leading-zero codes: bounds the temporary arrays on a big file.
LEADING_ZERO_CHUNK = 1 << 24
_PRETTY_ENCODING = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 with BOM", "utf-16": "UTF-16", "utf-16-le": "UTF-16",
                    "utf-16-be": "UTF-16", "gb18030": "GB18030 (Chinese)", "cp949": "EUC-KR (Korean)",
                    "cp932": "Shift-JIS (Japanese)", "cp1251": "Windows-1251 (Cyrillic)",
                    "cp1252": "Windows-1252 (Western)", "big5": "Big5 (Chinese)"}  # fmt: skip
_PRETTY_DELIMITER = {
    ",": "comma",
    ";": "semicolon",
    "\t": "tab",
    "|": "pipe",
    _sniff.WHITESPACE: "whitespace",
}


@dataclass(frozen=True)
class SkippedRows:
    """Rows left out for one reason; ``lines`` are 1-based file line numbers (Excel: sheet rows), first 20."""

    reason: str
    count: int
    lines: tuple[int, ...]

    def to_dict(self) -> dict:
        return {"reason": self.reason, "count": self.count, "lines": list(self.lines)}

    @classmethod
    def from_dict(cls, d: dict) -> SkippedRows:
        return cls(d["reason"], int(d["count"]), tuple(d["lines"]))


@dataclass(frozen=True)
class LoadReport:
    """Everything the loader decided or repaired, so the app can show it and nothing is lost silently."""

    source: str
    file_format: str
    encoding: str | None
    delimiter: str | None
    decimal: str | None
    thousands: str | None
    sheet: str | None
    sheets: tuple[str, ...]
    rows_read: int
    rows_skipped: int
    skipped: tuple[SkippedRows, ...]
    columns_renamed: tuple[tuple[str, str], ...]
    columns_dropped: tuple[str, ...]
    warnings: tuple[str, ...]
    n_columns: int = 0
    header: bool = True

    def to_dict(self) -> dict:
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out["sheets"] = list(self.sheets)
        out["skipped"] = [s.to_dict() for s in self.skipped]
        out["columns_renamed"] = [list(pair) for pair in self.columns_renamed]
        out["columns_dropped"] = list(self.columns_dropped)
        out["warnings"] = list(self.warnings)
        return out

    @classmethod
    def from_dict(cls, d: dict) -> LoadReport:
        d = dict(d)
        d["sheets"] = tuple(d.get("sheets", ()))
        d["skipped"] = tuple(SkippedRows.from_dict(s) for s in d.get("skipped", ()))
        d["columns_renamed"] = tuple(tuple(pair) for pair in d.get("columns_renamed", ()))
        d["columns_dropped"] = tuple(d.get("columns_dropped", ()))
        d["warnings"] = tuple(d.get("warnings", ()))
        return cls(**d)

    def summary(self) -> str:
        """One plain sentence, e.g. "Read 5,000 rows x 18 columns from x.csv (UTF-8, comma-separated)."."""
        details = []
        if self.file_format == "excel":
            details.append(f"Excel sheet '{self.sheet}'")
        elif self.file_format in ("parquet", "json"):
            details.append(self.file_format.capitalize())
        if self.encoding:
            details.append(_PRETTY_ENCODING.get(self.encoding, self.encoding.upper()))
        if self.delimiter:
            details.append(f"{_PRETTY_DELIMITER.get(self.delimiter, repr(self.delimiter))}-separated")
        if self.decimal == ",":
            details.append("decimal comma")
        text = f"Read {self.rows_read:,} rows x {self.n_columns:,} columns from {self.source} ({', '.join(details)})"
        if self.rows_skipped:
            rows = "row" if self.rows_skipped == 1 else "rows"
            text += f"; skipped {self.rows_skipped:,} {rows} ({', '.join(s.reason for s in self.skipped)})"
        if self.columns_dropped:
            text += f"; dropped {len(self.columns_dropped)} empty unnamed columns"
        if self.warnings:
            text += f"; {len(self.warnings)} warning{'s' if len(self.warnings) > 1 else ''} to check"
        return text + "."


@dataclass(frozen=True)
class Table:
    """A loaded table and the report of how it was read."""

    df: pd.DataFrame
    report: LoadReport

    def to_dict(self) -> dict:
        return {"report": self.report.to_dict(), "shape": list(self.df.shape)}


@dataclass
class _Parsed:
    """Working state shared by the format readers (private, mutable while a file is read)."""

    df: pd.DataFrame
    raw_names: list[str]
    skipped: list[SkippedRows] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    header: bool = True


def load_table(
    source: str | Path | bytes | BinaryIO,
    *,
    name: str | None = None,
    sheet: str | int | None = None,
    fast: bool = True,
) -> Table:
    """Read a file path, bytes or binary file-like (e.g. Streamlit's UploadedFile) into a Table.

    Delimited text goes through pyarrow's CSV reader when the file is regular (the same table and report, in a
    fraction of the time and memory); anything irregular (ragged rows, broken quotes, whitespace-separated columns,
    rows that need line numbers the fast reader cannot give) is read again row by row. ``fast=False`` forces the
    row-by-row reader (tests compare the two).
    """
    data, source_name = _read_source(source, name)
    if not data or data.isspace():
        what = "is empty (0 bytes)" if not data else "contains only blank space"
        raise DataError(
            f"{source_name} {what}. Export the table again and check the file has rows before uploading."
        )
    fmt, warning = _sniff.format_of(data, source_name)
    meta: dict[str, Any] = {"encoding": None, "delimiter": None, "decimal": None, "thousands": None}
    if fmt == "excel":
        parsed = _read_excel(data, source_name, sheet)
    elif fmt == "parquet":
        parsed = _read_parquet(data, source_name)
    else:
        parsed, decoded = _read_text(data, source_name, fmt, fast=fast)
        meta["encoding"] = decoded.encoding
        if decoded.replaced:
            parsed.warnings.insert(
                0,
                f"{decoded.replaced} bytes in {source_name} were not valid UTF-8 and were replaced (read as "
                f"Windows-1252), first on line {decoded.first_bad_line}; check the text there.",
            )
    if warning:
        parsed.warnings.insert(0, warning)
    meta.update(parsed.meta)
    return _finish(parsed, source_name, fmt, meta)


def fingerprint(df: pd.DataFrame) -> str:
    """Full content hash (values, index, column names, dtypes); Streamlit's own hash samples big frames."""
    h = hashlib.blake2b(pd.util.hash_pandas_object(df, index=True).to_numpy().tobytes(), digest_size=16)
    h.update(str(list(df.columns)).encode())
    h.update(str(list(df.dtypes)).encode())
    return h.hexdigest()


def _read_source(source: Any, name: str | None) -> tuple[bytes, str]:
    if isinstance(source, (str, Path)):
        path = Path(source)
        try:
            return path.read_bytes(), name or path.name
        except FileNotFoundError as exc:
            raise DataError(f"File not found: {path}. Check the path and the file name.") from exc
        except IsADirectoryError as exc:
            raise DataError(
                f"{path} is a folder, not a file. Choose the CSV or Excel file inside it."
            ) from exc
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source), name or "uploaded file"
    label = name or Path(str(getattr(source, "name", "") or "uploaded file")).name
    if hasattr(source, "getvalue"):
        data = source.getvalue()
    elif hasattr(source, "read"):
        if hasattr(source, "seek"):
            source.seek(0)
        data = source.read()
    else:
        raise DataError(f"Cannot read {type(source).__name__}: pass a file path, bytes or an uploaded file.")
    return (data.encode("utf-8") if isinstance(data, str) else bytes(data)), label


def _read_text(data: bytes, source: str, fmt: str, *, fast: bool) -> tuple[_Parsed, _sniff.Decoded]:
    """Fast reader on the raw bytes when they are strict UTF-8, else on the decoded text; careful reader otherwise."""
    decoded = None
    if fast and fmt == "csv":
        candidate = _sniff.utf8_candidate(data)
        if candidate is not None:
            start, encoding = candidate
            parsed = _fast_delimited(data, source, start=start)
            if parsed is not None:
                return parsed, _sniff.Decoded("", encoding)
        decoded = _sniff.decode(data, source)
        if candidate is None or decoded.encoding != candidate[1] or decoded.replaced:
            # Different text from the bytes tried above (UTF-16, legacy code page, replaced stray bytes).
            parsed = _fast_delimited(decoded.text.encode("utf-8", errors="surrogatepass"), source)
            if parsed is not None:
                return parsed, decoded
    decoded = decoded or _sniff.decode(data, source)
    reader = _read_json if fmt == "json" else _read_delimited
    return reader(decoded.text, source), decoded


def _read_delimited(text: str, source: str) -> _Parsed:
    text = text.lstrip("\ufeff")
    warnings: list[str] = []
    repaired = _sniff.unwrap_quoted_lines(text)
    truncated: list[SkippedRows] = []
    if repaired is not None:
        text, cut = _drop_unfinished_last_line(repaired)
        warnings.append("every line was wrapped in quotes; repaired")
        if cut:
            truncated.append(SkippedRows("incomplete last line (the file seems cut off)", 1, (cut,)))
    delimiter = _sniff.sniff_delimiter(text)
    records = _records(text, delimiter, source)
    empty_lines = [start for start, _, row in records if not any(cell.strip() for cell in row)]
    records = [r for r in records if any(cell.strip() for cell in r[2])]
    if not records:
        raise DataError(f"{source} has no rows, only blank lines. Export the table again and upload it.")
    first = [cell.strip() for cell in records[0][2]]
    header = not all(_sniff.NUMBER_PLAIN.fullmatch(c) or _sniff.is_number(c, ",", ".") for c in first)
    if header:
        names, body = [cell.strip().lstrip("\ufeff") for cell in records[0][2]], records[1:]
    else:
        names, body = [""] * len(first), records
        warnings.append(
            f"{source} has no header row (the first row is numbers), so columns are named column_1..column_{len(first)}."
        )
    rows, skipped = _fit_rows(body, names, source, delimiter)
    if empty_lines:
        skipped.insert(0, SkippedRows("empty row", len(empty_lines), tuple(empty_lines[:MAX_REPORTED_LINES])))
    skipped += truncated
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in names]
    cells = [c.strip() for col in columns for c in col[:2000] if c.strip() not in NA_TOKENS]
    decimal, thousands = _sniff.number_style(cells)
    df = pd.DataFrame({i: _convert(list(col), decimal, thousands) for i, col in enumerate(columns)})
    if len(columns) == 1 and len(rows) and not pd.api.types.is_numeric_dtype(df[0]):
        raise DataError(
            f"{source} was read as a single text column: no delimiter (comma, semicolon, tab, pipe) was found. "
            "Check that it is a table; if it uses another separator, re-export it as CSV."
        )
    meta = {"delimiter": delimiter or ",", "decimal": decimal, "thousands": thousands}
    return _Parsed(df, names, skipped, warnings, meta, header)


def _drop_unfinished_last_line(text: str) -> tuple[str, int | None]:
    """After unwrapping, a last line with an odd number of quotes was cut off mid-field: drop it, say which."""
    lines = _sniff.split_lines(text)
    last = max((i for i, line in enumerate(lines) if line.strip()), default=None)
    if last is None or lines[last].count('"') % 2 == 0:
        return text, None
    return "\n".join(lines[:last] + lines[last + 1 :]), last + 1


def _records(text: str, delimiter: str | None, source: str) -> list[tuple[int, int, list[str]]]:
    """(first line, last line, fields) per record; quoted newlines make a record span several lines."""
    if delimiter == _sniff.WHITESPACE:
        lines = _sniff.split_lines(text)
        if lines and not lines[-1]:
            lines = lines[:-1]  # the newline that ends the last line
        return [(i, i, line.split()) for i, line in enumerate(lines, start=1)]
    reader = csv.reader(
        io.StringIO(text, newline=""), delimiter=delimiter or "\x1f", quotechar='"', strict=False
    )
    out, previous = [], 0
    try:
        for row in reader:
            out.append((previous + 1, reader.line_num, row))
            previous = reader.line_num
    except csv.Error as exc:
        raise DataError(
            f'{source} cannot be read after line {previous}: {exc}. This usually means a quote (") is opened and '
            "never closed. Fix that line or re-export the file, then upload again."
        ) from exc
    return out


def _fit_rows(
    body: list, names: list[str], source: str, delimiter: str | None
) -> tuple[list, list[SkippedRows]]:
    """Keep rows with the header's field count (trailing empty extras are fine); skip <= 1% of others, else raise."""
    expected = len(names)
    named = max((i + 1 for i, n in enumerate(names) if n.strip()), default=expected)
    runaway = next(((s, e) for s, e, _ in body if e - s >= MAX_RECORD_LINES), None)
    if runaway:
        raise DataError(
            f'In {source} a quote (") opened on line {runaway[0]} is never closed, so lines {runaway[0]}-{runaway[1]} '
            "ran together. Fix the quote on that line or re-export the file, then upload again."
        )
    rows, bad = [], []
    for start, _, row in body:
        if len(row) > expected and not any(cell.strip() for cell in row[expected:]):
            row = row[:expected]
        elif named <= len(row) < expected:
            row = row + [""] * (expected - len(row))
        if len(row) == expected:
            rows.append(row)
        else:
            bad.append((start, len(row)))
    if not bad:
        return rows, []
    allowed = max(1, int(RAGGED_TOLERANCE * len(body)))
    if len(bad) > allowed:
        examples = ", ".join(f"line {s} has {n}" for s, n in bad[:5])
        sep = _PRETTY_DELIMITER.get(delimiter or ",", repr(delimiter))
        raise DataError(
            f"{len(bad):,} of {len(body):,} rows in {source} do not have the {expected} fields of the header "
            f"({examples}). Check that the file is {sep}-separated and that text containing the separator is in "
            "quotes, then export it again."
        )
    reason = f"wrong number of fields (expected {expected})"
    return rows, [SkippedRows(reason, len(bad), tuple(s for s, _ in bad[:MAX_REPORTED_LINES]))]


def _convert(values: list[str], decimal: str, thousands: str | None) -> pd.Series:
    """Numbers become int64/float64 (leading-zero codes stay text); everything else str with NA tokens missing."""
    stripped = [v.strip() for v in values]
    present = [v for v in stripped if v not in NA_TOKENS]
    numeric = bool(present) and all(_sniff.is_number(v, decimal, thousands) for v in present)
    if numeric and not any(_sniff.LEADING_ZERO.fullmatch(v) for v in present):
        clean = [None if v in NA_TOKENS else _sniff.clean_number(v, decimal, thousands) for v in stripped]
        if len(present) == len(stripped) and all(_INTEGER.fullmatch(v) for v in clean):
            try:
                return pd.Series(np.array([int(v) for v in clean], dtype=np.int64))
            except OverflowError:
                pass
        return pd.Series(np.array(["nan" if v is None else v for v in clean], dtype=np.float64))
    if not present:
        return pd.Series(np.full(len(values), np.nan))
    return pd.Series(
        [None if s in NA_TOKENS else v for v, s in zip(values, stripped, strict=True)], dtype="str"
    )


def _read_excel(data: bytes, source: str, sheet: str | int | None) -> _Parsed:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise DataError(
            f"{source} could not be opened as an Excel workbook ({type(exc).__name__}: {exc}). Open it in Excel, "
            "save it again as .xlsx (or export CSV) and upload again."
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
            f"{source} is damaged and sheet data could not be read ({exc}). Save it again in Excel."
        ) from exc
    finally:
        wb.close()
    width = max((len(r) for r in rows), default=0)
    rows = [r + [None] * (width - len(r)) for r in rows]
    blank = [i for i, r in enumerate(rows) if all(_is_blank(v) for v in r)]
    start = next((i for i in range(len(rows)) if i not in set(blank)), None)
    if start is None:
        raise DataError(f"Sheet '{chosen}' of {source} is empty. Choose another sheet: {', '.join(sheets)}.")
    names = ["" if v is None else str(v).strip() for v in rows[start]]
    body = [(i + 1, r) for i, r in enumerate(rows) if i > start and i not in set(blank)]
    df = pd.DataFrame([r for _, r in body], columns=range(width), dtype=object)
    df = df.apply(_tidy_object_column) if len(df) else df
    skipped = (
        [SkippedRows("empty row", len(blank), tuple(i + 1 for i in blank[:MAX_REPORTED_LINES]))]
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
        f"{source} has no sheet {sheet!r}. Its sheets are: {', '.join(sheets)}. Choose one of these."
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
    try:
        df = pd.read_parquet(io.BytesIO(data))
    except Exception as exc:  # pyarrow raises ArrowInvalid/OSError for damaged files
        raise DataError(
            f"{source} could not be read as Parquet ({exc}). Export it again and upload again."
        ) from exc
    names = [str(c) for c in df.columns]
    return _Parsed(df.set_axis(range(df.shape[1]), axis=1).reset_index(drop=True), names)


def _read_json(text: str, source: str) -> _Parsed:
    text = text.lstrip("\ufeff")
    skipped: list[SkippedRows] = []
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg != "Extra data":
            raise DataError(
                f"{source} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}). Fix it or export "
                "the table as CSV."
            ) from exc
        payload, skipped = _json_lines(text, source)
    records = _json_records(payload, source)
    df = pd.json_normalize(records) if records and isinstance(records[0], dict) else pd.DataFrame(records)
    if df.empty:
        raise DataError(f"{source} contains no records. Export the table with at least one row.")
    names = [str(c) for c in df.columns]
    df = df.set_axis(range(df.shape[1]), axis=1).astype(object).apply(_tidy_object_column)
    return _Parsed(df, names, skipped)


def _json_lines(text: str, source: str) -> tuple[list, list[SkippedRows]]:
    payload, bad = [], []
    lines = _sniff.split_lines(text)
    for number, line in enumerate(lines, start=1):
        if line.strip():
            try:
                payload.append(json.loads(line))
            except json.JSONDecodeError:
                bad.append(number)
    if len(bad) > max(1, int(RAGGED_TOLERANCE * len(lines))):
        raise DataError(
            f"{len(bad)} lines of {source} are not valid JSON (first: lines {', '.join(map(str, bad[:5]))}). "
            "Use one JSON record per line, or export the table as CSV."
        )
    return payload, (
        [SkippedRows("invalid JSON line", len(bad), tuple(bad[:MAX_REPORTED_LINES]))] if bad else []
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
        f"{source} holds a single JSON value, not a table. Use a list of records, e.g. [{{...}}, {{...}}]."
    )


# ---------------------------------------------------------------- fast reader for regular delimited files


class _Fallback(Exception):
    """The fast reader cannot give exactly the careful reader's answer; read the file row by row instead."""


def _fast_delimited(data: bytes, source: str, *, start: int = 0) -> _Parsed | None:
    """The careful reader's table for a regular delimited file, or None when the file needs the careful reader.

    pyarrow parses every field as text (validating UTF-8); the number, missing-value, header, empty-row and column
    rules of ``_read_delimited``/``_convert`` are then applied column by column with vectorised kernels.
    """
    try:
        return _fast_delimited_or_raise(data, source, start)
    except _Fallback:
        return None


def _fast_delimited_or_raise(data: bytes, source: str, start: int) -> _Parsed:
    import pyarrow as pa

    while data.startswith(b"\xef\xbb\xbf", start):  # the careful reader strips every leading BOM
        start += 3
    head, names, header, delimiter = _fast_head(data[start : start + HEAD_BYTES], len(data) - start)
    data_start = start + (len(head.encode("utf-8")) if header else 0)
    if data.find(b"\x00", data_start) >= 0:  # the csv module refuses NUL bytes: let it say so
        raise _Fallback
    decimal, thousands = _sniff.number_style(_style_cells(data, data_start, delimiter))
    reader = _ArrowReader(data, data_start, len(names), delimiter)
    columns = None
    if decimal == "." and thousands is None and _one_record_per_line(data, data_start, reader):
        columns = _typed_columns(reader)
    empty_lines: list[int] = []
    if columns is None:  # every cell as text: blank rows, empty lines and number styles handled exactly
        columns = reader.read(strings=True)
        multiline = reader.has_quote and _runaway_check(columns)
        blank = _blank_rows(columns)
        empty_lines = _empty_lines(data, data_start, 1 if header else 0, blank, multiline)
        if blank is not None:
            keep = pa.array(~blank)
            columns = [col.filter(keep) for col in columns]
    if not len(columns[0]):
        raise _Fallback
    series = {}
    for i in range(len(columns)):
        col, columns[i] = columns[i], None  # free each text column once converted
        series[i] = _fast_convert(col, decimal, thousands)
    df = pd.DataFrame(series)
    if len(series) == 1 and not pd.api.types.is_numeric_dtype(df[0]):
        raise _Fallback  # a single text column: the careful reader raises the right message
    warnings = []
    if not header:
        warnings.append(
            f"{source} has no header row (the first row is numbers), so columns are named "
            f"column_1..column_{len(names)}."
        )
    skipped = []
    if empty_lines:
        skipped.append(SkippedRows("empty row", len(empty_lines), tuple(empty_lines[:MAX_REPORTED_LINES])))
    meta = {"delimiter": delimiter, "decimal": decimal, "thousands": thousands}
    return _Parsed(df, names, skipped, warnings, meta, header)


class _ArrowReader:
    """pyarrow's CSV reader over the data rows, with the careful reader's quoting; _Fallback on any parse error."""

    def __init__(self, data: bytes, start: int, n_columns: int, delimiter: str):
        self.data, self.start, self.delimiter = data, start, delimiter
        self.names = [f"f{i}" for i in range(n_columns)]
        self.has_quote = data.find(b'"', start) >= 0
        self.num_rows: int | None = None
        self.expected_lines: int | None = None

    def read(self, *, strings: bool, only: list[int] | None = None) -> list:
        import pyarrow as pa
        import pyarrow.csv as pacsv

        include = [self.names[i] for i in only] if only is not None else []
        if strings:
            convert = pacsv.ConvertOptions(
                column_types=dict.fromkeys(self.names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                null_values=[],
                include_columns=include,
            )
        else:  # numbers typed by pyarrow; NA tokens (exact) are nulls; no booleans, dates or times guessed here
            convert = pacsv.ConvertOptions(
                null_values=sorted(NA_TOKENS),
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
                true_values=[],
                false_values=[],
                timestamp_parsers=[],
                include_columns=include,
            )
        try:
            table = pacsv.read_csv(
                pa.py_buffer(self.data).slice(self.start),
                read_options=pacsv.ReadOptions(column_names=self.names, use_threads=ARROW_THREADS),
                parse_options=pacsv.ParseOptions(delimiter=self.delimiter, newlines_in_values=self.has_quote),
                convert_options=convert,
            )
        except pa.ArrowException as exc:  # ragged rows, invalid UTF-8, ...
            raise _Fallback from exc
        if table.num_rows == 0:
            raise _Fallback
        self.num_rows = table.num_rows
        columns = table.columns
        limit = csv.field_size_limit()
        for col in columns:
            if pa.types.is_string(col.type) and (pc_max_length(col) or 0) > limit:
                raise _Fallback  # the csv module refuses fields this long; its error message is the one to show
        return columns


def pc_max_length(col: Any) -> int | None:
    import pyarrow.compute as pc

    return pc.max(pc.binary_length(col)).as_py()


def _one_record_per_line(data: bytes, start: int, reader: _ArrowReader) -> bool:
    """Cheap byte counts proving no empty lines and no line breaks inside quotes (then no blank-line bookkeeping)."""
    n_lf = data.count(b"\n", start)
    if data.find(b"\r", start) >= 0:
        n_cr = data.count(b"\r", start)
        if n_cr != n_lf or data.count(b"\r\n", start) != n_lf:
            return False  # mixed or old-Mac line ends
    lines = n_lf + (0 if data.endswith((b"\n", b"\r")) else 1)
    reader.expected_lines = lines
    return True


def _typed_columns(reader: _ArrowReader) -> list | None:
    """Columns typed by pyarrow, with every column whose types could differ from the careful reader's re-read as
    text; None when a row might be blank (then the all-text path counts and locates blank rows exactly)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    columns = reader.read(strings=False)
    if reader.num_rows != reader.expected_lines:
        return None  # empty lines or quoted line breaks
    maybe_blank = None
    for col in columns:
        cell = pc.is_null(col)
        if pa.types.is_string(col.type):
            cell = pc.or_(cell, pc.equal(pc.binary_length(pc.utf8_trim(col, _PY_SPACES)), 0))
        maybe_blank = cell if maybe_blank is None else pc.and_(maybe_blank, cell)
        if not pc.any(maybe_blank).as_py():
            break
    else:
        return None
    numeric = [
        i for i, col in enumerate(columns) if pa.types.is_integer(col.type) or pa.types.is_floating(col.type)
    ]
    zero_led = bool(numeric) and _leading_zero_field(reader.data, reader.start, reader.delimiter)
    plus = reader.data.find(b"+", reader.start) >= 0
    again = []
    for i, col in enumerate(columns):
        kind = col.type
        if pa.types.is_string(kind) or pa.types.is_null(kind):
            continue
        if pa.types.is_integer(kind):
            if zero_led:
                again.append(i)
        elif pa.types.is_floating(kind):
            if (
                zero_led
                or not pc.all(pc.is_finite(col)).as_py()
                or (plus and col.null_count == 0 and pc.all(pc.equal(pc.floor(col), col)).as_py())
            ):
                again.append(i)  # "007", "inf", "+5": the careful reader's rules decide
        else:
            again.append(i)
    if again:
        for i, col in zip(again, reader.read(strings=True, only=again), strict=True):
            columns[i] = col
    return columns


def _leading_zero_field(data: bytes, start: int, delimiter: str) -> bool:
    """Whether any field may start with [+-]?0 and a digit ("007"): pyarrow reads 7, the careful reader text."""
    if re.match(rb"[+-]?0[0-9]", data[start : start + 3]):  # the first field has no byte before it
        return True
    view = np.frombuffer(data, dtype=np.uint8)
    marks = [
        ord(delimiter),
        10,
        13,
        34,
    ]  # field starts: after the delimiter, a line break or an opening quote
    for lo in range(max(start - 2, 0), len(data), LEADING_ZERO_CHUNK):
        v = view[lo : lo + LEADING_ZERO_CHUNK + 3]
        # Positions i where v[i] is "0" and v[i + 1] a digit (only those can start a leading-zero code).
        zero = np.flatnonzero((v[1:-1] == 48) & ((v[2:] - np.uint8(48)) < np.uint8(10))) + 1
        if not len(zero):
            continue
        before = v[zero - 1]
        if np.isin(before, marks).any():
            return True
        signed = zero[((before == 43) | (before == 45)) & (zero >= 2)]
        if len(signed) and np.isin(v[signed - 2], marks).any():
            return True
    return False


def _style_cells(data: bytes, start: int, delimiter: str) -> list[str]:
    """Stripped cells of the first NUMBER_STYLE_ROWS non-blank data records that could vote on the number style."""
    size = HEAD_BYTES // 4
    while True:
        window = data[start : start + size]
        final = start + size >= len(data)
        try:
            text, _ = codecs.utf_8_decode(window, "strict", final)
        except UnicodeDecodeError as exc:
            raise _Fallback from exc
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', strict=False)
        try:
            rows = (row for row in reader if any(cell.strip() for cell in row))
            records = list(itertools.islice(rows, NUMBER_STYLE_ROWS + 1))
        except csv.Error as exc:
            raise _Fallback from exc
        if len(records) > NUMBER_STYLE_ROWS:
            break  # the window holds whole records past the ones needed
        if not final:
            records = records[:-1]  # the window may end inside the last record
        if final:
            break
        size *= 4
    cells = []
    for row in records[:NUMBER_STYLE_ROWS]:
        for cell in row:
            if "," in cell or "." in cell:  # only such cells are evidence in _sniff.number_style
                value = cell.strip()
                if value not in NA_TOKENS:
                    cells.append(value)
    return cells


def _fast_head(head_bytes: bytes, total: int) -> tuple[str, list[str], bool, str]:
    """Decode and sniff the head: (first line with its break, names, header?, delimiter); _Fallback if irregular."""
    final = len(head_bytes) >= total
    try:
        head, _ = codecs.utf_8_decode(head_bytes, "strict", final)
    except UnicodeDecodeError as exc:
        raise _Fallback from exc
    breaks = head.count("\n") + head.count("\r")
    if not final and (len(head) < 200_000 or breaks <= 2 * _sniff.SNIFF_RECORDS):
        raise _Fallback  # too few records in the head to sniff exactly as the careful reader does
    if _sniff.unwrap_quoted_lines(head) is not None:
        raise _Fallback
    delimiter = _sniff.sniff_delimiter(head)
    if delimiter not in _sniff.DELIMITERS:
        raise _Fallback  # whitespace-separated or single column: the careful reader handles them
    line_end = _sniff._LINE_BREAK.search(head)
    if line_end is None:
        raise _Fallback
    reader = csv.reader(io.StringIO(head, newline=""), delimiter=delimiter, quotechar='"', strict=False)
    try:
        record = next(reader)
    except (csv.Error, StopIteration) as exc:
        raise _Fallback from exc
    if reader.line_num != 1 or not any(cell.strip() for cell in record):
        raise _Fallback  # a blank first line or a header spanning lines
    first = [cell.strip() for cell in record]
    header = not all(_sniff.NUMBER_PLAIN.fullmatch(c) or _sniff.is_number(c, ",", ".") for c in first)
    names = [cell.strip().lstrip("\ufeff") for cell in record] if header else [""] * len(first)
    return head[: line_end.end()], names, header, delimiter


def _runaway_check(columns: list) -> bool:
    """Whether any record spans lines; _Fallback if one spans MAX_RECORD_LINES or more (an unclosed quote)."""
    import pyarrow.compute as pc

    per_row = None
    for col in columns:
        if not pc.any(pc.match_substring_regex(col, "[\\r\\n]")).as_py():
            continue
        counts = pc.count_substring_regex(col, "\\r\\n|\\r|\\n")
        per_row = counts if per_row is None else pc.add(per_row, counts)
    if per_row is None:
        return False
    if pc.max(per_row).as_py() >= MAX_RECORD_LINES:
        raise _Fallback
    return True


def _blank_rows(columns: list) -> np.ndarray | None:
    """Boolean mask of rows whose cells are all blank after stripping, or None when there are none."""
    import pyarrow.compute as pc

    mask = None
    for col in columns:
        empty = pc.equal(pc.utf8_length(pc.utf8_trim(col, _PY_SPACES)), 0)
        mask = empty if mask is None else pc.and_(mask, empty)
        if not pc.any(mask).as_py():
            return None
    return mask.to_numpy(zero_copy_only=False)


def _empty_lines(
    data: bytes, start: int, lines_before: int, blank: np.ndarray | None, multiline: bool
) -> list[int]:
    """1-based line numbers of empty lines (skipped by pyarrow) and blank records, as the careful reader counts."""
    suspected = any(data.find(pair, start) >= 0 for pair in (b"\n\n", b"\n\r", b"\r\r"))
    if not suspected and blank is None:
        return []
    if multiline:
        raise _Fallback  # line numbers would need the careful reader's record-by-record count
    empty, line, previous_end = [], lines_before, start
    if suspected:
        for match in _BYTE_LINE_BREAK.finditer(data, start):
            line += 1
            if match.start() == previous_end:
                empty.append(line)
            previous_end = match.end()
    blank_lines, e = [], 0
    for k in np.flatnonzero(blank) if blank is not None else ():
        record_line = lines_before + 1 + int(k) + e
        while e < len(empty) and empty[e] <= record_line:
            e += 1
            record_line += 1
        blank_lines.append(record_line)
    return sorted(empty + blank_lines)


def _fast_convert(col: Any, decimal: str, thousands: str | None) -> pd.Series:
    """``_convert`` on a pyarrow text column: int64/float64 numbers (leading-zero codes stay text), else str."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if pa.types.is_null(col.type):
        return pd.Series(np.full(len(col), np.nan))
    if pa.types.is_integer(col.type) and col.null_count == 0:
        return pd.Series(col.to_numpy().astype(np.int64, copy=False))
    if pa.types.is_integer(col.type) or pa.types.is_floating(col.type):
        return pd.Series(col.to_numpy(zero_copy_only=False).astype(np.float64, copy=False))
    trimmed = pc.utf8_trim(col, _PY_SPACES)
    na = pc.is_in(trimmed, value_set=pa.array(sorted(NA_TOKENS)))
    if col.null_count:  # typed read: exact NA tokens are already nulls
        na = pc.or_(na, pc.is_null(col))
    n_missing = pc.sum(na).as_py() or 0
    if n_missing == len(col):
        return pd.Series(np.full(len(col), np.nan))
    present = pc.if_else(na, pa.scalar(None, pa.string()), trimmed)
    del trimmed
    number = _numbers(present, decimal, thousands)
    if number is None or pc.any(pc.match_substring_regex(present, _RE2_LEADING_ZERO)).as_py():
        return pd.Series(pc.if_else(na, pa.scalar(None, pa.string()), col), dtype="str")
    cleaned, floats = number
    if n_missing == 0:
        try:
            ints = pc.cast(pc.replace_substring_regex(cleaned, "^\\+", ""), pa.int64())
            return pd.Series(ints.to_numpy())
        except pa.ArrowInvalid:  # decimals, exponents or beyond int64: floats, as the careful reader does
            pass
    return pd.Series(floats.to_numpy(zero_copy_only=False).astype(np.float64, copy=False))


def _numbers(present: Any, decimal: str, thousands: str | None) -> tuple[Any, Any] | None:
    """(cleaned text, float64) when every present cell is a number in the file's style, else None (text)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    plain = decimal == "." and thousands is None
    if not plain:
        pattern = _RE2_PLAIN + "|" + (_RE2_DECIMAL_COMMA if decimal == "," else _RE2_THOUSANDS_COMMA)
        if not _all_match(present, pattern):
            return None
    cleaned = present
    if decimal == ",":
        if thousands == ".":
            dotted = pc.match_substring_regex(cleaned, _RE2_THOUSANDS_DOT)
            cleaned = pc.if_else(dotted, pc.replace_substring(cleaned, ".", ""), cleaned)
        cleaned = pc.replace_substring(cleaned, ",", ".")
    elif thousands == ",":
        cleaned = pc.replace_substring(cleaned, ",", "")
    try:
        floats = pc.cast(cleaned, pa.float64())
    except pa.ArrowInvalid as exc:
        if plain and not (_all_match(present.slice(0, 1000), _RE2_PLAIN) and _all_match(present, _RE2_PLAIN)):
            return None  # text, as expected for most text columns
        raise _Fallback from exc  # numbers pyarrow cannot read (e.g. non-ASCII digits): let Python read them
    if plain and not pc.all(pc.is_finite(floats)).as_py() and not _all_match(present, _RE2_PLAIN):
        return None  # "inf", "-nan" and the like are text to the careful reader
    return cleaned, floats


def _all_match(values: Any, pattern: str) -> bool:
    import pyarrow.compute as pc

    return bool(pc.all(pc.match_substring_regex(values, f"^(?:{pattern})$")).as_py())


def _clean_names(raw: list[str]) -> tuple[list[str], list[tuple[str, str]], list[bool]]:
    """Strip names, name blanks column_<position>, number duplicates name_2, name_3; report every change."""
    names, renamed, unnamed, seen = [], [], [], set()
    stripped = [str(n).strip().strip("\ufeff").strip() for n in raw]
    for position, name in enumerate(stripped, start=1):
        blank = bool(_UNNAMED.fullmatch(name))
        new = f"column_{position}" if blank else name
        base, k = new, 2
        while new in seen or (new != name and new in stripped):
            new, k = f"{base}_{k}", k + 1
        seen.add(new)
        names.append(new)
        unnamed.append(blank)
        if new != name:
            renamed.append((name, new))
    return names, renamed, unnamed


def _finish(parsed: _Parsed, source: str, fmt: str, meta: dict) -> Table:
    df = parsed.df
    names, renamed, unnamed = _clean_names(parsed.raw_names)
    if not parsed.header:
        renamed = []  # the no-header warning already names column_1..column_n
    df = df.set_axis(names, axis=1)
    empty_unnamed = [n for n, blank in zip(names, unnamed, strict=True) if blank and df[n].isna().all()]
    df = df.drop(columns=empty_unnamed)
    renamed = [(old, new) for old, new in renamed if new not in empty_unnamed]
    if df.shape[1] == 0:
        raise DataError(
            f"{source} has no columns with data. Check that the file holds a table with a header row."
        )
    if len(df) == 0:
        raise DataError(
            f"{source} has a header row but no data rows. Export the table again with its rows and upload it."
        )
    report = LoadReport(
        source=source,
        file_format=fmt,
        encoding=meta.get("encoding"),
        delimiter=meta.get("delimiter"),
        decimal=meta.get("decimal"),
        thousands=meta.get("thousands"),
        sheet=meta.get("sheet"),
        sheets=tuple(meta.get("sheets", ())),
        rows_read=len(df),
        rows_skipped=sum(s.count for s in parsed.skipped),
        skipped=tuple(parsed.skipped),
        columns_renamed=tuple(renamed),
        columns_dropped=tuple(empty_unnamed),
        warnings=tuple(parsed.warnings),
        n_columns=df.shape[1],
        header=parsed.header,
    )
    return Table(df.reset_index(drop=True), report)
