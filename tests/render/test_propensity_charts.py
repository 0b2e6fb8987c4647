"""Propensity charts carry the numbers they are given (checked in the Vega-Lite spec)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from segcore.insight.propensity import segment_propensity
from segcore.insight.propensity_eval import calibration_table, gains_table
from segcore.render.chartkit import chart_spec
from segcore.render.propensity_charts import calibration_chart, gains_chart, segment_propensity_chart


def _datasets(chart) -> list[list[dict]]:
    return list(chart_spec(chart)["datasets"].values())


def test_calibration_and_gains_charts_plot_the_tables():
    rng = np.random.default_rng(0)
    p = rng.random(500)
    y = (rng.random(500) < p).astype(int)
    cal = calibration_table(y, p)
    rows = max(_datasets(calibration_chart(cal)), key=len)
    assert [r["observed"] for r in rows] == cal["observed"].tolist()
    gains = gains_table(y, p)
    rows = next(d for d in _datasets(gains_chart(gains)) if len(d) == 11)
    assert rows[0]["reached"] == 0.0 and rows[-1]["reached"] == 1.0
    assert rows[1]["reached"] == gains["cumulative_share_reached"].iloc[0]


def test_segment_chart_orders_segments_by_mean():
    table = segment_propensity(np.array([0, 0, 1, 1]), np.array([0.1, 0.2, 0.8, 0.9]), names={0: "Quiet", 1: "Keen"})
    spec = chart_spec(segment_propensity_chart(table))
    sort = spec["layer"][0]["encoding"]["y"]["sort"]
    assert sort == ["Keen", "Quiet"]
    assert pd.DataFrame(_datasets(segment_propensity_chart(table))[0])["p75"].tolist() == table["p75"].tolist()
