"""Which underlying factors ("usage", "spend", "service calls") the chosen columns form.

Mixed data is handled the way FAMD does in spirit: numbers are prepared as for clustering (log of skewed columns,
standardised), each category level becomes a 0/1 indicator, and every prepared column is standardised, so the
analysis runs on their correlation matrix and no column weighs more because of its units.
How many factors: Horn's parallel analysis, the documented rule of thumb that beats "eigenvalue > 1": keep the
leading factors whose eigenvalue exceeds the 95th percentile of the same eigenvalue on random data of the same
shape (``PARALLEL_ROUNDS`` draws). The factors are then fitted by maximum-likelihood factor analysis with varimax
rotation (each column loads mainly on one factor, which makes factors nameable) and named from their top columns.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from segcore.errors import NotEnoughData
from segcore.i18n import _l, ngettext, pgettext

PARALLEL_ROUNDS = 20
PARALLEL_QUANTILE = 0.95
MAX_FACTORS = 8
MAX_ROWS = 20_000  # the correlation structure is settled long before this; more rows only cost time
NAME_COLUMNS = 2
MIN_LOADING = 0.3  # loadings below this are not mentioned in a factor's name


@dataclass(frozen=True)
class FactorView:
    """``loadings``: one row per prepared column, one column per factor (named); ``explained``: share of the
    total variance of the prepared columns each factor accounts for; ``eigenvalues`` / ``random_eigenvalues``:
    the parallel analysis behind ``n_factors``."""

    n_factors: int
    names: tuple[str, ...]
    loadings: pd.DataFrame
    explained: tuple[float, ...]
    eigenvalues: tuple[float, ...]
    random_eigenvalues: tuple[float, ...]

    @property
    def rule(self) -> str:
        return ngettext(
            "Parallel analysis: {n} factor has an eigenvalue above the 95th percentile of random data of the same "
            "size ({draws} draws).",
            "Parallel analysis: {n} factors have an eigenvalue above the 95th percentile of random data of the same "
            "size ({draws} draws).", self.n_factors, draws=PARALLEL_ROUNDS)


def factor_view(
    df: pd.DataFrame, *, numeric: Sequence[str], categorical: Sequence[str] = (), seed: int = 0,
    max_factors: int = MAX_FACTORS,
) -> FactorView:
    """Factors of the chosen columns of ``df`` (see the module docstring). NotEnoughData for too few columns/rows."""
    from segcore.model.prep import prepare

    prepared = prepare(df, numeric=list(numeric), categorical=list(categorical))
    return fit_factors(prepared.X, feature_names=prepared.feature_names, preprocessor=prepared.preprocessor,
                       seed=seed, max_factors=max_factors).view


@dataclass(frozen=True)
class FactorFit:
    """A factor view and the linear map from prepared columns to its factor scores (the analysis's own
    regression scores, in the view's order and orientation): ``scores = (X - center) @ matrix``, one column per
    factor, each with unit spread on the fitted customers. Columns left out of the analysis (reference levels,
    constants) have zero rows in ``matrix``."""

    view: FactorView
    center: np.ndarray
    matrix: np.ndarray


def fit_factors(
    X: np.ndarray, *, feature_names: Sequence[str], preprocessor, seed: int = 0, max_factors: int = MAX_FACTORS,
) -> FactorFit:
    """The factor analysis of an already prepared matrix (``segcore.model.prep.prepare``) and its score map."""
    from sklearn.decomposition import FactorAnalysis

    X = np.asarray(X, dtype=np.float64)
    reference = _reference_levels(preprocessor)
    center, spread = X.mean(axis=0), X.std(axis=0)
    if len(X) > MAX_ROWS:
        X = X[np.random.default_rng(seed).choice(len(X), MAX_ROWS, replace=False)]
    keep = (spread > 1e-9) & ~reference
    names = [n for n, k in zip(feature_names, keep, strict=True) if k]
    if len(names) < 3 or len(X) < 20:
        raise NotEnoughData(_l(
            "A factor view needs at least 3 varying columns and 20 customers; choose more columns to see which "
            "factors they form."
        ))
    Z = (X[:, keep] - center[keep]) / spread[keep]
    eigen, random_eigen = parallel_analysis(Z, seed=seed)
    n_factors = int(max(1, min(max_factors, len(names) - 1, _leading_above(eigen, random_eigen))))
    fa = FactorAnalysis(n_components=n_factors, rotation="varimax", random_state=seed).fit(Z)
    order = np.argsort(-(fa.components_**2).sum(axis=1))
    loadings = fa.components_.T[:, order]  # prepared column x factor
    signs = _orientation(loadings)
    loadings = loadings * signs
    factor_names = tuple(_factor_name(i, loadings[:, i], names) for i in range(n_factors))
    explained = tuple(float(v) for v in (loadings**2).sum(axis=0) / len(names))
    view = FactorView(
        n_factors=n_factors,
        names=factor_names,
        loadings=pd.DataFrame(loadings, index=names, columns=list(factor_names)),
        explained=explained,
        eigenvalues=tuple(float(v) for v in eigen),
        random_eigenvalues=tuple(float(v) for v in random_eigen),
    )
    # FactorAnalysis.transform is linear: (Z - mean_) @ Wpsi.T @ inv(I + Wpsi @ W.T); fold the standardisation in
    wpsi = fa.components_ / fa.noise_variance_
    score_map = (wpsi.T @ np.linalg.inv(np.eye(len(fa.components_)) + wpsi @ fa.components_.T))[:, order] * signs
    score_spread = ((Z - fa.mean_) @ score_map).std(axis=0)
    score_map = score_map / np.where(score_spread > 1e-12, score_spread, 1.0)
    matrix = np.zeros((len(keep), n_factors))
    matrix[keep] = score_map / spread[keep, None]
    shifted = center.copy()
    shifted[keep] += spread[keep] * fa.mean_
    return FactorFit(view=view, center=shifted, matrix=matrix)


def _reference_levels(preprocessor) -> np.ndarray:
    """The first level indicator of every category: its levels sum to one, so with all of them kept they would
    form a factor of their own (a yes/no category would be two perfectly opposed columns)."""
    mask = np.zeros(sum(s.stop - s.start for s in preprocessor.output_indices_.values()), dtype=bool)
    for name, pipe, _ in preprocessor.transformers_:
        block = preprocessor.output_indices_.get(name)
        if block is not None and hasattr(pipe, "named_steps") and "onehot" in pipe.named_steps and block.stop > block.start:
            mask[block.start] = True
    return mask


def parallel_analysis(Z: np.ndarray, *, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Eigenvalues of the correlation matrix of ``Z`` and the 95th percentile of each on random normal data."""
    n, p = Z.shape
    eigen = np.sort(np.linalg.eigvalsh(np.corrcoef(Z, rowvar=False)))[::-1]
    rng = np.random.default_rng(seed)
    draws = np.array([
        np.sort(np.linalg.eigvalsh(np.corrcoef(rng.standard_normal((n, p)), rowvar=False)))[::-1]
        for _ in range(PARALLEL_ROUNDS)
    ])
    return eigen, np.quantile(draws, PARALLEL_QUANTILE, axis=0)


def _leading_above(eigen: np.ndarray, random_eigen: np.ndarray) -> int:
    above = eigen > random_eigen
    return int(np.argmin(above)) if not above.all() else len(above)


def _orientation(loadings: np.ndarray) -> np.ndarray:
    """The sign that makes each factor point the way its largest loading does (a "usage" factor is high for heavy
    users)."""
    signs = np.sign(loadings[np.abs(loadings).argmax(axis=0), np.arange(loadings.shape[1])])
    return np.where(signs == 0, 1.0, signs)


def _factor_name(i: int, column: np.ndarray, names: list[str]) -> str:
    top = [names[j] for j in np.argsort(-np.abs(column))[:NAME_COLUMNS] if abs(column[j]) >= MIN_LOADING]
    return f"F{i + 1}: " + (" & ".join(top) if top else pgettext("factor", "weak"))
