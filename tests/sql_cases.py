"""A fitted model and new customers that exercise every step SQL scoring must reproduce.

Numbers with missing values (imputed, with a "was missing" flag), a skewed column (log1p), a weight, a yes/no
column, a category with a rare level (grouped into "other") and, in the new data, missing and never-seen
categories, negative values and a pinned segment.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from helpers import customers

from segcore.columns.roles import infer_roles
from segcore.model.pinned import PinRule
from segcore.model.segmentation import segment
from segcore.model.spec import FeatureSpec

FEATURES = ("total_spend", "visits_90d", "tenure_months", "region", "app_user")


def fitted_model(*, method: str = "kmeans", k: int = 4, factors: bool = False):
    df, _ = customers(2000, seed=1)
    rng = np.random.default_rng(0)
    df.loc[rng.random(len(df)) < 0.05, "visits_90d"] = np.nan
    df["region"] = df["region"].astype(object)
    df.loc[rng.random(len(df)) < 0.05, "region"] = None
    df.loc[:4, "region"] = "Tiny"  # under 1% of customers: grouped into "other"
    df.loc[5:9, "region"] = "Souths"  # pinned by the second rule
    df["app_user"] = rng.random(len(df)) < 0.3
    spec = FeatureSpec(
        features=FEATURES,
        k=k,
        method=method,
        weights=(("tenure_months", 2.0),),
        pins=(PinRule("Top spenders", "total_spend", "top", 25), PinRule("Southerners", "region", "==", "Souths")),
        factors=factors,
    )
    return segment(df, spec=spec, schema=infer_roles(df))


def new_customers(n: int = 4000, *, seed: int = 7) -> pd.DataFrame:
    df, _ = customers(n, seed=seed)
    rng = np.random.default_rng(seed)
    df.loc[rng.random(n) < 0.1, "total_spend"] = np.nan
    df.loc[rng.random(n) < 0.05, "visits_90d"] = -3.0  # below anything seen at fit
    df["region"] = df["region"].astype(object)
    df.loc[rng.random(n) < 0.1, "region"] = "Mars"  # never seen at fit
    df.loc[rng.random(n) < 0.05, "region"] = None
    df.loc[rng.random(n) < 0.02, "region"] = "  "
    df.loc[rng.random(n) < 0.01, "region"] = "Souths"  # pinned by the second rule
    df["app_user"] = pd.array(rng.random(n) < 0.3, dtype="boolean")
    df.loc[rng.random(n) < 0.05, "app_user"] = pd.NA
    return df[["customer_id", *FEATURES]]


def agreement(model, data: pd.DataFrame, scored: pd.DataFrame) -> float:
    """Share of customers the SQL placed in the same segment, with the same name, as ``Segmentation.assign``."""
    want = model.assign(data)
    assert len(scored) == len(want)
    both = scored.merge(want, on="customer_id", suffixes=("_sql", "_py"), validate="one_to_one")
    same = (both["segment_sql"].astype(int) == both["segment_py"]) & (
        both["segment_name_sql"] == both["segment_name_py"]
    )
    return float(same.mean())


def log_model():
    """A model fitted on the sample transaction log (pandas path), with the recipe that rebuilds its customers, and
    the log itself with typed dates (as a warehouse keeps them)."""
    import dataclasses

    from helpers import SAMPLE_DATA

    from segcore.columns.rfm import to_customers
    from segcore.io.load import load_table
    from segcore.sql.fromlog import recipe_from_frames

    log = load_table(SAMPLE_DATA / "transactions.csv").df
    customers = to_customers(log)
    features = ("recency_days", "frequency", "monetary", "tenure_days", "share_web", "top_category", "r_score")
    model = segment(customers.df, spec=FeatureSpec(features=features, k=4), schema=infer_roles(customers.df))
    model = dataclasses.replace(model, log_recipe=recipe_from_frames(log, customers))
    log["order_date"] = pd.to_datetime(log["order_date"]).dt.date
    return model, log
