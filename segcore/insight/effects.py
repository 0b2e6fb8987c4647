"""How each segment differs from everyone, column by column: segment codes, means, level shares and standardised effects.

Everything is ``np.bincount`` over integer segment codes, so a million rows x 25 columns x 8 segments takes about a
second. Profiles, the effect heat map, rules and the shared summary all read these numbers from here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from segcore.columns.vocabulary import NO_WORDS, YES_WORDS
from segcore.errors import DataError, NotEnoughData, SpecError

# Lorenz curve resolution: 101 points = every percent of customers, smooth enough for a chart, tiny to store.
CURVE_POINTS = 101
# The Pareto question marketers ask: what share of value do the top 20% of customers bring?
TOP_SHARE = 0.2
MISSING_LEVEL = "(missing)"


@dataclass(frozen=True)
class Concentration:
    """How concentrated value is: Lorenz-style curve (top customers first), top-20% share and Gini (0 = equal)."""

    curve: pd.DataFrame
    top20_share: float
    gini: float
    n: int = 0
    note: str = ""

    def to_dict(self) -> dict:
        return {
            "curve": {c: [float(v) for v in self.curve[c]] for c in ("customer_share", "value_share")},
            "top20_share": float(self.top20_share),
            "gini": float(self.gini),
            "n": int(self.n),
            "note": self.note,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Concentration:
        return cls(pd.DataFrame(d["curve"]), d["top20_share"], d["gini"], d.get("n", 0), d.get("note", ""))


def segment_codes(labels: Any, n_rows: int) -> tuple[np.ndarray, np.ndarray]:
    """(sorted segment ids, per-row index into them). Validates length and integer-ness."""
    arr = np.asarray(labels)
    if arr.ndim != 1 or len(arr) != n_rows:
        raise SpecError(
            f"There are {len(arr)} segment labels for {n_rows} rows. Pass exactly one label per row of the table."
        )
    if n_rows == 0:
        raise NotEnoughData(
            "The table has no rows, so there is nothing to profile. Load a file with customers."
        )
    if arr.dtype.kind == "f":
        if np.isnan(arr).any():
            raise SpecError(
                "Some rows have no segment label (missing). Use -1 for customers with no segment."
            )
        if not np.all(arr == np.round(arr)):
            raise SpecError("Segment labels must be whole numbers such as 0, 1, 2 (or -1 for unassigned).")
    elif arr.dtype.kind not in "iub":
        raise SpecError("Segment labels must be whole numbers such as 0, 1, 2 (or -1 for unassigned).")
    segments, idx = np.unique(arr.astype(np.int64), return_inverse=True)
    return segments, idx.astype(np.int64)


def check_columns(df: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise SpecError(
            f"The {what} {', '.join(map(repr, missing))} {'is' if len(missing) == 1 else 'are'} not in the table. "
            f"Pick columns from: {', '.join(map(str, df.columns[:20]))}{' ...' if len(df.columns) > 20 else ''}."
        )


def is_numeric(s: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s)


def as_flag(s: pd.Series) -> np.ndarray | None:
    """1.0 / 0.0 / NaN when the column is a yes/no flag (bool, 0/1, yes/no, true/false), else None."""
    if pd.api.types.is_bool_dtype(s):
        return s.astype("float64").to_numpy(dtype="float64", na_value=np.nan)
    if is_numeric(s):
        x = s.to_numpy(dtype="float64", na_value=np.nan)
        vals = np.unique(x[~np.isnan(x)])
        return x if len(vals) and set(vals.tolist()) <= {0.0, 1.0} else None
    if (
        pd.api.types.is_object_dtype(s)
        or pd.api.types.is_string_dtype(s)
        or isinstance(s.dtype, pd.CategoricalDtype)
    ):
        levels = pd.Series(s.dropna().unique()).astype(str).str.strip().str.lower()
        if len(levels) == 0 or len(levels) > 2 or not set(levels) <= YES_WORDS | NO_WORDS:
            return None
        if not set(levels) & YES_WORDS:
            return None
        low = s.astype("string").str.strip().str.lower()
        return np.where(low.isna(), np.nan, low.isin(list(YES_WORDS)).to_numpy(dtype=bool, na_value=False))
    return None


def numeric_values(s: pd.Series) -> np.ndarray:
    if is_numeric(s):
        return s.to_numpy(dtype="float64", na_value=np.nan)
    return pd.to_numeric(s, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)


def _group_means(x: np.ndarray, idx: np.ndarray, n_seg: int) -> np.ndarray:
    ok = ~np.isnan(x)
    counts = np.bincount(idx[ok], minlength=n_seg)
    sums = np.bincount(idx[ok], weights=x[ok], minlength=n_seg)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)


def numeric_effects(x: np.ndarray, idx: np.ndarray, n_seg: int) -> tuple[np.ndarray, float, np.ndarray]:
    """Per-segment means, overall mean and standardised mean differences (NaN where the column is constant)."""
    means = _group_means(x, idx, n_seg)
    finite = x[~np.isnan(x)]
    if len(finite) == 0:
        return means, float("nan"), np.full(n_seg, np.nan)
    overall, sd = float(finite.mean()), float(finite.std())
    effects = (means - overall) / sd if sd > 0 else np.full(n_seg, np.nan)
    return means, overall, effects


def level_effects(
    s: pd.Series, idx: np.ndarray, n_seg: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Levels, segment proportions (n_seg x L), overall proportions (L) and standardised proportion differences."""
    codes, levels = pd.factorize(s, use_na_sentinel=True)
    levels = np.asarray([str(v) for v in levels], dtype=object)
    if (codes < 0).any():
        levels = np.append(levels, MISSING_LEVEL)
        codes = np.where(codes < 0, len(levels) - 1, codes)
    n_levels = len(levels)
    table = np.bincount(idx * n_levels + codes, minlength=n_seg * n_levels).reshape(n_seg, n_levels)
    sizes = table.sum(axis=1, keepdims=True)
    p_seg = table / np.maximum(sizes, 1)
    p_all = table.sum(axis=0) / table.sum()
    spread = np.sqrt(p_all * (1 - p_all))
    with np.errstate(invalid="ignore", divide="ignore"):
        effects = np.where(spread > 0, (p_seg - p_all) / np.where(spread > 0, spread, 1), np.nan)
    return levels, p_seg, p_all, effects


# ---------------------------------------------------------------------------------------------------------- profiles
def ordered_unique(items: Sequence[str | None]) -> list[str]:
    return list(dict.fromkeys(c for c in items if c))


def effect_table(df: pd.DataFrame, labels: Any, *, columns: Sequence[str]) -> pd.DataFrame:
    """Segments x columns of standardised effects, columns ordered by their largest |effect| (for a heatmap).

    Numeric and yes/no columns: (segment mean - overall mean) / overall std. Categorical: the level with the largest
    |standardised proportion difference| in that segment, keeping its sign. Constant columns give 0.
    """
    segments, idx = segment_codes(labels, len(df))
    check_columns(df, list(columns), "column")
    n_seg = len(segments)
    data: dict[str, np.ndarray] = {}
    for col in ordered_unique(list(columns)):
        s = df[col]
        if is_numeric(s) or pd.api.types.is_bool_dtype(s):
            x = s.to_numpy(dtype="float64", na_value=np.nan)
            effects = numeric_effects(x, idx, n_seg)[2]
        else:
            effects_lv = level_effects(s, idx, n_seg)[3]
            filled = np.nan_to_num(effects_lv, nan=0.0)
            # the most different level; on a tie (two-level columns) the over-represented one gives the sign
            pick = np.argmax(np.abs(filled) + 1e-9 * (filled > 0), axis=1)
            effects = filled[np.arange(n_seg), pick]
        data[col] = np.nan_to_num(effects, nan=0.0)
    order = sorted(data, key=lambda c: -float(np.max(np.abs(data[c]))) if n_seg else 0.0)
    out = pd.DataFrame({c: data[c] for c in order}, index=pd.Index(segments, name="segment"))
    return out


def value_concentration(values: Any) -> Concentration:
    """Share of total value held by the top customers: curve, top-20% share and Gini coefficient.

    Missing values are left out and negative values (refunds) count as 0; both are reported in ``note``.
    Raises NotEnoughData when nothing is left, DataError when the total is zero.
    """
    x = pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    notes = []
    missing = int(np.isnan(x).sum())
    if missing:
        notes.append(f"{missing:,} missing value{'s' if missing != 1 else ''} left out.")
    x = x[~np.isnan(x)]
    negative = int((x < 0).sum())
    if negative:
        notes.append(f"{negative:,} negative value{'s' if negative != 1 else ''} counted as 0.")
        x = np.clip(x, 0, None)
    if len(x) == 0:
        raise NotEnoughData(
            "There are no numeric values to measure value concentration. Choose a value column."
        )
    total = float(x.sum())
    if total <= 0:
        raise DataError(
            "Every value is zero (or negative), so no customer holds any share of value. "
            "Choose a revenue or spend column with positive values."
        )
    n = len(x)
    desc = np.sort(x)[::-1]
    cum = np.concatenate([[0.0], np.cumsum(desc) / total])  # cum[k] = share held by the top k customers
    grid = np.linspace(0.0, 1.0, CURVE_POINTS)
    curve = pd.DataFrame({"customer_share": grid, "value_share": np.interp(grid * n, np.arange(n + 1), cum)})
    top20 = float(np.interp(TOP_SHARE * n, np.arange(n + 1), cum))
    asc = desc[::-1]
    gini = float(2 * np.sum(np.arange(1, n + 1) * asc) / (n * total) - (n + 1) / n)
    return Concentration(curve=curve, top20_share=top20, gini=gini, n=n, note=" ".join(notes))
