"""How each segment differs from everyone, column by column: segment codes, means, level shares and standardised effects.

Everything is ``np.bincount`` over integer segment codes, so a million rows x 25 columns x 8 segments takes about a
second. Profiles, the effect heat map, rules and the shared summary all read these numbers from here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import ndtri

from segcore.columns.numbers import text_to_float
from segcore.columns.vocabulary import NO_WORDS, YES_WORDS
from segcore.errors import DataError, NotEnoughData, SpecError, require_columns
from segcore.i18n import _l, ngettext
from segcore.insight.traits import Trait

# Lorenz curve resolution: 101 points = every percent of customers, smooth enough for a chart, tiny to store.
CURVE_POINTS = 101
# The Pareto question marketers ask: what share of value do the top 20% of customers bring?
TOP_SHARE = 0.2
MISSING_LEVEL = "(missing)"
# Above this many rows the numeric comparisons run on a stratified, weighted sample of this size (one sort per
# column stays ~30 ms); each segment keeps at least RANK_FLOOR rows, so its median and effect stay precise.
RANK_ROWS = 100_000
RANK_FLOOR = 5_000
# An AUC of exactly 0 or 1 maps to an infinite d; clipping at 1/1000 caps |d| at about 4.4 ("enormous").
AUC_CLIP = 1e-3


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
            _l(
                "There are {labels} segment labels for {n_rows} rows. Pass exactly one label per row of the "
                "table.",
                labels=len(arr), n_rows=n_rows,
            )
        )
    if n_rows == 0:
        raise NotEnoughData(
            _l("The table has no rows, so there is nothing to profile. Load a file with customers.")
        )
    if arr.dtype.kind == "f":
        if np.isnan(arr).any():
            raise SpecError(
                _l("Some rows have no segment label (missing). Use -1 for customers with no segment.")
            )
        if not np.all(arr == np.round(arr)):
            raise SpecError(_l(
                "Segment labels must be whole numbers such as 0, 1, 2 (or -1 for unassigned).",
            ))
    elif arr.dtype.kind not in "iub":
        raise SpecError(_l("Segment labels must be whole numbers such as 0, 1, 2 (or -1 for unassigned)."))
    segments, idx = np.unique(arr.astype(np.int64), return_inverse=True)
    return segments, idx.astype(np.int64)


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
    return text_to_float(s).to_numpy(dtype="float64", na_value=np.nan)


def _group_means(x: np.ndarray, idx: np.ndarray, n_seg: int) -> np.ndarray:
    ok = ~np.isnan(x)
    counts = np.bincount(idx[ok], minlength=n_seg)
    sums = np.bincount(idx[ok], weights=x[ok], minlength=n_seg)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)


def numeric_effects(x: np.ndarray, idx: np.ndarray, *, n_seg: int) -> tuple[np.ndarray, float, np.ndarray]:
    """Per-segment means, overall mean and standardised mean differences (NaN where the column is constant)."""
    means = _group_means(x, idx, n_seg)
    finite = x[~np.isnan(x)]
    if len(finite) == 0:
        return means, float("nan"), np.full(n_seg, np.nan)
    overall, sd = float(finite.mean()), float(finite.std())
    effects = (means - overall) / sd if sd > 0 else np.full(n_seg, np.nan)
    return means, overall, effects


# ---------------------------------------------------------------------------------------------------------- trait statistics
def auc_effect(auc: np.ndarray) -> np.ndarray:
    """Standardised difference from a probability of superiority: sqrt(2) * Phi^-1(AUC) (Cohen's d under normality)."""
    return math.sqrt(2.0) * ndtri(np.clip(auc, AUC_CLIP, 1 - AUC_CLIP))


def cohens_h(p1: np.ndarray, p2: np.ndarray) -> np.ndarray:
    """Cohen's h for two proportions: 2 asin sqrt(p1) - 2 asin sqrt(p2)."""
    return 2 * np.arcsin(np.sqrt(np.clip(p1, 0, 1))) - 2 * np.arcsin(np.sqrt(np.clip(p2, 0, 1)))


@dataclass(frozen=True)
class NumericComparison:
    """Per segment: median, rank effect, share above/below the overall median; and the overall figures."""

    medians: np.ndarray
    effects: np.ndarray
    share_above: np.ndarray
    share_below: np.ndarray
    overall_median: float
    overall_above: float
    overall_below: float


def rank_sample(idx: np.ndarray, n_seg: int, *, seed: int = 0) -> tuple[np.ndarray, np.ndarray] | None:
    """Rows and weights for the numeric comparisons on big tables (None: use every row).

    Above ``RANK_ROWS`` rows each segment keeps its proportional share of ``RANK_ROWS`` but at least
    ``RANK_FLOOR`` rows (all of a smaller segment), weighted by the inverse of its sampling rate, so medians and
    effects of small segments stay precise while one sort per column costs the same at any size.
    """
    n = len(idx)
    if n <= RANK_ROWS:
        return None
    rng = np.random.default_rng(seed)
    counts = np.bincount(idx, minlength=n_seg)
    by_segment = np.argsort(idx, kind="stable")
    starts = np.concatenate([[0], np.cumsum(counts)])
    rows, weights = [], []
    for i in range(n_seg):
        if counts[i] == 0:
            continue
        take = int(min(counts[i], max(RANK_FLOOR, round(RANK_ROWS * counts[i] / n))))
        members = by_segment[starts[i] : starts[i + 1]]
        rows.append(members if take == counts[i] else rng.choice(members, take, replace=False))
        weights.append(np.full(take, counts[i] / take))
    return np.concatenate(rows), np.concatenate(weights)


def _weighted_median(sorted_x: np.ndarray, sorted_w: np.ndarray) -> float:
    cw = np.cumsum(sorted_w)
    half = cw[-1] / 2
    lo = int(np.searchsorted(cw, half, side="left"))
    if np.isclose(cw[lo], half) and lo + 1 < len(sorted_x):
        return float(sorted_x[lo] + sorted_x[lo + 1]) / 2
    return float(sorted_x[lo])


def compare_numeric(
    x: np.ndarray, idx: np.ndarray, *, n_seg: int,  weights: np.ndarray | None = None
) -> NumericComparison:
    """Medians and rank-based effects of each segment against the rest, for one numeric column (NaN left out).

    One sort gives every value's (weighted) mid-rank c(x) = W(below x) + W(equal to x)/2, ties sharing it as in
    Mann-Whitney; then a segment's sum of w*c is W_s^2/2 + AUC * W_s * W_rest, which gives its AUC against the rest
    exactly for all segments at once. ``weights`` (from ``rank_sample``) make a stratified sample stand for its
    table; within a segment they are equal, so its median is the plain median of its sampled rows.
    """
    ok = ~np.isnan(x)
    xv, iv = x[ok], idx[ok]
    wv = np.ones(len(xv)) if weights is None else np.asarray(weights, dtype="float64")[ok]
    nan = np.full(n_seg, np.nan)
    if len(xv) == 0:
        return NumericComparison(nan, nan, nan, nan, float("nan"), float("nan"), float("nan"))
    seg_w = np.bincount(iv, weights=wv, minlength=n_seg)
    total = float(seg_w.sum())
    order = np.argsort(xv)
    xs, ws = xv[order], wv[order]
    n = len(xs)
    change = np.flatnonzero(np.diff(xs)) + 1
    starts, ends = np.concatenate([[0], change]), np.concatenate([change, [n]])
    group_w = np.add.reduceat(ws, starts)
    below = np.concatenate([[0.0], np.cumsum(group_w)[:-1]])
    mid = np.repeat(below + group_w / 2, ends - starts)
    rank_sums = np.bincount(iv[order], weights=ws * mid, minlength=n_seg)
    rest = total - seg_w
    with np.errstate(invalid="ignore", divide="ignore"):
        auc = (rank_sums - seg_w**2 / 2) / (seg_w * rest)
        effects = np.where((seg_w > 0) & (rest > 1e-9 * total), auc_effect(auc), np.nan)
    medians = np.array([np.median(xv[iv == i]) if seg_w[i] else np.nan for i in range(n_seg)])
    med = _weighted_median(xs, ws)
    above, under = (xv > med) * wv, (xv < med) * wv
    with np.errstate(invalid="ignore", divide="ignore"):
        share_above = np.bincount(iv, weights=above, minlength=n_seg) / seg_w
        share_below = np.bincount(iv, weights=under, minlength=n_seg) / seg_w
    return NumericComparison(
        medians, effects, share_above, share_below, med, float(above.sum() / total), float(under.sum() / total)
    )


def numeric_trait(column: str, cmp: NumericComparison, *, i: int,  unit: str) -> Trait | None:
    """The numeric trait fact of segment i (None when it does not differ at all)."""
    e = float(cmp.effects[i])
    if not math.isfinite(e) or e == 0:
        return None
    up = e > 0
    return Trait(
        column,
        "numeric",
        1 if up else -1,
        e,
        float(cmp.medians[i]),
        cmp.overall_median,
        unit,
        float(cmp.share_above[i] if up else cmp.share_below[i]),
        cmp.overall_above if up else cmp.overall_below,
    )


def compare_flag(x: np.ndarray, idx: np.ndarray, *, n_seg: int) -> tuple[np.ndarray, float, np.ndarray]:
    """Per-segment rate of a 1/0 flag (NaN left out), the overall rate and Cohen's h of each segment vs the rest."""
    ok = ~np.isnan(x)
    counts = np.bincount(idx[ok], minlength=n_seg).astype("float64")
    hits = np.bincount(idx[ok], weights=x[ok], minlength=n_seg)
    total_n, total_hits = counts.sum(), hits.sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = hits / counts
        rest = (total_hits - hits) / (total_n - counts)
        overall = total_hits / total_n if total_n else float("nan")
        h = np.where((counts > 0) & (total_n - counts > 0), cohens_h(rate, rest), np.nan)
    return rate, float(overall), h


def compare_levels(s: pd.Series, idx: np.ndarray, *, n_seg: int,  missing: str) -> tuple[
    np.ndarray, np.ndarray, np.ndarray, np.ndarray
]:
    """Levels, segment shares (n_seg x L), overall shares (L) and Cohen's h of each segment vs the rest per level."""
    codes, levels = pd.factorize(s, use_na_sentinel=True)
    levels = np.asarray([str(v) for v in levels], dtype=object)
    if (codes < 0).any():
        levels = np.append(levels, missing)
        codes = np.where(codes < 0, len(levels) - 1, codes)
    n_levels = len(levels)
    table = np.bincount(idx * n_levels + codes, minlength=n_seg * n_levels).reshape(n_seg, n_levels)
    sizes = table.sum(axis=1, keepdims=True).astype("float64")
    total = table.sum(axis=0, keepdims=True).astype("float64")
    n = float(table.sum())
    with np.errstate(invalid="ignore", divide="ignore"):
        p_seg = table / np.maximum(sizes, 1)
        p_rest = (total - table) / (n - sizes)
        h = np.where((sizes > 0) & (n - sizes > 0), cohens_h(p_seg, p_rest), np.nan)
    return levels, p_seg, total[0] / max(n, 1.0), h


# ---------------------------------------------------------------------------------------------------------- profiles
def ordered_unique(items: Sequence[str | None]) -> list[str]:
    return list(dict.fromkeys(c for c in items if c))


def effect_table(df: pd.DataFrame, labels: Any, *, columns: Sequence[str]) -> pd.DataFrame:
    """Segments x columns of standardised effects, columns ordered by their largest |effect| (for a heatmap).

    The same effects as the traits: numeric columns the rank-based standardised difference, yes/no columns Cohen's
    h; categorical columns the level with the largest |h| in that segment, keeping its sign. Constant columns give 0.
    """
    segments, idx = segment_codes(labels, len(df))
    require_columns(df, list(columns), what=_l("column"))
    n_seg = len(segments)
    sample = rank_sample(idx, n_seg)
    rows, weights = sample if sample is not None else (slice(None), None)
    data: dict[str, np.ndarray] = {}
    for col in ordered_unique(list(columns)):
        s = df[col]
        if pd.api.types.is_bool_dtype(s):
            effects = compare_flag(s.to_numpy(dtype="float64", na_value=np.nan), idx, n_seg=n_seg)[2]
        elif is_numeric(s):
            x = s.to_numpy(dtype="float64", na_value=np.nan)
            effects = compare_numeric(x[rows], idx[rows], n_seg=n_seg, weights=weights).effects
        else:
            filled = np.nan_to_num(compare_levels(s, idx, n_seg=n_seg, missing=MISSING_LEVEL)[3], nan=0.0)
            # the most different level; on a tie (two-level columns) the over-represented one gives the sign
            pick = np.argmax(np.abs(filled) + 1e-9 * (filled > 0), axis=1)
            effects = filled[np.arange(n_seg), pick]
        data[col] = np.nan_to_num(effects, nan=0.0)
    order = sorted(data, key=lambda c: -float(np.max(np.abs(data[c]))) if n_seg else 0.0)
    return pd.DataFrame({c: data[c] for c in order}, index=pd.Index(segments, name="segment"))


def value_concentration(values: Any) -> Concentration:
    """Share of total value held by the top customers: curve, top-20% share and Gini coefficient.

    Missing values are left out and negative values (refunds) count as 0; both are reported in ``note``.
    Raises NotEnoughData when nothing is left, DataError when the total is zero.
    """
    x = pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    notes = []
    missing = int(np.isnan(x).sum())
    if missing:
        notes.append(ngettext("{n:,} missing value left out.", "{n:,} missing values left out.", missing))
    x = x[~np.isnan(x)]
    negative = int((x < 0).sum())
    if negative:
        notes.append(ngettext("{n:,} negative value counted as 0.", "{n:,} negative values counted as 0.", negative))
        x = np.clip(x, 0, None)
    if len(x) == 0:
        raise NotEnoughData(
            _l("There are no numeric values to measure value concentration. Choose a value column.")
        )
    total = float(x.sum())
    if total <= 0:
        raise DataError(
            _l(
                "Every value is zero (or negative), so no customer holds any share of value. Choose a "
                "revenue or spend column with positive values.",
            )
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
