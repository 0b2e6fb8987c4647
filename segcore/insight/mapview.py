"""The customer map's data: points with segment and tooltip values, and what a selection on the map means.

Kept UI-free so the studio, the shared view and the tests all read the same points and selections.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from segcore.columns.schema import Schema
from segcore.insight.embed import Embedding
from segcore.insight.profile import Trait, build_profiles
from segcore.labels import unassigned_name

ROW_FIELD = "row"  # position of the customer in the data; the map's point selection uses the id, else this
MAX_TOOLTIP_COLUMNS = 4


def map_points(
    df: pd.DataFrame,
    embedding: Embedding,
    *, labels: np.ndarray,
    names: dict[int, str],

    schema: Schema,
    features: list[str],
) -> pd.DataFrame:
    """One row per mapped customer: x, y, segment id and name, the id and a few key values for tooltips."""
    rows = np.asarray(embedding.rows)
    points = pd.DataFrame(
        {
            "x": embedding.coords[:, 0].astype(np.float32),
            "y": embedding.coords[:, 1].astype(np.float32),
            ROW_FIELD: rows,
        }
    )
    seg = np.asarray(labels)[rows]
    points["segment"] = seg
    unassigned = unassigned_name()
    points["segment_name"] = [names.get(int(s), unassigned) for s in seg]
    for column in tooltip_columns(schema, features):
        points[column] = df[column].iloc[rows].to_numpy()
    return points


def tooltip_columns(schema: Schema, features: list[str]) -> list[str]:
    """The id, the value column and the first few features: what a marketer wants when hovering a customer."""
    chosen = [c for c in (schema.id_column, schema.value_column) if c]
    chosen += [c for c in features if c not in chosen]
    return chosen[: MAX_TOOLTIP_COLUMNS + (1 if schema.id_column else 0)]


def selected_rows(points: pd.DataFrame, selection: dict, *, id_column: str | None) -> np.ndarray:
    """Row positions picked on the map: a brush rectangle ({"x": [a, b], "y": [c, d]}) or clicked points."""
    brush = selection.get("brush") or {}
    picked = selection.get("pick") or []
    mask = np.zeros(len(points), dtype=bool)
    if brush.get("x") and brush.get("y"):
        x0, x1 = sorted(brush["x"])
        y0, y1 = sorted(brush["y"])
        mask |= points["x"].between(x0, x1).to_numpy() & points["y"].between(y0, y1).to_numpy()
    if picked:
        field = id_column if id_column and id_column in points.columns else ROW_FIELD
        values = {p.get(field) for p in picked if isinstance(p, dict)}
        mask |= points[field].isin(values).to_numpy()
    return np.sort(points.loc[mask, ROW_FIELD].to_numpy())


def describe_selection(df: pd.DataFrame, rows: np.ndarray, *, schema: Schema, columns: list[str]) -> tuple[Trait, ...]:
    """How the selected customers differ from everyone, as ranked plain-language traits."""
    labels = np.ones(len(df), dtype=np.int64)
    labels[np.asarray(rows, dtype=np.int64)] = 0
    profiles = build_profiles(df, labels, schema=schema, features=columns)
    chosen = next(p for p in profiles if p.segment == 0)
    return chosen.traits
