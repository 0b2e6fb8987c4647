"""Whether a delimited text file can be a transaction log at all, judged on its first rows.

DuckDB parses a whole CSV into its scratch table before the log's columns can be detected: 7 s for a 414 MB
customer table, which pandas then reads again. A file whose first megabyte has no date column or no amount column
is no log whatever follows, so it goes straight to the table reader.
"""

from __future__ import annotations

from pathlib import Path

from segcore.columns.transactions import may_be_log
from segcore.errors import SegcoreError
from segcore.sql.logsource import CSV_SUFFIXES

# Enough rows (thousands) to see every column's type; read and parsed in a few tens of milliseconds.
HEAD_BYTES = 1 << 20
UTF16_MARKS = (b"\xff\xfe", b"\xfe\xff")


def may_be_log_file(path: Path) -> bool:
    """False only for a delimited text file whose first rows show it is no transaction log; True when unsure (and
    for Parquet, DuckDB files, folders and patterns, which DuckDB reads without parsing them first)."""
    from segcore.io.load import load_table

    if path.suffix.lower() not in CSV_SUFFIXES or not path.is_file():
        return True
    with open(path, "rb") as handle:
        data = handle.read(HEAD_BYTES + 1)
    if data[:2] in UTF16_MARKS:
        return True  # a cut at a newline byte could split a UTF-16 character: the full reader decides
    if len(data) > HEAD_BYTES:
        cut = data.rfind(b"\n", 0, HEAD_BYTES)
        if cut <= 0:
            return True
        data = data[: cut + 1]
    try:
        head = load_table(data, name=path.name).df
    except (SegcoreError, ValueError):  # a head the reader refuses says nothing: the full read reports it
        return True
    return may_be_log(head)
