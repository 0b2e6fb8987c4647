"""Group customers into segments: k-means, Gaussian mixtures, Ward or HDBSCAN on the prepared matrix.

Every method returns the same ``ClusterResult`` (labels, per-segment mean centers, notes). Methods whose cost grows
with n^2 (Ward, HDBSCAN) are fitted on a sample and the other customers are assigned to the nearest segment center,
which is said in the notes. The k sweep lives in ``segcore.model.sweep`` and the quality grade in ``segcore.model.quality``;
both are re-exported here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from scipy.optimize import linear_sum_assignment

from segcore.errors import DataError, NotEnoughData, SpecError
from segcore.i18n import _l, gettext, lazy_ngettext, ngettext
from segcore.model.spec import Method, check_method

# k-means: the best of 4 k-means++ starts (one start got stuck at 100k rows) is chosen on a sample of
# this many rows, then one full Lloyd run starts from it. Measured here at 100k x 40: 0.07 s vs 0.18 s for n_init=4
# on all rows, same labels; at 1M 0.7 s vs 1.9 s for MiniBatchKMeans(batch_size=4096, n_init=3).
KMEANS_N_INIT = 10  # never worse than a bare KMeans(n_init=10) on the same matrix (issue 8)
KMEANS_INIT_SAMPLE = 20_000
# Above this, MiniBatchKMeans bounds the cost of each pass (not measured beyond 1M rows, where Lloyd was faster).
MINIBATCH_MIN_ROWS = 2_000_000
MINIBATCH_BATCH = 4096  # measured: the default 1024 is 4x slower than KMeans at 1M in scikit-learn 1.9
MINIBATCH_N_INIT = 3
# Gaussian mixtures are fitted on at most 200k rows (EM is ~10x a k-means pass) and predict the rest.
GMM_MAX_ROWS = 200_000
# Full covariances cost d^2 parameters per segment; above 10 features "diag" is steadier and much faster.
GMM_FULL_COV_MAX_FEATURES = 10
# Ward needs the n^2 distance tree: 3.3 GiB at 20k rows, so it runs on 10k rows at most.
AGGLOMERATIVE_MAX_ROWS = 10_000
# HDBSCAN took 48 s at 50k rows here; 20k keeps it to seconds.
HDBSCAN_MAX_ROWS = 20_000
# The smallest group HDBSCAN may call a segment: 1% of the fitted rows, and never fewer than 10 customers.
HDBSCAN_MIN_SHARE = 0.01
HDBSCAN_MIN_SIZE = 10
# Rows per chunk when assigning to centers: 65k x k distances keeps memory flat at 1M rows.
ASSIGN_CHUNK = 65_536


@dataclass(frozen=True)
class ClusterResult:
    """Segment labels for every row of X (-1 = unassigned/noise), per-segment mean centers (k x d) and notes.

    ``estimator`` is the fitted scikit-learn model when it can score new rows itself (k-means, GMM), else None
    (new rows are then assigned to the nearest center).
    """

    labels: np.ndarray
    centers: np.ndarray
    method: str
    k: int
    n_fit_rows: int
    notes: tuple[str, ...] = field(default_factory=tuple)
    estimator: object | None = None

    def to_dict(self) -> dict:
        return {
            "labels": self.labels.tolist(),
            "centers": self.centers.tolist(),
            "method": self.method,
            "k": self.k,
            "n_fit_rows": self.n_fit_rows,
            "notes": [str(n) for n in self.notes],
        }

    @classmethod
    def from_dict(cls, d: dict) -> ClusterResult:
        return cls(
            labels=np.asarray(d["labels"], dtype=np.int64),
            centers=np.asarray(d["centers"], dtype=np.float64),
            method=d["method"],
            k=int(d["k"]),
            n_fit_rows=int(d["n_fit_rows"]),
            notes=tuple(d.get("notes", ())),
        )


def fit_clusters(X, *, method: Method = "kmeans", k: int, random_state: int = 0) -> ClusterResult:
    """Split the rows of X (n x d, numbers, no missing values) into k segments with ``method``.

    Raises SpecError for an unknown method, NotEnoughData when k does not fit the number of rows, DataError for
    missing or infinite values. ``k`` is ignored by HDBSCAN, which finds its own number of segments.
    """
    X = check_matrix(X)
    check_method(method)
    n = X.shape[0]
    if method == "hdbscan":
        if n < 2 * HDBSCAN_MIN_SIZE:
            raise NotEnoughData(
                _l(
                    "The file has {n} customers; density-based segments (HDBSCAN) need at least {minimum}. "
                    "Use k-means or add data.",
                    n=n, minimum=2 * HDBSCAN_MIN_SIZE,
                )
            )
        return _fit_hdbscan(X, random_state=random_state)
    check_k(k, n)
    fit = {"kmeans": _fit_kmeans, "gmm": _fit_gmm, "agglomerative": _fit_agglomerative}[method]
    return fit(X, k=int(k), random_state=random_state)


def assign_to_centers(X, centers) -> tuple[np.ndarray, np.ndarray]:
    """Nearest center for each row of X and the Euclidean distance to it, computed in chunks (bounded memory)."""
    X = check_matrix(X)
    centers = np.asarray(centers, dtype=X.dtype)
    if centers.ndim != 2 or centers.shape[1] != X.shape[1] or len(centers) == 0:
        raise SpecError(
            _l(
                "The segment centers have shape {shape} but the data has {features} features; score the data "
                "with the model it was prepared for.",
                shape=centers.shape, features=X.shape[1],
            )
        )
    labels = np.empty(X.shape[0], dtype=np.int64)
    dist = np.empty(X.shape[0], dtype=X.dtype)
    c_sq = np.einsum("ij,ij->i", centers, centers)
    for start in range(0, X.shape[0], ASSIGN_CHUNK):
        chunk = X[start : start + ASSIGN_CHUNK]
        d2 = c_sq[None, :] - 2.0 * (chunk @ centers.T)
        best = np.argmin(d2, axis=1)
        x_sq = np.einsum("ij,ij->i", chunk, chunk)
        labels[start : start + len(chunk)] = best
        dist[start : start + len(chunk)] = np.sqrt(np.maximum(d2[np.arange(len(chunk)), best] + x_sq, 0))
    return labels, dist


def segment_means(X, labels, *, k: int) -> np.ndarray:
    """Mean of X per label 0..k-1 (rows labelled -1 are left out); a label with no rows gets NaN."""
    X = np.asarray(X)
    labels = np.asarray(labels)
    keep = labels >= 0
    rows = np.flatnonzero(keep)
    onehot = sparse.csr_matrix((np.ones(len(rows)), (labels[keep], rows)), shape=(k, X.shape[0]))
    sums = np.asarray(onehot @ X, dtype=np.float64)
    counts = np.bincount(labels[keep], minlength=k).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        return sums / counts[:, None]


def order_labels(labels, *, value: np.ndarray | None) -> np.ndarray:
    """Renumber segments so 0 has the highest mean ``value`` (e.g. spend), then by size; -1 stays -1.

    Ties in value (or ``value=None``) go to the larger segment, then to the smaller old id, so the result is
    deterministic. Segments whose values are all missing come last.
    """
    labels = np.asarray(labels).astype(np.int64)
    ids = np.unique(labels[labels >= 0])
    if value is not None:
        value = np.asarray(value, dtype=np.float64)
        if value.shape != labels.shape:
            raise SpecError(
                _l(
                    "The value column has {rows} rows but there are {labels} labels.",
                    rows=value.shape[0], labels=labels.shape[0],
                )
            )
    keys = []
    for i in ids:
        mask = labels == i
        mean = -np.inf
        if value is not None:
            v = value[mask]
            v = v[~np.isnan(v)]
            mean = float(v.mean()) if v.size else -np.inf
        keys.append((-mean, -int(mask.sum()), int(i)))
    order = [key[2] for key in sorted(keys)]
    mapping = np.full(int(ids.max()) + 1 if ids.size else 0, -1, dtype=np.int64)
    mapping[order] = np.arange(len(order))
    out = labels.copy()
    out[labels >= 0] = mapping[labels[labels >= 0]]
    return out


def align_labels(centers, previous_centers) -> dict[int, int]:
    """Match new segments to a previous run's (Hungarian matching on center distances): new id -> previous id.

    New segments left over when k grew get fresh ids after the previous largest id, in order of their new id.
    """
    centers = np.asarray(centers, dtype=np.float64)
    previous = np.asarray(previous_centers, dtype=np.float64)
    if centers.ndim != 2 or previous.ndim != 2 or centers.shape[1] != previous.shape[1]:
        raise SpecError(
            _l(
                "Cannot compare these segments with the previous run: {now} features now vs {before} "
                "before. Use the same columns to keep segment numbers stable.",
                now=centers.shape[-1], before=previous.shape[-1],
            )
        )
    cost = np.sqrt(((centers[:, None, :] - previous[None, :, :]) ** 2).sum(axis=2))
    rows, cols = linear_sum_assignment(cost)
    mapping = {int(r): int(c) for r, c in zip(rows, cols, strict=True)}
    fresh = len(previous)
    for i in range(len(centers)):
        if i not in mapping:
            mapping[i] = fresh
            fresh += 1
    return dict(sorted(mapping.items()))


def check_matrix(X) -> np.ndarray:
    """X as a 2-D float array (float32 kept, anything else float64); DataError on missing/infinite values."""
    X = np.asarray(X)
    if X.dtype != np.float32:
        X = X.astype(np.float64, copy=False)
    if X.ndim != 2 or X.shape[1] == 0:
        raise DataError(_l(
            "Expected a table of customers x features, got an array of shape {shape}.",
            shape=X.shape,
        ))
    if not np.isfinite(X).all():
        bad = np.flatnonzero(~np.isfinite(X).all(axis=1))
        raise DataError(
            _l(
                "{n_bad:,} rows have missing or infinite values (first at row {first}). Prepare the data "
                "with segcore.model.prep first, which fills them.",
                n_bad=len(bad), first=bad[0] + 1,
            )
        )
    return X


def check_k(k, n: int) -> None:
    """NotEnoughData unless 2 <= k <= n - 1, in words a marketer can act on."""
    if isinstance(k, bool) or not isinstance(k, int | np.integer):
        raise SpecError(_l("The number of segments must be a whole number, got {k!r}.", k=k))
    if k < 2:
        raise NotEnoughData(lazy_ngettext(
            "You asked for {n} segment. Choose at least 2 segments.",
            "You asked for {n} segments. Choose at least 2 segments.", int(k),
        ))
    if k > n - 1:
        most = n - 1
        if most < 2:
            raise NotEnoughData(_l("The file has {n} customers; segmenting needs at least 3. Add data.", n=n))
        raise NotEnoughData(
            _l(
                "The file has {n} customers but you asked for {k} segments. Choose {most} or fewer, or add "
                "data.",
                n=n, k=k, most=most,
            )
        )


def sample_rows(n: int, *, size: int, random_state: int) -> np.ndarray:
    """Sorted positions of a uniform sample of ``size`` rows out of n (all rows when n <= size)."""
    if n <= size:
        return np.arange(n)
    return np.sort(np.random.default_rng(random_state).choice(n, size=size, replace=False))


# ---------------------------------------------------------------------------------------------------- methods


def _fit_kmeans(X: np.ndarray, *, k: int, random_state: int, n_init: int = KMEANS_N_INIT) -> ClusterResult:
    from sklearn.cluster import KMeans, MiniBatchKMeans

    n = X.shape[0]
    notes = []
    if n >= MINIBATCH_MIN_ROWS:
        est = MiniBatchKMeans(
            n_clusters=k, batch_size=MINIBATCH_BATCH, n_init=MINIBATCH_N_INIT, random_state=random_state
        ).fit(X)
        notes.append(gettext("mini-batch k-means on {n:,} rows", n=n))
    elif n <= KMEANS_INIT_SAMPLE:  # small data: the starts are tried on all rows directly
        est = KMeans(n_clusters=k, n_init=n_init, random_state=random_state).fit(X)
    else:
        init = kmeans_init(X, k, random_state=random_state, n_init=n_init)
        est = KMeans(n_clusters=k, init=init, n_init=1, random_state=random_state).fit(X)
    labels = est.labels_.astype(np.int64)
    return _result(X, labels, k=k, method="kmeans", n_fit=n, notes=notes, estimator=est)


def kmeans_init(X: np.ndarray, k: int, *, random_state: int, n_init: int = KMEANS_N_INIT) -> np.ndarray:
    """Starting centers: the best of ``n_init`` k-means++ runs on a sample of at most KMEANS_INIT_SAMPLE rows."""
    from sklearn.cluster import KMeans

    rows = sample_rows(X.shape[0], size=KMEANS_INIT_SAMPLE, random_state=random_state)
    return KMeans(n_clusters=k, n_init=n_init, random_state=random_state).fit(X[rows]).cluster_centers_


def _fit_gmm(X: np.ndarray, *, k: int, random_state: int) -> ClusterResult:
    from sklearn.mixture import GaussianMixture

    n, d = X.shape
    cov = "full" if d <= GMM_FULL_COV_MAX_FEATURES else "diag"
    rows = sample_rows(n, size=GMM_MAX_ROWS, random_state=random_state)
    # reg_covar 1e-4: one-hot columns are constant inside a segment, a zero variance the default 1e-6 barely covers
    est = GaussianMixture(
        n_components=k, covariance_type=cov, reg_covar=1e-4, n_init=1, random_state=random_state
    ).fit(X[rows])
    labels = est.predict(X).astype(np.int64)
    notes = [gettext("Gaussian mixture with {cov} covariances", cov=cov)]
    if len(rows) < n:
        notes.append(gettext("fitted on a sample of {rows:,} of {n:,} rows; the rest were scored by the model",
                             rows=len(rows), n=n))
    return _result(X, labels, k=k, method="gmm", n_fit=len(rows), notes=notes, estimator=est)


def _fit_agglomerative(X: np.ndarray, *, k: int, random_state: int) -> ClusterResult:
    from sklearn.cluster import AgglomerativeClustering

    n = X.shape[0]
    rows = sample_rows(n, size=AGGLOMERATIVE_MAX_ROWS, random_state=random_state)
    sample_labels = (
        AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict(X[rows]).astype(np.int64)
    )
    notes = []
    if len(rows) < n:
        centers = segment_means(X[rows], sample_labels, k=k)
        labels, _ = assign_to_centers(X, centers)
        labels[rows] = sample_labels
        notes.append(gettext(
            "Ward clustering on a sample of {rows:,} of {n:,} rows (it needs memory that grows with rows squared); "
            "the other rows joined the segment with the nearest center", rows=len(rows), n=n,
        ))
    else:
        labels = sample_labels
    return _result(X, labels, k=k, method="agglomerative", n_fit=len(rows), notes=notes)


def _fit_hdbscan(X: np.ndarray, *, random_state: int) -> ClusterResult:
    from sklearn.cluster import HDBSCAN

    n = X.shape[0]
    rows = sample_rows(n, size=HDBSCAN_MAX_ROWS, random_state=random_state)
    min_size = max(HDBSCAN_MIN_SIZE, int(len(rows) * HDBSCAN_MIN_SHARE))
    sample_labels = HDBSCAN(min_cluster_size=min_size, copy=True).fit_predict(X[rows]).astype(np.int64)
    sample_labels[sample_labels < -1] = -1
    k = int(sample_labels.max()) + 1
    if k < 2:
        raise SpecError(
            _l(
                "HDBSCAN found no distinct dense groups in this data (every customer looks alike or like "
                "noise). Use k-means, or choose features that separate customers more.",
            )
        )
    notes = ["HDBSCAN chooses the number of segments itself; the requested k was ignored"]
    centers = segment_means(X[rows], sample_labels, k=k)
    if len(rows) < n:
        # a row joins its nearest segment only if it is as close as that segment's farthest sampled member
        _, d_sample = assign_to_centers(X[rows][sample_labels >= 0], centers)
        radius = np.zeros(k)
        np.maximum.at(radius, sample_labels[sample_labels >= 0], d_sample)
        labels, dist = assign_to_centers(X, centers)
        labels[dist > radius[labels]] = -1
        labels[rows] = sample_labels
        notes.append(gettext("fitted on a sample of {rows:,} of {n:,} rows (its cost grows with rows squared); other "
                             "rows joined the nearest segment when within that segment's sampled reach",
                             rows=len(rows), n=n))
    else:
        labels = sample_labels
    n_noise = int((labels == -1).sum())
    if n_noise:
        notes.append(gettext("{n:,} customers ({share:.1%}) fit no segment and are marked unassigned (-1)",
                             n=n_noise, share=n_noise / n))
    return _result(X, labels, k=k, method="hdbscan", n_fit=len(rows), notes=notes)


def _result(X, labels, *, k, method, n_fit, notes, estimator=None) -> ClusterResult:
    centers = segment_means(X, labels, k=k)
    empty = np.flatnonzero(np.isnan(centers).any(axis=1))
    notes = list(notes)
    if len(empty):
        notes.append(ngettext("{n} segment ended up with no customers", "{n} segments ended up with no customers",
                              len(empty)))
    return ClusterResult(
        labels=labels,
        centers=centers,
        method=method,
        k=k,
        n_fit_rows=int(n_fit),
        notes=tuple(notes),
        estimator=estimator,
    )
