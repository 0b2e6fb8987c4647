"""Segmenting on factor scores instead of the chosen columns (``FeatureSpec(factors=True)``).

The prepared columns (``segcore.model.prep``) go through one more, linear step: the factor analysis of
``segcore.insight.factors`` turns them into a few factor scores ("usage", "spend", "service calls"), each with unit
spread, and the clustering runs on those. Being one matrix product, the step is stored as two plain arrays in the
model file (no fitted object to rebuild), reproduced by ``Segmentation.assign`` on new customers and written as
sums of products by the warehouse SQL (``segcore.sql.scoring``), so all three agree.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from segcore.errors import ModelError
from segcore.i18n import _l


@dataclass(frozen=True)
class FactorProjection:
    """Prepared columns -> factor scores: ``scores = (X - center) @ matrix``; ``names`` one per factor."""

    center: np.ndarray
    matrix: np.ndarray
    names: tuple[str, ...]

    def __post_init__(self) -> None:
        center, matrix = np.asarray(self.center, dtype=np.float64), np.asarray(self.matrix, dtype=np.float64)
        if (matrix.ndim != 2 or center.shape != (matrix.shape[0],) or matrix.shape[1] != len(self.names)
                or not matrix.shape[1] or not (np.isfinite(center).all() and np.isfinite(matrix).all())):
            raise ModelError(_l("The factor scores of this model do not fit together; refit the segmentation."))
        object.__setattr__(self, "center", center)
        object.__setattr__(self, "matrix", matrix)

    @property
    def n_inputs(self) -> int:
        return int(self.matrix.shape[0])

    def transform(self, X: np.ndarray) -> np.ndarray:
        """Factor scores (float32, like the prepared matrix) of prepared rows ``X``."""
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != self.n_inputs:
            raise ModelError(_l("The factor scores of this model expect {n} prepared columns; refit the segmentation.",
                                n=self.n_inputs))
        return np.ascontiguousarray((X - self.center) @ self.matrix, dtype=np.float32)

    def arrays(self) -> dict[str, np.ndarray]:
        """What the model file stores (beside the centres): plain float arrays."""
        return {"factor_center": self.center, "factor_matrix": self.matrix}

    @classmethod
    def from_arrays(cls, arrays, names) -> FactorProjection:
        return cls(center=np.asarray(arrays["factor_center"]), matrix=np.asarray(arrays["factor_matrix"]),
                   names=tuple(str(n) for n in names))


def fit_projection(prepared, *, seed: int = 0) -> FactorProjection:
    """The factor scores of a ``segcore.model.prep.Prepared`` matrix (NotEnoughData under 3 varying columns)."""
    from segcore.insight.factors import fit_factors

    fit = fit_factors(prepared.X, feature_names=prepared.feature_names, preprocessor=prepared.preprocessor,
                      seed=seed)
    return FactorProjection(center=fit.center, matrix=fit.matrix, names=fit.view.names)
