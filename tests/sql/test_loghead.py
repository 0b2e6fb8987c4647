"""A CSV whose first rows rule a transaction log out goes straight to the table reader: the CLI and the studio's
disk path no longer parse a whole customer table into DuckDB first. Logs, and files the head cannot judge, still
take the DuckDB path."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from helpers import SAMPLE_DATA

import segcore.cli.inputs as cli_inputs
import segcore.sql.disk as disk
from segcore.io.load import load_table
from segcore.sql.loghead import HEAD_BYTES, may_be_log_file


def customer_table(rows: int) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame({
        "customer_id": [f"C{i:07d}" for i in range(rows)],
        "age": rng.integers(18, 80, rows),
        "region": rng.choice(["north", "south", "east"], rows),
        "spend": rng.gamma(2.0, 300.0, rows).round(2),
    })


@pytest.fixture
def big_customer_csv(tmp_path):
    path = tmp_path / "customers.csv"
    customer_table(60_000).to_csv(path, index=False)
    assert path.stat().st_size > HEAD_BYTES  # the head is cut at a line end
    return path


def test_a_customer_table_is_no_log_and_a_log_may_be(big_customer_csv, tmp_path):
    assert may_be_log_file(big_customer_csv) is False
    assert may_be_log_file(SAMPLE_DATA / "transactions.csv") is True
    assert may_be_log_file(SAMPLE_DATA / "tranzakcii_cp1251.csv") is True  # Russian headers, CP1251, semicolons
    dated = tmp_path / "dated.csv"  # a date but nothing named like an amount or a price
    pd.DataFrame({"customer_id": ["A", "A"], "visit_date": ["2026-01-02", "2026-01-05"], "pages": [3, 4]}).to_csv(
        dated, index=False)
    assert may_be_log_file(dated) is False


def test_files_the_head_cannot_judge_take_the_full_path(tmp_path):
    utf16 = tmp_path / "log16.csv"
    utf16.write_bytes("customer_id,order_date,amount\nA,2026-01-02,5\n".encode("utf-16"))
    assert may_be_log_file(utf16) is True
    one_line = tmp_path / "one_line.csv"
    one_line.write_bytes(b"x" * (HEAD_BYTES + 10))  # no line end in the first megabyte
    assert may_be_log_file(one_line) is True
    assert may_be_log_file(tmp_path) is True  # a folder (of Parquet partitions): DuckDB reads it as it is


def test_the_cli_reads_a_big_customer_table_without_duckdb(big_customer_csv, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("DuckDB opened a customer table")

    monkeypatch.setattr(cli_inputs, "LARGE_CSV_BYTES", 0)  # every CSV counts as large here
    monkeypatch.setattr("segcore.sql.logsource.open_log", refuse)
    assert cli_inputs.customers_out_of_core(str(big_customer_csv), "auto") is None


def test_the_studio_disk_path_gives_the_table_reader_s_table(big_customer_csv, monkeypatch):
    monkeypatch.setattr(disk, "open_log", lambda *a, **k: pytest.fail("DuckDB opened a customer table"))
    table = disk.read_from_disk(str(big_customer_csv))
    want = load_table(big_customer_csv)
    pd.testing.assert_frame_equal(table.df, want.df)
    assert table.report.rows_read == 60_000 and table.report.file_format == want.report.file_format


def test_a_log_still_goes_through_duckdb(monkeypatch):
    table = disk.read_from_disk(str(SAMPLE_DATA / "transactions.csv"))
    assert table.report.file_format == "csv transaction log"
    assert str(table.report.warnings[0]).startswith("A transaction log of ")
    assert table.df["customer_id"].is_unique


def test_the_disk_path_notes_follow_the_reader_s_language():
    """Notes stay lazy: a studio session that switches language after loading reads them in the new one."""
    from segcore.i18n import use_language

    with use_language("en"):
        table = disk.read_from_disk(str(SAMPLE_DATA / "transactions.csv"))
        english = table.report.notes()
    with use_language("ru"):
        russian = table.report.notes()
    assert any(n.startswith("A transaction log of ") for n in english)
    assert any(n.startswith("Журнал транзакций по ") for n in russian)
    assert not any(n.startswith("A transaction log of ") for n in russian)
    assert any("строки журнала без идентификатора клиента" in n for n in russian)  # the skipped-rows reason too
