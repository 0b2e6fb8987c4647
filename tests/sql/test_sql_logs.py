"""The DuckDB log path gives the same customers, notes and dropped-row counts as the pandas path
(``to_customers``), from CSV, Parquet files and folders, and DuckDB tables."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest
from helpers import SAMPLE_DATA, ten_category_log

from segcore.columns.rfm import to_customers
from segcore.columns.transactions import TransactionColumns, detect_transactions
from segcore.errors import DataError
from segcore.io.load import load_table
from segcore.sql.logs import customers_from_log
from segcore.sql.logsource import is_out_of_core_source, open_log


def duck(path, **kwargs):
    src = open_log(str(path))
    try:
        return customers_from_log(src, **kwargs)
    finally:
        src.close()


def assert_same(got, want):
    assert list(got.df.columns) == list(want.df.columns)
    assert len(got.df) == len(want.df)
    for name in want.df.columns:
        a, b = got.df[name], want.df[name]
        if pd.api.types.is_numeric_dtype(b):
            np.testing.assert_allclose(a.astype(float), b.astype(float), atol=0.01, err_msg=name)
        else:
            assert a.astype(str).tolist() == b.astype(str).tolist(), name
    assert got.notes == want.notes
    assert got.rows_dropped == want.rows_dropped
    assert got.as_of == want.as_of


@pytest.mark.slow
def test_sample_log_csv_matches_pandas():
    path = SAMPLE_DATA / "transactions.csv"
    got = duck(path)
    want = to_customers(load_table(path).df)
    assert_same(got, want)
    assert len(got.df) > 1000 and "share_web" in got.df and got.df["rfm_segment"].nunique() > 5


@pytest.mark.slow
def test_long_logs_count_purchase_days_without_the_day_bitmap(monkeypatch):
    """Logs spanning more than BITMAP_MAX_DAYS count days with a GROUP BY customer and day: same customers."""
    import segcore.sql.logsums as logsums

    path = SAMPLE_DATA / "transactions.csv"
    bitmap = duck(path)
    monkeypatch.setattr(logsums, "BITMAP_MAX_DAYS", 0)
    grouped = duck(path)
    assert_same(grouped, to_customers(load_table(path).df))
    assert grouped.df["frequency"].tolist() == bitmap.df["frequency"].tolist()
    assert bitmap.df["frequency"].max() > 1


def test_messy_ids_dates_and_amounts_match(tmp_path):
    log = pd.DataFrame(
        {
            "CustomerID": [12345.0, 12345.0, np.nan, 777.0, 777.0, 777.0, 12345.0, 5.0],
            "InvoiceDate": ["2024-03-01", "2024-03-05", "2024-03-05", "not a date", None, "2024-03-02",
                            "2024-03-06", "03/04/2024"],
            "Sales": [10.0, 20.0, 5.0, 1.0, 1.0, 4.0, np.nan, -3.0],
            "channel": ["Web ", "web", "app", None, "Store", "app", "web", "APP"],
        }
    )  # fmt: skip
    log.to_parquet(tmp_path / "log.parquet")
    got, want = duck(tmp_path / "log.parquet"), to_customers(log)
    assert_same(got, want)
    assert "1 unreadable (for example 'not a date'), 1 blank" in " | ".join(map(str, got.notes))


def test_text_ids_that_are_one_customer_once_cleaned_match(tmp_path):
    """The GROUP BY runs on raw ids; ' 42', '42' and '42.0' are one customer, blank ids are none (as in pandas)."""
    log = pd.DataFrame(
        {
            "customer_id": [" 42", "42", "42.0", "7", "7 ", "", "   ", None, "x.5"],
            "order_date": ["2024-03-01", "2024-03-02", "2024-03-03", "2024-03-01", "2024-03-04", "2024-03-01",
                           "2024-03-02", "2024-03-02", "2024-03-05"],
            "amount": [10.0, 20.0, 5.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
        }
    )  # fmt: skip
    log.to_parquet(tmp_path / "log.parquet")
    columns = TransactionColumns(customer="customer_id", date="order_date", amount="amount")
    got = duck(tmp_path / "log.parquet", columns=columns)
    assert_same(got, to_customers(log, columns=columns))
    assert got.df.set_index("customer_id")["frequency"].to_dict() == {"7": 2, "42": 3, "x.5": 1}
    clean = log.iloc[[0, 3, 8]]  # nothing merges: the raw keys are cleaned after the GROUP BY
    clean.to_parquet(tmp_path / "clean.parquet")
    assert_same(duck(tmp_path / "clean.parquet", columns=columns), to_customers(clean, columns=columns))


def test_detection_samples_the_whole_log_when_ids_do_not_repeat_early(tmp_path, monkeypatch):
    """Detection first samples customers within the log's first rows; a log whose first rows are all different
    customers (many customers, few rows each) is sampled over all of it instead."""
    import segcore.sql.logs as logs
    from segcore.sql.logs import detect_columns

    monkeypatch.setattr(logs, "SAMPLE_ROWS", 10)
    monkeypatch.setattr(logs, "SAMPLE_SCAN_ROWS", 40)
    ids = [f"c{i:03d}" for i in range(100)] * 2  # every customer once in the first 100 rows
    log = pd.DataFrame({"customer_id": ids, "order_date": pd.Timestamp("2024-01-01"), "amount": 5.0})
    log.to_parquet(tmp_path / "log.parquet")
    src = open_log(str(tmp_path / "log.parquet"), threads=1)
    try:
        assert detect_columns(src) == TransactionColumns(customer="customer_id", date="order_date", amount="amount")
        first_rows = src.connection.execute(f"SELECT * FROM {src.relation} LIMIT 40").df()
        assert detect_transactions(first_rows) is None  # the first rows alone do not look like a log
    finally:
        src.close()


def test_price_times_quantity_and_cancelled_invoices_match(tmp_path):
    log = pd.DataFrame(
        {
            "InvoiceNo": ["1001", "1001", "1002", "C1003", "1004", None],
            "CustomerID": [1.0, 1.0, 2.0, 1.0, 2.0, 2.0],
            "InvoiceDate": pd.to_datetime(
                ["2011-01-01", "2011-01-01", "2011-01-02", "2011-01-03", "2011-01-04", "2011-01-04"]
            ),
            "Quantity": [2, 1, 5, 1, 1, 3],
            "UnitPrice": [2.5, 10.0, 1.0, 10.0, 3.0, 1.5],
        }
    )
    log.to_parquet(tmp_path / "log.parquet")
    got, want = duck(tmp_path / "log.parquet"), to_customers(log, columns=detect_transactions(log))
    assert_same(got, want)
    # the line without an invoice id is an order of its own; with it, under 90% of the ids are plain numbers, so
    # "C1003" is not read as a cancellation (the pandas rule)
    assert got.df.set_index("CustomerID").loc["2", "frequency"] == 3
    assert got.df.set_index("CustomerID").loc["1", "monetary"] == 25.0
    clean = log.iloc[:5]
    clean.to_parquet(tmp_path / "clean.parquet")
    got = duck(tmp_path / "clean.parquet")
    assert_same(got, to_customers(clean, columns=detect_transactions(clean)))
    assert got.df.set_index("CustomerID").loc["1", "monetary"] == 5.0


def test_yyyymmdd_integers_explicit_as_of_and_mixed_formats(tmp_path):
    log = pd.DataFrame(
        {"customer_id": [1, 1, 2, 2], "date": [19970101, 19970115, 19970110, 19970301], "dollar_value": [10.0] * 4}
    )
    log.to_parquet(tmp_path / "ymd.parquet")
    assert_same(duck(tmp_path / "ymd.parquet", as_of="1997-02-01"), to_customers(log, as_of="1997-02-01"))
    mixed = pd.DataFrame(
        {
            "client_no": ["a", "a", "b", "b"],
            "date": ["12/06/2010 10:08", "2/20/11 11:39", "02/08/2011 09:00", "1/5/11 8:00"],
            "amount": [1.0, 2.0, 3.0, 4.0],
        }
    )
    mixed.to_parquet(tmp_path / "mixed.parquet")
    got = duck(tmp_path / "mixed.parquet")
    assert_same(got, to_customers(mixed))
    assert got.df.set_index("client_no")["tenure_days"].to_dict() == {"a": 77, "b": 47}


def test_top_levels_pool_into_other_like_pandas(tmp_path):
    log = ten_category_log()
    log.to_parquet(tmp_path / "log.parquet")
    got = duck(tmp_path / "log.parquet")
    assert_same(got, to_customers(log))
    assert "share_other" in got.df and "share_cat_0" not in got.df


def test_one_pass_without_order_ids_matches_the_counts_pass_first(tmp_path, monkeypatch):
    """Without order ids one GROUP BY sums spend per raw value and the top levels are folded afterwards; the counts
    pass runs only when rows are left out. Same customers as pandas and as picking the top levels first."""
    import segcore.sql.logs as logs
    import segcore.sql.logsurvey as logsurvey

    rng = np.random.default_rng(3)
    n = 400
    log = pd.DataFrame(
        {
            "customer_id": rng.choice([f"c{i}" for i in range(40)], n),
            "order_date": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 90, n), unit="D"),
            "amount": np.round(rng.normal(40, 30, n), 2),
            "channel": rng.choice(["Web ", "web", "app", "Store", None], n),
            "category": rng.choice([f"Cat {i}" for i in range(11)], n),
        }
    )
    log.to_parquet(tmp_path / "log.parquet")
    calls = []
    real_counts = logs.counts_and_totals
    monkeypatch.setattr(logs, "counts_and_totals", lambda *a, **k: calls.append(1) or real_counts(*a, **k))
    want = to_customers(log)
    one_pass = duck(tmp_path / "log.parquet")
    assert_same(one_pass, want)
    assert calls == [] and "share_other" in one_pass.df and "share_web" in one_pass.df
    monkeypatch.setattr(logsurvey, "LEVEL_CAP", 5)  # 11 categories: too many raw values, the counts pass first
    assert_same(duck(tmp_path / "log.parquet"), want)
    assert calls == [1]
    monkeypatch.setattr(logsurvey, "LEVEL_CAP", 16)
    gaps = log.assign(customer_id=log["customer_id"].mask(log.index % 7 == 0))
    gaps.to_parquet(tmp_path / "gaps.parquet")
    assert_same(duck(tmp_path / "gaps.parquet"), to_customers(gaps))
    assert calls == [1, 1]  # rows without an id are left out: counted after the GROUP BY, for the notes


@pytest.mark.slow
def test_partitioned_folder_glob_and_duckdb_table_read_the_same_log(tmp_path):
    log = load_table(SAMPLE_DATA / "transactions.csv").df
    want = to_customers(log)
    folder = tmp_path / "lake"
    folder.mkdir()
    for i, part in enumerate(np.array_split(np.arange(len(log)), 3)):
        (folder / f"month={i}").mkdir()
        log.iloc[part].to_parquet(folder / f"month={i}" / "part.parquet")
    assert is_out_of_core_source(str(folder)) and is_out_of_core_source(str(folder / "*" / "*.parquet"))
    for source in (folder, folder / "*" / "*.parquet"):
        got = duck(source)
        assert_same(got, want)
    db = tmp_path / "shop.duckdb"
    with duckdb.connect(str(db)) as con:
        con.register("log_df", log)
        con.execute("CREATE TABLE orders AS SELECT * FROM log_df")
    assert_same(duck(db), want)


def test_not_a_log_and_unreadable_sources_say_what_is_wrong(tmp_path):
    pd.DataFrame({"a": [1, 2], "b": [3, 4]}).to_parquet(tmp_path / "t.parquet")
    with pytest.raises(DataError, match="does not look like a transaction log"):
        duck(tmp_path / "t.parquet")
    (tmp_path / "broken.parquet").write_bytes(b"not parquet")
    with pytest.raises(DataError, match="could not be read"):
        open_log(str(tmp_path / "broken.parquet"))
    with pytest.raises(DataError, match="No Parquet files"):
        open_log(str(tmp_path / "nothing" / "*.parquet"))


@pytest.mark.slow
def test_progress_is_reported_in_order():
    seen = []
    duck(SAMPLE_DATA / "transactions.csv", progress=lambda f, m: seen.append((f, m)))
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0 and len(seen) >= 5


@pytest.mark.slow
def test_running_out_of_memory_starts_again_with_more():
    src = open_log(str(SAMPLE_DATA / "transactions.csv"))
    src.connection.execute("SET memory_limit = '4MB'")
    seen = []
    try:
        got = customers_from_log(src, progress=lambda f, m: seen.append(m))
    finally:
        src.close()
    assert len(got.df) == 3939
    assert any("starting again with" in m for m in seen)


def test_running_out_of_memory_in_the_group_by_repeats_only_the_group_by(monkeypatch):
    """The GROUP BY customer runs again with twice the memory; the counts pass before it is not redone."""
    import segcore.sql.logs as logs

    path = SAMPLE_DATA / "transactions.csv"
    want = duck(path)
    calls = {"group_by": 0, "counts": 0}
    real_run, real_counts = logs.run_with_progress, logs.counts_and_totals

    def short_of_memory_once(*args, **kwargs):
        calls["group_by"] += 1
        if calls["group_by"] == 1:
            raise duckdb.OutOfMemoryException("Out of Memory Error: could not allocate block")
        return real_run(*args, **kwargs)

    def counted(*args, **kwargs):
        calls["counts"] += 1
        return real_counts(*args, **kwargs)

    monkeypatch.setattr(logs, "run_with_progress", short_of_memory_once)
    monkeypatch.setattr(logs, "counts_and_totals", counted)
    src = open_log(str(path))
    seen = []
    try:
        before = src.connection.execute("SELECT current_setting('memory_limit')").fetchone()[0]
        got = customers_from_log(src, progress=lambda f, m: seen.append((f, m)))
        after = src.connection.execute("SELECT current_setting('memory_limit')").fetchone()[0]
    finally:
        src.close()
    assert_same(got, want)
    assert calls == {"group_by": 2, "counts": 1}
    assert before != after and any("starting again with" in m for _, m in seen)
    assert [f for f, _ in seen] == sorted(f for f, _ in seen)  # progress never goes back
