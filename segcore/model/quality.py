"""Grade a segmentation "good", "fair" or "poor" from how separated and how reproducible its segments are."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from segcore.errors import SpecError
from segcore.i18n import _, _l, format_number
from segcore.model.cluster import sample_rows

Grade = Literal["poor", "fair", "good"]

# Silhouette is estimated on a sample (the full score costs O(n^2): 55 s at 100k) as large as the figure needs: it is
# shown with two decimals, so the standard error of the sample mean must be at most SILHOUETTE_SE (95% of samples
# within half the last digit). SILHOUETTE_SAMPLE rows first (SE 0.0011 on the 200k benchmark customers, measured
# spread between seeds 0.0014; 0.33 s against 1.4 s for 10k rows), SILHOUETTE_MAX_SAMPLE when that is not enough.
SILHOUETTE_SAMPLE = 4_000
SILHOUETTE_MAX_SAMPLE = 10_000
SILHOUETTE_SE = 0.0025
# Rousseeuw's reading of the average silhouette, shifted down for customer data (rarely as clean as textbook
# clusters): >= 0.35 the segments are clearly apart, < 0.15 they are barely more than arbitrary cuts.
GOOD_SILHOUETTE = 0.35
POOR_SILHOUETTE = 0.15
# Stability = Hennig's bootstrap Jaccard (segcore.model.stability): from 0.75 the segments come back in resamples,
# below 0.5 they dissolve.
GOOD_STABILITY = 0.75
POOR_STABILITY = 0.5


@dataclass(frozen=True)
class Quality:
    """How trustworthy the segments are: a grade, the two numbers behind it and one plain explanation."""

    grade: Grade
    silhouette: float
    stability: float | None
    explanation: str
    stability_low: float | None = None
    stability_high: float | None = None
    silhouette_rows: int | None = None  # the customers the silhouette was estimated on (a sample when n is large)

    def to_dict(self) -> dict:
        return {
            "grade": self.grade,
            "silhouette": self.silhouette,
            "stability": self.stability,
            "stability_low": self.stability_low,
            "stability_high": self.stability_high,
            "explanation": self.explanation,
            "silhouette_rows": self.silhouette_rows,
        }

    @classmethod
    def from_dict(cls, d: dict) -> Quality:
        def num(key: str) -> float | None:
            return None if d.get(key) is None else float(d[key])

        return cls(
            grade=d["grade"],
            silhouette=float(d["silhouette"]),
            stability=num("stability"),
            explanation=d["explanation"],
            stability_low=num("stability_low"),
            stability_high=num("stability_high"),
            silhouette_rows=None if d.get("silhouette_rows") is None else int(d["silhouette_rows"]),
        )


def sampled_silhouette(X, labels, *, sample_size: int, random_state: int = 0) -> float:
    """Mean silhouette on a random sample of rows (unassigned rows, label -1, left out); NaN if < 2 segments."""
    values = _sampled_values(X, labels, sample_size=sample_size, random_state=random_state)
    return float("nan") if values is None else float(values.mean())


def estimated_silhouette(X, labels, *, random_state: int = 0) -> tuple[float, int]:
    """Mean silhouette and the number of customers it was estimated on: SILHOUETTE_SAMPLE, or more (up to
    SILHOUETTE_MAX_SAMPLE) when the standard error of the estimate is above SILHOUETTE_SE; (NaN, 0) if undefined."""
    size = SILHOUETTE_SAMPLE
    while True:
        values = _sampled_values(X, labels, sample_size=size, random_state=random_state)
        if values is None:
            return float("nan"), 0
        error = float(values.std(ddof=1)) / np.sqrt(len(values)) if len(values) > 1 else 0.0
        if error <= SILHOUETTE_SE or len(values) < size or size >= SILHOUETTE_MAX_SAMPLE:
            return float(values.mean()), len(values)
        size = SILHOUETTE_MAX_SAMPLE


def _sampled_values(X, labels, *, sample_size: int, random_state: int) -> np.ndarray | None:
    """Each sampled row's silhouette (rows labelled -1 left out), or None when it is undefined (< 2 segments)."""
    X = np.asarray(X)
    labels = np.asarray(labels)
    keep = np.flatnonzero(labels >= 0)
    if len(keep) > sample_size:
        keep = keep[sample_rows(len(keep), size=sample_size, random_state=random_state)]
    lab = labels[keep]
    n_labels = len(np.unique(lab))
    if n_labels < 2 or n_labels > len(keep) - 1:
        return None
    return silhouette_values(X[keep], lab)


# Rows of the distance matrix computed at a time: 2,000 x 10,000 float32 is 80 MB, so the 10k-sample silhouette
# never holds the whole 10k x 10k matrix (800 MB in float64, ~5 s of memory traffic on this machine).
SILHOUETTE_CHUNK = 2_000


def silhouette_values(X, labels) -> np.ndarray | None:
    """Each row's silhouette, the distance matrix computed SILHOUETTE_CHUNK rows at a time; None if undefined."""
    X = np.asarray(X, dtype=np.float32)
    membership = _membership(labels, np.float32)
    if membership is None:
        return None
    inv, onehot = membership
    n = len(inv)
    sq = np.einsum("ij,ij->i", X, X)
    sums = np.empty((n, onehot.shape[1]), dtype=np.float64)
    for start in range(0, n, SILHOUETTE_CHUNK):
        stop = min(n, start + SILHOUETTE_CHUNK)
        d2 = X[start:stop] @ X.T
        d2 *= -2.0
        d2 += sq[start:stop, None]
        d2 += sq[None, :]
        np.maximum(d2, 0.0, out=d2)
        np.sqrt(d2, out=d2)
        d2[np.arange(stop - start), np.arange(start, stop)] = 0.0
        sums[start:stop] = d2 @ onehot
    return _silhouette_rows(sums, inv, onehot.sum(axis=0).astype(np.float64))


def pairwise_distances_f32(X) -> np.ndarray:
    """Euclidean distance matrix of the rows of X (float32; for a few thousand rows, e.g. a silhouette sample)."""
    X = np.asarray(X, dtype=np.float64)
    sq = np.einsum("ij,ij->i", X, X)
    d2 = sq[:, None] + sq[None, :] - 2.0 * (X @ X.T)
    np.fill_diagonal(d2, 0.0)
    return np.sqrt(np.maximum(d2, 0.0)).astype(np.float32)


def silhouette_from_distances(D: np.ndarray, labels) -> float:
    """Mean silhouette from a precomputed distance matrix; lets a k sweep reuse one matrix for every k.

    Same definition as scikit-learn's silhouette_score (a row alone in its segment scores 0); NaN if < 2 segments.
    """
    membership = _membership(labels, D.dtype)
    if membership is None:
        return float("nan")
    inv, onehot = membership
    sums = (D @ onehot).astype(np.float64)  # per row: total distance to each segment
    return _silhouette_from_sums(sums, inv, onehot.sum(axis=0).astype(np.float64))


def _membership(labels, dtype) -> tuple[np.ndarray, np.ndarray] | None:
    """Segment index per row and the rows x segments 0/1 matrix; None when a silhouette is undefined."""
    labels = np.asarray(labels)
    ids, inv = np.unique(labels, return_inverse=True)
    n = len(labels)
    if len(ids) < 2 or len(ids) > n - 1:
        return None
    onehot = np.zeros((n, len(ids)), dtype=dtype)
    onehot[np.arange(n), inv] = 1.0
    return inv, onehot


def _silhouette_from_sums(sums: np.ndarray, inv: np.ndarray, counts: np.ndarray) -> float:
    """Silhouette from each row's total distance to every segment (``sums``, modified in place)."""
    return float(_silhouette_rows(sums, inv, counts).mean())


def _silhouette_rows(sums: np.ndarray, inv: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Each row's silhouette from its total distance to every segment (``sums``, modified in place)."""
    n = len(inv)
    own = counts[inv]
    rows = np.arange(n)
    a = sums[rows, inv] / np.maximum(own - 1, 1)
    sums[rows, inv] = np.inf
    b = (sums / counts).min(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        s = np.where(own > 1, (b - a) / np.maximum(a, b), 0.0)
    return np.nan_to_num(s)


def quality(X, labels, *, stability=None, structure=None, random_state: int = 0) -> Quality:
    """Grade the segmentation of X (n x d) given by ``labels`` (-1 = unassigned), optionally with its stability.

    ``stability`` is a number or a ``segcore.model.stability.Stability`` (its interval is then kept); ``structure``
    a ``segcore.model.structure.Structure``: with a "none" verdict the grade is "poor" whatever the figures, because
    segments cut from one continuous population are cuts, not groups.
    good: silhouette >= GOOD_SILHOUETTE and (stability unknown or >= GOOD_STABILITY);
    poor: silhouette < POOR_SILHOUETTE or stability < POOR_STABILITY; otherwise fair.
    """
    low = high = None
    if stability is not None and hasattr(stability, "overall"):
        low, high, stability = stability.low, stability.high, stability.overall
    graded = _grade(X, labels, stability=stability, random_state=random_state)
    if structure is not None and getattr(structure, "verdict", None) == "none":
        graded = Quality(
            "poor",
            graded.silhouette,
            graded.stability,
            _("No natural segments: the customers form one continuous population, so these segments are cuts of "
              "a continuum, not groups. {explanation}", explanation=graded.explanation),
            silhouette_rows=graded.silhouette_rows,
        )
    return Quality(graded.grade, graded.silhouette, graded.stability, graded.explanation, low, high,
                   graded.silhouette_rows)


def _grade(X, labels, *, stability: float | None, random_state: int) -> Quality:
    X = np.asarray(X)
    labels = np.asarray(labels)
    if X.ndim != 2 or labels.shape != (X.shape[0],):
        raise SpecError(_l(
            "Expected one label per row: {rows} rows but {labels} labels.",
            rows=X.shape[0], labels=labels.shape[0],
        ))
    sil, rows = estimated_silhouette(X, labels, random_state=random_state)
    stab = None if stability is None else float(stability)
    if np.isnan(sil):
        return Quality(
            grade="poor",
            silhouette=sil,
            stability=stab,
            explanation=_("There is only one segment (or too few customers), so there is no separation to measure."),
            silhouette_rows=rows,
        )
    # Written in the current language (the studio keys its fits by language); numbers in the locale's style.
    figures = {"sil": format_number(sil, digits=2), "stab": "" if stab is None else format_number(stab, digits=2)}
    if sil >= GOOD_SILHOUETTE and (stab is None or stab >= GOOD_STABILITY):
        grade: Grade = "good"
        if stab is None:
            text = _("The segments are clearly separated (silhouette {sil}).", **figures)
        else:
            text = _("The segments are clearly separated (silhouette {sil}) and come out the same when the data is "
                     "resampled (stability {stab}).", **figures)
    elif sil < POOR_SILHOUETTE or (stab is not None and stab < POOR_STABILITY):
        grade = "poor"
        reasons = []
        if sil < POOR_SILHOUETTE:
            reasons.append(_("customers in different segments are hardly more different than within one "
                             "(silhouette {sil})", **figures))
        if stab is not None and stab < POOR_STABILITY:
            reasons.append(_("the segments change a lot when the data is resampled (stability {stab})", **figures))
        if len(reasons) == 1:
            text = _("The segments are weak: {first}. Treat them as rough groupings.", first=reasons[0])
        else:
            text = _("The segments are weak: {first} and {second}. Treat them as rough groupings.",
                     first=reasons[0], second=reasons[1])
    else:
        grade = "fair"
        first = (_("the segments overlap somewhat (silhouette {sil})", **figures) if sil < GOOD_SILHOUETTE
                 else _("separation is clear (silhouette {sil})", **figures))
        if stab is None:
            text = _("Usable: {first}.", first=first)
        else:
            second = (_("they are mostly reproducible (stability {stab})", **figures) if stab >= GOOD_STABILITY
                      else _("they shift somewhat when the data is resampled (stability {stab})", **figures))
            text = _("Usable: {first} and {second}.", first=first, second=second)
    return Quality(grade=grade, silhouette=sil, stability=stab, explanation=text, silhouette_rows=rows)
