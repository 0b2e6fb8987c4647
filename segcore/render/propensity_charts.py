"""Charts of a propensity model: is it calibrated, how much does ranking by it gain, how do segments compare.

Each takes one of the small tables ``segcore.insight.propensity_eval`` / ``propensity.segment_propensity`` return,
so the studio, the report and a notebook draw the same picture.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from segcore.errors import require_columns
from segcore.i18n import _l
from segcore.render.theme import GRID_COLOR, NO_LABEL_LIMIT, PRIMARY, SEGMENT_COLORS

PCT = alt.Axis(format="%")


def calibration_chart(table: pd.DataFrame) -> alt.LayerChart:
    """Predicted against observed rate per group of held-out customers; on the dashed diagonal = calibrated."""
    require_columns(table, ["predicted", "observed", "customers"], what=_l("calibration chart column"))
    top = float(max(table["predicted"].max(), table["observed"].max(), 0.05)) * 1.05
    scale = alt.Scale(domain=[0, min(1.0, top)])
    x = alt.X("predicted:Q", title="Predicted likelihood", axis=PCT, scale=scale)
    y = alt.Y("observed:Q", title="Observed rate (held-out customers)", axis=PCT, scale=scale)
    diagonal = pd.DataFrame({"predicted": [0.0, top], "observed": [0.0, top]})
    tooltip = [
        alt.Tooltip("predicted:Q", title="Predicted", format=".1%"),
        alt.Tooltip("observed:Q", title="Observed", format=".1%"),
        alt.Tooltip("customers:Q", title="Customers", format=","),
    ]
    return _line_over_dashed(table, diagonal, x=x, y=y, color=PRIMARY, point_size=60, tooltip=tooltip)


def gains_chart(table: pd.DataFrame) -> alt.LayerChart:
    """Share of everyone who will do it, reached by contacting the top deciles; the dashed line is random order."""
    require_columns(table, ["decile", "cumulative_share_reached", "lift"], what=_l("gains chart column"))
    frame = pd.concat(
        [pd.DataFrame({"contacted": [0.0], "reached": [0.0], "lift": [None]}),
         pd.DataFrame({"contacted": table["decile"] / 10.0, "reached": table["cumulative_share_reached"],
                       "lift": table["lift"]})],
        ignore_index=True,
    )
    x = alt.X("contacted:Q", title="Customers contacted (highest propensity first)", axis=PCT,
              scale=alt.Scale(domain=[0, 1]))
    y = alt.Y("reached:Q", title="Share of all who did it, reached", axis=PCT, scale=alt.Scale(domain=[0, 1]))
    random = pd.DataFrame({"contacted": [0.0, 1.0], "reached": [0.0, 1.0]})
    tooltip = [
        alt.Tooltip("contacted:Q", title="Contacted", format=".0%"),
        alt.Tooltip("reached:Q", title="Reached", format=".0%"),
        alt.Tooltip("lift:Q", title="Lift in this decile", format=".2f"),
    ]
    return _line_over_dashed(frame, random, x=x, y=y, color=SEGMENT_COLORS[1], point_size=50, tooltip=tooltip)


def _line_over_dashed(
    frame: pd.DataFrame, reference: pd.DataFrame, *, x, y, color: str, point_size: int, tooltip: list
) -> alt.LayerChart:
    """A line with points over the dashed line a model is judged against (perfect calibration, random order)."""
    dashed = alt.Chart(reference).mark_line(color=GRID_COLOR, strokeDash=[4, 4]).encode(x=x, y=y)
    line = alt.Chart(frame).mark_line(color=color, point=alt.OverlayMarkDef(filled=True, size=point_size))
    return alt.layer(dashed, line.encode(x=x, y=y, tooltip=tooltip)).properties(height=280)


def segment_propensity_chart(table: pd.DataFrame) -> alt.LayerChart:
    """Mean propensity per segment (point) with the middle half of its customers (bar from 25th to 75th percentile)."""
    require_columns(table, ["segment_name", "mean", "p25", "p75", "customers"], what=_l("segment propensity chart column"))
    order = table.sort_values("mean", ascending=False)["segment_name"].tolist()
    y = alt.Y("segment_name:N", title=None, sort=order, axis=alt.Axis(labelLimit=NO_LABEL_LIMIT))
    tips = [
        alt.Tooltip("segment_name:N", title="Segment"),
        alt.Tooltip("mean:Q", title="Mean", format=".1%"),
        alt.Tooltip("p25:Q", title="25th percentile", format=".1%"),
        alt.Tooltip("p75:Q", title="75th percentile", format=".1%"),
        alt.Tooltip("customers:Q", title="Customers", format=","),
    ]
    spread = alt.Chart(table).mark_bar(color=PRIMARY, opacity=0.25, height=14).encode(
        x=alt.X("p25:Q", title="Propensity (bar: middle half of the segment; dot: mean)", axis=PCT), x2="p75:Q",
        y=y, tooltip=tips,
    )
    mean = alt.Chart(table).mark_point(filled=True, size=90, color=PRIMARY).encode(x="mean:Q", y=y, tooltip=tips)
    return alt.layer(spread, mean).properties(height=max(120, 34 * len(table)))
