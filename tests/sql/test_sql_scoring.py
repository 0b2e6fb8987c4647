"""SQL scoring agrees with Segmentation.assign: rendered for every dialect, run for real on DuckDB."""

from __future__ import annotations

import dataclasses

import duckdb
import numpy as np
import pytest
import sqlglot
from sql_cases import agreement, fitted_model, new_customers

from segcore.errors import ModelError
from segcore.sql.scoring import DIALECTS, scoring_sql


@pytest.fixture(scope="module")
def model():
    return fitted_model()


def run_duckdb(sql: str, data):
    con = duckdb.connect()
    con.register("customers", data)
    return con.sql(sql).df()


def test_duckdb_agrees_with_assign_on_mixed_data(model):
    data = new_customers()
    scored = run_duckdb(scoring_sql(model, dialect="duckdb"), data)
    assert list(scored.columns) == ["customer_id", "segment", "segment_name"]
    assert agreement(model, data, scored) >= 0.999
    # the hard cases really occur: pinned rows, unseen levels and missing values all got a segment
    assert {"Top spenders", "Southerners"} <= set(scored["segment_name"])
    assert scored["segment"].notna().all()


@pytest.mark.slow
def test_duckdb_agrees_with_assign_on_factor_scores():
    # segments found on the factor scores of the columns (issue 12): the SQL rebuilds the prepared columns, then
    # the factor scores, then the nearest centre; the hard cases (missing, unseen, pinned) as above
    model = fitted_model(factors=True)
    assert model.projection is not None and model.centers.shape[1] == len(model.projection.names)
    data = new_customers()
    text = scoring_sql(model, dialect="duckdb")
    assert "segcore_g0" in text
    scored = run_duckdb(text, data)
    assert agreement(model, data, scored) >= 0.999
    assert scored["segment"].nunique() >= 4
    for dialect in DIALECTS:
        assert sqlglot.parse_one(scoring_sql(model, dialect=dialect), read=dialect).find(sqlglot.exp.Select)


@pytest.mark.slow
def test_every_dialect_renders_and_parses_back(model):
    for dialect in DIALECTS:
        text = scoring_sql(model, dialect=dialect)
        assert "segment_name" in text
        parsed = sqlglot.parse_one(text, read=dialect)
        assert parsed.find(sqlglot.exp.Select) is not None


def test_ties_go_to_the_first_centre_like_numpy_argmin(model):
    # centre 1 duplicated as centre 0 with another id: every customer nearest to it is an exact tie, which numpy's
    # argmin (in assign) and the SQL must both give to the centre listed first
    centers = np.vstack([model.centers[1], model.centers])
    ids = np.concatenate([[model.center_ids[1]], model.center_ids])
    ids[2] = model.center_ids[0]  # the later twin answers with another id, so picking it would show
    tied = dataclasses.replace(model, centers=centers, center_ids=ids)
    data = new_customers(1500)
    scored = run_duckdb(scoring_sql(tied, dialect="duckdb"), data)
    first = int(model.center_ids[1])
    assert (scored["segment"] == first).sum() > 50
    assert agreement(tied, data, scored) >= 0.999


@pytest.mark.slow
def test_hdbscan_leaves_far_customers_unassigned():
    model = fitted_model(method="hdbscan", k=None)
    data = new_customers(1500)
    data.loc[:20, "total_spend"] = 1e7  # far from every centre
    data.loc[:20, "region"] = "North"
    scored = run_duckdb(scoring_sql(model, dialect="duckdb"), data)
    assert agreement(model, data, scored) >= 0.999


@pytest.mark.slow
def test_gaussian_mixture_is_refused_with_a_reason():
    model = fitted_model(method="gmm", k=3)
    with pytest.raises(ModelError, match="Gaussian mixture"):
        scoring_sql(model, dialect="duckdb")


def test_unknown_dialect_names_the_choices(model):
    with pytest.raises(ModelError, match="duckdb, postgres, spark, bigquery, snowflake"):
        scoring_sql(model, dialect="oracle")


def test_table_names_are_quoted_or_qualified(model):
    assert 'FROM "my customers"' in scoring_sql(model, dialect="postgres", table="my customers", pretty=False)
    assert "FROM crm.customers" in scoring_sql(model, dialect="postgres", table="crm.customers", pretty=False)
