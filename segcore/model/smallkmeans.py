"""k-means for the many small fits of the null reference and the stability bootstrap (a few thousand rows each).

The verdict and the bootstrap fit k-means hundreds of times on 1-2k rows. scikit-learn's KMeans spends most of such a
call on validation and thread-pool set-up (about 10-20 ms here, against 2-5 ms of arithmetic), so these fits use this
plain numpy version of the same algorithm: k-means++ seeding (Arthur & Vassilvitskii 2007, with the same
2 + log k local trials as scikit-learn) and Lloyd iterations, best of ``n_init`` starts by inertia. The segments a
user sees are still fitted by scikit-learn (``segcore.model.cluster``).

Callers run their loops of small fits inside ``one_blas_thread()``: a multi-threaded BLAS hands each 2,000 x 60
product to a second thread that spins while it waits, which cost 15x the CPU (60x the wall time on a loaded
2-core machine: the stability bootstrap at 200k customers went from 2.8 s of CPU to 43 s) for the same numbers.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np

MAX_ITER = 100
TOL = 1e-4


@dataclass(frozen=True)
class SmallFit:
    labels: np.ndarray
    centers: np.ndarray
    inertia: float


@contextmanager
def one_blas_thread() -> Iterator[None]:
    """Limit BLAS to one thread while many small products run (see the module docstring)."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        yield


def _sq_dist(X: np.ndarray, sq: np.ndarray, C: np.ndarray) -> np.ndarray:
    d = sq[:, None] - 2.0 * (X @ C.T) + (C * C).sum(axis=1)[None, :]
    return np.maximum(d, 0.0)


def _plusplus(X: np.ndarray, sq: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    n = X.shape[0]
    trials = 2 + int(np.log(k))
    centers = np.empty((k, X.shape[1]))
    centers[0] = X[rng.integers(n)]
    closest = _sq_dist(X, sq, centers[:1])[:, 0]
    for c in range(1, k):
        total = closest.sum()
        if total <= 0:
            centers[c:] = X[rng.integers(n, size=k - c)]
            break
        candidates = np.searchsorted(np.cumsum(closest), rng.random(trials) * total)
        candidates = np.minimum(candidates, n - 1)
        dist = np.minimum(closest[:, None], _sq_dist(X, sq, X[candidates]))
        best = int(np.argmin(dist.sum(axis=0)))
        centers[c] = X[candidates[best]]
        closest = dist[:, best]
    return centers


def kmeans(X: np.ndarray, k: int, *, n_init: int = 1, seed: int = 0, max_iter: int = MAX_ITER) -> SmallFit:
    """Best of ``n_init`` k-means++ starts; labels, centers and inertia (within-segment sum of squares)."""
    X = np.asarray(X, dtype=np.float64)
    rng = np.random.default_rng(seed)
    sq = (X * X).sum(axis=1)
    tol = TOL * float(X.var(axis=0).mean())  # scikit-learn's stopping rule: centres moved less than this
    best: SmallFit | None = None
    for _ in range(max(1, n_init)):
        centers = _plusplus(X, sq, k, rng)
        labels = np.full(X.shape[0], -1, dtype=np.int64)
        for _ in range(max_iter):
            new = _sq_dist(X, sq, centers).argmin(axis=1)
            if np.array_equal(new, labels):
                break  # converged: no customer changed segment
            labels = new
            counts = np.bincount(labels, minlength=k)
            sums = _group_sum(X, labels, k)
            moved = np.where(counts[:, None] > 0, sums / np.maximum(counts, 1)[:, None], centers)
            shift = float(((moved - centers) ** 2).sum())
            centers = moved
            if shift <= tol:
                break
        d = _sq_dist(X, sq, centers)
        labels = d.argmin(axis=1)
        inertia = float(d[np.arange(len(labels)), labels].sum())
        if best is None or inertia < best.inertia:
            best = SmallFit(labels, centers, inertia)
    assert best is not None
    return best


def _group_sum(X: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    onehot = np.zeros((k, X.shape[0]))
    onehot[labels, np.arange(X.shape[0])] = 1.0
    return onehot @ X


def nearest(X: np.ndarray, centers: np.ndarray) -> np.ndarray:
    X = np.asarray(X, dtype=np.float64)
    return _sq_dist(X, (X * X).sum(axis=1), centers).argmin(axis=1)
