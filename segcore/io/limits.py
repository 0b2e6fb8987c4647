"""Resource limits checked before a file is parsed, so a hostile or broken file costs seconds, not gigabytes.

Each check looks at raw bytes (or a zip's directory, or a Parquet footer) and raises ``DataError`` saying what is
too big, where, and what to do. They run before any parser builds Python objects for the file.
"""

from __future__ import annotations

import io
import zipfile

import numpy as np

from segcore.errors import DataError
from segcore.i18n import _l, lazy_ngettext

# Columns a table may have: far beyond any customer file (Excel itself stops at 16,384).
MAX_COLUMNS = 10_000
# Characters in one cell: Python's csv module default field limit, which the careful reader uses.
MAX_CELL_CHARS = 131_072
# Bytes in one line of text: a line longer than this is a runaway cell or a runaway column count.
MAX_LINE_BYTES = 16 << 20
# Levels of nesting in JSON: customer records are a few levels deep; 50,000 is an attack.
MAX_NESTING = 100
# Bytes a compressed workbook or Parquet file may expand to before we refuse it (a zip bomb stops here).
MAX_DECOMPRESSED_BYTES = 1 << 30
# Bytes scanned at a time when measuring line lengths (bounds the temporary arrays).
_SCAN_CHUNK = 1 << 24
_DELIMITERS = b",;\t|"
# A text file with more NUL bytes (or control bytes) than this share is binary, not a table with a few stray NULs.
BINARY_NUL_SHARE = 0.01
BINARY_CONTROL_SHARE = 0.02
_CONTROL_BYTES = bytes([*range(0, 9), 11, 12, *range(14, 32), 127])


def check_text(data: bytes, source: str) -> None:
    """NUL bytes (with where), lines longer than MAX_LINE_BYTES and headers wider than MAX_COLUMNS."""
    if not _looks_utf16(data):
        _check_nul_bytes(data, source)
        _check_line_lengths(data, source)
        first_end = _line_end(data, 0)
        header = data[:first_end]
        widest = max(header.count(bytes([d])) for d in _DELIMITERS) + 1
        if widest > MAX_COLUMNS:
            raise _too_many_columns(source, 1, widest)


def check_columns(n_columns: int, *, source: str, where: object = None) -> None:
    if n_columns > MAX_COLUMNS:
        raise DataError(
            _l(
                "{where} of {source} has {n_columns:,} columns; segcore reads at most {max_columns:,}. Keep "
                "only the columns that describe customers and upload again.",
                where=where or _l("The header"), source=source, n_columns=n_columns, max_columns=MAX_COLUMNS,
            )
        )


def check_zip_size(data: bytes, source: str) -> None:
    """Refuse a workbook whose parts expand beyond MAX_DECOMPRESSED_BYTES, before anything is decompressed."""
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # the Excel reader says the file is damaged
    total = sum(info.file_size for info in infos)
    if total > MAX_DECOMPRESSED_BYTES:
        raise _too_big_unpacked(source, total)


def check_parquet_size(metadata, source: str) -> None:
    """Columns and uncompressed size from the Parquet footer, before any column is read."""
    check_columns(metadata.num_columns, source=source, where=_l("The Parquet file"))
    total = sum(metadata.row_group(i).total_byte_size for i in range(metadata.num_row_groups))
    if total > MAX_DECOMPRESSED_BYTES:
        raise _too_big_unpacked(source, total)


def nesting_error(source: str) -> DataError:
    return DataError(
        _l(
            "{source} is nested more than {max_nesting} levels deep, which is not a table of customers. "
            "Export one record per customer (a list of flat objects, or CSV) and upload again.",
            source=source, max_nesting=MAX_NESTING,
        )
    )


def _too_big_unpacked(source: str, total: int) -> DataError:
    return DataError(
        _l(
            "{source} would unpack to {size:,.1f} GiB, more than the {limit:,.0f} GiB segcore reads. "
            "Split it into smaller files or export only the columns you need, then upload again.",
            source=source, size=total / 2**30, limit=MAX_DECOMPRESSED_BYTES / 2**30,
        )
    )


def _too_many_columns(source: str, line: int, n_columns: int) -> DataError:
    return DataError(
        _l(
            "Line {line:,} of {source} has {n_columns:,} columns; segcore reads at most {max_columns:,}. "
            "Check that the file is a table of customers (one row each), keep only the columns you need and "
            "upload again.",
            line=line, source=source, n_columns=n_columns, max_columns=MAX_COLUMNS,
        )
    )


def _looks_utf16(data: bytes) -> bool:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    head = data[:8192]
    even, odd = head[0::2].count(0), head[1::2].count(0)
    return (odd > 0.1 * len(head) / 2 and even == 0) or (even > 0.1 * len(head) / 2 and odd == 0)


def _check_nul_bytes(data: bytes, source: str) -> None:
    first = data.find(b"\x00")
    if first < 0:
        return
    count = data.count(b"\x00")
    line = data.count(b"\n", 0, first) + 1
    column = first - (data.rfind(b"\n", 0, first) + 1) + 1
    sample = data[:_SCAN_CHUNK]
    control = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    if count > BINARY_NUL_SHARE * len(data) or control > BINARY_CONTROL_SHARE * len(sample):
        raise DataError(
            lazy_ngettext(
                "{source} contains binary data ({n:,} NUL byte, on line {line:,}), so it is not a text "
                "table. Upload a CSV, Excel (.xlsx), Parquet or JSON file.",
                "{source} contains binary data ({n:,} NUL bytes, the first on line {line:,}), so it is not "
                "a text table. Upload a CSV, Excel (.xlsx), Parquet or JSON file.",
                count, source=source, line=line,
            )
        )
    raise DataError(
        lazy_ngettext(
            "{source} contains {n:,} NUL byte (character code 0), on line {line:,} at character {column:,}; "
            "a text table cannot hold it. Remove it (or save the file again as 'CSV UTF-8' from your "
            "spreadsheet) and upload again.",
            "{source} contains {n:,} NUL bytes (character code 0), the first on line {line:,} at character "
            "{column:,}; a text table cannot hold them. Remove them (or save the file again as 'CSV UTF-8' "
            "from your spreadsheet) and upload again.",
            count, source=source, line=line, column=column,
        )
    )


def _line_end(data: bytes, start: int) -> int:
    ends = [p for p in (data.find(b"\n", start), data.find(b"\r", start)) if p >= 0]
    return min(ends) if ends else len(data)


def _check_line_lengths(data: bytes, source: str) -> None:
    """The first line longer than MAX_LINE_BYTES, found with numpy a chunk at a time (linear, bounded memory)."""
    if len(data) <= MAX_LINE_BYTES:
        return
    if _every_half_window_breaks(data):
        return
    view = np.frombuffer(data, dtype=np.uint8)
    line_start = 0
    for lo in range(0, len(data), _SCAN_CHUNK):
        chunk = view[lo : lo + _SCAN_CHUNK]
        breaks = np.flatnonzero((chunk == 10) | (chunk == 13)) + lo
        starts = np.concatenate(([line_start], breaks + 1))
        lengths = np.diff(np.concatenate((starts, [min(lo + _SCAN_CHUNK, len(data))])))
        long = np.flatnonzero(lengths > MAX_LINE_BYTES)
        if len(long):
            _refuse_long_line(data, source, int(starts[long[0]]))
        line_start = int(starts[-1])
    if len(data) - line_start > MAX_LINE_BYTES:
        _refuse_long_line(data, source, line_start)


def _every_half_window_breaks(data: bytes) -> bool:
    """Whether each aligned block of MAX_LINE_BYTES // 2 bytes holds a line break: then no line is longer than
    MAX_LINE_BYTES (a longer one would cover a whole block), proven with a few ``find`` calls instead of a scan."""
    half = MAX_LINE_BYTES // 2
    for lo in range(0, len(data) - half + 1, half):
        if data.find(b"\n", lo, lo + half) < 0 and data.find(b"\r", lo, lo + half) < 0:
            return False
    return True


def _refuse_long_line(data: bytes, source: str, start: int) -> None:
    line = data.count(b"\n", 0, start) + 1
    end = _line_end(data, start)
    text = data[start:end]
    widest = max(text.count(bytes([d])) for d in _DELIMITERS) + 1
    if widest > MAX_COLUMNS:
        raise _too_many_columns(source, line, widest)
    raise DataError(
        _l(
            "Line {line:,} of {source} is {length:,} characters long: one of its values is far longer than "
            "the {max_cell_chars:,} characters a cell may hold. Check that the file is a table (not a log "
            "or a document) and export it again.",
            line=line, source=source, length=end - start, max_cell_chars=MAX_CELL_CHARS,
        )
    )
