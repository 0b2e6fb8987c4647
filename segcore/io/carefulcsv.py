"""The careful reader for delimited text: row by row in Python, with line numbers for every problem.

It reads anything the fast reader (``_fastcsv``) declines: ragged rows, broken or wrapped quotes, whitespace-separated
columns, blank lines, legacy number styles. Its rules (header detection, field counts, missing-value tokens, number
conversion) are the reference the fast reader must match exactly.
"""

from __future__ import annotations

import csv
import io
import itertools
import re

import numpy as np
import pandas as pd

from segcore.errors import DataError
from segcore.i18n import _l
from segcore.io import sniff as _sniff
from segcore.io.parsed import MAX_REPORTED_LINES, NA_TOKENS, RAGGED_TOLERANCE, SkippedRows, _Parsed

# A record spanning more lines than this means a quote was opened and never closed (notes rarely run longer).
MAX_RECORD_LINES = 20
# Data rows whose values choose the number style (decimal comma, thousands); the fast reader uses the same.
NUMBER_STYLE_ROWS = 2000
_INTEGER = re.compile(r"[+-]?\d+")


def _read_delimited(text: str, source: str) -> _Parsed:
    text = text.lstrip("\ufeff")
    warnings: list[str] = []
    repaired = _sniff.unwrap_quoted_lines(text)
    truncated: list[SkippedRows] = []
    if repaired is not None:
        text, cut = _drop_unfinished_last_line(repaired)
        warnings.append(_l("every line was wrapped in quotes; repaired"))
        if cut:
            truncated.append(SkippedRows(_l("incomplete last line (the file seems cut off)"), 1, (cut,)))
    delimiter = _sniff.sniff_delimiter(text)
    records = _records(text, delimiter, source)
    empty_lines = [start for start, _, row in records if not any(cell.strip() for cell in row)]
    records = [r for r in records if any(cell.strip() for cell in r[2])]
    if not records:
        raise DataError(_l(
            "{source} has no rows, only blank lines. Export the table again and upload it.",
            source=source,
        ))
    names, header = _header_names(records[0][2])
    body = records[1:] if header else records
    if not header:
        warnings.append(_no_header_warning(source, len(names)))
    rows, skipped = _fit_rows(body, names, source, delimiter)
    if empty_lines:
        skipped.insert(0, SkippedRows(_l("empty row"), len(empty_lines), tuple(empty_lines[:MAX_REPORTED_LINES])))
    skipped += truncated
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in names]
    cells = [c.strip() for col in columns for c in col[:NUMBER_STYLE_ROWS] if c.strip() not in NA_TOKENS]
    decimal, thousands = _sniff.number_style(cells)
    df = pd.DataFrame({i: _convert(list(col), decimal, thousands) for i, col in enumerate(columns)})
    if len(columns) == 1 and len(rows) and not pd.api.types.is_numeric_dtype(df[0]):
        raise DataError(
            _l(
                "{source} was read as a single text column: no delimiter (comma, semicolon, tab, pipe) was "
                "found. Check that it is a table; if it uses another separator, re-export it as CSV.",
                source=source,
            )
        )
    meta = {"delimiter": delimiter or ",", "decimal": decimal, "thousands": thousands}
    return _Parsed(df, names, skipped, warnings, meta, header)


def _header_names(record: list[str]) -> tuple[list[str], bool]:
    """(names, header?) from the first record: a first record of numbers only is data, and its columns unnamed."""
    first = [cell.strip() for cell in record]
    header = not all(_sniff.NUMBER_PLAIN.fullmatch(c) or _sniff.is_number(c, decimal=",", thousands=".") for c in first)
    names = [cell.strip().lstrip("\ufeff") for cell in record] if header else [""] * len(first)
    return names, header


def _no_header_warning(source: str, n_columns: int) -> str:
    return (
        f"{source} has no header row (the first row is numbers), so columns are named "
        f"column_1..column_{n_columns}."
    )


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
        if "field larger than field limit" in str(exc):
            raise _cell_too_long(text, delimiter, source, previous + 1, out[0][2] if out else []) from None
        raise DataError(
            _l(
                "{source} cannot be read after line {previous}: {exc}. This usually means a quote (\") is "
                "opened and never closed. Fix that line or re-export the file, then upload again.",
                source=source, previous=previous, exc=exc,
            )
        ) from exc
    return out


def _cell_too_long(text: str, delimiter: str | None, source: str, line: int, header: list[str]) -> DataError:
    """Name the line and column of a cell longer than the csv module's field limit (not "a quote never closed")."""
    limit = csv.field_size_limit()
    record = next(itertools.islice(iter(_sniff.split_lines(text)), line - 1, None), "")
    fields = record.split(delimiter or ",")
    position = next((i for i, cell in enumerate(fields) if len(cell) > limit), None)
    where = ""
    if position is not None:
        name = header[position].strip() if position < len(header) else ""
        where = (_l(", column {number} '{name}'", number=position + 1, name=name) if name
                 else _l(", column {number}", number=position + 1))
    return DataError(
        _l(
            "Line {line:,}{where} of {source} holds a value longer than {limit:,} characters. A cell that "
            "long is a document or a log pasted into the table, or a quote (\") that is never closed. "
            "Shorten or remove it and upload again.",
            line=line, where=where, source=source, limit=limit,
        )
    )


def _fit_rows(
    body: list, names: list[str], source: str, delimiter: str | None
) -> tuple[list, list[SkippedRows]]:
    """Keep rows with the header's field count (trailing empty extras are fine); skip <= 1% of others, else raise."""
    expected = len(names)
    named = max((i + 1 for i, n in enumerate(names) if n.strip()), default=expected)
    runaway = next(((s, e) for s, e, _ in body if e - s >= MAX_RECORD_LINES), None)
    if runaway:
        raise DataError(
            _l(
                "In {source} a quote (\") opened on line {first} is never closed, so lines "
                "{first}-{last} ran together. Fix the quote on that line or re-export the file, then "
                "upload again.",
                source=source, first=runaway[0], last=runaway[1],
            )
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
        sep = _sniff.DELIMITER_NAMES.get(delimiter or ",", repr(delimiter))
        raise DataError(
            _l(
                "{bad:,} of {rows:,} rows in {source} do not have the {expected} fields of the header "
                "({examples}). Check that the file is {sep}-separated and that text containing the "
                "separator is in quotes, then export it again.",
                bad=len(bad), rows=len(body), source=source, expected=expected, examples=examples,
                sep=sep,
            )
        )
    reason = f"wrong number of fields (expected {expected})"
    return rows, [SkippedRows(reason, len(bad), tuple(s for s, _ in bad[:MAX_REPORTED_LINES]))]


def _convert(values: list[str], decimal: str, thousands: str | None) -> pd.Series:
    """Numbers become int64/float64 (leading-zero codes stay text); everything else str with NA tokens missing."""
    stripped = [v.strip() for v in values]
    present = [v for v in stripped if v not in NA_TOKENS]
    numeric = bool(present) and all(_sniff.is_number(v, decimal=decimal, thousands=thousands) for v in present)
    if numeric and not any(_sniff.LEADING_ZERO.fullmatch(v) for v in present):
        clean = [None if v in NA_TOKENS else _sniff.clean_number(v, decimal=decimal, thousands=thousands) for v in stripped]
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
