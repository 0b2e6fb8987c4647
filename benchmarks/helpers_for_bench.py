"""A model with every kind of preparation step (missing values, skew, weights, categories, yes/no) and a table of
N customers in DuckDB for it, made by DuckDB itself so 10M rows take seconds."""

from __future__ import annotations

import numpy as np
import pandas as pd

from segcore.columns.roles import infer_roles
from segcore.model.segmentation import segment
from segcore.model.spec import FeatureSpec

FEATURES = ("total_spend", "visits_90d", "tenure_months", "region", "app_user")
CUSTOMERS_SQL = """
CREATE OR REPLACE TABLE customers AS
SELECT 'C' || lpad(CAST(i AS VARCHAR), 9, '0') AS customer_id,
       CASE WHEN random() < 0.05 THEN NULL ELSE round(exp(4 + 2 * random() + (i % 3)), 2) END AS total_spend,
       CASE WHEN random() < 0.05 THEN NULL ELSE round(20 * random() * (1 + i % 3), 1) END AS visits_90d,
       round(1 + 60 * random(), 1) AS tenure_months,
       (['North', 'South', 'West', 'East', 'Mars', NULL])[1 + CAST(floor(random() * 6) AS INTEGER)] AS region,
       random() < 0.3 AS app_user
FROM range({rows}) t(i)
"""


def fitted_model(n: int = 50_000, seed: int = 0):
    rng = np.random.default_rng(seed)
    persona = rng.integers(0, 3, n)
    df = pd.DataFrame(
        {
            "customer_id": [f"F{i:07d}" for i in range(n)],
            "total_spend": np.round(np.exp(4 + 2 * rng.random(n) + persona), 2),
            "visits_90d": np.round(20 * rng.random(n) * (1 + persona), 1),
            "tenure_months": np.round(1 + 60 * rng.random(n), 1),
            "region": rng.choice(["North", "South", "West", "East"], n).astype(object),
            "app_user": rng.random(n) < 0.3,
        }
    )
    df.loc[rng.random(n) < 0.05, "visits_90d"] = np.nan
    spec = FeatureSpec(features=FEATURES, k=6, weights=(("tenure_months", 0.5),))
    return segment(df, spec=spec, schema=infer_roles(df))


def warehouse_customers(con, rows: int) -> None:
    con.execute(CUSTOMERS_SQL.format(rows=int(rows)))
