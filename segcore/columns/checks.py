"""Warnings that matter before clustering: the mistakes that quietly ruin a segmentation.

Each warning is a plain sentence naming the column(s) and what to do. They are advice, not errors: the user may
have a reason to keep the column.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from segcore.columns.schema import Schema

# |correlation| above this means two columns say the same thing twice and double its weight in the segments.
NEAR_DUPLICATE_CORRELATION = 0.95
# Rule of thumb for a stable k-means: at least this many customers per feature column.
ROWS_PER_FEATURE = 20
# Columns missing more than this share make segments partly about who filled the form in.
MOSTLY_MISSING_SHARE = 0.4
# Above this many distinct values per row a column behaves like an id, not a trait.
ID_LIKE_UNIQUE_SHARE = 0.95
# Correlations on a sample: exact enough for a warning, fast at a million rows.
CORRELATION_SAMPLE = 50_000


def feature_warnings(df: pd.DataFrame, schema: Schema, *, features: list[str]) -> list[str]:
    """Plain-language warnings about the chosen feature columns (empty list when all is well)."""
    warnings: list[str] = []
    n = len(df)
    for name in features:
        if name not in df.columns:
            continue
        column = df[name]
        role = schema[name].role
        unique_share = column.nunique(dropna=True) / max(n, 1)
        if role == "id" or (role in ("categorical", "text") and unique_share > ID_LIKE_UNIQUE_SHARE):
            warnings.append(
                f"'{name}' looks like an ID (almost every customer has a different value). Segments built on it "
                "mean nothing; remove it from the features."
            )
        missing = float(column.isna().mean()) if n else 0.0
        if missing > MOSTLY_MISSING_SHARE:
            warnings.append(
                f"'{name}' is missing for {missing:.0%} of customers. Missing values are filled in and flagged, "
                "but segments may end up splitting on who has the value. Consider leaving it out."
            )
        if schema[name].sensitive:
            warnings.append(f"'{name}' is a sensitive attribute; clustering on it may be unfair or unlawful.")
    if features and n < ROWS_PER_FEATURE * len(features):
        warnings.append(
            f"{n:,} customers for {len(features)} feature columns is thin: aim for at least "
            f"{ROWS_PER_FEATURE * len(features):,} ({ROWS_PER_FEATURE} per column), or choose fewer columns."
        )
    for a, b, r in near_duplicates(df, schema, features=features):
        warnings.append(
            f"'{a}' and '{b}' move together (correlation {r:+.2f}): keeping both counts the same thing twice. "
            "Keep one."
        )
    return warnings


def correlations(df: pd.DataFrame, schema: Schema, *, columns: list[str]) -> pd.DataFrame:
    """Pearson correlations between the numeric/boolean columns among ``columns`` (on a seeded sample)."""
    numeric = [c for c in columns if c in df.columns and schema[c].role in ("numeric", "boolean")]
    if len(numeric) < 2:
        return pd.DataFrame()
    sample = df[numeric].sample(min(len(df), CORRELATION_SAMPLE), random_state=0) if len(df) else df[numeric]
    values = sample.apply(_as_number)
    return values.corr()


def near_duplicates(df: pd.DataFrame, schema: Schema, *, features: list[str]) -> list[tuple[str, str, float]]:
    corr = correlations(df, schema, columns=features)
    pairs = []
    for i, a in enumerate(corr.columns):
        for b in corr.columns[i + 1 :]:
            r = corr.loc[a, b]
            if np.isfinite(r) and abs(r) >= NEAR_DUPLICATE_CORRELATION:
                pairs.append((a, b, float(r)))
    return pairs


def _as_number(column: pd.Series) -> pd.Series:
    if pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column):
        return column.astype(float)
    text = column.astype("string").str.strip().str.lower()
    mapped = text.map({"yes": 1.0, "no": 0.0, "true": 1.0, "false": 0.0, "y": 1.0, "n": 0.0})
    return mapped.fillna(pd.to_numeric(column, errors="coerce")).astype(float)
