"""Pure Altair chart builders for the studio, the HTML report and the shared view (no streamlit here).

Every builder aggregates in pandas first and hands Altair a small frame: Streamlit bypasses vegafusion, and the
browser should not bin 100k rows. The one exception is the customer map, whose points are the data; it keeps its
frame as a DataFrame (Streamlit ships it as Arrow) and ``chart_spec``/``chart_html``/``chart_png``/``chart_svg``
lift Altair's 5,000-row limit for exports. Colours come from ``segcore.render.theme`` so a segment looks the same on every
chart.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from segcore.errors import SpecError
from segcore.render.theme import (
    DIVERGING,
    GRID_COLOR,
    MUTED_COLOR,
    PRIMARY,
    SEGMENT_COLORS,
    TEXT_COLOR,
    THEME_NAME,
    UNASSIGNED_NAME,
    register_theme,
    segment_palette,
)

# Effect sizes beyond +-2 standard deviations are all "very different"; clipping keeps one outlier from washing out
# the colour of every other cell.
EFFECT_CLIP = 2.0
# Above this |effect| the cell is dark enough that its label must be white to stay readable.
DARK_CELL = 1.2
# Heat-map cell size in px: room for a "+1.2" label in each cell.
HEAT_CELL_WIDTH = 56
HEAT_CELL_HEIGHT = 30
# Histogram bins: enough to show shape, few enough to read; the payload is bins x groups rows.
DEFAULT_BINS = 30
# Categorical bars: the most frequent levels; the rest are summed into one "Other" bar (never dropped).
DEFAULT_TOP_LEVELS = 12
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
# vl-convert compiles specs with this Vega-Lite version (the one altair 6.3 writes).
VEGALITE_VERSION = "6.4"
# PNG exports at 2x so they stay sharp in slides and printed reports.
PNG_SCALE = 2.0
OTHER_LEVEL = "Other"
MISSING_LEVEL = "(missing)"


# --------------------------------------------------------------------------------------------------- helpers
def _palette_scale(palette: tuple[Sequence, Sequence[str]] | None, names: Sequence[str]) -> alt.Scale:
    domain, colors = palette if palette is not None else segment_palette(list(names))
    return alt.Scale(domain=list(domain), range=list(colors))


def _segment_order(frame: pd.DataFrame, *, name: str = "segment_name", seg: str = "segment") -> list[str]:
    """Segment names in segment id order (Unassigned last), the order colours are given out in."""
    if seg in frame.columns:
        pairs = frame[[seg, name]].drop_duplicates().copy()
        pairs["_last"] = pairs[seg] < 0
        pairs = pairs.sort_values(["_last", seg], kind="stable")
        return [str(n) for n in pairs[name]]
    names = [str(n) for n in pd.unique(frame[name])]
    return [n for n in names if n != UNASSIGNED_NAME] + [n for n in names if n == UNASSIGNED_NAME]


def _field(name: str) -> str:
    """Escape a user's column name for Vega-Lite, where "." and "[" mean nested access."""
    return "".join("\\" + ch if ch in ".[]\\" else ch for ch in str(name))


def _tooltip(frame: pd.DataFrame, columns: Sequence[str]) -> list[alt.Tooltip]:
    """Tooltips with readable number formats: thousands separators, at most two decimals."""
    tips = []
    for col in columns:
        s = frame[col]
        kw: dict[str, Any] = {"field": _field(col), "title": str(col), "type": "nominal"}
        if pd.api.types.is_bool_dtype(s):
            pass
        elif pd.api.types.is_integer_dtype(s):
            kw.update(type="quantitative", format=",d")
        elif pd.api.types.is_float_dtype(s):
            kw.update(type="quantitative", format=",.2~f")
        elif pd.api.types.is_datetime64_any_dtype(s):
            kw.update(type="temporal", format="%Y-%m-%d")
        tips.append(alt.Tooltip(**kw))
    return tips


def _require(frame: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise SpecError(
            f"The {what} chart needs the column(s) {', '.join(missing)}, which are not in the table "
            f"(it has: {', '.join(map(str, frame.columns))})."
        )


def _profile_frame(profiles: Any) -> pd.DataFrame:
    """Accept Profile objects (segcore.insight.profile) or a frame with segment_name, size, share."""
    if isinstance(profiles, pd.DataFrame):
        return profiles.copy()
    rows = [
        {"segment": p.segment, "segment_name": p.name, "size": p.size, "share": p.share} for p in profiles
    ]
    return pd.DataFrame(rows, columns=["segment", "segment_name", "size", "share"])


# ---------------------------------------------------------------------------------------------- k sweep
def sweep_chart(sweep_table: pd.DataFrame, recommended_k: int, reason: str = "") -> alt.LayerChart:
    """Separation (silhouette) and stability against the number of segments, with the recommended k marked."""
    _require(sweep_table, ["k", "silhouette"], "segment-count")
    metrics = {"silhouette": "Separation (silhouette)", "stability": "Stability"}
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
    x = alt.X("k:Q", title="Number of segments", axis=alt.Axis(tickMinStep=1, format="d"))
    base = alt.Chart(long).encode(
        x=x,
        y=alt.Y("score:Q", title="Score (higher is better)"),
        color=color,
        tooltip=[
            alt.Tooltip("k:Q", title="Segments", format="d"),
            alt.Tooltip("metric:N", title="Measure"),
            alt.Tooltip("score:Q", title="Score", format=".3f"),
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
    title = alt.Title("How many segments?", subtitle=reason or alt.Undefined)
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
    _require(points, [x, y, "segment_name", *tooltip], "map")
    frame = points.copy()
    if id_column not in frame.columns:
        if id_column != "row":
            raise SpecError(f"The map's id column {id_column!r} is not in the table.")
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
    scale = _palette_scale(palette, _segment_order(frame))
    size = MAP_POINT_SIZE_LARGE if len(frame) > MAP_LARGE else MAP_POINT_SIZE_SMALL
    tips = [
        alt.Tooltip("segment_name:N", title="Segment"),
        *_tooltip(frame, [c for c in tooltip if c != "segment_name"]),
    ]
    chart = (
        alt.Chart(frame)
        .mark_circle(size=size)
        .encode(
            # UMAP/PCA axes have no units a marketer could read, so they are hidden.
            x=alt.X(f"{x}:Q", axis=None, scale=alt.Scale(zero=False)),
            y=alt.Y(f"{y}:Q", axis=None, scale=alt.Scale(zero=False)),
            color=alt.Color("segment_name:N", title="Segment", scale=scale),
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


# ------------------------------------------------------------------------------------------- effect heat map
def effect_heatmap(
    effect_table: pd.DataFrame, segment_names: Mapping[int, str] | Sequence[str] | None = None
) -> alt.Chart:
    """Segments x columns, coloured blue (below average) - white - orange (above), the effect printed in each cell.

    ``effect_table`` is segcore.insight.profile.effect_table(): index = segment ids, columns = profile columns, values =
    standardised effect sizes. Colours are clipped at +-2; the printed value and tooltip show the true effect.
    """
    if effect_table.empty:
        raise SpecError("There are no segment differences to show: the effect table is empty.")
    ids = list(effect_table.index)
    if segment_names is None:
        names = [f"Segment {i}" for i in ids]
    elif isinstance(segment_names, Mapping):
        names = [str(segment_names.get(i, f"Segment {i}")) for i in ids]
    else:
        names = [str(n) for n in segment_names]
        if len(names) != len(ids):
            raise SpecError(f"Got {len(names)} segment names for {len(ids)} segments in the effect table.")
    columns = [str(c) for c in effect_table.columns]
    values = effect_table.to_numpy(dtype=float)
    long = pd.DataFrame(
        {
            "segment_name": np.repeat(names, len(columns)),
            "column": np.tile(columns, len(names)),
            "effect": values.ravel(),
        }
    )
    long["shade"] = long["effect"].clip(-EFFECT_CLIP, EFFECT_CLIP)
    long["label"] = long["effect"].map(lambda v: "" if np.isnan(v) else f"{v:+.1f}")
    base = alt.Chart(long).encode(
        x=alt.X(
            "column:N",
            title=None,
            sort=columns,
            axis=alt.Axis(labelAngle=-40, labelLimit=160, labelOverlap=False),
        ),
        y=alt.Y("segment_name:N", title=None, sort=names, axis=alt.Axis(labelLimit=220)),
    )
    cells = base.mark_rect(stroke="#ffffff", strokeWidth=1).encode(
        color=alt.Color(
            "shade:Q",
            title="vs average",
            scale=alt.Scale(domain=[-EFFECT_CLIP, 0, EFFECT_CLIP], range=list(DIVERGING)),
            legend=alt.Legend(format="+.0f", values=[-2, -1, 0, 1, 2]),
        ),
        tooltip=[
            alt.Tooltip("segment_name:N", title="Segment"),
            alt.Tooltip("column:N", title="Column"),
            alt.Tooltip("effect:Q", title="Difference from average (std devs)", format="+.2f"),
        ],
    )
    text = base.mark_text(fontSize=11).encode(
        text="label:N",
        color=alt.when(f"abs(datum.shade) > {DARK_CELL}")
        .then(alt.value("#ffffff"))
        .otherwise(alt.value(TEXT_COLOR)),
    )
    return alt.layer(cells, text).properties(
        title=alt.Title("How each segment differs", subtitle="Standard deviations from the average customer"),
        width=alt.Step(HEAT_CELL_WIDTH),
        height=alt.Step(HEAT_CELL_HEIGHT),
    )


# ---------------------------------------------------------------------------------------------- Pareto
def pareto_chart(curve: pd.DataFrame, top20_share: float) -> alt.LayerChart:
    """Cumulative share of value against share of customers (best first), with the 20% / 80% reference marks."""
    _require(curve, ["customer_share", "value_share"], "value concentration")
    c = curve[["customer_share", "value_share"]].astype(float).dropna().sort_values("customer_share")
    grid = np.linspace(0.0, 1.0, PARETO_POINTS)
    xs = np.concatenate([[0.0], c["customer_share"].to_numpy()])
    ys = np.concatenate([[0.0], c["value_share"].to_numpy()])
    line_df = pd.DataFrame({"customer_share": grid, "value_share": np.interp(grid, xs, ys)})
    pct = alt.Axis(format="%")
    x = alt.X(
        "customer_share:Q",
        title="Share of customers (highest value first)",
        axis=pct,
        scale=alt.Scale(domain=[0, 1]),
    )
    y = alt.Y("value_share:Q", title="Share of total value", axis=pct, scale=alt.Scale(domain=[0, 1]))
    area = (
        alt.Chart(line_df)
        .mark_area(color=PRIMARY, opacity=0.15, line={"color": PRIMARY})
        .encode(
            x=x,
            y=y,
            tooltip=[
                alt.Tooltip("customer_share:Q", title="Customers", format=".0%"),
                alt.Tooltip("value_share:Q", title="Value", format=".0%"),
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
            "Where the value is",
            subtitle="The 80/20 rule: the dashed lines mark 20% of customers and 80% of value",
        )
    )


# ------------------------------------------------------------------------------------------- segment sizes
def size_chart(profiles: Any, *, palette: tuple[Sequence, Sequence[str]] | None = None) -> alt.LayerChart:
    """Horizontal bars: customers per segment, labelled with count and share, coloured by segment."""
    frame = _profile_frame(profiles)
    _require(frame, ["segment_name", "size", "share"], "segment size")
    frame = frame[[c for c in ("segment", "segment_name", "size", "share") if c in frame.columns]].copy()
    frame["segment_name"] = frame["segment_name"].astype(str)
    frame["label"] = [f"{int(n):,} ({s:.0%})" for n, s in zip(frame["size"], frame["share"], strict=True)]
    order = _segment_order(frame)
    base = alt.Chart(frame).encode(
        y=alt.Y("segment_name:N", title=None, sort=order),
        x=alt.X("size:Q", title="Customers", axis=alt.Axis(format=",d")),
    )
    bars = base.mark_bar(cornerRadiusEnd=3).encode(
        color=alt.Color("segment_name:N", scale=_palette_scale(palette, order), legend=None),
        tooltip=[
            alt.Tooltip("segment_name:N", title="Segment"),
            alt.Tooltip("size:Q", title="Customers", format=",d"),
            alt.Tooltip("share:Q", title="Share", format=".1%"),
        ],
    )
    text = base.mark_text(align="left", dx=4, color=TEXT_COLOR).encode(text="label:N")
    return alt.layer(bars, text).properties(title="Segment sizes")


# ------------------------------------------------------------------------------------------- distributions
def distribution_chart(
    df: pd.DataFrame,
    column: str,
    *,
    segment: Sequence[bool] | np.ndarray | pd.Series | None = None,
    segment_name: str = "This segment",
    bins: int = DEFAULT_BINS,
    top: int = DEFAULT_TOP_LEVELS,
) -> alt.Chart:
    """Histogram (numeric, binned in pandas) or top-levels bar chart (categorical) of one column.

    ``segment`` is an optional boolean mask over ``df`` rows: the segment is then compared with all customers as
    shares within each group. Missing values and levels beyond ``top`` are counted and named, never dropped.
    """
    _require(df, [column], "distribution")
    s = df[column]
    groups: list[tuple[str, np.ndarray]] = [("All customers", np.ones(len(df), dtype=bool))]
    if segment is not None:
        mask = np.asarray(segment, dtype=bool)
        if mask.shape != (len(df),):
            raise SpecError(f"The segment mask has {mask.size:,} values but the table has {len(df):,} rows.")
        groups.append((segment_name, mask))
    n_missing = int(s.isna().sum())
    subtitle = f"{n_missing:,} missing value(s) not shown" if n_missing and _is_numeric(s) else alt.Undefined
    color = alt.Color(
        "group:N",
        title=None,
        scale=alt.Scale(
            domain=[g for g, _ in groups],
            range=["#94a3b8", PRIMARY][: len(groups)] if segment is not None else [PRIMARY],
        ),
        legend=alt.Legend(orient="bottom") if segment is not None else None,
    )
    title = alt.Title(f"Distribution of {column}", subtitle=subtitle)
    y_title = "Share of customers" if segment is not None else "Customers"
    y_field = "share" if segment is not None else "count"
    y_fmt = ".0%" if segment is not None else ",d"
    if _is_numeric(s):
        frame = _numeric_bins(groups, s, bins)
        return (
            alt.Chart(frame)
            .mark_rect(opacity=0.75 if segment is not None else 1.0)
            .encode(
                x=alt.X("start:Q", title=column, bin="binned"),
                x2="end:Q",
                y=alt.Y(f"{y_field}:Q", title=y_title, axis=alt.Axis(format=y_fmt), stack=None),
                color=color,
                tooltip=[
                    alt.Tooltip("group:N", title="Group"),
                    alt.Tooltip("start:Q", title="From", format=",.4~g"),
                    alt.Tooltip("end:Q", title="To", format=",.4~g"),
                    alt.Tooltip("count:Q", title="Customers", format=",d"),
                    alt.Tooltip("share:Q", title="Share", format=".1%"),
                ],
            )
            .properties(title=title)
        )
    frame, levels = _level_counts(groups, s, top)
    return (
        alt.Chart(frame)
        .mark_bar(cornerRadiusEnd=2)
        .encode(
            y=alt.Y("level:N", title=column, sort=levels),
            x=alt.X(f"{y_field}:Q", title=y_title, axis=alt.Axis(format=y_fmt)),
            yOffset=alt.YOffset("group:N", sort=[g for g, _ in groups]),
            color=color,
            tooltip=[
                alt.Tooltip("group:N", title="Group"),
                alt.Tooltip("level:N", title=column),
                alt.Tooltip("count:Q", title="Customers", format=",d"),
                alt.Tooltip("share:Q", title="Share", format=".1%"),
            ],
        )
        .properties(title=title)
    )


def _is_numeric(s: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s)


def _numeric_bins(groups: list[tuple[str, np.ndarray]], s: pd.Series, bins: int) -> pd.DataFrame:
    """Shared bin edges over all customers, so the segment's bars line up with everyone's."""
    values = s.to_numpy(dtype=float, na_value=np.nan)
    finite = np.isfinite(values)
    if not finite.any():
        raise SpecError(f"Column {s.name!r} has no numeric values to plot.")
    n_bins = max(1, min(bins, len(np.unique(values[finite]))))
    edges = np.histogram_bin_edges(values[finite], bins=n_bins)
    parts = []
    for name, mask in groups:
        counts, _ = np.histogram(values[mask & finite], bins=edges)
        total = counts.sum()
        parts.append(
            pd.DataFrame(
                {
                    "group": name,
                    "start": edges[:-1],
                    "end": edges[1:],
                    "count": counts.astype(int),
                    "share": counts / total if total else 0.0,
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def _level_counts(
    groups: list[tuple[str, np.ndarray]], s: pd.Series, top: int
) -> tuple[pd.DataFrame, list[str]]:
    """Top levels by overall count; the rest summed into "Other" and missing shown as "(missing)"."""
    labels = s.astype("string").fillna(MISSING_LEVEL).astype(str).reset_index(drop=True)
    counts = labels.value_counts()
    keep = [lvl for lvl in counts.index if lvl != MISSING_LEVEL][:top]
    n_other = len(counts) - int(MISSING_LEVEL in counts.index) - len(keep)
    other = f"{OTHER_LEVEL} ({n_other:,} levels)"
    missing = [MISSING_LEVEL] if MISSING_LEVEL in counts.index else []
    order = [*keep, *([other] if n_other else []), *missing]
    mapped = labels.where(labels.isin(keep) | (labels == MISSING_LEVEL), other)
    parts = []
    for name, mask in groups:
        vc = mapped[mask].value_counts().reindex(order, fill_value=0)
        total = int(vc.sum())
        parts.append(
            pd.DataFrame(
                {
                    "group": name,
                    "level": order,
                    "count": vc.to_numpy(dtype=int),
                    "share": vc.to_numpy() / total if total else 0.0,
                }
            )
        )
    return pd.concat(parts, ignore_index=True), order


# ------------------------------------------------------------------------------------------- correlations
def correlation_chart(corr: pd.DataFrame) -> alt.LayerChart:
    """Heat map of a square correlation matrix (-1 blue ... +1 orange), values printed while they fit."""
    if corr.empty or corr.shape[0] != corr.shape[1]:
        raise SpecError(f"A correlation chart needs a square table; got {corr.shape[0]} x {corr.shape[1]}.")
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
        x=alt.X("column:N", title=None, sort=names, axis=alt.Axis(labelAngle=-40, labelLimit=160)),
        y=alt.Y("row:N", title=None, sort=rows),
    )
    cells = base.mark_rect(stroke="#ffffff", strokeWidth=1).encode(
        color=alt.Color(
            "r:Q", title="Correlation", scale=alt.Scale(domain=[-1, 0, 1], range=list(DIVERGING))
        ),
        tooltip=[
            alt.Tooltip("row:N", title="Column"),
            alt.Tooltip("column:N", title="with"),
            alt.Tooltip("r:Q", title="Correlation", format="+.2f"),
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
        title="How the columns move together",
        width=alt.Step(step),
        height=alt.Step(min(step, HEAT_CELL_HEIGHT)),
    )


# ------------------------------------------------------------------------------------------- KPI bars
_KPI_FORMATS = {"percent": ".1%", "money": ",.2f", "number": ",.2~f"}


def kpi_bars(
    profiles: Sequence[Any], kpi: str, *, palette: tuple[Sequence, Sequence[str]] | None = None
) -> alt.LayerChart:
    """One KPI per segment as bars, with the all-customers average as a dashed rule.

    ``kpi`` is a Kpi column or label (segcore.insight.profile.Kpi). Raises SpecError when no segment has it.
    """
    rows, overall, label, fmt = [], None, kpi, "number"
    for p in profiles:
        for k in p.kpis:
            if kpi in (k.column, k.label):
                rows.append({"segment": p.segment, "segment_name": p.name, "value": float(k.value)})
                overall, label, fmt = float(k.overall), k.label, k.fmt
                break
    if not rows:
        raise SpecError(
            f"No segment has the KPI {kpi!r}. Pick one of the KPI columns shown on the segment cards."
        )
    frame = pd.DataFrame(rows)
    order = _segment_order(frame)
    fmt_str = _KPI_FORMATS.get(fmt, _KPI_FORMATS["number"])
    bars = (
        alt.Chart(frame)
        .mark_bar(cornerRadiusEnd=3)
        .encode(
            y=alt.Y("segment_name:N", title=None, sort=order),
            x=alt.X("value:Q", title=label, axis=alt.Axis(format=fmt_str)),
            color=alt.Color("segment_name:N", scale=_palette_scale(palette, order), legend=None),
            tooltip=[
                alt.Tooltip("segment_name:N", title="Segment"),
                alt.Tooltip("value:Q", title=label, format=fmt_str),
            ],
        )
    )
    avg = pd.DataFrame({"value": [overall], "label": ["All customers"]})
    rule = alt.Chart(avg).mark_rule(strokeDash=[4, 4], color=TEXT_COLOR).encode(x="value:Q")
    text = (
        alt.Chart(avg)
        .mark_text(align="left", dx=4, dy=-4, baseline="bottom", color=MUTED_COLOR)
        .encode(x="value:Q", y=alt.value(0), text="label:N")
    )
    return alt.layer(bars, rule, text).properties(title=f"{label} by segment")


# ------------------------------------------------------------------------------------------- export
def chart_spec(chart: alt.TopLevelMixin) -> dict[str, Any]:
    """The Vega-Lite dict with the segcore theme and no 5,000-row limit (for reports and shared views)."""
    register_theme()
    with alt.theme.enable(THEME_NAME), alt.data_transformers.disable_max_rows():
        return chart.to_dict()


def chart_html(chart: alt.TopLevelMixin, *, inline: bool = True) -> str:
    """A standalone HTML page for the chart; ``inline`` embeds the JS libraries so it works offline."""
    register_theme()
    with alt.theme.enable(THEME_NAME), alt.data_transformers.disable_max_rows():
        return chart.to_html(inline=inline)


def chart_png(chart: alt.TopLevelMixin, *, scale: float = PNG_SCALE) -> bytes:
    """The chart as PNG bytes (rendered locally by vl-convert; nothing is fetched from the network)."""
    import vl_convert as vlc

    return vlc.vegalite_to_png(
        chart_spec(chart), vl_version=VEGALITE_VERSION, scale=scale, allowed_base_urls=[]
    )


def chart_svg(chart: alt.TopLevelMixin) -> str:
    """The chart as an SVG document (rendered locally by vl-convert)."""
    import vl_convert as vlc

    return vlc.vegalite_to_svg(chart_spec(chart), vl_version=VEGALITE_VERSION, allowed_base_urls=[])


__all__ = [
    "chart_html",
    "chart_png",
    "chart_spec",
    "chart_svg",
    "correlation_chart",
    "distribution_chart",
    "effect_heatmap",
    "kpi_bars",
    "map_chart",
    "pareto_chart",
    "segment_palette",
    "size_chart",
    "sweep_chart",
]
