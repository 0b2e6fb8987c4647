"""Segment stability: Hennig's cluster-wise bootstrap Jaccard, per segment and overall, with an interval.

For each of ``BOOTSTRAPS`` resamples (drawn with replacement from a sample of the prepared customers) k-means is
fitted again (several starts); each original segment is compared with every segment of the refit by the Jaccard
index over the customers present in the resample, and keeps its best match (Hennig 2007, "Cluster-wise assessment of
cluster stability"). A segment's stability is its mean best Jaccard: below 0.5 it "dissolves" (it is not found again
in most resamples), from 0.75 it is "stable" (Hennig's bands; 0.5-0.75 means a pattern is there but where its
borders fall is not). Overall stability is the size-weighted mean over segments.

The interval (``low``, ``high``) is the 5th and 95th percentile of the overall figure across the resamples: nine
resamples in ten agree at least ``low`` and at most ``high``. The mean itself moves far less between seeds (its
spread is the interval's width over sqrt(BOOTSTRAPS)); docs/STRUCTURE.md reports both, measured.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from segcore.model.cluster import sample_rows
from segcore.model.smallkmeans import kmeans, nearest, one_blas_thread

# Hennig's reading of the mean best Jaccard.
DISSOLVED = 0.5
STABLE = 0.75
# The bootstrap runs on a random sample of the prepared matrix: a segment's Jaccard on 2,000 customers is the same
# figure as on 100k within the resampling noise, at a fixed cost whatever the file size.
STABILITY_ROWS = 2_000
BOOTSTRAPS = 60
N_INIT = 3
INTERVAL = (5.0, 95.0)
SAMPLE_SEED = 2007  # Hennig 2007


@dataclass(frozen=True)
class Stability:
    """Overall stability with its interval, and each segment's (in the order of the reference labels 0..k-1)."""

    overall: float
    low: float
    high: float
    per_segment: tuple[float, ...]
    bootstraps: int
    n_rows: int

    def to_dict(self) -> dict:
        return {
            "overall": self.overall,
            "low": self.low,
            "high": self.high,
            "per_segment": list(self.per_segment),
            "bootstraps": self.bootstraps,
            "n_rows": self.n_rows,
        }

    @classmethod
    def from_dict(cls, d: dict) -> Stability:
        return cls(
            float(d["overall"]),
            float(d["low"]),
            float(d["high"]),
            tuple(float(v) for v in d["per_segment"]),
            int(d["bootstraps"]),
            int(d["n_rows"]),
        )


def stability_band(value: float | None) -> str:
    """'stable', 'unclear' or 'dissolves' by Hennig's bands ('' when unknown)."""
    if value is None or value != value:
        return ""
    return "stable" if value >= STABLE else "dissolves" if value < DISSOLVED else "unclear"


def bootstrap_stability(
    X,
    labels,
    *,
    k: int | None = None,
    bootstraps: int = BOOTSTRAPS,
    n_init: int = N_INIT,
    max_rows: int = STABILITY_ROWS,
    random_state: int = 0,
) -> Stability:
    """Stability of the segmentation ``labels`` (0..k-1; -1 rows ignored) of the prepared matrix X.

    The refits are k-means with ``k`` segments (the number of distinct labels by default).
    """
    X = np.asarray(X, dtype=np.float64)
    labels = np.asarray(labels)
    keep = np.flatnonzero(labels >= 0)
    if len(keep) > max_rows:  # the same customers whatever the seed: the sample is part of the data, not the luck
        keep = keep[sample_rows(len(keep), size=max_rows, random_state=SAMPLE_SEED)]
    rng = np.random.default_rng(random_state)
    Xs, ref = X[keep], labels[keep]
    ids, ref = np.unique(ref, return_inverse=True)
    n_ref = len(ids)
    k = int(k or n_ref)
    m = len(ref)
    sizes = np.bincount(ref, minlength=n_ref).astype(np.float64)
    per_boot = np.full((bootstraps, n_ref), np.nan)
    if m <= k:
        bootstraps = 0
    with one_blas_thread():
        for b in range(bootstraps):
            draw = rng.integers(0, m, size=m)
            present = np.unique(draw)
            if len(present) <= k:
                continue
            fit = kmeans(Xs[draw], k, n_init=n_init, seed=random_state * 7919 + b + 1)
            boot = nearest(Xs[present], fit.centers)
            per_boot[b] = _best_jaccard(ref[present], boot, n_ref, k)
    per_boot = per_boot[~np.isnan(per_boot).all(axis=1)]
    if len(per_boot) == 0:
        nan = float("nan")
        return Stability(nan, nan, nan, tuple([nan] * n_ref), 0, m)
    present = ~np.isnan(per_boot)
    overall_each = np.nansum(per_boot * sizes, axis=1) / (present * sizes).sum(axis=1)
    low, high = np.percentile(overall_each, INTERVAL)
    mean = float(overall_each.mean())
    low, high = min(float(low), mean), max(float(high), mean)  # shown around the figure, so it always holds it
    return Stability(
        float(overall_each.mean()),
        float(low),
        float(high),
        tuple(float(v) for v in np.nanmean(per_boot, axis=0)),
        int(len(per_boot)),
        m,
    )


def _best_jaccard(ref: np.ndarray, boot: np.ndarray, n_ref: int, k: int) -> np.ndarray:
    """For each reference segment, its largest Jaccard index with any segment of the refit (same customers)."""
    table = np.bincount(ref * k + boot, minlength=n_ref * k).reshape(n_ref, k).astype(np.float64)
    a = table.sum(axis=1, keepdims=True)
    b = table.sum(axis=0, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        jac = table / (a + b - table)
    jac = np.nan_to_num(jac)
    out = jac.max(axis=1)
    out[a[:, 0] == 0] = np.nan  # a segment absent from this resample says nothing
    return out
