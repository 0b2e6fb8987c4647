"""Where a transaction log lives, opened in embedded DuckDB without loading it: a CSV file, Parquet file(s) (a file,
a folder of partitions or a glob), or a table in a DuckDB database file.

``open_log`` returns a ``LogSource``: a DuckDB connection plus the SQL relation that reads the log. Nothing is read
until a query runs, and DuckDB streams the rows, so memory depends on the number of customers, not of log rows.
A CSV file is parsed once into a scratch DuckDB file on disk (deleted on ``close``) so that each pass over the log
reads compressed columns instead of parsing text again.
"""

from __future__ import annotations

import glob as globbing
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from segcore.errors import DataError
from segcore.i18n import _l
from segcore.sql.duckmemory import memory_limit

PARQUET_SUFFIXES = (".parquet", ".parq", ".pq")
CSV_SUFFIXES = (".csv", ".tsv", ".txt")
DUCKDB_SUFFIXES = (".duckdb", ".ddb", ".db")


@dataclass(frozen=True)
class LogSource:
    """An open DuckDB connection and the relation (SQL text) that reads the log; ``name`` is for messages."""

    connection: object
    relation: str
    name: str
    kind: str
    scratch: str | None = None

    def close(self) -> None:
        self.connection.close()
        if self.scratch:
            Path(self.scratch).unlink(missing_ok=True)


def is_out_of_core_source(path: str) -> bool:
    """True for what DuckDB reads better than pandas: Parquet files, folders and globs, and DuckDB databases."""
    p = Path(path)
    if any(ch in path for ch in "*?["):
        return True
    if p.is_dir():
        return bool(_parquet_files(p))
    return p.suffix.lower() in PARQUET_SUFFIXES + DUCKDB_SUFFIXES


def open_log(path: str, *, table: str | None = None, threads: int | None = None) -> LogSource:
    """Open ``path`` for reading with DuckDB. Raises DataError saying what was expected when it cannot be read."""
    import duckdb

    p = Path(path)
    scratch = None
    if p.suffix.lower() in CSV_SUFFIXES:
        # text is parsed once into a scratch DuckDB file (columnar, on disk), not once per query
        handle, scratch = tempfile.mkstemp(prefix="segcore-log-", suffix=".duckdb")
        os.close(handle)
        os.unlink(scratch)
    # past the memory limit DuckDB spills to a temporary folder: the log never has to fit
    con = duckdb.connect(scratch or ":memory:",
                         config={"memory_limit": memory_limit(), "temp_directory": tempfile.gettempdir(),
                                 "preserve_insertion_order": False})  # rows are sorted by customer afterwards
    con.execute("SET TimeZone = 'UTC'")
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    try:
        if p.suffix.lower() in DUCKDB_SUFFIXES and p.is_file():
            con.execute(f"ATTACH {_quote_text(str(p))} AS log_db (READ_ONLY)")
            name = table or _only_table(con, p)
            relation, kind = f"log_db.{_quote_ident(name)}", "duckdb"
        elif p.is_dir() or any(ch in path for ch in "*?[") or p.suffix.lower() in PARQUET_SUFFIXES:
            files = _parquet_files(p) if p.is_dir() else sorted(globbing.glob(path, recursive=True))
            if not files:
                raise DataError(_l(
                    "No Parquet files were found at '{path}'. Give a .parquet file, a folder or a glob.",
                    path=path,
                ))
            listing = ", ".join(_quote_text(f) for f in files)
            relation = f"read_parquet([{listing}], hive_partitioning = true, union_by_name = true)"
            kind = "parquet"
        elif p.suffix.lower() in CSV_SUFFIXES or p.is_file():
            if not p.is_file():
                raise DataError(_l("'{path}' does not exist. Check the path.", path=path))
            con.execute(f"CREATE TABLE log AS SELECT * FROM read_csv({_quote_text(str(p))}, header = true, "
                        "sample_size = 100000)")  # fmt: skip
            relation, kind = "log", "csv"
        else:
            raise DataError(_l("'{path}' does not exist. Check the path.", path=path))
        con.sql(f"SELECT * FROM {relation} LIMIT 0").fetchall()  # fail here, with a message, if it cannot be read
    except duckdb.Error as error:
        _close(con, scratch)
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise DataError(_l(
            "The transaction log at '{path}' could not be read ({first}).",
            path=path, first=first,
        )) from None
    except DataError:
        _close(con, scratch)
        raise
    return LogSource(connection=con, relation=relation, name=p.name or path, kind=kind, scratch=scratch)


def _close(con, scratch: str | None) -> None:
    con.close()
    if scratch:
        Path(scratch).unlink(missing_ok=True)


def _parquet_files(folder: Path) -> list[str]:
    return sorted(str(f) for f in folder.rglob("*") if f.suffix.lower() in PARQUET_SUFFIXES and f.is_file())


def _only_table(con, path: Path) -> str:
    names = [r[0] for r in con.sql("SELECT table_name FROM duckdb_tables() WHERE database_name = 'log_db'").fetchall()]
    if len(names) != 1:
        shown = ", ".join(names) or "none"
        raise DataError(
            _l(
                "The DuckDB database '{path_name}' holds {n_tables} tables ({shown}); name the one with the "
                "transaction log.",
                path_name=path.name, n_tables=len(names), shown=shown,
            )
        )
    return names[0]


def _quote_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
