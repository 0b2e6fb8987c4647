"""The fast reader for regular delimited text: pyarrow's CSV parser plus vectorised versions of the careful rules.

A clean file gets exactly the table and report the careful reader (``_carefulcsv``) would give, in a fraction of the
time and memory. Whenever that cannot be guaranteed (ragged rows, invalid UTF-8, whitespace columns, blank lines
inside multi-line records, ...) it raises ``Fallback`` internally and ``_fast_delimited`` returns None, so the file
is read again row by row.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
from typing import Any

import numpy as np
import pandas as pd

from segcore.i18n import _l
from segcore.io import sniff as _sniff
from segcore.io.arrownumbers import PY_SPACES, Fallback, fast_convert
from segcore.io.carefulcsv import MAX_RECORD_LINES, NUMBER_STYLE_ROWS, _header_names, _no_header_warning
from segcore.io.parsed import MAX_REPORTED_LINES, NA_TOKENS, SkippedRows, _Parsed

# Head of the file decoded in Python to sniff the delimiter and header: 1 MiB holds the 200,000 characters and
# 50 records the sniffer looks at, whatever the script (4 bytes per character at most).
HEAD_BYTES = 1 << 20
_BYTE_LINE_BREAK = re.compile(rb"\r\n|\r|\n")
# pyarrow's CSV threads: on a quiet 2-core machine they cut a 200k-row read from 0.58 s to 0.47 s (the CLI and
# the app own the machine while they read); under heavy load from other processes they can be erratic.
ARROW_THREADS = True
# Bytes scanned at a time for leading-zero codes: bounds the temporary arrays on a big file.
LEADING_ZERO_CHUNK = 1 << 24


def _fast_delimited(data: bytes, source: str, *, start: int = 0) -> _Parsed | None:
    """The careful reader's table for a regular delimited file, or None when the file needs the careful reader.

    pyarrow parses every field as text (validating UTF-8); the number, missing-value, header, empty-row and column
    rules of ``_read_delimited``/``_convert`` are then applied column by column with vectorised kernels.
    """
    try:
        return _fast_delimited_or_raise(data, source, start)
    except Fallback:
        return None


def _fast_delimited_or_raise(data: bytes, source: str, start: int) -> _Parsed:
    import pyarrow as pa

    while data.startswith(b"\xef\xbb\xbf", start):  # the careful reader strips every leading BOM
        start += 3
    head, names, header, delimiter = _fast_head(data[start : start + HEAD_BYTES], len(data) - start)
    data_start = start + (len(head.encode("utf-8")) if header else 0)
    if data.find(b"\x00", data_start) >= 0:  # the csv module refuses NUL bytes: let it say so
        raise Fallback
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
        raise Fallback
    series = {}
    for i in range(len(columns)):
        col, columns[i] = columns[i], None  # free each text column once converted
        series[i] = fast_convert(col, decimal=decimal, thousands=thousands)
    df = pd.DataFrame(series)
    if len(series) == 1 and not pd.api.types.is_numeric_dtype(df[0]):
        raise Fallback  # a single text column: the careful reader raises the right message
    warnings = []
    if not header:
        warnings.append(_no_header_warning(source, len(names)))
    skipped = []
    if empty_lines:
        skipped.append(SkippedRows(_l("empty row"), len(empty_lines), tuple(empty_lines[:MAX_REPORTED_LINES])))
    meta = {"delimiter": delimiter, "decimal": decimal, "thousands": thousands}
    return _Parsed(df, names, skipped, warnings, meta, header)


class _ArrowReader:
    """pyarrow's CSV reader over the data rows, with the careful reader's quoting; Fallback on any parse error."""

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
            raise Fallback from exc
        if table.num_rows == 0:
            raise Fallback
        self.num_rows = table.num_rows
        columns = table.columns
        limit = csv.field_size_limit()
        for col in columns:
            if pa.types.is_string(col.type) and (pc_max_length(col) or 0) > limit:
                raise Fallback  # the csv module refuses fields this long; its error message is the one to show
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
            cell = pc.or_(cell, pc.equal(pc.binary_length(pc.utf8_trim(col, PY_SPACES)), 0))
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
    import pyarrow as pa
    import pyarrow.compute as pc

    if re.match(rb"[+-]?0[0-9]", data[start : start + 3]):  # the first field has no byte before it
        return True
    # field starts: after the delimiter, a line break or an opening quote (RE2, one pass in C++ per chunk)
    marks = "".join(f"\\x{byte:02x}" for byte in (ord(delimiter), 10, 13, 34))
    pattern = f"[{marks}][+-]?0[0-9]"
    for lo in range(max(start - 2, 0), len(data), LEADING_ZERO_CHUNK):
        piece = pa.array([data[lo : lo + LEADING_ZERO_CHUNK + 3]], type=pa.binary())  # 3 bytes: a match across
        if pc.any(pc.match_substring_regex(piece, pattern)).as_py():
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
            raise Fallback from exc
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', strict=False)
        try:
            rows = (row for row in reader if any(cell.strip() for cell in row))
            records = list(itertools.islice(rows, NUMBER_STYLE_ROWS + 1))
        except csv.Error as exc:
            raise Fallback from exc
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
    """Decode and sniff the head: (first line with its break, names, header?, delimiter); Fallback if irregular."""
    final = len(head_bytes) >= total
    try:
        head, _ = codecs.utf_8_decode(head_bytes, "strict", final)
    except UnicodeDecodeError as exc:
        raise Fallback from exc
    breaks = head.count("\n") + head.count("\r")
    if not final and (len(head) < 200_000 or breaks <= 2 * _sniff.SNIFF_RECORDS):
        raise Fallback  # too few records in the head to sniff exactly as the careful reader does
    if _sniff.unwrap_quoted_lines(head) is not None:
        raise Fallback
    delimiter = _sniff.sniff_delimiter(head)
    if delimiter not in _sniff.DELIMITERS:
        raise Fallback  # whitespace-separated or single column: the careful reader handles them
    line_end = _sniff.LINE_BREAK.search(head)
    if line_end is None:
        raise Fallback
    reader = csv.reader(io.StringIO(head, newline=""), delimiter=delimiter, quotechar='"', strict=False)
    try:
        record = next(reader)
    except (csv.Error, StopIteration) as exc:
        raise Fallback from exc
    if reader.line_num != 1 or not any(cell.strip() for cell in record):
        raise Fallback  # a blank first line or a header spanning lines
    names, header = _header_names(record)
    return head[: line_end.end()], names, header, delimiter


def _runaway_check(columns: list) -> bool:
    """Whether any record spans lines; Fallback if one spans MAX_RECORD_LINES or more (an unclosed quote)."""
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
        raise Fallback
    return True


def _blank_rows(columns: list) -> np.ndarray | None:
    """Boolean mask of rows whose cells are all blank after stripping, or None when there are none."""
    import pyarrow.compute as pc

    mask = None
    for col in columns:
        empty = pc.equal(pc.utf8_length(pc.utf8_trim(col, PY_SPACES)), 0)
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
        raise Fallback  # line numbers would need the careful reader's record-by-record count
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
