"""Reading the command line's input files: a table, or a transaction log turned into one row per customer."""

from __future__ import annotations

from pathlib import Path

from segcore.cli.console import note, progress_bar, say
from segcore.cli.options import LARGE_CSV_BYTES, sheet_number
from segcore.errors import SpecError
from segcore.i18n import _, _l


def load_input(path: str, sheet: str | None):
    from segcore.io.load import load_table

    if not Path(path).exists():
        raise FileNotFoundError(2, "no such file", path)
    table = load_table(path, sheet=sheet_number(sheet))
    if sheet is not None and table.report.file_format != "excel":
        raise SpecError(_l(
            "--sheet only applies to Excel workbooks, and {source} is a {file_format} file. Leave --sheet "
            "out.",
            source=table.report.source, file_format=table.report.file_format.upper(),
        ))
    return table


def customers_out_of_core(path: str, engine: str):
    """Customers from a log DuckDB reads without loading it (see ``ENGINE_HELP``), or None to load with pandas.

    A Parquet folder or glob that is not a log is read as a customer table (pandas cannot open those)."""
    from segcore.sql.logsource import CSV_SUFFIXES, is_out_of_core_source

    p = Path(path)
    large_csv = p.suffix.lower() in CSV_SUFFIXES and p.is_file() and p.stat().st_size > LARGE_CSV_BYTES
    many_files = any(ch in path for ch in "*?[") or p.is_dir()
    if engine == "pandas" or not (engine == "duckdb" or large_csv or is_out_of_core_source(path)):
        return None
    from segcore.sql.loghead import may_be_log_file

    if not may_be_log_file(p):
        return None  # a customer table: no need to parse it all into DuckDB first
    from segcore.sql.logs import customers_from_log as aggregate_log
    from segcore.sql.logs import detect_columns
    from segcore.sql.logsource import open_log

    src = open_log(path)
    try:
        columns = detect_columns(src)
        if columns is None:
            return src.connection.execute(f"SELECT * FROM {src.relation}").df() if many_files else None
        with progress_bar() as progress:
            customers = aggregate_log(src, columns=columns, progress=progress)
    finally:
        src.close()
    note(_("transaction log '{name}' turned into {n:,} customers by DuckDB ({dropped:,} rows left out).",
           name=src.name, n=len(customers.df), dropped=customers.rows_dropped))
    for line in customers.notes:
        note(line)
    df = customers.df
    df.attrs["segcore_log"] = True
    return df


def report_loading(report) -> None:
    """The same notes ``inspect`` prints: every row skipped, value changed, column renamed or dropped."""
    for line in report.notes():
        note(line)


def customers_from_log(df, tx, *, tell=None):
    """One row per customer from a transaction log, saying how many rows became how many customers and why any
    rows were left out (``inspect`` prints the same notes to stdout)."""
    from segcore.columns.rfm import to_customers

    tell = tell or say
    customers = to_customers(df, columns=tx)
    from segcore.sql.fromlog import recipe_from_frames

    customers.df.attrs["segcore_log_recipe"] = recipe_from_frames(df, customers)
    tell(_("note: {message}", message=_("transaction log with {rows:,} rows turned into {n:,} customers.",
                                           rows=len(df), n=len(customers.df))))
    for line in customers.notes:
        tell(_("note: {message}", message=line))
    return customers.df
