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
        return (f"Parallel analysis: {self.n_factors} factor(s) have an eigenvalue above the 95th percentile of "
                f"random data of the same size ({PARALLEL_ROUNDS} draws).")


def factor_view(
    df: pd.DataFrame, *, numeric: Sequence[str], categorical: Sequence[str] = (), seed: int = 0,
    max_factors: int = MAX_FACTORS,
) -> FactorView:
    """Factors of the chosen columns of ``df`` (see the module docstring). NotEnoughData for too few columns/rows."""
    from sklearn.decomposition import FactorAnalysis

    from segcore.model.prep import prepare

    prepared = prepare(df, numeric=list(numeric), categorical=list(categorical))
    X = np.asarray(prepared.X, dtype=np.float64)
    reference = _reference_levels(prepared.preprocessor)
    if len(X) > MAX_ROWS:
        X = X[np.random.default_rng(seed).choice(len(X), MAX_ROWS, replace=False)]
    spread = X.std(axis=0)
    keep = (spread > 1e-9) & ~reference
    names = [n for n, k in zip(prepared.feature_names, keep, strict=True) if k]
    if len(names) < 3 or len(X) < 20:
        raise NotEnoughData(
            "A factor view needs at least 3 varying columns and 20 customers; choose more columns to see which "
            "factors they form."
        )
    Z = (X[:, keep] - X[:, keep].mean(axis=0)) / spread[keep]
    eigen, random_eigen = parallel_analysis(Z, seed=seed)
    n_factors = int(max(1, min(max_factors, len(names) - 1, _leading_above(eigen, random_eigen))))
    fa = FactorAnalysis(n_components=n_factors, rotation="varimax", random_state=seed).fit(Z)
    loadings = fa.components_.T  # prepared column x factor
    order = np.argsort(-(loadings**2).sum(axis=0))
    loadings = _orient(loadings[:, order])
    factor_names = tuple(_factor_name(i, loadings[:, i], names) for i in range(n_factors))
    explained = tuple(float(v) for v in (loadings**2).sum(axis=0) / len(names))
    return FactorView(
        n_factors=n_factors,
        names=factor_names,
        loadings=pd.DataFrame(loadings, index=names, columns=list(factor_names)),
        explained=explained,
        eigenvalues=tuple(float(v) for v in eigen),
        random_eigenvalues=tuple(float(v) for v in random_eigen),
    )


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


def _orient(loadings: np.ndarray) -> np.ndarray:
    """Each factor points the way its largest loading does (a "usage" factor is high for heavy users)."""
    signs = np.sign(loadings[np.abs(loadings).argmax(axis=0), np.arange(loadings.shape[1])])
    return loadings * np.where(signs == 0, 1, signs)


def _factor_name(i: int, column: np.ndarray, names: list[str]) -> str:
    top = [names[j] for j in np.argsort(-np.abs(column))[:NAME_COLUMNS] if abs(column[j]) >= MIN_LOADING]
    return f"F{i + 1}: " + (" & ".join(top) if top else "weak")
