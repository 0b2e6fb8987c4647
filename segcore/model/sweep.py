"""Try several numbers of segments and recommend one, with the evidence named in plain words.

First the clusterability verdict (``segcore.model.structure``: the gap statistic against a principal-axis uniform
reference) says whether there are groups at all. Then for each k: silhouette (separation), Calinski-Harabasz and
Davies-Bouldin (compactness vs separation), inertia (for an elbow chart), Hennig's bootstrap Jaccard stability
(``segcore.model.stability``) and the gap statistic's gain over one population. ``recommend`` documents the rule.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from segcore.errors import NotEnoughData, SpecError
from segcore.i18n import N_, Message, _, _l, format_number
from segcore.model.cluster import (
    assign_to_centers,
    check_matrix,
    fit_clusters,
    sample_rows,
    segment_means,
)
from segcore.model.mixed import classification_bic, discrete_blocks
from segcore.model.quality import pairwise_distances_f32, silhouette_from_distances
from segcore.model.spec import DEFAULT_K_VALUES, check_k_values, check_method
from segcore.model.stability import bootstrap_stability
from segcore.model.structure import STRUCTURE_K_MAX, Structure, clusterability

# The sweep runs on a sample: we measured the k = 2..12 loop at 0.7 s on 100k rows and 7.2 s on 1M,
# and the recommendation does not change with more rows than that.
SWEEP_MAX_ROWS = 100_000
# Silhouette inside the sweep on 3k rows (O(n^2)); enough to rank k values, the chosen k is re-scored on 10k.
SWEEP_SILHOUETTE_SAMPLE = 3_000
# Calinski-Harabasz and Davies-Bouldin are ratios of spreads: on 20k rows they rank k the same as on 100k at a
# fifth of the cost (0.45 s of a 1.9 s sweep at 100k before). Inertia is scaled back up to all rows.
SWEEP_COMPACTNESS_SAMPLE = 20_000
# The sweep's stability per k: Hennig's bootstrap Jaccard on 1,000 customers with 12 resamples (2 starts each), enough
# to tell stable from dissolving choices; the chosen k is measured again with the full bootstrap (60 resamples).
SWEEP_STABILITY_ROWS = 600
SWEEP_BOOTSTRAPS = 8
SWEEP_STABILITY_N_INIT = 2
# Each k's scored fit runs on this many rows of the compactness sample and labels the rest of it; its likelihood (BIC)
# is read on the same rows.
SWEEP_FIT_ROWS = 8_000
# Hennig's band: from 0.75 a segmentation comes back in resamples.
STABLE_MIN = 0.75
# k-means starts for each k's scored fit, on the compactness sample (it is never fitted on all rows: every figure the
# sweep reports is read on a sample).
SWEEP_N_INIT = 2
# Silhouettes closer than this are a tie (sampling noise on a 3k-row sample is about 0.01). Ties go to the larger gap
# statistic gain (evidence against one population), then the more stable k, then the smaller one.
SILHOUETTE_TIE = 0.02

Progress = Callable[[float, str], None]
SWEEP_COLUMNS = ["k", "silhouette", "calinski_harabasz", "davies_bouldin", "stability", "inertia", "gap_gain", "bic"]


@dataclass(frozen=True)
class SweepResult:
    """One row per k tried (k, silhouette, calinski_harabasz, davies_bouldin, stability, inertia), the recommended
    k and the reason for it in one sentence."""

    table: pd.DataFrame
    recommended_k: int
    reason: str
    notes: tuple[str | Message, ...] = field(default_factory=tuple)
    structure: Structure | None = None

    def to_dict(self) -> dict:
        return {
            "table": self.table.to_dict(orient="list"),
            "recommended_k": self.recommended_k,
            "reason": self.reason,
            "notes": [str(note) for note in self.notes],
            "structure": None if self.structure is None else self.structure.to_dict(),
        }

    @classmethod
    def from_dict(cls, d: dict) -> SweepResult:
        structure = d.get("structure")
        return cls(
            table=pd.DataFrame(d["table"]),
            recommended_k=int(d["recommended_k"]),
            reason=d["reason"],
            notes=tuple(d.get("notes", ())),
            structure=None if structure is None else Structure.from_dict(structure),
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
            _l("HDBSCAN finds its own number of segments, so there is nothing to sweep. Fit it directly.")
        )
    n = X.shape[0]
    ks = list(check_k_values(k_values))
    notes = []
    too_big = [k for k in ks if k > n - 1]
    ks = [k for k in ks if k not in too_big]
    if too_big:
        notes.append(_l("skipped {ks} segments: the data has only {n} customers", ks=", ".join(map(str, too_big)), n=n))
    if not ks:
        raise NotEnoughData(
            _l(
                "The file has {n} customers, too few to compare segment counts. Add data (at least 3 "
                "customers).",
                n=n,
            )
        )
    rows = sample_rows(n, size=SWEEP_MAX_ROWS, random_state=random_state)
    Xs = X[rows]
    if len(rows) < n:
        notes.append(_l("compared segment counts on a random sample of {rows:,} of {n:,} customers", rows=len(rows), n=n))
    # one distance matrix on a fixed silhouette sample serves every k (only the labels change)
    sil_rows = sample_rows(len(rows), size=SWEEP_SILHOUETTE_SAMPLE, random_state=random_state + 2)
    sil_dist = pairwise_distances_f32(Xs[sil_rows])
    score_rows = sample_rows(len(rows), size=SWEEP_COMPACTNESS_SAMPLE, random_state=random_state + 3)
    blocks = discrete_blocks(Xs[score_rows])

    def report(fraction: float, message: str) -> None:
        if progress is not None:
            progress(float(fraction), message)

    report(0.0, _("Checking whether these customers form groups at all"))
    structure = clusterability(Xs, k_max=min(STRUCTURE_K_MAX, ks[-1]), random_state=random_state)
    report(0.15, _("Trying {low} to {high} segments on {rows:,} customers", low=ks[0], high=ks[-1], rows=len(rows)))
    records = []
    for i, k in enumerate(ks):
        record = _score_k(Xs, k, method, random_state, sil_rows, sil_dist, score_rows, blocks)
        record["gap_gain"] = structure.gain(k) if k in structure.ks else float("nan")
        records.append(record)
        report(0.15 + 0.85 * (i + 1) / len(ks), _("Tried {k} segments ({i} of {n})", k=k, i=i + 1, n=len(ks)))
    table = pd.DataFrame.from_records(records, columns=SWEEP_COLUMNS)
    k_best, reason = recommend(table, structure=structure)
    structure = structure.for_k(k_best)  # the verdict names the k the rule chose (when that k beats the null)
    return SweepResult(table=table, recommended_k=k_best, reason=reason, notes=tuple(notes), structure=structure)


def recommend(table: pd.DataFrame, *, structure: Structure | None = None) -> tuple[int, str]:
    """The documented rule, using separation, stability, the null reference and the likelihood together:

    1. eligible k: stable (bootstrap Jaccard >= STABLE_MIN) and, where the gap statistic was computed, better than
       one population (gap gain > 0);
    2. separation sets the ceiling: no more segments than the largest eligible k whose silhouette is within
       SILHOUETTE_TIE of the best (closer is sampling noise);
    3. up to that ceiling, the largest BIC of the mixed model (``segcore.model.mixed``), ties to the smaller k: the
       likelihood reads categories as categories, so it does not reward splitting a group by one column's levels,
       which distances (silhouette, gap statistic) see as tight, well separated groups;
    4. if no k is eligible, the most stable k (ties to the smaller), said to be rough.

    Tables without a BIC column (sweeps saved before it) keep the earlier step 2-3: the best silhouette, ties to the
    larger gap gain, the more stable, then the smaller k. With a "none" verdict the rule still ranks k (a user may
    force one), but the reason says there are no groups.
    """
    t = table.sort_values("k").reset_index(drop=True)
    sil = t["silhouette"].fillna(-1.0)
    stab = t["stability"].fillna(-1.0)
    gain = t["gap_gain"] if "gap_gain" in t else pd.Series(np.nan, index=t.index)
    bic = t["bic"] if "bic" in t else pd.Series(np.nan, index=t.index)
    beats_null = gain.isna() | (gain > 0)
    eligible = t[(stab >= STABLE_MIN) & t["silhouette"].notna() & beats_null]
    if len(eligible):
        best = sil[eligible.index].max()
        tied = eligible[sil[eligible.index] >= best - SILHOUETTE_TIE]
        if bic[eligible.index].notna().all():
            candidates = eligible[eligible["k"] <= tied["k"].max()]
            order = candidates.assign(_bic=bic[candidates.index])
            pick = order.sort_values(["_bic", "k"], ascending=[False, True]).index[0]
        else:
            order = tied.assign(_gain=gain[tied.index].fillna(-np.inf), _stab=stab[tied.index])
            pick = order.sort_values(["_gain", "_stab", "k"], ascending=[False, False, True]).index[0]
        k, reason = _chosen_reason(t.loc[pick], tied, with_bic=bic[eligible.index].notna().all())
    else:
        row = t.loc[stab.idxmax()]
        k = int(row["k"])
        reason = _(
            "{k} segments: no choice was stable (stability >= {minimum}) and better than one population, so this is "
            "the most stable one (stability {stab}, silhouette {sil}). Treat the segments as rough.",
            k=k, minimum=_two(STABLE_MIN), stab=_two(row["stability"]), sil=_two(row["silhouette"]),
        )
    if structure is not None and structure.verdict == "none":
        reason = _(
            "No natural segments: the customers form one continuous population (the gap statistic finds no number "
            "of segments better than one). If you still ask for {k} segments, they are cuts of a continuum.",
            k=k,
        )
    return k, reason


# The reason for an eligible pick, by (the table has a BIC column, the pick has a gap gain); and the sentence about
# the other k that separate as well, by whether the table has a BIC column.
CHOSEN_REASONS = {
    (False, False): N_("{k} segments: the clearest separation among the stable choices (silhouette {sil}, stability "
                       "{stab})."),
    (False, True): N_("{k} segments: the clearest separation among the stable choices (silhouette {sil}, stability "
                      "{stab}, gap statistic gain {gain} over one population)."),
    (True, False): N_("{k} segments: the best-supported choice among the stable ones (silhouette {sil}, stability "
                      "{stab}, and the best likelihood (BIC) of them)."),
    (True, True): N_("{k} segments: the best-supported choice among the stable ones (silhouette {sil}, stability "
                     "{stab}, gap statistic gain {gain} over one population, and the best likelihood (BIC) of them)."),
}
OTHERS_REASONS = {
    False: N_("{others} segments separate as well but stand out less from one population."),
    True: N_("{others} segments separate about as well, but their extra segments do not fit the customers better."),
}


def _chosen_reason(row: pd.Series, tied: pd.DataFrame, *, with_bic: bool) -> tuple[int, str]:
    """The reason sentence for an eligible pick, naming the evidence it rests on."""
    k = int(row["k"])
    has_gain = not pd.isna(row.get("gap_gain"))
    reason = _(CHOSEN_REASONS[(with_bic, has_gain)], k=k, sil=_two(row["silhouette"]), stab=_two(row["stability"]),
               gain=_two(row["gap_gain"]) if has_gain else "")
    # with the likelihood, the sentence is about the larger k it declined (a smaller tied k simply fits less well)
    others = ", ".join(str(int(v)) for v in tied["k"] if int(v) != k and (int(v) > k or not with_bic))
    if others:
        reason += " " + _(OTHERS_REASONS[with_bic], others=others)
    return k, reason


def _two(value) -> str:
    return format_number(float(value), digits=2)


def _score_k(Xs: np.ndarray, k: int, method: str, random_state: int, sil_rows, sil_dist, score_rows, blocks) -> dict:
    """Every figure for one k, read on samples: the fit runs on the compactness sample and labels the rest."""
    Xc = Xs[score_rows]
    fit_rows = sample_rows(len(Xc), size=SWEEP_FIT_ROWS, random_state=random_state + 4)  # random, any file order
    if method == "kmeans":
        from sklearn.cluster import KMeans

        est = KMeans(n_clusters=k, n_init=SWEEP_N_INIT, random_state=random_state).fit(Xc[fit_rows])
        labels, sil_labels = est.predict(Xc), est.predict(Xs[sil_rows])
    else:
        res = fit_clusters(Xc, method=method, k=k, random_state=random_state)
        labels, sil_labels = res.labels, _predict(res, Xs[sil_rows], method)
    labels = labels.astype(np.int64)
    scores = compactness_scores(Xc, labels)
    scores["inertia"] *= len(Xs) / len(Xc)
    stable = bootstrap_stability(
        Xc,
        labels,
        k=k,
        bootstraps=SWEEP_BOOTSTRAPS,
        n_init=SWEEP_STABILITY_N_INIT,
        max_rows=SWEEP_STABILITY_ROWS,
        random_state=random_state,
    )
    return {
        "k": k,
        "silhouette": silhouette_from_distances(sil_dist, sil_labels),
        **scores,
        "stability": stable.overall,
        # the likelihood is read on the rows k-means was fitted on (several hundred customers a segment even at k = 12)
        "bic": classification_bic(Xc[fit_rows], labels[fit_rows], blocks=blocks),
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


def _predict(res, X_eval: np.ndarray, method: str) -> np.ndarray:

    if method == "gmm":
        return res.estimator.predict(X_eval)
    centers = res.centers[~np.isnan(res.centers).any(axis=1)]
    return assign_to_centers(X_eval, centers)[0]
