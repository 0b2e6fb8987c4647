"""The generated SQL run for real on PostgreSQL (a throwaway server) and Spark (local pyspark): it must place
>= 99.9% of customers where Segmentation.assign does, on mixed data with missing values and unseen categories."""

from __future__ import annotations

import os

import pandas as pd
import pg
import pytest
from sql_cases import agreement, fitted_model, log_model, new_customers

from segcore.sql.fromlog import log_query
from segcore.sql.scoring import render, scoring_query, scoring_sql

pytestmark = pytest.mark.slow

COLUMNS = {
    "customer_id": ("TEXT", "string"),
    "total_spend": ("DOUBLE PRECISION", "double"),
    "visits_90d": ("DOUBLE PRECISION", "double"),
    "tenure_months": ("DOUBLE PRECISION", "double"),
    "region": ("TEXT", "string"),
    "app_user": ("BOOLEAN", "boolean"),
}


@pytest.fixture(scope="module")
def model():
    return fitted_model()


def plain_rows(data: pd.DataFrame) -> list[tuple]:
    """Rows of Python values with None for every missing value (NaN is a number to a warehouse, not a NULL)."""
    frame = data[list(COLUMNS)].astype(object)
    return [tuple(v for v in row) for row in frame.where(frame.notna(), None).itertuples(index=False)]


@pytest.mark.postgres
def test_postgres_agrees_with_assign(model):
    import psycopg

    if pg.find_bin_dir() is None:
        pytest.fail(pg.INSTALL_HINT)
    data = new_customers()
    with pg.postgres_server() as url, psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE customers (" + ", ".join(f"{c} {t}" for c, (t, _) in COLUMNS.items()) + ")")
        with conn.cursor() as cur, cur.copy(f"COPY customers ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            for row in plain_rows(data):
                copy.write_row(row)
        cur = conn.execute(scoring_sql(model, dialect="postgres"))
        scored = pd.DataFrame(cur.fetchall(), columns=[d.name for d in cur.description])
    assert list(scored.columns) == ["customer_id", "segment", "segment_name"]
    assert agreement(model, data, scored) >= 0.999


@pytest.mark.postgres
def test_postgres_rebuilds_customers_from_the_log_and_scores_them():
    import psycopg

    model, log = log_model()
    query = render(scoring_query(model, table=log_query(model.log_recipe, table="orders")), dialect="postgres")
    with pg.postgres_server() as url, psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE orders (transaction_id TEXT, customer_id TEXT, order_date DATE, "
                     "amount DOUBLE PRECISION, channel TEXT, product_category TEXT)")
        frame = log.astype(object).where(log.notna(), None)
        with conn.cursor() as cur, cur.copy("COPY orders FROM STDIN") as copy:
            for row in frame.itertuples(index=False):
                copy.write_row(tuple(row))
        cur = conn.execute(query)
        scored = pd.DataFrame(cur.fetchall(), columns=[d.name for d in cur.description])
    fitted = model.assignments()
    both = scored.merge(fitted, on="customer_id", suffixes=("_sql", "_fit"))
    assert len(both) == len(fitted) == 3939
    assert (both["segment_sql"] == both["segment_fit"]).mean() >= 0.999


def test_spark_agrees_with_assign(model, tmp_path):
    from pyspark.sql import SparkSession
    from pyspark.sql.types import StructField, StructType, _parse_datatype_string

    os.environ.setdefault("PYSPARK_PYTHON", "python")
    spark = (
        SparkSession.builder.master("local[1]")
        .appName("segcore-sql-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.driver.memory", "1g")
        .config("spark.local.dir", str(tmp_path))
        .getOrCreate()
    )
    try:
        data = new_customers()
        schema = StructType([StructField(c, _parse_datatype_string(t), True) for c, (_, t) in COLUMNS.items()])
        spark.createDataFrame(plain_rows(data), schema=schema).createOrReplaceTempView("customers")
        scored = pd.DataFrame(
            [r.asDict() for r in spark.sql(scoring_sql(model, dialect="spark")).collect()]
        )
    finally:
        spark.stop()
    assert list(scored.columns) == ["customer_id", "segment", "segment_name"]
    assert agreement(model, data, scored) >= 0.999
