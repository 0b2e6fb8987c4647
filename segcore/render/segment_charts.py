"""Altair charts that compare segments: sizes, the effect heat map, distributions per segment and KPI bars.

Every builder aggregates in pandas first and hands Altair a small frame (the browser should not bin 100k rows).
Colours come from ``segcore.render.theme`` so a segment looks the same on every chart.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from segcore.errors import SpecError, require_columns
from segcore.i18n import _, _l, pgettext
from segcore.render.chartkit import (
    HEAT_CELL_HEIGHT,
    HEAT_CELL_WIDTH,
    palette_scale,
    profile_frame,
    segment_order,
    title_lines,
)
from segcore.render.theme import (
    DIVERGING,
    MUTED_COLOR,
    NO_LABEL_LIMIT,
    PRIMARY,
    TEXT_COLOR,
)

# Effect sizes beyond +-2 standard deviations are all "very different"; clipping keeps one outlier from washing out
# the colour of every other cell.
EFFECT_CLIP = 2.0
# Above this |effect| the cell is dark enough that its label must be white to stay readable.
DARK_CELL = 1.2
# Histogram bins: enough to show shape, few enough to read; the payload is bins x groups rows.
DEFAULT_BINS = 30
# Categorical bars: the most frequent levels; the rest are summed into one "Other" bar (never dropped).
DEFAULT_TOP_LEVELS = 12
OTHER_LEVEL = "Other"
MISSING_LEVEL = "(missing)"


# ------------------------------------------------------------------------------------------- effect heat map
def effect_heatmap(
    effect_table: pd.DataFrame, *, segment_names: Mapping[int, str] | Sequence[str] | None = None
) -> alt.Chart:
    """Segments x columns, coloured blue (below average) - white - orange (above), the effect printed in each cell.

    ``effect_table`` is segcore.insight.effects.effect_table(): index = segment ids, columns = profile columns, values =
    standardised effect sizes. Colours are clipped at +-2; the printed value and tooltip show the true effect.
    """
    if effect_table.empty:
        raise SpecError(_l("There are no segment differences to show: the effect table is empty."))
    ids = list(effect_table.index)
    if segment_names is None:
        names = [f"Segment {i}" for i in ids]
    elif isinstance(segment_names, Mapping):
        names = [str(segment_names.get(i, f"Segment {i}")) for i in ids]
    else:
        names = [str(n) for n in segment_names]
        if len(names) != len(ids):
            raise SpecError(_l(
                "Got {n_names} segment names for {n_ids} segments in the effect table.",
                n_names=len(names), n_ids=len(ids),
            ))
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
            axis=alt.Axis(labelAngle=-40, labelLimit=NO_LABEL_LIMIT, labelOverlap=False),
        ),
        y=alt.Y("segment_name:N", title=None, sort=names, axis=alt.Axis(labelLimit=NO_LABEL_LIMIT)),
    )
    cells = base.mark_rect(stroke="#ffffff", strokeWidth=1).encode(
        color=alt.Color(
            "shade:Q",
            title=_("vs average"),
            scale=alt.Scale(domain=[-EFFECT_CLIP, 0, EFFECT_CLIP], range=list(DIVERGING)),
            legend=alt.Legend(format="+.0f", values=[-2, -1, 0, 1, 2]),
        ),
        tooltip=[
            alt.Tooltip("segment_name:N", title=_("Segment")),
            alt.Tooltip("column:N", title=_("Column")),
            alt.Tooltip("effect:Q", title=_("Difference from average (std devs)"), format="+.2f"),
        ],
    )
    text = base.mark_text(fontSize=11).encode(
        text="label:N",
        color=alt.when(f"abs(datum.shade) > {DARK_CELL}")
        .then(alt.value("#ffffff"))
        .otherwise(alt.value(TEXT_COLOR)),
    )
    return alt.layer(cells, text).properties(
        title=alt.Title(_("How each segment differs"), subtitle=_("Standard deviations from the average customer")),
        width=alt.Step(HEAT_CELL_WIDTH),
        height=alt.Step(HEAT_CELL_HEIGHT),
    )


# ------------------------------------------------------------------------------------------- segment sizes
def size_chart(profiles: Any, *, palette: tuple[Sequence, Sequence[str]] | None = None) -> alt.LayerChart:
    """Horizontal bars: customers per segment, labelled with count and share, coloured by segment."""
    frame = profile_frame(profiles)
    require_columns(frame, ["segment_name", "size", "share"], what=_l("segment size chart column"))
    frame = frame[[c for c in ("segment", "segment_name", "size", "share") if c in frame.columns]].copy()
    frame["segment_name"] = frame["segment_name"].astype(str)
    frame["label"] = [f"{int(n):,} ({s:.0%})" for n, s in zip(frame["size"], frame["share"], strict=True)]
    order = segment_order(frame)
    base = alt.Chart(frame).encode(
        y=alt.Y("segment_name:N", title=None, sort=order),
        x=alt.X("size:Q", title=_("Customers"), axis=alt.Axis(format=",d")),
    )
    bars = base.mark_bar(cornerRadiusEnd=3).encode(
        color=alt.Color("segment_name:N", scale=palette_scale(palette, order), legend=None),
        tooltip=[
            alt.Tooltip("segment_name:N", title=_("Segment")),
            alt.Tooltip("size:Q", title=_("Customers"), format=",d"),
            alt.Tooltip("share:Q", title=pgettext("proportion of customers", "Share"), format=".1%"),
        ],
    )
    text = base.mark_text(align="left", dx=4, color=TEXT_COLOR).encode(text="label:N")
    return alt.layer(bars, text).properties(title=_("Segment sizes"))


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
    require_columns(df, [column], what=_l("distribution chart column"))
    s = df[column]
    groups: list[tuple[str, np.ndarray]] = [(_("All customers"), np.ones(len(df), dtype=bool))]
    if segment is not None:
        mask = np.asarray(segment, dtype=bool)
        if mask.shape != (len(df),):
            raise SpecError(_l(
                "The segment mask has {size:,} values but the table has {rows:,} rows.",
                size=mask.size, rows=len(df),
            ))
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
    title = alt.Title(title_lines(_("Distribution of {column}", column=column)), subtitle=subtitle)  # in full
    y_title = _("Share of customers") if segment is not None else _("Customers")
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
                    alt.Tooltip("group:N", title=_("Group")),
                    alt.Tooltip("start:Q", title=_("From"), format=",.4~g"),
                    alt.Tooltip("end:Q", title=_("To"), format=",.4~g"),
                    alt.Tooltip("count:Q", title=_("Customers"), format=",d"),
                    alt.Tooltip("share:Q", title=pgettext("proportion of customers", "Share"), format=".1%"),
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
                alt.Tooltip("group:N", title=_("Group")),
                alt.Tooltip("level:N", title=column),
                alt.Tooltip("count:Q", title=_("Customers"), format=",d"),
                alt.Tooltip("share:Q", title=pgettext("proportion of customers", "Share"), format=".1%"),
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
        raise SpecError(_l("Column {name!r} has no numeric values to plot.", name=s.name))
    n_bins = max(1, min(bins, len(np.unique(values[finite]))))
    edges = np.histogram_bin_edges(values[finite], bins=n_bins)
    parts = []
    for name, mask in groups:
        counts, _edges = np.histogram(values[mask & finite], bins=edges)
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
            _l(
                "No segment has the KPI {kpi!r}. Pick one of the KPI columns shown on the segment cards.",
                kpi=kpi,
            )
        )
    frame = pd.DataFrame(rows)
    order = segment_order(frame)
    fmt_str = _KPI_FORMATS.get(fmt, _KPI_FORMATS["number"])
    bars = (
        alt.Chart(frame)
        .mark_bar(cornerRadiusEnd=3)
        .encode(
            y=alt.Y("segment_name:N", title=None, sort=order),
            x=alt.X("value:Q", title=label, axis=alt.Axis(format=fmt_str)),
            color=alt.Color("segment_name:N", scale=palette_scale(palette, order), legend=None),
            tooltip=[
                alt.Tooltip("segment_name:N", title=_("Segment")),
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
