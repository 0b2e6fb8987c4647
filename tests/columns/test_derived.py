"""Derived columns of a log's customer table (RFM scores, the RFM code, top levels) are not clustered on twice."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from segcore.columns.rfm import to_customers
from segcore.columns.roles import infer_roles
from segcore.i18n import use_language

SAMPLE_LOG = Path(__file__).resolve().parents[2] / "sample_data" / "transactions.csv"


@pytest.fixture(scope="module")
def log_schema():
    return infer_roles(to_customers(pd.read_csv(SAMPLE_LOG)).df)


def uses(schema) -> dict[str, str]:
    return {c.name: c.use for c in schema.columns}


def test_a_logs_customer_table_clusters_on_each_fact_once(log_schema):
    use = uses(log_schema)
    features = [name for name, u in use.items() if u == "feature"]
    assert features[:5] == ["recency_days", "frequency", "monetary", "tenure_days", "avg_order_value"]
    assert all(name.startswith("share_") for name in features[5:]) and len(features) == 16
    assert {name: use[name] for name in ("r_score", "f_score", "m_score", "top_channel", "top_category")} == dict.fromkeys(
        ("r_score", "f_score", "m_score", "top_channel", "top_category"), "profile")
    assert use["rfm_score"] == "ignore"
    assert use["rfm_segment"] == "profile"


def test_each_moved_column_says_why(log_schema):
    reasons = {c.name: c.reason for c in log_schema.columns}
    assert "count recency_days twice" in reasons["r_score"]
    assert "count monetary twice" in reasons["m_score"]
    assert "a code, not a quantity" in reasons["rfm_score"]
    assert "count the mix twice" in reasons["top_channel"]


def test_scores_stay_features_when_their_source_is_not_in_the_table():
    rng = pd.Series(range(300))
    table = pd.DataFrame({
        "customer_id": [f"C{i}" for i in rng],
        "r_score": rng % 5 + 1,
        "f_score": (rng * 7) % 5 + 1,
        "spend": (rng * 13.7) % 900 + 10.5,
        "top_product": [("shoes", "bags", "hats")[i % 3] for i in rng],
    })
    use = uses(infer_roles(table))
    assert use["r_score"] == use["f_score"] == use["top_product"] == "feature"


def test_the_reason_is_in_the_users_language():
    table = to_customers(pd.read_csv(SAMPLE_LOG)).df
    with use_language("ru"):
        reasons = {c.name: c.reason for c in infer_roles(table).columns}
    assert "дважды" in reasons["r_score"] and "код, а не количество" in reasons["rfm_score"]
