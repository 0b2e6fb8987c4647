"""The prepared matrix read back as what it encodes: continuous columns, and discrete ones (categories, yes/no).

k-means sees a category as one-hot columns, so a change of level is a fixed jump and customers who share every level
sit on the same point: judged as distances, any split along a category's levels looks like a tight, well separated
group. Two places must judge discrete columns as discrete instead: the null reference of the clusterability verdict
(``segcore.model.structure``) and the likelihood behind the choice of k (``classification_bic``).

``classification_bic`` is the Bayesian information criterion of a partition under the model k-means fits on the
continuous columns (spherical Gaussians with one shared variance; Pelleg & Moore 2000) joined with a latent class
model on the discrete ones (each segment has its own level shares, columns independent within a segment; Hunt &
Jorgensen 2003 for this mixed-type mixture), evaluated at the partition (the classification likelihood of Celeux &
Govaert 1992). Splitting a segment by the levels of one category leaves this likelihood exactly unchanged (the
segment's share times its level share is the sub-segment's share) and costs parameters, so it is never rewarded; a
split that separates customers on the continuous columns, or on several associated categories at once, is.
"""

from __future__ import annotations

import numpy as np

from segcore.model.smallkmeans import one_blas_thread

# Classification EM steps that refine a k-means partition before its likelihood is read (it settles in a few).
REFINE_STEPS = 10
# A column's variance inside segments is at least this share of its overall variance (a constant column within every
# segment would otherwise make the likelihood unbounded).
VARIANCE_FLOOR = 1e-6

def discrete_blocks(X: np.ndarray) -> list[list[int]]:
    """Column groups of X that hold a discrete column: each category's one-hot block, and each yes/no column.

    The preparation writes a category as adjacent one-hot columns that take the values {0, s} (s is the category's
    scale times its weight) and mark every row exactly once; a yes/no column (a boolean, a 'was missing' flag) takes
    two values. Blocks are read from the matrix itself so that every caller of the sweep gets the same reference.
    """
    two_valued, empty = [], []
    for j in range(X.shape[1]):
        values = np.unique(X[:, j])
        two_valued.append(values if len(values) == 2 else None)
        empty.append(len(values) == 1 and values[0] == 0)  # a level absent from this sample
    blocks, j = [], 0
    while j < X.shape[1]:
        values = two_valued[j]
        if values is None:
            j += 1
            continue
        block, covered = [j], X[:, j] != 0
        if values[0] == 0:
            s, end = values[1], j + 1
            while end < X.shape[1] and not covered.all():
                nxt = two_valued[end]
                hits = X[:, end] != 0
                if empty[end]:
                    end += 1
                    continue
                if nxt is None or nxt[0] != 0 or nxt[1] != s or (covered & hits).any():
                    break
                block.append(end)
                covered |= hits
                end += 1
            if not covered.all():
                block = [j]  # not a one-hot block: a yes/no column of its own
        blocks.append(block)
        j = block[-1] + 1
    return blocks


def classification_bic(X: np.ndarray, labels: np.ndarray, *, blocks: list[list[int]] | None = None) -> float:
    """BIC (larger is better) of the mixed model fitted from the partition ``labels`` of X; rows labelled -1 are left
    out.

    The partition is first refined by classification EM (Celeux & Govaert 1992; at most ``REFINE_STEPS`` steps):
    k-means weighs a category's level change as a fixed distance, so next to a few continuous columns it may put a
    customer whose category is unusual for their group with the wrong group. The model, which reads that level as one
    more draw from the group's level shares, moves such customers back before the partition is judged.
    """
    with one_blas_thread():  # small products: a spinning second BLAS thread made them 10x slower on a shared machine
        return _refined_bic(X, labels, blocks)


def _refined_bic(X: np.ndarray, labels: np.ndarray, blocks: list[list[int]] | None) -> float:
    X = np.asarray(X, dtype=np.float64)
    keep = np.asarray(labels) >= 0
    X, labels = X[keep], np.asarray(labels)[keep]
    blocks = discrete_blocks(X) if blocks is None else blocks
    continuous = np.setdiff1d(np.arange(X.shape[1]), [c for block in blocks for c in block])
    Xc = X[:, continuous]
    levels = [_levels(X[:, block]) for block in blocks]
    n_levels = [int(lv.max()) + 1 for lv in levels]
    floor = VARIANCE_FLOOR * Xc.var(axis=0) + 1e-12
    seg = np.unique(labels, return_inverse=True)[1]
    for _ in range(REFINE_STEPS):
        k = int(seg.max()) + 1
        counts = np.bincount(seg, minlength=k).astype(np.float64)
        centres, variance = _gaussian(Xc, seg, counts, floor)
        score = np.log(counts / len(seg))[None, :] - 0.5 * _scaled_sq_distances(Xc, centres, variance)
        for level, L in zip(levels, n_levels, strict=True):
            table = _level_table(seg, level, k, L)
            shares = (table + 0.5) / (counts[:, None] + 0.5 * L)  # smoothed: an unseen level is unlikely, not barred
            score += np.log(shares).T[level]
        moved = _compact(np.argmax(score, axis=1))
        if np.array_equal(moved, seg):
            break
        seg = moved
    return _bic(Xc, seg, levels, n_levels, floor)


def _compact(seg: np.ndarray) -> np.ndarray:
    """Renumber segments 0..k-1 in order, dropping any that lost every customer."""
    present = np.bincount(seg) > 0
    return (np.cumsum(present) - 1)[seg]


def _scaled_sq_distances(Xc: np.ndarray, centres: np.ndarray, variance: np.ndarray) -> np.ndarray:
    """sum_j (x_j - c_j)^2 / variance_j for every row and centre, by one matrix product."""
    if not Xc.shape[1]:
        return np.zeros((len(Xc), len(centres)))
    scale = 1.0 / np.sqrt(variance)
    Z, C = Xc * scale, centres * scale
    d = (Z * Z).sum(axis=1)[:, None] - 2.0 * (Z @ C.T) + (C * C).sum(axis=1)[None, :]
    return np.maximum(d, 0.0)


def _gaussian(Xc: np.ndarray, seg: np.ndarray, counts: np.ndarray, floor: np.ndarray):
    """Segment means and the shared per-column variance (diagonal Gaussians with one covariance)."""
    k = len(counts)
    members = np.zeros((len(seg), k))
    members[np.arange(len(seg)), seg] = 1.0
    centres = (members.T @ Xc) / counts[:, None]
    variance = np.maximum(((Xc - centres[seg]) ** 2).mean(axis=0), floor) if len(Xc) else floor
    return centres, variance


def _level_table(seg: np.ndarray, level: np.ndarray, k: int, n_levels: int) -> np.ndarray:
    return np.bincount(seg * n_levels + level, minlength=k * n_levels).reshape(k, n_levels).astype(np.float64)


def _bic(Xc: np.ndarray, seg: np.ndarray, levels, n_levels, floor) -> float:
    k, n, p = int(seg.max()) + 1, len(seg), Xc.shape[1]
    counts = np.bincount(seg, minlength=k).astype(np.float64)
    loglik = float((counts * np.log(counts / n)).sum())  # which segment: the mixing shares
    params = (k - 1) + (k * p + p if p else 0)
    if p:
        _, variance = _gaussian(Xc, seg, counts, floor)
        loglik -= 0.5 * n * float((np.log(2 * np.pi * variance) + 1.0).sum())
    for level, L in zip(levels, n_levels, strict=True):
        table = _level_table(seg, level, k, L)
        seen = table > 0
        loglik += float((table[seen] * np.log((table / counts[:, None])[seen])).sum())
        params += k * (L - 1)
    return loglik - 0.5 * params * np.log(n)


def _levels(codes: np.ndarray) -> np.ndarray:
    """Level index per row of a discrete block (its one-hot position, or 0/1 for a single yes/no column)."""
    if codes.shape[1] == 1:
        return (codes[:, 0] != codes[:, 0].min()).astype(np.int64)
    return np.argmax(codes != 0, axis=1)
