"""Try several numbers of segments and recommend one, with the reason in plain words.

For each k: silhouette (separation), Calinski-Harabasz and Davies-Bouldin (compactness vs separation), inertia (for
an elbow chart) and bootstrap stability (do resampled fits put the same customers together?). The rule: the best
silhouette among the stable k, ties to the smaller k; if no k is stable, the most stable one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np
import pandas as pd

from segcore.errors import NotEnoughData, SpecError
from segcore.i18n import _, format_number
from segcore.model.cluster import (
    assign_to_centers,
    check_matrix,
    fit_clusters,
    sample_rows,
    segment_means,
)
from segcore.model.quality import pairwise_distances_f32, silhouette_from_distances
from segcore.model.spec import DEFAULT_K_VALUES, check_k_values, check_method

# The sweep runs on a sample: PLATFORM.md §11 measured the k = 2..12 loop at 0.7 s on 100k rows and 7.2 s on 1M,
# and the recommendation does not change with more rows than that.
SWEEP_MAX_ROWS = 100_000
# Silhouette inside the sweep on 3k rows (O(n^2)); enough to rank k values, the chosen k is re-scored on 10k.
SWEEP_SILHOUETTE_SAMPLE = 3_000
# Calinski-Harabasz and Davies-Bouldin are ratios of spreads: on 20k rows they rank k the same as on 100k at a
# fifth of the cost (0.45 s of a 1.9 s sweep at 100k before). Inertia is scaled back up to all rows.
SWEEP_COMPACTNESS_SAMPLE = 20_000
# Stability: 3 fits, each on a random 80% of the sample (at most 10k rows), compared pairwise (3 pairs) by the
# adjusted Rand index of their labels on a common evaluation set of at most 5k rows.
STABILITY_FITS = 3
STABILITY_SHARE = 0.8
STABILITY_MAX_ROWS = 10_000  # 20k gave the same stabilities on the benchmark data at twice the cost
STABILITY_EVAL_ROWS = 5_000
# A k counts as stable when its mean ARI is at least 0.75 ("the same customers end up together three times in four").
STABLE_MIN = 0.75
# k-means starts inside the sweep: one k-means++ start per stability refit (an unlucky start then shows up as
# instability, which is what stability should catch); the scored fit on the sample starts from the best refit.
# With data too small for refits, the scored fit tries 2 starts. The final fit (fit_clusters) uses 4. GMM and Ward
# inside the sweep are fitted as fit_clusters would fit them.
SWEEP_N_INIT = 2
STABILITY_N_INIT = 1
# Silhouettes closer than this are a tie (sampling noise on a 3k-row sample is about 0.01; 0.02 leaves room for
# it). Among tied stable choices the larger k wins: more segments at no loss of separation give marketing more
# to act on (on the retail demo data, k = 2, 4 and 5 tie at 0.415 and the five built-in personas are k = 5).
SILHOUETTE_TIE = 0.02

Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class SweepResult:
    """One row per k tried (k, silhouette, calinski_harabasz, davies_bouldin, stability, inertia), the recommended
    k and the reason for it in one sentence."""

    table: pd.DataFrame
    recommended_k: int
    reason: str
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict:
        return {
            "table": self.table.to_dict(orient="list"),
            "recommended_k": self.recommended_k,
            "reason": self.reason,
            "notes": list(self.notes),
        }

    @classmethod
    def from_dict(cls, d: dict) -> SweepResult:
        return cls(
            table=pd.DataFrame(d["table"]),
            recommended_k=int(d["recommended_k"]),
            reason=d["reason"],
            notes=tuple(d.get("notes", ())),
        )


def sweep(
    X,
    *,
    k_values: Iterable[int] = DEFAULT_K_VALUES,
    method: str = "kmeans",
    random_state: int = 0,
    progress: Progress | None = None,
) -> SweepResult:
    """Fit ``method`` for every k in ``k_values`` on (a sample of) X and recommend a number of segments.

    ``progress(fraction, message)`` is called before the first k and after each one. k values that the data is too
    small for are skipped (and noted); SpecError for HDBSCAN (it picks its own k) or an unknown method.
    """

    X = check_matrix(X)
    check_method(method)
    if method == "hdbscan":
        raise SpecError(
            "HDBSCAN finds its own number of segments, so there is nothing to sweep. Fit it directly."
        )
    n = X.shape[0]
    ks = list(check_k_values(k_values))
    notes = []
    too_big = [k for k in ks if k > n - 1]
    ks = [k for k in ks if k not in too_big]
    if too_big:
        notes.append(f"skipped {', '.join(map(str, too_big))} segments: the data has only {n} customers")
    if not ks:
        raise NotEnoughData(
            f"The file has {n} customers, too few to compare segment counts. Add data (at least 3 customers)."
        )
    rows = sample_rows(n, size=SWEEP_MAX_ROWS, random_state=random_state)
    Xs = X[rows]
    if len(rows) < n:
        notes.append(f"compared segment counts on a random sample of {len(rows):,} of {n:,} customers")
    subsets, eval_rows = _stability_design(len(rows), random_state)
    # one distance matrix on a fixed silhouette sample serves every k (only the labels change)
    sil_rows = sample_rows(len(rows), size=SWEEP_SILHOUETTE_SAMPLE, random_state=random_state + 2)
    sil_dist = pairwise_distances_f32(Xs[sil_rows])
    score_rows = sample_rows(len(rows), size=SWEEP_COMPACTNESS_SAMPLE, random_state=random_state + 3)

    def report(fraction: float, message: str) -> None:
        if progress is not None:
            progress(float(fraction), message)

    report(0.0, f"Trying {ks[0]} to {ks[-1]} segments on {len(rows):,} customers")
    records = []
    for i, k in enumerate(ks):
        records.append(_score_k(Xs, k, method, random_state, subsets, eval_rows, sil_rows, sil_dist, score_rows))
        report((i + 1) / len(ks), f"Tried {k} segments ({i + 1} of {len(ks)})")
    table = pd.DataFrame.from_records(
        records, columns=["k", "silhouette", "calinski_harabasz", "davies_bouldin", "stability", "inertia"]
    )
    k_best, reason = recommend(table)
    return SweepResult(table=table, recommended_k=k_best, reason=reason, notes=tuple(notes))


def recommend(table: pd.DataFrame) -> tuple[int, str]:
    """The documented rule: best silhouette among k with stability >= STABLE_MIN (ties within SILHOUETTE_TIE go to
    the larger k, the more detailed of equally clear choices); if none is stable, the most stable k (ties to the
    smaller k)."""
    t = table.sort_values("k")
    sil = t["silhouette"].fillna(-1.0)
    stable = t[(t["stability"] >= STABLE_MIN) & t["silhouette"].notna()]
    if len(stable):
        best = sil[stable.index].max()
        tied = stable[sil[stable.index] >= best - SILHOUETTE_TIE]
        row = tied.iloc[-1]
        k = int(row["k"])
        if len(tied) > 1:
            others = ", ".join(str(int(v)) for v in tied["k"].iloc[:-1])
            return k, _(
                "{k} segments: as clearly separated as any stable choice (silhouette {sil}; {others} segments score "
                "the same) and the most detailed of them (stability {stab}).",
                k=k, sil=format_number(row["silhouette"], digits=2), others=others,
                stab=format_number(row["stability"], digits=2),
            )
        return k, _(
            "{k} segments: the clearest separation (silhouette {sil}) among the stable choices (stability {stab}).",
            k=k, sil=format_number(row["silhouette"], digits=2), stab=format_number(row["stability"], digits=2),
        )
    row = t.loc[t["stability"].fillna(-1.0).idxmax()]
    k = int(row["k"])
    return k, _(
        "{k} segments: no choice was stable (stability >= {minimum}), so this is the most stable one (stability "
        "{stab}, silhouette {sil}). Treat the segments as rough.",
        k=k, minimum=format_number(STABLE_MIN, digits=2), stab=format_number(row["stability"], digits=2),
        sil=format_number(row["silhouette"], digits=2),
    )


def _stability_design(n: int, random_state: int) -> tuple[list[np.ndarray], np.ndarray]:
    rng = np.random.default_rng(random_state + 1)
    size = max(2, min(int(n * STABILITY_SHARE), STABILITY_MAX_ROWS))
    subsets = [np.sort(rng.choice(n, size=size, replace=False)) for _ in range(STABILITY_FITS)]
    eval_rows = np.sort(rng.choice(n, size=min(n, STABILITY_EVAL_ROWS), replace=False))
    return subsets, eval_rows


def stability(X, *, k: int, method: str = "kmeans", random_state: int = 0) -> float:
    """The bootstrap stability sweep() reports for ``k``, alone: for a fixed k the grade needs no full sweep.

    Same sample, subsets and refits as the sweep, so the number matches the sweep table's for the same seed.
    """

    X = check_matrix(X)
    rows = sample_rows(X.shape[0], size=SWEEP_MAX_ROWS, random_state=random_state)
    Xs = X[rows]
    subsets, eval_rows = _stability_design(len(rows), random_state)
    return _stability(Xs, k, method, random_state, subsets, eval_rows)[1]


def _stability(Xs: np.ndarray, k: int, method: str, random_state: int, subsets, eval_rows) -> tuple[list, float]:
    """The refits on resampled subsets and the mean adjusted Rand index between their labels (NaN if none)."""
    from sklearn.metrics import adjusted_rand_score

    refits = [
        _fit(Xs[rows], method, k, random_state + 1 + j, STABILITY_N_INIT)
        for j, rows in enumerate(subsets)
        if len(rows) > k
    ]
    predictions = [_predict(res, Xs[eval_rows], method) for res in refits]
    aris = [adjusted_rand_score(a, b) for a, b in combinations(predictions, 2)]
    return refits, float(np.mean(aris)) if aris else float("nan")


def _score_k(
    Xs: np.ndarray, k: int, method: str, random_state: int, subsets, eval_rows, sil_rows, sil_dist, score_rows
) -> dict:
    refits, stable = _stability(Xs, k, method, random_state, subsets, eval_rows)
    if method == "kmeans" and refits:
        # the scored fit starts from the best refit (lowest inertia on its subset): "best of 3 starts" for free
        from sklearn.cluster import KMeans

        init = min(refits, key=lambda r: r.inertia_).cluster_centers_
        labels = KMeans(n_clusters=k, init=init, n_init=1, random_state=random_state).fit(Xs).labels_
    elif method == "kmeans":
        labels = _fit(Xs, method, k, random_state, SWEEP_N_INIT).labels_
    else:
        labels = _fit(Xs, method, k, random_state, SWEEP_N_INIT).labels
    labels = labels.astype(np.int64)
    scores = compactness_scores(Xs[score_rows], labels[score_rows])
    scores["inertia"] *= len(Xs) / len(score_rows)
    return {
        "k": k,
        "silhouette": silhouette_from_distances(sil_dist, labels[sil_rows]),
        **scores,
        "stability": stable,
    }


def compactness_scores(X: np.ndarray, labels: np.ndarray) -> dict[str, float]:
    """Inertia, Calinski-Harabasz and Davies-Bouldin in one pass over X (same formulas as scikit-learn's, which
    take three passes; 1.7 s of the 100k sweep before). Rows labelled -1 are left out."""

    keep = labels >= 0
    X, labels = X[keep], labels[keep]
    ids, inv = np.unique(labels, return_inverse=True)
    k, n = len(ids), len(labels)
    centers = segment_means(X, inv, k=k)
    resid = X - centers[inv].astype(X.dtype)
    dist = np.sqrt(np.einsum("ij,ij->i", resid, resid, dtype=np.float64))
    inertia = float((dist**2).sum())
    if k < 2 or k >= n:
        return {"calinski_harabasz": float("nan"), "davies_bouldin": float("nan"), "inertia": inertia}
    counts = np.bincount(inv, minlength=k).astype(np.float64)
    overall = X.mean(axis=0, dtype=np.float64)
    between = float((counts * ((centers - overall) ** 2).sum(axis=1)).sum())
    ch = between * (n - k) / (inertia * (k - 1)) if inertia > 0 else 1.0
    spread = np.bincount(inv, weights=dist, minlength=k) / counts
    gaps = np.sqrt(((centers[:, None, :] - centers[None, :, :]) ** 2).sum(axis=2))
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = (spread[:, None] + spread[None, :]) / gaps
    ratio[~np.isfinite(ratio)] = 0.0
    np.fill_diagonal(ratio, 0.0)
    return {
        "calinski_harabasz": float(ch),
        "davies_bouldin": float(ratio.max(axis=1).mean()),
        "inertia": inertia,
    }


def _fit(X: np.ndarray, method: str, k: int, seed: int, n_init: int):
    """A fitted model with ``predict``: the bare KMeans for k-means (no per-segment means needed here),
    otherwise the ClusterResult of fit_clusters."""

    if method == "kmeans":
        from sklearn.cluster import KMeans

        return KMeans(n_clusters=k, n_init=n_init, random_state=seed).fit(X)
    return fit_clusters(X, method=method, k=k, random_state=seed)


def _predict(res, X_eval: np.ndarray, method: str) -> np.ndarray:

    if method == "kmeans":
        return res.predict(X_eval)
    if method == "gmm":
        return res.estimator.predict(X_eval)
    centers = res.centers[~np.isnan(res.centers).any(axis=1)]
    return assign_to_centers(X_eval, centers)[0]
