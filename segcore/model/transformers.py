"""The small scikit-learn transformers behind each prepared column: text check, median fill, log for skew, rare levels.

They are saved inside model files by class path (``segcore.model.statefile`` allow-lists them), so renaming or
moving one needs a new model file format version.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from segcore.columns.numbers import text_to_float
from segcore.errors import SpecError
from segcore.i18n import _l

# A column whose skewness (Fisher, at fit) is above 1 is "highly skewed" by the usual rule of thumb; spend, visits
# and counts typically are, and a few big customers would otherwise dominate the distances.
SKEW_THRESHOLD = 1.0
# Levels held by fewer than 1% of customers are too small to shape a segment; they are pooled into "other".
RARE_SHARE = 0.01
# At most 20 levels per categorical column are kept (the most frequent); more would add dozens of near-empty
# one-hot columns and slow every distance computation.
MAX_LEVELS = 20
OTHER_LABEL = "other"
MISSING_LABEL = "missing"


class ToFloat(TransformerMixin, BaseEstimator):
    """Convert one or more numeric columns to float32, booleans to 0/1, and refuse text with a clear message."""

    def fit(self, X, y=None):
        frame = _as_frame(X)
        self.feature_names_in_ = np.asarray([str(c) for c in frame.columns], dtype=object)
        self.n_features_in_ = frame.shape[1]
        for j, name in enumerate(frame.columns):  # text found at fit is reported at fit (numbers cannot fail)
            s = frame.iloc[:, j]
            if not (pd.api.types.is_numeric_dtype(s.dtype) or pd.api.types.is_bool_dtype(s.dtype)):
                column_to_float(s, str(name))
        return self

    def transform(self, X):
        check_is_fitted(self, "n_features_in_")
        frame = _as_frame(X)
        out = np.empty(frame.shape, dtype=np.float32)
        for j, name in enumerate(frame.columns):
            out[:, j] = column_to_float(frame.iloc[:, j], str(name))
        return out

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self, "n_features_in_")
        return np.asarray(self.feature_names_in_, dtype=object)


class MedianImputer(TransformerMixin, BaseEstimator):
    """Fill missing values with the column median learned at fit; add a 0/1 "was missing" column per column that
    had missing values at fit (named ``missingindicator_<name>``, as scikit-learn's SimpleImputer does).

    Same result as ``SimpleImputer(strategy="median", add_indicator=True)``, but the median comes from
    ``np.nanmedian`` (a partition, O(n)) instead of sorting a masked array: that was 0.8 s of 2.6 s at 1M rows.
    """

    def __init__(self, add_indicator: bool = True):
        self.add_indicator = add_indicator

    def fit(self, X, y=None):
        X = validate_data(self, X, dtype=[np.float32, np.float64], ensure_all_finite="allow-nan", reset=True)
        missing = np.isnan(X)
        self.has_missing_ = missing.any(axis=0) if self.add_indicator else np.zeros(X.shape[1], dtype=bool)
        with np.errstate(all="ignore"):
            medians = np.nanmedian(X, axis=0) if missing.any() else np.median(X, axis=0)
        self.statistics_ = np.where(np.isnan(medians), 0.0, medians)  # an all-missing column is filled with 0
        return self

    def transform(self, X):
        check_is_fitted(self, "statistics_")
        X = validate_data(self, X, dtype=[np.float32, np.float64], ensure_all_finite="allow-nan", reset=False)
        missing = np.isnan(X)
        if missing.any():
            X = np.where(missing, self.statistics_.astype(X.dtype), X)
        if self.has_missing_.any():
            X = np.hstack([X, missing[:, self.has_missing_].astype(X.dtype)])
        return X

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self, "statistics_")
        if input_features is None:
            input_features = getattr(self, "feature_names_in_", [f"x{j}" for j in range(self.n_features_in_)])
        names = [str(f) for f in input_features]
        flags = [f"missingindicator_{f}" for f, m in zip(names, self.has_missing_, strict=True) if m]
        return np.asarray(names + flags, dtype=object)


class SkewLog(TransformerMixin, BaseEstimator):
    """log1p the columns that are non-negative and strongly right-skewed at fit; pass the others through.

    Binary columns (missing-value indicators, 0/1 flags) are never logged: on two values log1p is a mere rescaling.
    """

    def __init__(self, threshold: float = SKEW_THRESHOLD):
        self.threshold = threshold

    def fit(self, X, y=None):
        X = validate_data(self, X, dtype=[np.float32, np.float64], ensure_all_finite="allow-nan", reset=True)
        logged = np.zeros(X.shape[1], dtype=bool)
        skew = np.full(X.shape[1], np.nan)
        for j in range(X.shape[1]):
            col = X[:, j]
            col = col[~np.isnan(col)].astype(np.float64)
            if col.size < 3 or col.min() < 0 or np.all((col == 0) | (col == 1)):
                continue
            skew[j] = _skewness(col)
            logged[j] = bool(skew[j] > self.threshold)
        self.skewness_ = skew
        self.log_columns_ = logged
        return self

    def transform(self, X):
        check_is_fitted(self, "log_columns_")
        X = validate_data(self, X, dtype=[np.float32, np.float64], ensure_all_finite="allow-nan", reset=False)
        if not self.log_columns_.any():
            return X
        X = X.copy()
        # values below 0 in new data cannot be logged; they are clipped to 0 (the smallest value seen at fit is >= 0)
        X[:, self.log_columns_] = np.log1p(np.maximum(X[:, self.log_columns_], 0))
        return X

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self, "log_columns_")
        if input_features is not None:
            return np.asarray(input_features, dtype=object)
        if hasattr(self, "feature_names_in_"):
            return np.asarray(self.feature_names_in_, dtype=object)
        return np.asarray([f"x{j}" for j in range(self.n_features_in_)], dtype=object)


class RareGrouper(TransformerMixin, BaseEstimator):
    """Pool rare levels (under ``min_share`` of rows, or beyond the ``max_levels`` most frequent) into "other".

    Missing values become the level "missing"; values are compared as text, so 1 and "1" are the same level.
    The output is an object array of level names, ready for ``OneHotEncoder``.
    """

    def __init__(
        self,
        min_share: float = RARE_SHARE,
        max_levels: int = MAX_LEVELS,
        other_label: str = OTHER_LABEL,
        missing_label: str = MISSING_LABEL,
    ):
        self.min_share = min_share
        self.max_levels = max_levels
        self.other_label = other_label
        self.missing_label = missing_label

    def fit(self, X, y=None):
        frame = _as_frame(X)
        self.feature_names_in_ = np.asarray([str(c) for c in frame.columns], dtype=object)
        self.n_features_in_ = frame.shape[1]
        kept, grouped = [], []
        for j in range(frame.shape[1]):
            counts = self._as_text(frame.iloc[:, j]).value_counts(sort=False)
            # most frequent first, ties by name, so the kept set does not depend on row order
            order = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
            n = max(len(frame), 1)
            keep = [lvl for lvl, c in order if c / n >= self.min_share][: self.max_levels]
            kept.append(tuple(sorted(keep)))
            grouped.append(len(order) - len(keep))
        self.levels_ = tuple(kept)
        self.n_grouped_ = tuple(grouped)
        return self

    def transform(self, X):
        check_is_fitted(self, "levels_")
        frame = _as_frame(X)
        if frame.shape[1] != self.n_features_in_:
            raise SpecError(_l(
                "Expected {expected} category columns but got {got}.",
                expected=self.n_features_in_, got=frame.shape[1],
            ))
        out = np.empty(frame.shape, dtype=object)
        for j in range(frame.shape[1]):
            text = self._as_text(frame.iloc[:, j])
            # factorise once, then map the few distinct values (not the 1M rows) to a kept level or "other"
            cat = pd.Categorical(text)
            to_kept = pd.Index(list(self.levels_[j]), dtype=object).get_indexer(cat.categories.astype(object))
            names = np.asarray([*self.levels_[j], self.other_label], dtype=object)
            out[:, j] = names.take(to_kept.take(cat.codes))  # code -1 picks the last name, "other"
        return out

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self, "levels_")
        return np.asarray(self.feature_names_in_, dtype=object)

    def _as_text(self, s: pd.Series) -> pd.Series:
        if isinstance(s.dtype, pd.CategoricalDtype):
            s = s.astype(object)
        text = s.astype("str").where(s.notna(), self.missing_label)
        text = text.str.strip()
        return text.where(text != "", self.missing_label)


def column_to_float(s: pd.Series, name: str) -> np.ndarray:
    """float32 values of a numeric/boolean column; SpecError naming the column and an offending value."""
    dtype = s.dtype
    if pd.api.types.is_bool_dtype(dtype) or pd.api.types.is_numeric_dtype(dtype):
        return s.astype("float64").to_numpy(dtype=np.float32, na_value=np.nan)
    if pd.api.types.is_datetime64_any_dtype(dtype) or isinstance(dtype, pd.PeriodDtype):
        raise SpecError(
            _l(
                "Column {name!r} holds dates, which cannot be used as a number directly. Use a derived "
                "number such as days since the date, or leave the column out.",
                name=name,
            )
        )
    values = s.astype(object)
    parsed = text_to_float(values)
    bad = parsed.isna() & values.notna()
    if bad.any():
        pos = int(np.flatnonzero(bad.to_numpy())[0])
        raise SpecError(
            _l(
                "Column {name!r} is used as a number but contains text such as {example!r} (data row {row}). "
                "Use it as a category instead, or fix those values in the file.",
                name=name, example=values.iloc[pos], row=pos + 1,
            )
        )
    return parsed.to_numpy(dtype=np.float32, na_value=np.nan)


def _as_frame(X) -> pd.DataFrame:
    if isinstance(X, pd.DataFrame):
        return X
    if isinstance(X, pd.Series):
        return X.to_frame()
    arr = np.asarray(X, dtype=object) if not isinstance(X, np.ndarray) else X
    return pd.DataFrame(arr.reshape(len(arr), -1) if arr.ndim == 1 else arr)


def _skewness(x: np.ndarray) -> float:
    d = x - x.mean()
    m2 = float(np.mean(d * d))
    if m2 <= 0:
        return float("nan")
    return float(np.mean(d * d * d) / m2**1.5)
