"""Is there any segment structure at all? A clusterability verdict from a null reference, before any k is chosen.

The method is the gap statistic (Tibshirani, Walther & Hastie 2001) with the reference drawn uniformly in the box
aligned with the data's own principal axes (their "method b"): for k = 1..K it compares log W_k, the log of the
k-means within-segment sum of squares of the prepared matrix, with its average over reference data sets that have the
data's extent and orientation but no groups. The uniform box is the least favourable single population for k-means
(a Gaussian or a skewed single population splits less well than a box), so a k that beats the box by more than its
simulation error is evidence of real groups. Skewed columns are judged after the preparation's transform because the
verdict runs on the prepared matrix, the one the segments are cut from.

Verdict (``Structure.verdict``), with ``gain(k) = gap(k) - gap(1)`` and ``se(k)`` its simulation standard error:

- "none": no k has ``gain(k) > NONE_Z * se(k)`` (and at least ``MIN_GAIN``): nothing beats one continuous population.
- "clear": some k beats the null and its segments are well apart: average silhouette above ``CLEAR_SILHOUETTE``
  (Kaufman & Rousseeuw 1990 read 0.51-0.70 as "a reasonable structure", above 0.70 "strong").
- "weak": groups beat the null, but overlap (silhouette at most ``CLEAR_SILHOUETTE``; 0.26-0.50 is their "weak").

The k the reason names is the gap statistic's own choice (the smallest k beating the null with gap(k) >= gap(k+1) -
s(k+1), Tibshirani's one-standard-error rule) until the sweep's rule has chosen k with stability, separation and the
likelihood; the sweep then words the verdict for its own k (``Structure.for_k``), so the two never name different
numbers of segments.

Error rates measured on generated nulls and planted groups are in docs/STRUCTURE.md (benchmarks/bench_structure.py).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Literal

import numpy as np

from segcore.i18n import Message, _l
from segcore.model.mixed import discrete_blocks
from segcore.model.quality import pairwise_distances_f32, silhouette_from_distances
from segcore.model.smallkmeans import kmeans, one_blas_thread

Verdict = Literal["none", "weak", "clear"]

# The verdict runs on a random sample: gap curves on a sample this size rank k as on all rows at a fraction of the
# cost (each k is fitted REFERENCES + 1 times).
STRUCTURE_ROWS = 800
REFERENCES = 6
# Groups beyond 8 are judged by the sweep alone: the verdict only needs to know whether any grouping beats the null.
STRUCTURE_K_MAX = 8
# Lloyd iterations per fit: the same cap for the data and the references, so a slow convergence on a structureless
# cloud costs the same on both sides of the comparison.
GAP_MAX_ITER = 30
# k-means starts per fit, the same for the data and the references so neither is favoured.
GAP_N_INIT = 2
# Evidence thresholds (calibrated in docs/STRUCTURE.md on generated nulls and planted groups).
NONE_Z = 3.0
MIN_GAIN = 0.05
CLEAR_SILHOUETTE = 0.5


@dataclass(frozen=True)
class Structure:
    """The clusterability verdict, its reason in words, and the gap curve behind it (k = 1..K).

    ``reason`` is a lazy message (the verdict is cached across sessions): ``str()`` shows it in the reader's language.
    """

    verdict: Verdict
    reason: str | Message
    best_k: int
    ks: tuple[int, ...]
    gap: tuple[float, ...]
    gap_se: tuple[float, ...]
    n_rows: int
    silhouette: float = float("nan")  # the best silhouette among the k that beat the null, and its k
    silhouette_k: int = 0

    def gain(self, k: int) -> float:
        """How much better than one population k segments fit: gap(k) - gap(1), in log within-sum-of-squares."""
        i = self.ks.index(k)
        return self.gap[i] - self.gap[0]

    def to_dict(self) -> dict:
        return {
            "verdict": self.verdict,
            "reason": str(self.reason),
            "best_k": self.best_k,
            "ks": list(self.ks),
            "gap": [float(g) for g in self.gap],
            "gap_se": [float(s) for s in self.gap_se],
            "n_rows": self.n_rows,
            "silhouette": float(self.silhouette),
            "silhouette_k": int(self.silhouette_k),
        }

    def for_k(self, k: int) -> Structure:
        """The same verdict worded for k segments (the sweep's choice), when k itself beats the null."""
        if self.verdict == "none" or k not in self.ks or self.silhouette != self.silhouette:
            return self
        i = self.ks.index(k)
        gain = self.gap[i] - self.gap[0]
        se = float(np.hypot(self.gap_se[i], self.gap_se[0]))
        if not (gain > NONE_Z * se and gain >= MIN_GAIN):
            return self
        reason = _reason(self.verdict, k, gain, se, self.silhouette, self.silhouette_k)
        return dataclasses.replace(self, best_k=k, reason=reason)

    @classmethod
    def from_dict(cls, d: dict) -> Structure:
        return cls(
            d["verdict"],
            d["reason"],
            int(d["best_k"]),
            tuple(int(k) for k in d["ks"]),
            tuple(float(g) for g in d["gap"]),
            tuple(float(s) for s in d["gap_se"]),
            int(d["n_rows"]),
            float(d.get("silhouette", float("nan"))),
            int(d.get("silhouette_k", 0)),
        )


def _fit(X: np.ndarray, k: int, seed: int) -> tuple[float, np.ndarray]:
    """log W_k and the labels of the fit."""
    if k == 1:
        return float(np.log(max(((X - X.mean(axis=0)) ** 2).sum(), 1e-12))), np.zeros(len(X), dtype=np.int64)
    fit = kmeans(X, k, n_init=GAP_N_INIT, seed=seed, max_iter=GAP_MAX_ITER)
    return float(np.log(max(fit.inertia, 1e-12))), fit.labels


def _log_w(X: np.ndarray, k: int, seed: int) -> float:
    return _fit(X, k, seed)[0]


def clusterability(X, *, k_max: int = STRUCTURE_K_MAX, random_state: int = 0) -> Structure:
    """The verdict for the prepared matrix X (rows = customers), judging k = 1..k_max against the null reference."""
    X = np.asarray(X, dtype=np.float64)
    rng = np.random.default_rng(random_state)
    n = X.shape[0]
    if n > STRUCTURE_ROWS:
        X = X[np.sort(rng.choice(n, STRUCTURE_ROWS, replace=False))]
    m = X.shape[0]
    ks = tuple(range(1, max(2, min(k_max, STRUCTURE_K_MAX, m - 1)) + 1))
    blocks = discrete_blocks(X)
    rotated, reference = _null_reference(X, blocks)
    refs = np.empty((REFERENCES, len(ks)))
    with one_blas_thread():
        fits = [_fit(rotated, k, random_state) for k in ks]
        for b in range(REFERENCES):
            ref = reference(rng)
            refs[b] = [_log_w(ref, k, random_state + 1 + b) for k in ks]
    data = np.array([f[0] for f in fits])
    gap = refs.mean(axis=0) - data
    sd = refs.std(axis=0) * np.sqrt(1 + 1 / REFERENCES)
    gain = gap - gap[0]
    # the gain's error: both gap(k) and gap(1) carry simulation error
    gain_se = np.sqrt(sd**2 + sd[0] ** 2)
    beats = (gain > NONE_Z * gain_se) & (gain >= MIN_GAIN)
    beats[0] = False
    if not beats.any():
        best = int(np.argmax(gain[1:]) + 1) if len(ks) > 1 else 0
        reason = _l(
            "No number of segments fits these customers better than one continuous population would: the best, "
            "{k}, gains {gain:.2f} in the gap statistic, within what a single population of the same shape gives by "
            "chance. They form one continuous population.",
            k=int(ks[best]), gain=float(max(gain[best], 0)),
        )
        return Structure("none", reason, 1, ks, tuple(gap), tuple(sd), m)
    k_hat = _tibshirani_k(gap, sd, beats)
    g = gain[k_hat]
    distances = pairwise_distances_f32(rotated)
    silhouettes = {i: silhouette_from_distances(distances, fits[i][1]) for i in np.flatnonzero(beats)}
    best_i = max(silhouettes, key=lambda i: silhouettes[i])
    sil = silhouettes[best_i]
    verdict: Verdict = "clear" if sil > CLEAR_SILHOUETTE else "weak"
    reason = _reason(verdict, ks[k_hat], g, gain_se[k_hat], sil, ks[best_i])
    return Structure(verdict, reason, ks[k_hat], ks, tuple(gap), tuple(sd), m, float(sil), int(ks[best_i]))


def _reason(verdict: Verdict, k: int, gain: float, gain_se: float, sil: float, k_sil: int) -> Message:
    if verdict == "clear":
        return _l(
            "Clear groups: {k} segments fit far better than one continuous population (gap statistic gain "
            "{gain:.2f}, {times:.0f}x its simulation error) and are well apart (silhouette {sil:.2f} at {k_sil} "
            "segments).",
            k=int(k), gain=float(gain), times=float(gain / gain_se), sil=float(sil), k_sil=int(k_sil),
        )
    return _l(
        "Weak groups: {k} segments fit better than one continuous population (gap statistic gain {gain:.2f}), "
        "but they overlap (silhouette at most {sil:.2f}; clear groups are above {clear:.1f}).",
        k=int(k), gain=float(gain), sil=float(sil), clear=CLEAR_SILHOUETTE,
    )


def _null_reference(X: np.ndarray, blocks: list[list[int]]):
    """The matrix the data is judged in, and a function drawing one reference data set of the same shape.

    Continuous columns are rotated to their principal axes and the reference draws them uniformly in that box
    (Tibshirani's method b). A discrete column cannot be judged against a continuous box: its levels are perfectly
    separated by construction, so every split along its codes would look like structure (the reason planted groups
    used to be split into their category-code sub-groups). The reference keeps each discrete block's own codes and
    level shares by permuting its rows, independently of every other block (the independence null of latent class
    analysis): only associations between columns, and groups in the continuous columns, count as structure.
    """
    discrete = [c for block in blocks for c in block]
    continuous = np.setdiff1d(np.arange(X.shape[1]), discrete)
    centred = X[:, continuous] - X[:, continuous].mean(axis=0)
    if centred.shape[1]:
        _, _, vt = np.linalg.svd(centred, full_matrices=False)
        centred = centred @ vt.T  # principal-axis coordinates: the reference box follows the data's orientation
    low, high = centred.min(axis=0), centred.max(axis=0)
    codes = [X[:, block] for block in blocks]
    data = np.hstack([centred, *codes])

    def reference(rng: np.random.Generator) -> np.ndarray:
        box = rng.uniform(low, high, size=centred.shape)
        return np.hstack([box, *(c[rng.permutation(len(c))] for c in codes)])

    return data, reference


def _tibshirani_k(gap: np.ndarray, sd: np.ndarray, beats: np.ndarray) -> int:
    """Index of the smallest k beating the null with gap(k) >= gap(k+1) - s(k+1) (Tibshirani's one-SE rule)."""
    for i in range(1, len(gap)):
        if not beats[i]:
            continue
        if i + 1 >= len(gap) or gap[i] >= gap[i + 1] - sd[i + 1]:
            return i
    return int(np.flatnonzero(beats)[-1])
