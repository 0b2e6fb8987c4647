"""Turn the chosen customer columns into the numeric matrix the clustering step works on.

One scikit-learn ``ColumnTransformer`` with one small pipeline per original column, so that every output column
traces back to the column the marketer chose (for weights, notes and ``get_feature_names_out``):

- numeric: ``ToFloat`` (text check, booleans as 0/1) -> ``SkewLog`` -> ``StandardScaler`` ->
  ``MedianImputer`` (median + 'was missing' flag; missing values are ignored by the first steps, filled last);
- boolean (a numeric column of bool dtype): ``ToFloat`` -> ``MedianImputer`` (kept 0/1, not standardised);
- categorical: ``RareGrouper`` -> ``OneHotEncoder``, scaled by ``category_scale`` (total variance 1 per column).

Per-column weights and the category scale are applied with the ColumnTransformer's own ``transformer_weights``,
keyed by the original column name. The output is float32: half the memory of float64, and k-means runs about three
times faster on it with the same labels.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from segcore.errors import NotEnoughData, SpecError
from segcore.i18n import _, _l, format_number, lazy_ngettext, ngettext
from segcore.model.transformers import (
    OTHER_LABEL,
    MedianImputer,
    RareGrouper,
    SkewLog,
    ToFloat,
    column_to_float,
)

# One-hot columns are scaled so that each category column carries the same total variance as one standardised numeric
# column: its one-hot block is divided by sqrt(sum_j p_j (1 - p_j)) (p_j the level shares when it is fitted). With a
# fixed 1/sqrt(2) (every level change = one standard deviation) a category carried at most half a numeric column's
# weight and the segments followed the numbers: on the customer-segmentation data with a known A-D grouping that
# recovered it at ARI 0.03 against 0.08 for a bare StandardScaler pipeline; equal variance gives 0.10 (docs/RECOVERY.md).
# Booleans stored as numbers stay raw 0/1.
CATEGORY_SCALE = 1.0 / math.sqrt(2.0)  # the scale of a two-level 50/50 category: kept for readers of old notes


def category_scale(column: pd.Series) -> float:
    """The multiplier that gives this category column's one-hot block a total variance of 1 (1.0 if constant)."""
    counts = column.value_counts(dropna=True).to_numpy(dtype=np.float64)  # counted in the column's own dtype
    missing = float(column.isna().sum())  # every kind of missing value is one level
    shares = (np.append(counts, missing) if missing else counts) / max(len(column), 1)
    spread = float((shares * (1.0 - shares)).sum())
    return 1.0 / math.sqrt(spread) if spread > 0 else 1.0
# Notes list at most this many column names before "and N more", so they stay one readable line.
NOTE_MAX_NAMES = 5


@dataclass(frozen=True)
class Prepared:
    """The clustering matrix and how it was made.

    X is float32, one row per input row (same order), one column per ``feature_names`` entry; ``preprocessor`` is the
    fitted ColumnTransformer that makes the same matrix from new customers; ``notes`` say what was changed.
    """

    X: np.ndarray
    feature_names: list[str]
    preprocessor: ColumnTransformer
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict:
        """Shape, names and notes (the matrix and the fitted preprocessor are not plain data)."""
        return {
            "n_rows": int(self.X.shape[0]),
            "n_features": int(self.X.shape[1]),
            "feature_names": list(self.feature_names),
            "notes": [str(n) for n in self.notes],
        }


def make_preprocessor(
    df: pd.DataFrame,
    *,
    numeric: Sequence[str],
    categorical: Sequence[str],
    weights: Mapping[str, float] | None = None,
) -> ColumnTransformer:
    """Build the (unfitted) ColumnTransformer for the chosen columns of ``df``.

    ``numeric`` columns may be numbers or booleans (booleans become 0/1); ``categorical`` columns may be anything.
    ``weights`` multiplies a column's output (2.0 = twice as important, 0 = ignored). Raises SpecError when no column
    is chosen, a column is missing, chosen twice, entirely empty, or a numeric column holds text.
    """
    numeric, categorical = list(numeric), list(categorical)
    _check_columns(df, numeric, categorical)
    weights = _check_weights(weights or {}, numeric + categorical)
    for name in numeric:
        if not (pd.api.types.is_numeric_dtype(df[name].dtype) or pd.api.types.is_bool_dtype(df[name].dtype)):
            column_to_float(df[name], name)  # raises SpecError with an example of the text it found

    transformers, tw = [], {}
    used: set[str] = set()
    for name in numeric + categorical:
        key = _transformer_name(name, used)
        if name in categorical:
            steps = [
                ("group", RareGrouper()),
                ("onehot", OneHotEncoder(handle_unknown="ignore", sparse_output=False, dtype=np.float32)),
            ]
            w = weights.get(name, 1.0) * category_scale(df[name])
        elif pd.api.types.is_bool_dtype(df[name].dtype):
            steps = [("float", ToFloat()), ("impute", MedianImputer(add_indicator=True))]
            w = weights.get(name, 1.0)
        else:
            steps = [
                ("float", ToFloat()),
                ("log", SkewLog()),
                ("scale", StandardScaler()),
                # imputing last keeps the 'was missing' flag a raw 0/1 (standardised, a 1% flag would be ~10 units
                # away); the median is the same before or after the monotone log and scaling
                ("impute", MedianImputer(add_indicator=True)),
            ]
            w = weights.get(name, 1.0)
        transformers.append((key, Pipeline(steps), [name]))
        if w != 1.0:
            tw[key] = float(w)
    return ColumnTransformer(
        transformers,
        remainder="drop",
        sparse_threshold=0.0,
        transformer_weights=tw or None,
        verbose_feature_names_out=False,
    )


def prepare(
    df: pd.DataFrame,
    *,
    numeric: Sequence[str],
    categorical: Sequence[str],
    weights: Mapping[str, float] | None = None,
) -> Prepared:
    """Fit the preprocessor on ``df`` and return the float32 matrix with notes on what was transformed."""
    if len(df) == 0:
        raise NotEnoughData(_l("The table has no customers (0 rows). Load a file with data rows."))
    pre = make_preprocessor(df, numeric=numeric, categorical=categorical, weights=weights)
    X = pre.fit_transform(df)
    X = np.ascontiguousarray(X, dtype=np.float32)  # no copy when the parts were float32 already
    names = [str(n) for n in pre.get_feature_names_out()]
    return Prepared(X=X, feature_names=names, preprocessor=pre, notes=_notes(pre, df, weights or {}))


def log_transformed_columns(preprocessor: ColumnTransformer) -> list[str]:
    """Original columns that the fitted preprocessor log-transforms (for notes and the model card)."""
    out = []
    for _key, pipe, cols in preprocessor.transformers_:
        if (
            isinstance(pipe, Pipeline)
            and "log" in pipe.named_steps
            and pipe.named_steps["log"].log_columns_[0]
        ):
            out.append(cols[0])
    return out


# ---------------------------------------------------------------------------------------------------- helpers


def _notes(pre: ColumnTransformer, df: pd.DataFrame, weights: Mapping[str, float]) -> tuple[str, ...]:
    notes = []
    logged = log_transformed_columns(pre)
    if logged:
        notes.append(ngettext("log-transformed {n} skewed column: {names}", "log-transformed {n} skewed columns: {names}",
                              len(logged), names=_names(logged)))
    imputed, grouped = [], []
    for _key, pipe, cols in pre.transformers_:
        if not isinstance(pipe, Pipeline):
            continue
        name = cols[0]
        if "impute" in pipe.named_steps:
            n_missing = int(df[name].isna().sum())
            if n_missing:
                imputed.append(f"{name} ({format_number(n_missing)})")
        if "group" in pipe.named_steps and pipe.named_steps["group"].n_grouped_[0]:
            grouped.append(f"{name} (" + ngettext("{n} level", "{n} levels", pipe.named_steps["group"].n_grouped_[0])
                           + ")")
    if imputed:
        notes.append(ngettext(
            "filled missing values with the median in {n} column: {names}; a yes/no 'was missing' column was added "
            "for each", "filled missing values with the median in {n} columns: {names}; a yes/no 'was missing' "
            "column was added for each", len(imputed), names=_names(imputed)))
    if grouped:
        notes.append(ngettext("grouped rare levels into '{other}' in {n} column: {names}",
                              "grouped rare levels into '{other}' in {n} columns: {names}", len(grouped),
                              other=OTHER_LABEL, names=_names(grouped)))
    changed = {k: v for k, v in weights.items() if v != 1.0}
    if changed:
        notes.append(_("weights: {weights}", weights=", ".join(f"{k} x{v:g}" for k, v in changed.items())))
    return tuple(notes)


def _check_columns(df: pd.DataFrame, numeric: list[str], categorical: list[str]) -> None:
    chosen = numeric + categorical
    if not chosen:
        raise SpecError(
            _l("No columns were chosen to build segments from. Pick at least one numeric or category column.")
        )
    not_text = [c for c in chosen if not isinstance(c, str)]
    if not_text:
        raise SpecError(_l(
            "Column names must be text; got {not_text}. Rename the columns in the file.",
            not_text=not_text[:3],
        ))
    missing = [c for c in chosen if c not in df.columns]
    if missing:
        available = ", ".join(map(str, list(df.columns)[:15]))
        raise SpecError(
            lazy_ngettext(
                "Column {missing} is not in the data. Available columns: {available}.",
                "Columns {missing} are not in the data. Available columns: {available}.",
                len(missing), missing=", ".join(repr(c) for c in missing), available=available,
            )
        )
    twice = sorted({c for c in chosen if chosen.count(c) > 1})
    if twice:
        raise SpecError(
            lazy_ngettext(
                "Column {twice} chosen more than once (as numeric and as category, or twice). Choose each "
                "column once.",
                "Columns {twice} chosen more than once (as numeric and as category, or twice). Choose each "
                "column once.",
                len(twice), twice=", ".join(repr(c) for c in twice),
            )
        )
    empty = [c for c in chosen if len(df) and df[c].isna().all()]
    if empty:
        raise SpecError(
            lazy_ngettext(
                "Column {empty} is entirely empty. Leave it out of the segmentation features.",
                "Columns {empty} are entirely empty. Leave them out of the segmentation features.",
                len(empty), empty=", ".join(repr(c) for c in empty),
            )
        )


def _check_weights(weights: Mapping[str, float], chosen: list[str]) -> dict[str, float]:
    unknown = [k for k in weights if k not in chosen]
    if unknown:
        raise SpecError(
            _l(
                "A weight is set for {unknown}, which is not among the chosen columns ({chosen}). Remove "
                "the weight or choose the column.",
                unknown=', '.join(repr(k) for k in unknown), chosen=', '.join(chosen),
            )
        )
    out = {}
    for k, v in weights.items():
        try:
            w = float(v)
        except (TypeError, ValueError):
            raise SpecError(_l("The weight for {k!r} must be a number, got {value!r}.", k=k, value=v)) from None
        if not math.isfinite(w) or w < 0:
            raise SpecError(_l(
                "The weight for {k!r} must be 0 or more (1 = normal importance), got {value!r}.",
                k=k, value=v,
            ))
        out[k] = w
    return out


def _transformer_name(column: str, used: set[str]) -> str:
    # ColumnTransformer names may not contain "__" (sklearn's parameter separator) and must be unique
    key = re.sub(r"_{2,}", "_", column) or "column"
    base, i = key, 2
    while key in used:
        key, i = f"{base}_{i}", i + 1
    used.add(key)
    return key


def _names(items: Sequence[str]) -> str:
    shown = ", ".join(items[:NOTE_MAX_NAMES])
    more = len(items) - NOTE_MAX_NAMES
    return shown + (f" and {more} more" if more > 0 else "")
