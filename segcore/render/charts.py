"""Altair charts of the whole data set for the studio, the HTML report and the shared view (no streamlit here).

Every builder aggregates in pandas first and hands Altair a small frame: Streamlit bypasses vegafusion, and the
browser should not bin 100k rows. The one exception is the customer map, whose points are the data; it keeps its
frame as a DataFrame (Streamlit ships it as Arrow) and ``chart_spec``/``chart_html``/``chart_png``/``chart_svg``
lift Altair's 5,000-row limit for exports. Charts that compare segments are in
``segcore.render.segment_charts``; shared helpers and exports in ``segcore.render.chartkit``.
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd

from segcore.errors import SpecError, require_columns
from segcore.i18n import _, _l
from segcore.render.chartkit import (
    HEAT_CELL_HEIGHT,
    HEAT_CELL_WIDTH,
    palette_scale,
    segment_order,
    tooltips,
)
from segcore.render.theme import (
    DIVERGING,
    GRID_COLOR,
    MUTED_COLOR,
    NO_LABEL_LIMIT,
    PRIMARY,
    SEGMENT_COLORS,
    TEXT_COLOR,
)

# The Pareto curve is resampled to this many points: smooth on screen, tiny payload at a million customers.
PARETO_POINTS = 201
# Correlation cells get printed values only while they stay legible.
CORR_TEXT_MAX_COLUMNS = 12
# Point size on the map: bigger dots for small maps, small dots when thousands overlap.
MAP_POINT_SIZE_SMALL = 40
MAP_POINT_SIZE_LARGE = 8
MAP_LARGE = 2_000
# Opacity of map points inside / outside the brushed rectangle.
MAP_OPACITY_IN = 0.85
MAP_OPACITY_OUT = 0.12


# ---------------------------------------------------------------------------------------------- k sweep
def sweep_chart(sweep_table: pd.DataFrame, recommended_k: int, *, reason: str = "") -> alt.LayerChart:
    """Separation (silhouette) and stability against the number of segments, with the recommended k marked."""
    require_columns(sweep_table, ["k", "silhouette"], what=_l("segment-count chart column"))
    metrics = {"silhouette": _("Separation (silhouette)"), "stability": _("Stability")}
    present = [m for m in metrics if m in sweep_table.columns]
    long = sweep_table[["k", *present]].melt(id_vars="k", var_name="metric", value_name="score")
    long = long.dropna(subset=["score"])  # stability is None for methods without it; the legend then omits it
    long["metric"] = long["metric"].map(metrics)
    long["k"] = long["k"].astype(int)
    long["score"] = long["score"].astype(float)
    color = alt.Color(
        "metric:N",
        title=None,
        scale=alt.Scale(domain=list(metrics.values()), range=[PRIMARY, SEGMENT_COLORS[1]]),
        legend=alt.Legend(orient="bottom"),
    )
    x = alt.X("k:Q", title=_("Number of segments"), axis=alt.Axis(tickMinStep=1, format="d"))
    base = alt.Chart(long).encode(
        x=x,
        y=alt.Y("score:Q", title=_("Score (higher is better)")),
        color=color,
        tooltip=[
            alt.Tooltip("k:Q", title=_("Segments"), format="d"),
            alt.Tooltip("metric:N", title=_("Measure")),
            alt.Tooltip("score:Q", title=_("Score"), format=".3f"),
        ],
    )
    marked = pd.DataFrame(
        {"k": [int(recommended_k)], "label": [f"Recommended: {int(recommended_k)} segments"]}
    )
    rule = alt.Chart(marked).mark_rule(strokeDash=[4, 4], color=MUTED_COLOR).encode(x="k:Q")
    label = (
        alt.Chart(marked)
        .mark_text(align="left", dx=5, dy=2, baseline="top", color=TEXT_COLOR, fontWeight=600)
        .encode(x="k:Q", y=alt.value(0), text="label:N")
    )
    title = alt.Title(_("How many segments?"), subtitle=reason or alt.Undefined)
    return alt.layer(base.mark_line(), base.mark_point(filled=True, size=50), rule, label).properties(
        title=title
    )


# ------------------------------------------------------------------------------------------ customer map
def map_chart(
    points: pd.DataFrame,
    *,
    tooltip: Sequence[str] = (),
    palette: tuple[Sequence, Sequence[str]] | None = None,
    selectable: bool = True,
    x: str = "x",
    y: str = "y",
    id_column: str = "row",
    title: str = "Customer map",
) -> alt.Chart:
    """Scatter of customers coloured by segment, with a "brush" rectangle and a "pick" click selection.

    ``points`` has x, y, segment_name, segment (id) and the tooltip columns; ``id_column`` identifies a customer
    in the "pick" selection (a "row" position column is added when absent). Only the needed columns are sent.
    """
    require_columns(points, [x, y, "segment_name", *tooltip], what=_l("map chart column"))
    frame = points.copy()
    if id_column not in frame.columns:
        if id_column != "row":
            raise SpecError(_l("The map's id column {id_column!r} is not in the table.", id_column=id_column))
        frame["row"] = np.arange(len(frame))
    keep = list(
        dict.fromkeys(
            [x, y, "segment_name", *(["segment"] if "segment" in frame else []), id_column, *tooltip]
        )
    )
    frame = frame[keep]
    frame[x] = frame[x].astype(np.float32)
    frame[y] = frame[y].astype(np.float32)
    frame["segment_name"] = frame["segment_name"].astype(str)
    scale = palette_scale(palette, segment_order(frame))
    size = MAP_POINT_SIZE_LARGE if len(frame) > MAP_LARGE else MAP_POINT_SIZE_SMALL
    tips = [
        alt.Tooltip("segment_name:N", title=_("Segment")),
        *tooltips(frame, [c for c in tooltip if c != "segment_name"]),
    ]
    chart = (
        alt.Chart(frame)
        .mark_circle(size=size)
        .encode(
            # UMAP/PCA axes have no units a marketer could read, so they are hidden.
            x=alt.X(f"{x}:Q", axis=None, scale=alt.Scale(zero=False)),
            y=alt.Y(f"{y}:Q", axis=None, scale=alt.Scale(zero=False)),
            color=alt.Color("segment_name:N", title=_("Segment"), scale=scale),
            tooltip=tips,
        )
        .properties(title=title)
    )
    if not selectable:
        return chart.encode(opacity=alt.value(MAP_OPACITY_IN))
    brush = alt.selection_interval(name="brush", encodings=["x", "y"])
    pick = alt.selection_point(name="pick", fields=[id_column])
    opacity = alt.when(brush).then(alt.value(MAP_OPACITY_IN)).otherwise(alt.value(MAP_OPACITY_OUT))
    return chart.encode(opacity=opacity).add_params(brush, pick)


# ---------------------------------------------------------------------------------------------- Pareto
def pareto_chart(curve: pd.DataFrame, top20_share: float) -> alt.LayerChart:
    """Cumulative share of value against share of customers (best first), with the 20% / 80% reference marks."""
    require_columns(curve, ["customer_share", "value_share"], what=_l("value concentration chart column"))
    c = curve[["customer_share", "value_share"]].astype(float).dropna().sort_values("customer_share")
    grid = np.linspace(0.0, 1.0, PARETO_POINTS)
    xs = np.concatenate([[0.0], c["customer_share"].to_numpy()])
    ys = np.concatenate([[0.0], c["value_share"].to_numpy()])
    line_df = pd.DataFrame({"customer_share": grid, "value_share": np.interp(grid, xs, ys)})
    pct = alt.Axis(format="%")
    x = alt.X(
        "customer_share:Q",
        title=_("Share of customers (highest value first)"),
        axis=pct,
        scale=alt.Scale(domain=[0, 1]),
    )
    y = alt.Y("value_share:Q", title=_("Share of total value"), axis=pct, scale=alt.Scale(domain=[0, 1]))
    area = (
        alt.Chart(line_df)
        .mark_area(color=PRIMARY, opacity=0.15, line={"color": PRIMARY})
        .encode(
            x=x,
            y=y,
            tooltip=[
                alt.Tooltip("customer_share:Q", title=_("Customers"), format=".0%"),
                alt.Tooltip("value_share:Q", title=_("Value"), format=".0%"),
            ],
        )
    )
    equal = pd.DataFrame({"customer_share": [0.0, 1.0], "value_share": [0.0, 1.0]})
    diagonal = alt.Chart(equal).mark_line(color=GRID_COLOR, strokeDash=[2, 2]).encode(x=x, y=y)
    v_rule = (
        alt.Chart(pd.DataFrame({"customer_share": [0.2]}))
        .mark_rule(strokeDash=[4, 4])
        .encode(x="customer_share:Q")
    )
    h_rule = (
        alt.Chart(pd.DataFrame({"value_share": [0.8]})).mark_rule(strokeDash=[4, 4]).encode(y="value_share:Q")
    )
    share = float(top20_share)
    marker = pd.DataFrame(
        {
            "customer_share": [0.2],
            "value_share": [share],
            "label": [f"Top 20% of customers bring {share:.0%} of value"],
        }
    )
    dot = alt.Chart(marker).mark_point(filled=True, size=80, color=SEGMENT_COLORS[1]).encode(x=x, y=y)
    note = (
        alt.Chart(marker)
        .mark_text(align="left", dx=8, dy=12, fontWeight=600)
        .encode(x=x, y=y, text="label:N")
    )
    ref = pd.DataFrame({"customer_share": [1.0], "value_share": [0.8], "label": ["80% of value"]})
    ref_text = (
        alt.Chart(ref).mark_text(align="right", dy=-6, color=MUTED_COLOR).encode(x=x, y=y, text="label:N")
    )
    return alt.layer(diagonal, area, v_rule, h_rule, dot, note, ref_text).properties(
        title=alt.Title(
            _("Where the value is"),
            subtitle=_("The 80/20 rule: the dashed lines mark 20% of customers and 80% of value"),
        )
    )


# ------------------------------------------------------------------------------------------- correlations
def correlation_chart(corr: pd.DataFrame) -> alt.LayerChart:
    """Heat map of a square correlation matrix (-1 blue ... +1 orange), values printed while they fit."""
    if corr.empty or corr.shape[0] != corr.shape[1]:
        raise SpecError(_l(
            "A correlation chart needs a square table; got {rows} x {columns}.",
            rows=corr.shape[0], columns=corr.shape[1],
        ))
    names = [str(c) for c in corr.columns]
    rows = [str(c) for c in corr.index]
    values = corr.to_numpy(dtype=float)
    long = pd.DataFrame(
        {
            "row": np.repeat(rows, len(names)),
            "column": np.tile(names, len(rows)),
            "r": values.ravel().round(4),
        }
    )
    base = alt.Chart(long).encode(
        x=alt.X("column:N", title=None, sort=names, axis=alt.Axis(labelAngle=-40, labelLimit=NO_LABEL_LIMIT)),
        y=alt.Y("row:N", title=None, sort=rows),
    )
    cells = base.mark_rect(stroke="#ffffff", strokeWidth=1).encode(
        color=alt.Color(
            "r:Q", title=_("Correlation"), scale=alt.Scale(domain=[-1, 0, 1], range=list(DIVERGING))
        ),
        tooltip=[
            alt.Tooltip("row:N", title=_("Column")),
            alt.Tooltip("column:N", title=_("with")),
            alt.Tooltip("r:Q", title=_("Correlation"), format="+.2f"),
        ],
    )
    layers = [cells]
    if len(names) <= CORR_TEXT_MAX_COLUMNS:
        layers.append(
            base.mark_text(fontSize=10).encode(
                text=alt.Text("r:Q", format=".2f"),
                color=alt.when("abs(datum.r) > 0.6")
                .then(alt.value("#ffffff"))
                .otherwise(alt.value(TEXT_COLOR)),
            )
        )
    step = HEAT_CELL_WIDTH if len(names) <= CORR_TEXT_MAX_COLUMNS else HEAT_CELL_HEIGHT // 2
    return alt.layer(*layers).properties(
        title=_("How the columns move together"),
        width=alt.Step(step),
        height=alt.Step(min(step, HEAT_CELL_HEIGHT)),
    )
