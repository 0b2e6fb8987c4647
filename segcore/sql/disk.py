"""Open a large file or a Parquet folder on this machine's disk for the studio, without an upload.

A transaction log (CSV, Parquet file, folder or glob, DuckDB database) is turned into customers out of core by
DuckDB (``segcore.sql.logs``), so a log far bigger than memory still opens; a customer table is read as usual.
Either way the studio gets a ``Table`` (frame + load report) like an upload gives.
"""

from __future__ import annotations

from pathlib import Path

from segcore.errors import DataError
from segcore.i18n import _l
from segcore.io.load import LoadReport, Table, load_table
from segcore.io.parsed import SkippedRows
from segcore.sql.loghead import may_be_log_file
from segcore.sql.logs import Progress, customers_from_log, detect_columns
from segcore.sql.logsource import open_log


def read_from_disk(path: str, *, progress: Progress | None = None) -> Table:
    """The customers in ``path``: a log aggregated by DuckDB, or the customer table itself."""
    path = str(path).strip().strip('"').strip("'")
    if not path:
        raise DataError(_l(
            "Type the path of a file or folder on this computer, e.g. /data/orders/ or orders.parquet.",
        ))
    p = Path(path).expanduser()
    many = any(ch in path for ch in "*?[") or p.is_dir()
    if not many and not p.exists():
        raise DataError(_l(
            "'{path}' does not exist on this computer. Check the path (it is read where segcore runs).",
            path=path,
        ))
    if not many and not may_be_log_file(p):
        return load_table(p)  # a customer table: no need to parse it all into DuckDB first
    src = open_log(str(p) if not many else path)
    try:
        columns = detect_columns(src)
        if columns is None:
            if not many:
                src.close()
                return load_table(p)
            df = src.connection.execute(f"SELECT * FROM {src.relation}").df()
            notes, kind, dropped = (), "parquet", 0
        else:
            customers = customers_from_log(src, columns=columns, progress=progress)
            df, notes, dropped = customers.df, customers.notes, customers.rows_dropped
            kind = f"{src.kind} transaction log"
            notes = (_l("A transaction log of {n:,} customers, aggregated by DuckDB without loading it.", n=len(df)),
                     *notes)
    finally:
        src.close()
    report = LoadReport(
        source=p.name or path, file_format=kind, encoding=None, delimiter=None, decimal=None, thousands=None, sheet=None,
        sheets=(), rows_read=len(df), rows_skipped=dropped, columns_renamed=(), columns_dropped=(),
        skipped=(SkippedRows(_l("log rows without a customer id, a readable date or an amount"), dropped, ()),)
        if dropped else (),
        warnings=tuple(notes), n_columns=df.shape[1],  # lazy: read in the language of whoever reads them
    )  # fmt: skip
    return Table(df=df, report=report)
