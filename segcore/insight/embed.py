"""2-D maps of customers: instant PCA first, then UMAP on a sample for the nicer picture.

PCA is exact and takes well under a second even at a million rows, so the studio shows it first. UMAP reveals
segment structure better but costs seconds to minutes (numba compiles on first use), so it runs on a seeded sample
and ``warm_up()`` pays the compile cost off the critical path. ``Embedding.rows`` always says which rows of the
input the coordinates belong to.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from segcore.errors import NotEnoughData, SpecError
from segcore.i18n import _l, gettext
from segcore.insight import map_timing
from segcore.model.cluster import sample_rows

# Bump when the to_dict layout changes, so old saved maps are recognised.
FORMAT_VERSION = 1
# A scatter plot stays responsive up to ~20k points in the browser and UMAP on 20k takes ~5 s.
DEFAULT_SAMPLE_SIZE = 20_000
# umap-learn's default is 200 epochs above 10k rows but 500 below; 200 looks the same and is 2.5x faster (§11).
DEFAULT_N_EPOCHS = 200
# numba only compiles the code paths UMAP uses on larger inputs once it has seen >= 4096 rows (§4); 300 rows do not.
WARM_UP_ROWS = 4096
# Columns in the warm-up data: small, the compiled kernels do not depend on the width.
WARM_UP_COLS = 8

Method = Literal["umap", "pca"]


@dataclass(frozen=True)
class Embedding:
    """2-D coordinates for some rows of the data.

    coords: (m, 2) float32. rows: (m,) int64 positions into the input, sorted ascending (all rows when not sampled).
    method: "umap" or "pca" (what was actually used, after any fallback). notes: plain sentences for the user.
    """

    coords: np.ndarray
    rows: np.ndarray
    method: Method
    notes: tuple[str, ...] = ()
    n_total: int = 0  # rows in the input, so "m of n customers" can be shown

    @property
    def sampled(self) -> bool:
        return len(self.rows) < self.n_total

    def to_dict(self) -> dict[str, Any]:
        return {
            "format_version": FORMAT_VERSION,
            "coords": self.coords.astype(float).tolist(),
            "rows": self.rows.astype(int).tolist(),
            "method": self.method,
            "notes": [str(n) for n in self.notes],
            "n_total": int(self.n_total),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Embedding:
        coords = np.asarray(d["coords"], dtype=np.float32).reshape(-1, 2)
        rows = np.asarray(d["rows"], dtype=np.int64)
        return cls(
            coords=coords,
            rows=rows,
            method=d["method"],
            notes=tuple(d.get("notes", ())),
            n_total=int(d.get("n_total", len(rows))),
        )


def _check_matrix(X: np.ndarray) -> np.ndarray:
    """A 2-D finite float matrix, or a SpecError that says what to fix."""
    arr = np.asarray(X)
    if arr.ndim != 2:
        raise SpecError(
            _l(
                "The map needs a table of prepared features (rows x columns) but got an array with {ndim} "
                "dimension(s). Prepare the features first.",
                ndim=arr.ndim,
            )
        )
    if arr.shape[0] == 0:
        raise NotEnoughData(_l("There are no customers to draw on the map. Load data with at least 2 rows."))
    if arr.shape[1] == 0:
        raise SpecError(_l("The map needs at least one feature column. Choose some features first."))
    arr = arr.astype(np.float32, copy=False)
    if not np.isfinite(arr).all():
        bad = int((~np.isfinite(arr)).any(axis=1).sum())
        raise SpecError(
            _l(
                "{bad:,} customer row(s) have missing or infinite prepared values, so they cannot be placed "
                "on the map. Prepare the features with missing-value handling first.",
                bad=bad,
            )
        )
    return arr


def _sample_rows(n: int, size: int | None, random_state: int | None) -> np.ndarray:
    """Sorted positions of a seeded random sample of ``size`` rows out of ``n`` (all rows when size is None/>= n)."""
    if size is None or size >= n:
        return np.arange(n, dtype=np.int64)
    if size < 1:
        raise SpecError(_l("The map sample size must be at least 1 customer, got {size}.", size=size))
    return sample_rows(n, size=size, random_state=random_state).astype(np.int64)


def _sample_note(m: int, n: int) -> str:
    return gettext("Map shows a random sample of {m:,} of {n:,} customers.", m=m, n=n)


def _pca_coords(X: np.ndarray, random_state: int | None) -> np.ndarray:
    """First two principal components; a single column or a single row is padded with zeros."""
    from sklearn.decomposition import PCA

    n_comp = min(2, X.shape[0], X.shape[1])
    if X.shape[0] < 2:
        return np.zeros((X.shape[0], 2), dtype=np.float32)
    coords = PCA(n_components=n_comp, random_state=random_state).fit_transform(X).astype(np.float32)
    if n_comp < 2:
        coords = np.hstack([coords, np.zeros((coords.shape[0], 2 - n_comp), dtype=np.float32)])
    return _fix_signs(coords)


def _fix_signs(coords: np.ndarray) -> np.ndarray:
    """Flip each axis so its largest |value| is positive: the same data always gives the same picture."""
    out = coords.copy()
    for j in range(out.shape[1]):
        col = out[:, j]
        if col.size and col[np.argmax(np.abs(col))] < 0:
            out[:, j] = -col
    return out


def pca_2d(X: np.ndarray, *, random_state: int | None = 0, max_points: int | None = None) -> Embedding:
    """Project the prepared features onto their first two principal components.

    Fast (< 0.1 s at 1M rows). With ``max_points`` only a seeded random sample of rows is fitted and returned, and
    ``rows`` says which. Raises NotEnoughData for an empty matrix, SpecError for NaN/inf or a non 2-D input.
    """
    arr = _check_matrix(X)
    n = arr.shape[0]
    rows = _sample_rows(n, max_points, random_state)
    notes: list[str] = []
    if len(rows) < n:
        notes.append(_sample_note(len(rows), n))
    if arr.shape[1] == 1:
        notes.append(gettext("Only one feature, so the map's vertical axis carries no information."))
    coords = _pca_coords(arr[rows], random_state)
    return Embedding(coords=coords, rows=rows, method="pca", notes=tuple(notes), n_total=n)


def _make_umap(
    *, n_neighbors: int, min_dist: float, random_state: int | None, n_epochs: int | None
) -> Any:  # umap.UMAP, imported lazily
    import umap  # lazy: importing umap/numba takes seconds

    return umap.UMAP(
        n_components=2,
        n_neighbors=n_neighbors,
        min_dist=min_dist,
        n_epochs=n_epochs,
        random_state=random_state,
        # A seed forces one thread in umap anyway; say so explicitly to avoid its warning.
        n_jobs=1 if random_state is not None else -1,
    )


def umap_2d(
    X: np.ndarray,
    *,
    sample_size: int | None = DEFAULT_SAMPLE_SIZE,
    random_state: int | None = 0,
    n_neighbors: int = 15,
    min_dist: float = 0.1,
    n_epochs: int | None = DEFAULT_N_EPOCHS,
) -> Embedding:
    """A UMAP map of the prepared features, fitted on (and returning) at most ``sample_size`` rows.

    ``random_state=None`` uses all cores: faster but not reproducible (noted). Fewer rows than ``n_neighbors + 2``
    fall back to PCA with a note. The first call in a process compiles numba (minutes): call ``warm_up()`` early.
    Fits after the warm-up are timed for ``map_timing.estimate``.
    """
    arr = _check_matrix(X)
    if n_neighbors < 2:
        raise SpecError(_l(
            "UMAP needs at least 2 neighbours per customer, got n_neighbors={n_neighbors}.",
            n_neighbors=n_neighbors,
        ))
    if not 0.0 <= min_dist <= 1.0:
        raise SpecError(_l("UMAP min_dist must be between 0 and 1, got {min_dist}.", min_dist=min_dist))
    n = arr.shape[0]
    rows = _sample_rows(n, sample_size, random_state)
    notes: list[str] = []
    if len(rows) < n:
        notes.append(_sample_note(len(rows), n))
    sub = arr[rows]
    if len(rows) < n_neighbors + 2:
        notes.append(gettext("Only {n:,} customers: too few for UMAP (needs at least {needed}), so the map uses PCA "
                             "instead.", n=len(rows), needed=n_neighbors + 2))
        coords = _pca_coords(sub, random_state)
        return Embedding(coords=coords, rows=rows, method="pca", notes=tuple(notes), n_total=n)
    if random_state is None:
        notes.append(
            "Fast map: uses all processor cores, so positions change slightly each time it is drawn."
        )
    reducer = _make_umap(
        n_neighbors=n_neighbors, min_dist=min_dist, random_state=random_state, n_epochs=n_epochs
    )
    compiled = _warmed  # a fit that also compiles numba says nothing about the next one's time
    start = time.perf_counter()
    coords = np.asarray(reducer.fit_transform(sub), dtype=np.float32)
    if compiled:
        map_timing.record(len(rows), time.perf_counter() - start)
    return Embedding(coords=coords, rows=rows, method="umap", notes=tuple(notes), n_total=n)


_warm_lock = threading.Lock()
_warmed = False  # process-wide: numba's compiled code is shared by every user of the process


def warm_up() -> None:
    """Compile UMAP's numba code (fit and transform) once per process, on WARM_UP_ROWS random rows, then time one
    fit so the first real map has a measured estimate (``map_timing``).

    Seeded, like the studio's maps: a seed makes umap take its single-threaded layout code, which an unseeded
    warm-up would leave uncompiled. Takes minutes the first time on a busy machine and returns at once afterwards.
    Call it from a background thread at start-up.
    """
    global _warmed
    with _warm_lock:
        if _warmed:
            return
        rng = np.random.default_rng(0)
        data = rng.normal(size=(WARM_UP_ROWS, WARM_UP_COLS)).astype(np.float32)
        reducer = _make_umap(n_neighbors=15, min_dist=0.1, random_state=0, n_epochs=DEFAULT_N_EPOCHS)
        reducer.fit(data)
        reducer.transform(data[: WARM_UP_ROWS // 4])
        start = time.perf_counter()
        _make_umap(n_neighbors=15, min_dist=0.1, random_state=1, n_epochs=DEFAULT_N_EPOCHS).fit(data)
        map_timing.record(WARM_UP_ROWS, time.perf_counter() - start)
        _warmed = True


def is_warm() -> bool:
    """True once warm_up() has finished in this process (the app can say "the first map takes a minute")."""
    return _warmed
