"""The factor view finds planted factors, counts them by parallel analysis and names them from their columns."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from segcore.errors import NotEnoughData
from segcore.insight.factors import factor_view
from segcore.render.chartkit import chart_spec
from segcore.render.factor_charts import loadings_heatmap


def _three_factors(n: int = 600, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    usage, spend, calls = rng.normal(size=(3, n))
    noise = lambda: rng.normal(size=n)  # noqa: E731
    return pd.DataFrame({
        "day_minutes": 3 * usage + noise() + 50, "day_charge": 3 * usage + noise() + 50,
        "eve_minutes": 2 * usage + noise() + 40, "wine": 2 * spend + noise() + 30, "meat": 2 * spend + noise() + 30,
        "fish": 2 * spend + noise() + 30, "service_calls": 2 * calls + noise() + 10,
        "complaints": 2 * calls + noise() + 10, "plan": rng.choice(["basic", "plus"], n),
    })


def test_planted_factors_are_found_counted_and_named():
    df = _three_factors()
    view = factor_view(df, numeric=[c for c in df.columns if c != "plan"], categorical=["plan"])
    assert view.n_factors == 3
    assert view.eigenvalues[2] > view.random_eigenvalues[2] and view.eigenvalues[3] < view.random_eigenvalues[3]
    groups = [{"day_minutes", "day_charge", "eve_minutes"}, {"wine", "meat", "fish"}, {"service_calls", "complaints"}]
    for name in view.names:
        named = set(name.split(": ", 1)[1].split(" & "))
        assert any(named <= g for g in groups), name
    top = {view.loadings[f].abs().idxmax() for f in view.names}
    assert len(top) == 3  # each factor is led by a different group
    assert all(0 < e < 1 for e in view.explained) and sum(view.explained) < 1
    spec = chart_spec(loadings_heatmap(view.loadings))
    values = next(iter(spec["datasets"].values()))
    assert len(values) == view.loadings.size


def test_too_few_columns_is_said_plainly():
    with pytest.raises(NotEnoughData, match="at least 3 varying columns"):
        factor_view(pd.DataFrame({"a": np.arange(50.0), "b": np.arange(50.0) ** 2}), numeric=["a", "b"])
