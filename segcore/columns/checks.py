"""Warnings that matter before clustering: the mistakes that quietly ruin a segmentation.

Each warning is a plain sentence naming the column(s) and what to do. They are advice, not errors: the user may
have a reason to keep the column.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from segcore.columns.schema import Schema
from segcore.columns.vocabulary import ID_KEYWORDS, best_keyword, normalise_name
from segcore.i18n import Message, _, _l, format_number, lazy_ngettext

# |correlation| above this means two columns say the same thing twice and double its weight in the segments.
NEAR_DUPLICATE_CORRELATION = 0.95
# Rule of thumb for a stable k-means: at least this many customers per feature column.
ROWS_PER_FEATURE = 20
# Columns missing more than this share make segments partly about who filled the form in.
MOSTLY_MISSING_SHARE = 0.4
# Above this many distinct values per row a column behaves like an id, not a trait.
ID_LIKE_UNIQUE_SHARE = 0.95
# Near-duplicate pairs named one by one; the rest are counted in one line.
MAX_PAIRS_SHOWN = 10
# Correlations on a sample: exact enough for a warning, fast at a million rows.
CORRELATION_SAMPLE = 50_000


def id_warnings(df: pd.DataFrame, schema: Schema) -> list[str]:
    """A column named like a customer id that cannot serve as one (all the same, or repeating): without a warning
    the download would silently list customers by row number instead."""
    if schema.id_column is not None:
        return []
    out = []
    for name in df.columns:
        if best_keyword(normalise_name(name), ID_KEYWORDS) is None:
            continue
        distinct = int(df[name].nunique(dropna=True))
        if distinct == len(df):
            continue
        if distinct <= 1:
            out.append(_(
                "'{name}' looks like a customer id but has the same value on every row, so it cannot tell customers "
                "apart: the segment file will list customers by row number. Check the export, or use a column that "
                "is unique per customer.", name=name,
            ))
        else:
            out.append(_(
                "'{name}' looks like a customer id but has only {distinct:,} different values for {rows:,} rows, so "
                "it cannot tell customers apart: the segment file will list customers by row number. Check the "
                "export, or use a column that is unique per customer.", name=name, distinct=distinct, rows=len(df),
            ))
    return out


def feature_warnings(df: pd.DataFrame, schema: Schema, *, features: list[str]) -> list[str]:
    """Plain-language warnings about the chosen feature columns (empty list when all is well)."""
    warnings: list[str] = id_warnings(df, schema)
    n = len(df)
    for name in features:
        if name not in df.columns:
            continue
        column = df[name]
        role = schema[name].role
        unique_share = column.nunique(dropna=True) / max(n, 1)
        if role == "id" or (role in ("categorical", "text") and unique_share > ID_LIKE_UNIQUE_SHARE):
            warnings.append(_(
                "'{name}' looks like an ID (almost every customer has a different value). Segments built on it "
                "mean nothing; remove it from the features.", name=name,
            ))
        missing = float(column.isna().mean()) if n else 0.0
        if missing > MOSTLY_MISSING_SHARE:
            warnings.append(_(
                "'{name}' is missing for {missing:.0%} of customers. Missing values are filled in and flagged, "
                "but segments may end up splitting on who has the value. Consider leaving it out.",
                name=name, missing=missing,
            ))
        if schema[name].sensitive:
            warnings.append(_("'{name}' is a sensitive attribute; clustering on it may be unfair or unlawful.",
                              name=name))
    if features and n < ROWS_PER_FEATURE * len(features):
        warnings.append(_(
            "{n:,} customers for {features} feature columns is thin: aim for at least {aim:,} ({per_column} per "
            "column), or choose fewer columns.",
            n=n, features=len(features), aim=ROWS_PER_FEATURE * len(features), per_column=ROWS_PER_FEATURE,
        ))
    pairs = near_duplicates(df, schema, features=features)
    for a, b, r in pairs[:MAX_PAIRS_SHOWN]:
        warnings.append(_(
            "'{a}' and '{b}' move together (correlation {r}): keeping both counts the same thing twice. Keep one.",
            a=a, b=b, r=("+" if r > 0 else "") + format_number(r, digits=2),
        ))
    if len(pairs) > MAX_PAIRS_SHOWN:
        warnings.append(_("{more:,} more pairs of columns move together; keep one of each.",
                          more=len(pairs) - MAX_PAIRS_SHOWN))
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
    values = corr.to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        close = np.triu(np.abs(values) >= NEAR_DUPLICATE_CORRELATION, k=1)  # vectorised: 4,000 columns are 8M pairs
    names = list(corr.columns)
    return [(names[i], names[j], float(values[i, j])) for i, j in zip(*np.nonzero(close), strict=True)]


def _as_number(column: pd.Series) -> pd.Series:
    if pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column):
        return column.astype(float)
    text = column.astype("string").str.strip().str.lower()
    mapped = text.map({"yes": 1.0, "no": 0.0, "true": 1.0, "false": 0.0, "y": 1.0, "n": 0.0})
    return mapped.fillna(pd.to_numeric(column, errors="coerce")).astype(float)


# Fewest customers a segmentation can be fitted on (three segments need at least three customers).
MIN_CUSTOMERS = 3


def too_few_customers(n_rows: int, *, customer_column: str | None = None) -> Message | None:
    """The message for a table too small to segment (a transaction log when ``customer_column`` names its customer
    ids), or None when it has enough rows."""
    if n_rows >= MIN_CUSTOMERS:
        return None
    if customer_column is not None:
        return lazy_ngettext(
            "The transaction log (customer ids in '{column}') has only {n} customer; segments need at least "
            "{minimum}, and a useful segmentation hundreds. Upload the file with all your customers.",
            "The transaction log (customer ids in '{column}') has only {n} customers; segments need at least "
            "{minimum}, and a useful segmentation hundreds. Upload the file with all your customers.",
            n_rows, column=customer_column, minimum=MIN_CUSTOMERS,
        )
    return lazy_ngettext(
        "The file has only {n} customer; segments need at least {minimum}, and a useful segmentation hundreds. "
        "Upload the file with all your customers.",
        "The file has only {n} customers; segments need at least {minimum}, and a useful segmentation hundreds. "
        "Upload the file with all your customers.",
        n_rows, minimum=MIN_CUSTOMERS,
    )


def no_features_reason(df: pd.DataFrame, schema: Schema) -> str | Message:
    """Why no column can be segmented on, naming the columns by what is wrong with them (not "pick a column")."""
    small = too_few_customers(len(df))
    if small:
        return small
    why = {
        "constant": _("every customer has the same value in"),
        "mostly_missing": _("empty or mostly missing"),
        "id": _("identifiers, different for every customer"),
        "text": _("free text"),
        "datetime": _("dates (segcore uses them through recency and tenure columns)"),
    }
    parts = []
    for role, label in why.items():
        names = [c.name for c in schema.columns if c.role == role]
        if names:
            shown = ", ".join(f"'{n}'" for n in names[:5])
            if len(names) > 5:
                shown = _("{names} and {more:,} more", names=shown, more=len(names) - 5)
            parts.append(_("{label}: {columns}", label=label, columns=shown))
    sensitive = [c.name for c in schema.columns if c.sensitive and c.role not in why]
    if sensitive:
        parts.append(_("sensitive attributes, left out unless you allow them: {columns}",
                       columns=", ".join(f"'{n}'" for n in sensitive[:5])))
    outcomes = [c.name for c in schema.columns if c.use == "profile" and not c.sensitive and c.role not in why]
    if outcomes:
        parts.append(_("outcomes shown on the cards, not used to form segments: {columns}",
                       columns=", ".join(f"'{n}'" for n in outcomes[:5])))
    found = _("; ").join(parts) if parts else _("none of its columns holds numbers or categories")
    return _l(
        "No column of this file can be used to form segments ({found}). Add columns that describe customers, such "
        "as spend, visits or region, or name columns to use with --features.",
        found=found,
    )
