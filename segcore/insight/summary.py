"""The aggregate-only summary of a segmentation: what a saved run, a shared link and the report show.

It holds counts, shares, means, traits, rules and binned map densities, never a customer id or row. ``for_sharing``
additionally hides segments smaller than a minimum size, so no small group of people can be singled out.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from segcore.insight.effects import effect_table, value_concentration
from segcore.insight.embed import Embedding

SUMMARY_VERSION = 1
# Segments with fewer customers than this are not shown individually in shared views (issue: default 10).
MIN_SHARED_SEGMENT_SIZE = 10
# The shared map is a grid of counts, not points: 36 x 36 cells keep the shape readable at a glance.
DENSITY_BINS = 36
# A map cell holding fewer customers than this is left out of the shared map.
MIN_CELL_COUNT = 3


def build_summary(seg, df: pd.DataFrame, *, embedding: Embedding | None = None) -> dict[str, Any]:
    """A JSON-able summary of a fitted segmentation over the customers it was fitted on."""
    schema = seg.schema
    columns = [*seg.numeric, *seg.categorical, *[c for c in seg.spec.profile_columns if c in df.columns]]
    effects = effect_table(df, seg.labels, columns=columns) if columns else pd.DataFrame()
    quality = seg.quality
    summary: dict[str, Any] = {
        "version": SUMMARY_VERSION,
        "headline": {
            "customers": int(seg.n_rows),
            "segments": int(seg.n_segments),
            "method": seg.method,
            "grade": quality.grade if quality else None,
            "silhouette": _num(quality.silhouette) if quality else None,
            "stability": _num(quality.stability) if quality else None,
            "quality_explanation": quality.explanation if quality else "",
            "rules_fidelity": _num(seg.rules.fidelity) if seg.rules else None,
        },
        "profiles": [p.to_dict() for p in seg.profiles],
        "effects": {
            "segments": [int(s) for s in effects.index],
            "columns": [str(c) for c in effects.columns],
            "values": [[_num(v) for v in row] for row in effects.to_numpy()],
        },
        "concentration": None,
        "density": density_grid(embedding, seg.labels) if embedding is not None else None,
        "notes": list(seg.notes),
        "features": [*seg.numeric, *seg.categorical],
    }
    if schema.value_column and schema.value_column in df.columns:
        conc = value_concentration(df[schema.value_column])
        summary["concentration"] = {
            "value_column": schema.value_column,
            "top20_share": _num(conc.top20_share),
            "gini": _num(conc.gini),
            "curve": {c: [_num(v) for v in conc.curve[c]] for c in conc.curve.columns},
        }
    return summary


def density_grid(embedding: Embedding, labels: np.ndarray) -> dict[str, Any]:
    """Customers per map cell and segment (cells with too few customers dropped): a map without identities."""
    coords = np.asarray(embedding.coords, dtype=float)
    seg = np.asarray(labels)[np.asarray(embedding.rows)]
    x_edges = np.linspace(coords[:, 0].min(), coords[:, 0].max() + 1e-9, DENSITY_BINS + 1)
    y_edges = np.linspace(coords[:, 1].min(), coords[:, 1].max() + 1e-9, DENSITY_BINS + 1)
    xi = np.clip(np.digitize(coords[:, 0], x_edges) - 1, 0, DENSITY_BINS - 1)
    yi = np.clip(np.digitize(coords[:, 1], y_edges) - 1, 0, DENSITY_BINS - 1)
    frame = pd.DataFrame({"x": xi, "y": yi, "segment": seg})
    counts = frame.groupby(["x", "y", "segment"]).size().rename("count").reset_index()
    dominant = counts.sort_values("count", ascending=False).drop_duplicates(["x", "y"])
    totals = counts.groupby(["x", "y"])["count"].sum().rename("total").reset_index()
    cells = dominant.merge(totals, on=["x", "y"])
    cells = cells[cells["total"] >= MIN_CELL_COUNT]
    return {
        "bins": DENSITY_BINS,
        "method": embedding.method,
        "cells": [
            {"x": int(r.x), "y": int(r.y), "segment": int(r.segment), "count": int(r.total)}
            for r in cells.itertuples(index=False)
        ],
    }


def for_sharing(summary: dict[str, Any], *, min_size: int = MIN_SHARED_SEGMENT_SIZE) -> dict[str, Any]:
    """The summary a read-only link may show: segments under ``min_size`` customers are folded away."""
    kept = [p for p in summary["profiles"] if p["size"] >= min_size]
    hidden = [p for p in summary["profiles"] if p["size"] < min_size]
    kept_ids = {p["segment"] for p in kept}
    effects = summary["effects"]
    rows = [i for i, s in enumerate(effects["segments"]) if s in kept_ids]
    density = summary.get("density")
    if density:
        density = {**density, "cells": [c for c in density["cells"] if c["segment"] in kept_ids]}
    shared = {
        **summary,
        "profiles": kept,
        "effects": {
            "segments": [effects["segments"][i] for i in rows],
            "columns": effects["columns"],
            "values": [effects["values"][i] for i in rows],
        },
        "density": density,
        "hidden_segments": {"count": len(hidden), "customers": int(sum(p["size"] for p in hidden))},
        "min_segment_size": min_size,
    }
    shared.pop("notes", None)  # notes can quote column values; the shared view keeps to the figures
    return shared


def effects_frame(summary: dict[str, Any]) -> pd.DataFrame:
    effects = summary["effects"]
    return pd.DataFrame(effects["values"], index=effects["segments"], columns=effects["columns"], dtype=float)


def concentration_frame(summary: dict[str, Any]) -> pd.DataFrame | None:
    conc = summary.get("concentration")
    return pd.DataFrame(conc["curve"]) if conc else None


def _num(value) -> float | None:
    if value is None:
        return None
    value = float(value)
    return None if not np.isfinite(value) else round(value, 6)
