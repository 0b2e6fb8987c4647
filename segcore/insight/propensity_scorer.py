"""A fitted, calibrated propensity model reduced to plain arrays, so a saved model scores without pickle.

scikit-learn's fitted gradient-boosting and calibration objects hold compiled loss objects and interpolators that
cannot be stored as plain data. What scoring needs is small: the column preprocessor (stored through
``segcore.model.statefile`` like the clustering one), then either a linear function (logistic regression) or a sum
of decision trees (histogram gradient boosting: per node a feature, a threshold, where missing values go, two
children and a leaf value), then the calibration map (isotonic steps, or Platt's two numbers). ``Scorer.predict``
reproduces ``CalibratedClassifierCV.predict_proba`` exactly; a test holds it to that.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from segcore.errors import ModelError
from segcore.i18n import _l

KINDS = ("logistic", "boosting")
CALIBRATIONS = ("isotonic", "sigmoid")


@dataclass(frozen=True)
class Scorer:
    """Preprocessor + model arrays + calibration map; ``predict(df)`` gives one probability per row."""

    kind: str
    columns: tuple[str, ...]
    preprocessor: object
    arrays: dict
    calibration: str

    def predict(self, df: pd.DataFrame) -> np.ndarray:
        missing = [c for c in self.columns if c not in df.columns]
        if missing:
            raise ModelError(
                _l(
                    "The propensity model needs {n_missing} column(s) the data lacks: {missing}. Add them "
                    "with the same names as when the model was built, or score without propensity.",
                    n_missing=len(missing), missing=', '.join(missing[:8]),
                )
            )
        X = np.asarray(self.preprocessor.transform(df[list(self.columns)]), dtype=np.float64)
        return self.calibrate(self.decision(X))

    def decision(self, X: np.ndarray) -> np.ndarray:
        """The uncalibrated score (log-odds) the calibration map was fitted on."""
        a = self.arrays
        if self.kind == "logistic":
            return X @ a["coef"] + float(a["intercept"][0])
        return _tree_sum(X, a)

    def calibrate(self, raw: np.ndarray) -> np.ndarray:
        a = self.arrays
        if self.calibration == "isotonic":
            return np.interp(raw, a["cal_x"], a["cal_y"])
        slope, offset = a["cal_ab"]
        return 1.0 / (1.0 + np.exp(slope * raw + offset))

    def meta(self) -> dict:
        return {"kind": self.kind, "columns": list(self.columns), "calibration": self.calibration}


def from_calibrated(model, *, columns: list[str], preprocessor) -> Scorer:
    """Read a fitted ``CalibratedClassifierCV(ensemble=False)`` over LogisticRegression or HistGradientBoosting."""
    (inner,) = model.calibrated_classifiers_
    estimator, (calibrator,) = inner.estimator, inner.calibrators
    arrays: dict[str, np.ndarray] = {}
    if hasattr(estimator, "coef_"):
        kind = "logistic"
        arrays["coef"] = np.asarray(estimator.coef_, dtype=np.float64).ravel()
        arrays["intercept"] = np.asarray(estimator.intercept_, dtype=np.float64).ravel()
    else:
        kind = "boosting"
        arrays.update(_trees_to_arrays(estimator))
    if inner.method == "isotonic":
        arrays["cal_x"] = np.asarray(calibrator.X_thresholds_, dtype=np.float64)
        arrays["cal_y"] = np.asarray(calibrator.y_thresholds_, dtype=np.float64)
    else:
        arrays["cal_ab"] = np.array([calibrator.a_, calibrator.b_], dtype=np.float64)
    return Scorer(kind, tuple(columns), preprocessor, arrays, inner.method)


def from_saved(meta: dict, preprocessor, *, arrays: dict) -> Scorer:
    """Rebuild from ``meta()``, the preprocessor and the arrays; ModelError for anything unexpected."""
    kind, calibration = meta.get("kind"), meta.get("calibration")
    needed = {"logistic": ("coef", "intercept"), "boosting": _TREE_FIELDS + ("baseline", "offsets")}.get(kind)
    cal = ("cal_x", "cal_y") if calibration == "isotonic" else ("cal_ab",)
    if needed is None or calibration not in CALIBRATIONS or any(k not in arrays for k in (*needed, *cal)):
        raise ModelError(_l(
            "The model file's propensity part is incomplete or damaged. Refit with an outcome.",
        ))
    return Scorer(kind, tuple(meta["columns"]), preprocessor, dict(arrays), calibration)


_TREE_FIELDS = ("feature", "threshold", "missing_left", "left", "right", "is_leaf", "value")


def _trees_to_arrays(estimator) -> dict[str, np.ndarray]:
    """All trees' nodes as flat arrays; ``offsets`` marks where each tree starts (children are tree-relative)."""
    nodes = [predictors[0].nodes for predictors in estimator._predictors]
    offsets = np.cumsum([0, *[len(n) for n in nodes]])[:-1]
    stacked = np.concatenate(nodes) if nodes else np.empty(0, dtype=[("value", float)])
    return {
        "feature": stacked["feature_idx"].astype(np.int64),
        "threshold": stacked["num_threshold"].astype(np.float64),
        "missing_left": stacked["missing_go_to_left"].astype(bool),
        "left": stacked["left"].astype(np.int64),
        "right": stacked["right"].astype(np.int64),
        "is_leaf": stacked["is_leaf"].astype(bool),
        "value": stacked["value"].astype(np.float64),
        "baseline": np.asarray(estimator._baseline_prediction, dtype=np.float64).ravel(),
        "offsets": offsets.astype(np.int64),
    }


def _tree_sum(X: np.ndarray, a: dict) -> np.ndarray:
    """Walk every row down every tree at once (one numpy step per tree level)."""
    n = len(X)
    rows = np.arange(n)
    total = np.full(n, float(a["baseline"][0]))
    for start in a["offsets"]:
        node = np.full(n, int(start))
        active = ~a["is_leaf"][node]
        while active.any():
            here = node[active]
            x = X[rows[active], a["feature"][here]]
            go_left = np.where(np.isnan(x), a["missing_left"][here], x <= a["threshold"][here])
            node[active] = start + np.where(go_left, a["left"][here], a["right"][here])
            active = ~a["is_leaf"][node]
        total += a["value"][node]
    return total
