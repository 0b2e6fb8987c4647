"""The aggregate-only summary of a segmentation: what a saved run, a shared link and the report show.

It holds counts, shares, means, traits, rules and binned map densities, never a customer id or row. ``for_sharing``
applies statistical disclosure control on top (``segcore.insight.disclosure``: threshold rule, complementary
suppression, rounding), so no small group of people can be seen or worked out by subtracting totals.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from segcore.insight import disclosure
from segcore.insight.effects import effect_table, value_concentration
from segcore.insight.embed import Embedding

SUMMARY_VERSION = 1
# Segments, category levels and map squares with fewer customers than this are not shown in shared views.
MIN_SHARED_SEGMENT_SIZE = disclosure.MIN_GROUP
# The shared map is a grid of counts, not points: 36 x 36 cells keep the shape readable at a glance.
DENSITY_BINS = 36
# A map cell holding fewer customers than this is left out of the owner's map (the shared map uses the threshold rule).
MIN_CELL_COUNT = 3
# The shared map merges neighbouring squares by these factors (36 / f bins) until this share of customers is shown.
SHARED_MERGE_FACTORS = (1, 2, 3, 4, 6, 9, 12, 18, 36)
SHARED_MAP_COVERAGE = 0.8


def build_summary(seg, df: pd.DataFrame, *, embedding: Embedding | None = None) -> dict[str, Any]:
    """A JSON-able summary of a fitted segmentation over the customers it was fitted on."""
    schema = seg.schema
    columns = [*seg.numeric, *seg.categorical, *[c for c in seg.spec.profile_columns if c in df.columns]]
    effects = effect_table(df, seg.labels, columns=columns) if columns else pd.DataFrame()
    summary: dict[str, Any] = {
        "version": SUMMARY_VERSION,
        "headline": headline(seg),
        "profiles": [p.to_dict() for p in seg.profiles],
        "effects": {
            "segments": [int(s) for s in effects.index],
            "columns": [str(c) for c in effects.columns],
            "values": [[_num(v) for v in row] for row in effects.to_numpy()],
        },
        "concentration": None,
        "density": density_grid(embedding, seg.labels) if embedding is not None else None,
        "notes": [str(n) for n in seg.notes],
        "features": [*seg.numeric, *seg.categorical],
        # private: which category levels too few customers hold, so for_sharing can leave them out
        "rare_levels": disclosure.rare_levels(df, [c for c in columns if c in df.columns]),
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


def headline(seg) -> dict[str, Any]:
    """The counts and grade a run shows first; the saved list's counts are these (``segcore.store.runs``)."""
    quality = seg.quality
    return {
        "customers": int(seg.n_rows),
        "segments": int(seg.n_segments),  # Unassigned is not a segment
        "method": seg.method,
        "grade": quality.grade if quality else None,
        "silhouette": _num(quality.silhouette) if quality else None,
        "stability": _num(quality.stability) if quality else None,
        "stability_low": _num(quality.stability_low) if quality else None,
        "stability_high": _num(quality.stability_high) if quality else None,
        "structure": seg.structure.verdict if getattr(seg, "structure", None) else None,
        "structure_reason": str(seg.structure.reason) if getattr(seg, "structure", None) else "",
        "value_tiers": bool(getattr(seg, "tiers", False)),
        "quality_explanation": str(quality.explanation) if quality else "",
        "rules_fidelity": _num(seg.rules.fidelity) if seg.rules else None,
    }


def model_summary(seg) -> dict[str, Any]:
    """The summary a saved model alone supports (no customer data): headline, profiles, notes; no heat map, value
    curve or map. ``segcore report`` uses it when it is given a model without its data."""
    return {
        "version": SUMMARY_VERSION,
        "headline": headline(seg),
        "profiles": [p.to_dict() for p in seg.profiles],
        "effects": {"segments": [], "columns": [], "values": []},
        "concentration": None,
        "density": None,
        "notes": [str(n) for n in seg.notes],
        "features": [*seg.numeric, *seg.categorical],
    }


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
    """The summary a read-only link may show (and its HTML/PDF reports are built from).

    Segments under ``min_size`` customers are hidden together with enough others that the hidden ones cannot be
    derived from the totals; traits, rules and names that mention a category level held by fewer than
    ``min_size`` customers are left out; every count, share, mean and rule threshold is rounded (the rule is
    ``disclosure.rule_text``, repeated in the view's footnote).
    """
    sizes = {int(p["segment"]): int(p["size"]) for p in summary["profiles"]}
    hidden_ids = disclosure.suppressed_segments(sizes, min_size=min_size)
    total = int(summary["headline"]["customers"])
    rare = summary.get("rare_levels") or {}
    kept = [
        disclosure.share_profile(p, total=total, rare=rare, min_size=min_size)
        for p in summary["profiles"]
        if int(p["segment"]) not in hidden_ids
    ]
    effects = summary["effects"]
    rows = [i for i, s in enumerate(effects["segments"]) if s not in hidden_ids]
    headline = summary["headline"]
    shared = {
        **summary,
        "headline": {
            **headline,
            "customers": disclosure.round_count(total),
            **{
                k: _rounded(headline.get(k), 2)
                for k in ("silhouette", "stability", "stability_low", "stability_high", "rules_fidelity")
            },
        },
        "profiles": kept,
        "effects": {
            "segments": [effects["segments"][i] for i in rows],
            "columns": effects["columns"],
            "values": [[_rounded(v, 2) for v in effects["values"][i]] for i in rows],
        },
        "concentration": _shared_concentration(summary.get("concentration")),
        "density": _shared_density(summary.get("density"), hidden_ids, min_size),
        "hidden_segments": {
            "count": len(hidden_ids),
            "customers": disclosure.round_count(sum(sizes[s] for s in hidden_ids)),
        },
        "min_segment_size": min_size,
        "disclosure": {
            "rule": disclosure.rule_text(min_size),
            "min_group": min_size,
            "rounding_base": disclosure.ROUNDING_BASE,
        },
    }
    shared.pop("notes", None)  # notes can quote column values; the shared view keeps to the figures
    shared.pop("rare_levels", None)  # names the very levels that must not be shown
    return shared


def _shared_concentration(conc: dict[str, Any] | None) -> dict[str, Any] | None:
    if not conc:
        return conc
    return {
        **conc,
        "top20_share": _rounded(conc.get("top20_share"), 2),
        "gini": _rounded(conc.get("gini"), 2),
        "curve": {c: [_rounded(v, 2) for v in values] for c, values in conc["curve"].items()},
    }


def _shared_density(density: dict[str, Any] | None, hidden_ids: set[int], min_size: int) -> dict[str, Any] | None:
    """The map as squares of at least ``min_size`` customers, counts rounded; squares whose main segment is hidden
    are left out. Neighbouring squares are merged (2x2, 3x3, ...) until most customers sit in squares that pass."""
    if not density:
        return density
    cells = [c for c in density["cells"] if c["segment"] not in hidden_ids]
    total = sum(c["count"] for c in cells)
    bins = int(density["bins"])
    for factor in (f for f in SHARED_MERGE_FACTORS if bins % f == 0):
        merged = _merge_cells(cells, factor)
        kept = [c for c in merged if c["count"] >= min_size]
        if sum(c["count"] for c in kept) >= SHARED_MAP_COVERAGE * total:
            break
    kept = [{**c, "count": disclosure.round_count(c["count"])} for c in kept]
    return {**density, "bins": bins // factor, "cells": kept}


def _merge_cells(cells: list[dict[str, Any]], factor: int) -> list[dict[str, Any]]:
    """Squares of ``factor`` x ``factor`` cells: customers summed, coloured by the segment with most of them."""
    if factor == 1:
        return cells
    blocks: dict[tuple[int, int], dict[int, int]] = {}
    for c in cells:
        per_segment = blocks.setdefault((c["x"] // factor, c["y"] // factor), {})
        per_segment[c["segment"]] = per_segment.get(c["segment"], 0) + int(c["count"])
    return [
        {"x": x, "y": y, "segment": max(per, key=lambda s: (per[s], -s)), "count": sum(per.values())}
        for (x, y), per in sorted(blocks.items())
    ]


def _rounded(value, digits: int) -> float | None:
    return None if value is None or not np.isfinite(float(value)) else round(float(value), digits)


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
