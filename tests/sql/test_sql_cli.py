"""``python -m segcore sql`` prints a query that, run on the fitted file, gives back the fitted segments."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest
from helpers import customers

from segcore.cli import main


@pytest.fixture(scope="module")
def fitted(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fit")
    df, _ = customers(800, seed=3)
    df.loc[::17, "visits_90d"] = None
    df.to_csv(folder / "customers.csv", index=False)
    assert main(["fit", str(folder / "customers.csv"), "--out", str(folder / "out"), "--k", "3"]) == 0
    return folder


def test_sql_reproduces_the_fitted_assignments(fitted, capsys):
    capsys.readouterr()
    assert main(["sql", str(fitted / "out" / "model.segcore"), "--dialect", "duckdb", "--table", "crm.customers"]) == 0
    query = capsys.readouterr().out
    assert query.rstrip().endswith(";") and "FROM crm.customers" in query
    con = duckdb.connect()
    con.execute("CREATE SCHEMA crm")
    con.execute(f"CREATE TABLE crm.customers AS SELECT * FROM read_csv('{fitted / 'customers.csv'}')")
    scored = con.sql(query.rstrip().rstrip(";")).df()
    fitted_labels = pd.read_csv(fitted / "out" / "assignments.csv")
    both = scored.merge(fitted_labels, on="customer_id", suffixes=("_sql", "_fit"))
    assert len(both) == 800
    assert (both["segment_sql"] == both["segment_fit"]).mean() >= 0.999
    assert (both["segment_name_sql"] == both["segment_name_fit"]).mean() >= 0.999


def test_sql_with_an_unknown_dialect_is_one_error_line(fitted, capsys):
    with pytest.raises(SystemExit) as stop:
        main(["sql", str(fitted / "out" / "model.segcore"), "--dialect", "oracle"])
    assert stop.value.code == 2
    assert capsys.readouterr().err.startswith("error:")


def test_sql_for_a_file_that_is_not_a_model(tmp_path, capsys):
    bad = tmp_path / "model.segcore"
    bad.write_text("not a model")
    assert main(["sql", str(bad), "--dialect", "postgres"]) == 2
    assert "not a segcore model file" in capsys.readouterr().err


@pytest.mark.slow
def test_fit_and_assign_read_a_partitioned_parquet_log_out_of_core(tmp_path, capsys):
    from helpers import SAMPLE_DATA

    from segcore.io.load import load_table

    log = load_table(SAMPLE_DATA / "transactions.csv").df
    lake = tmp_path / "lake"
    for i, half in enumerate((log.iloc[: len(log) // 2], log.iloc[len(log) // 2 :])):
        (lake / f"part={i}").mkdir(parents=True)
        half.to_parquet(lake / f"part={i}" / "orders.parquet")
    assert main(["fit", str(lake), "--out", str(tmp_path / "out"), "--k", "4"]) == 0
    err = capsys.readouterr().err
    assert "turned into 3,939 customers by DuckDB" in err and "316 rows had no customer id" in err
    fitted = pd.read_csv(tmp_path / "out" / "assignments.csv")
    assert len(fitted) == 3939 and fitted["segment"].nunique() == 4
    assert main(["assign", str(tmp_path / "out" / "model.segcore"), str(lake / "*" / "*.parquet"),
                 "--out", str(tmp_path / "scored.csv")]) == 0  # fmt: skip
    scored = pd.read_csv(tmp_path / "scored.csv")
    assert (scored["segment"].to_numpy() == fitted["segment"].to_numpy()).mean() >= 0.999


@pytest.fixture(scope="module")
def log_model(tmp_path_factory):
    folder = tmp_path_factory.mktemp("logfit")
    from helpers import SAMPLE_DATA

    assert main(["fit", str(SAMPLE_DATA / "transactions.csv"), "--out", str(folder), "--k", "4"]) == 0
    return folder


@pytest.mark.slow
def test_sql_from_log_rebuilds_customers_and_segments_in_the_warehouse(log_model, capsys):
    from helpers import SAMPLE_DATA

    from segcore.io.load import load_table

    capsys.readouterr()
    assert main(["sql", str(log_model / "model.segcore"), "--from-log", "--table", "orders"]) == 0
    query = capsys.readouterr().out.rstrip().rstrip(";")
    con = duckdb.connect()
    log = load_table(SAMPLE_DATA / "transactions.csv").df
    log["order_date"] = pd.to_datetime(log["order_date"])  # a warehouse keeps dates typed
    con.register("orders", log)
    scored = con.sql(query).df()
    fitted = pd.read_csv(log_model / "assignments.csv")
    both = scored.merge(fitted, on="customer_id", suffixes=("_sql", "_fit"))
    assert len(both) == len(fitted) == 3939
    assert (both["segment_sql"] == both["segment_fit"]).mean() >= 0.999


def test_sql_from_log_needs_a_model_fitted_on_a_log(fitted, capsys):
    assert main(["sql", str(fitted / "out" / "model.segcore"), "--from-log"]) == 2
    assert "not fitted on a transaction log" in capsys.readouterr().err
