"""Column roles: what each column is (id, number, category, date...), what it describes (scheme) and how to use it.

``infer_roles`` proposes a ``Schema`` from the data and the column names (English, Chinese, Korean, Russian; the
keyword tables live in ``segcore.columns.vocabulary``); the user edits it (``with_column``, ``to_frame``/``from_frame``);
``validate_roles`` checks it against a table. Nothing downstream re-guesses roles.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
import pandas as pd

from segcore.columns.dates import SAMPLE_ROWS, describe_format, detect_date_format
from segcore.columns.derived import demote_derived
from segcore.columns.numbers import text_to_float
from segcore.columns.schema import SENSITIVE_NOTE, ColumnRole, Schema, default_use
from segcore.columns.vocabulary import (
    BOOLEAN_PAIRS,
    CATEGORY_KEYWORDS,
    DATE_KEYWORDS,
    EXPORT_INDEX_NAMES,
    GENDER_VALUES,
    ID_KEYWORDS,
    KEY_KEYWORDS,
    NUMBER_CODE_KEYWORDS,
    PLACE_VALUES,
    SEGMENT_LABEL_KEYWORDS,
    SENSITIVE_KEYWORDS,
    TARGET_KEYWORDS,
    VALUE_COLUMN_KEYWORDS,
    best_keyword,
    normalise_name,
    scheme_from_name,
)
from segcore.errors import DataError
from segcore.i18n import N_, _, _l

# More than this share missing and imputation would invent most of the column.
MOSTLY_MISSING_SHARE = 0.60
# A column named like an id is an id when at least this share of its values are distinct (a few repeats = dirty key).
NEAR_UNIQUE_SHARE = 0.95
# Unnamed columns need this share distinct (and enough rows) before uniqueness alone makes them ids or free text.
MOSTLY_UNIQUE_SHARE = 0.90
MIN_DISTINCT_FOR_UNIQUE = 20
# Integer codes up to this many distinct values (Region 1..3, Channel 1..2) are categories when named like one.
SMALL_CODE_MAX = 12
# Strings this long on average, and mostly distinct, are free text (comments, descriptions), not categories.
TEXT_MIN_MEAN_LENGTH = 30
TEXT_MIN_UNIQUE_SHARE = 0.5
# One-hot encoding more categories than this swamps the other features; such columns go on cards instead.
MAX_FEATURE_CATEGORIES = 30
# Share of sampled values that must parse for a text column to count as dates or numbers.
NUMBER_PARSE_SHARE = 0.98
# Share of distinct values that must be known places / gender words to read a scheme from values.
VALUE_HINT_SHARE = 0.6
# Money-like numbers: never negative, typical value at least this, and a long right tail (mean well above median).
MONEY_MIN_MEDIAN = 50
MONEY_SKEW_RATIO = 1.2
MONEY_MIN_DISTINCT = 20
# The largest distinct count any rule compares a number column with (see _distinct_count).
ENOUGH_DISTINCT = max(MIN_DISTINCT_FOR_UNIQUE, SMALL_CODE_MAX, MAX_FEATURE_CATEGORIES, MONEY_MIN_DISTINCT)
# A value column may hold a few net-negative rows: a transaction log's monetary nets returns, so a customer who
# returned more than they bought is below zero. Beyond this share negatives are normal (a balance), not value.
VALUE_MAX_NEGATIVE_SHARE = 0.05
# A balance (deposits, account balance) is net: overdrawn accounts are normal, up to this share of them.
BALANCE_MAX_NEGATIVE_SHARE = 0.25


@dataclass(frozen=True)
class _Stats:
    """What infer_roles learned about a column beyond its role, used to choose id/value/target columns."""

    unique: bool
    id_named: bool
    min_value: float | None
    negative_share: float = 0.0


def infer_roles(df: pd.DataFrame) -> Schema:
    """Propose a role, scheme and use for every column of ``df``; never modifies ``df``.

    Distinct counts and missing shares use every row; parsing checks (dates, numbers stored as text, yes/no words)
    use an evenly drawn sample of ``SAMPLE_ROWS`` rows, so a million rows take about a second.
    ``value_column`` is set only when a column is named like a total or a money measure (revenue, spend, LTV,
    amount...) and at most VALUE_MAX_NEGATIVE_SHARE of its values are negative (net returns). Spend split into
    parts with no total (MntWines, MntFruits...; Fresh, Milk...) gives ``None``: picking one part would misstate
    each segment's value share, so the user chooses.
    Raises DataError for a table with no rows or no columns, or with duplicate or non-text column names.
    """
    _check_table(df)
    n_rows = len(df)
    positions = np.sort(np.random.default_rng(0).choice(n_rows, size=min(n_rows, SAMPLE_ROWS), replace=False))
    sample = df.iloc[positions]
    columns, stats = [], {}
    for name in df.columns:
        role, column_stats = _infer_column(name, df[name], sample[name], n_rows)
        columns.append(role)
        stats[name] = column_stats
    columns = demote_derived(tuple(columns))
    return Schema(columns, _pick_id(columns, stats), _pick_value(columns, stats), _pick_target(columns))


def _check_table(df: pd.DataFrame) -> None:
    if not isinstance(df, pd.DataFrame):
        raise DataError(_l("Expected a table (pandas DataFrame), got {kind}.", kind=type(df).__name__))
    if df.shape[1] == 0 or len(df) == 0:
        raise DataError(
            _l(
                "The table is empty ({rows} rows, {columns} columns). Load a file with customer rows.",
                rows=len(df), columns=df.shape[1],
            )
        )
    bad = [str(c) for c in df.columns if not isinstance(c, str)]
    if bad:
        raise DataError(
            _l(
                "Column names must be text; these are not: {bad}. Give the columns names.",
                bad=', '.join(bad[:5]),
            )
        )
    dupes = sorted(name for name, n in Counter(df.columns).items() if n > 1)  # linear: 4,000 columns named "a"
    if dupes:
        raise DataError(
            _l(
                "The table has duplicate column names: {dupes}. Rename them so each is unique.",
                dupes=', '.join(dupes),
            )
        )


def _infer_column(name: str, col: pd.Series, sample: pd.Series, n_rows: int) -> tuple[ColumnRole, _Stats]:
    words = normalise_name(name)
    id_named = best_keyword(words, ID_KEYWORDS) is not None
    named = scheme_from_name(words)
    if named is None and words == ("y",):
        named = ("kpi", "y")
    sensitive = best_keyword(words, SENSITIVE_KEYWORDS) is not None
    n_missing = int(col.isna().sum())
    present = col.dropna()
    is_num = pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col)
    n_distinct = _distinct_count(present, sample.dropna(), is_num)
    unique = n_missing == 0 and n_distinct == n_rows
    min_value = float(present.min()) if is_num and n_distinct else None
    negative_share = float((present < 0).mean()) if is_num and n_distinct else 0.0
    stats = _Stats(unique=unique, id_named=id_named, min_value=min_value, negative_share=negative_share)

    missing_share = n_missing / n_rows
    if missing_share > MOSTLY_MISSING_SHARE:
        why = _("{missing:.0%} of values are missing (more than {limit:.0%}), too sparse to segment on.",
                missing=missing_share, limit=MOSTLY_MISSING_SHARE)
        return _finish(name, "mostly_missing", named, sensitive, why, present, n_distinct, words), stats
    if n_distinct <= 1:
        why = (_("Every row has the same value ({value}), so it cannot tell customers apart.", value=str(present.iloc[0]))
               if n_distinct else _("Every row is empty, so it cannot tell customers apart."))
        return _finish(name, "constant", named, sensitive, why, present, n_distinct, words), stats

    role, why = _classify(col, present, sample.dropna(), words, id_named, named, n_distinct, n_rows, is_num)
    return _finish(name, role, named, sensitive, why, present, n_distinct, words), stats


def _classify(col, present, sample, words, id_named, named, n_distinct, n_rows, is_num) -> tuple[str, str]:
    """Role and the first sentence of the reason, from dtype, distinct counts and sampled values."""
    distinct_share = n_distinct / max(len(present), 1)
    if pd.api.types.is_bool_dtype(col):
        return "boolean", _("True/false values.")
    if pd.api.types.is_datetime64_any_dtype(col):
        return "datetime", _("Dates.")
    category_named = best_keyword(words, CATEGORY_KEYWORDS) is not None
    if is_num:
        return _classify_number(
            present, sample, words, id_named, category_named, n_distinct, distinct_share, n_rows
        )

    text = sample.astype(str).str.strip()
    if n_distinct == 2:
        pair = frozenset(str(v).strip().lower() for v in present.unique())
        if pair in BOOLEAN_PAIRS:
            return "boolean", _("Two answers ({answers}), read as yes/no.", answers=" / ".join(sorted(pair)))
    fmt = detect_date_format(text)
    if fmt is not None:
        example = text.iloc[0]
        return "datetime", _("Dates written like '{example}' ({format}).", example=example, format=describe_format(fmt))
    if id_named and distinct_share >= NEAR_UNIQUE_SHARE:
        return "id", _id_reason(distinct_share)
    if best_keyword(words, KEY_KEYWORDS) is not None:
        return "id", _(_KEY_REASON)
    numbers = text_to_float(text)
    if numbers.notna().mean() >= NUMBER_PARSE_SHARE:
        if category_named and n_distinct <= SMALL_CODE_MAX:
            return "categorical", _("{n} codes written as numbers; the name says they are categories.", n=n_distinct)
        return "numeric", _("Numbers stored as text.")
    mean_length = text.str.len().mean()
    has_spaces = text.str.contains(" ", regex=False).mean()
    if distinct_share >= MOSTLY_UNIQUE_SHARE and n_distinct > MIN_DISTINCT_FOR_UNIQUE and named is None:
        if has_spaces < 0.1 and mean_length <= TEXT_MIN_MEAN_LENGTH:
            return (
                "id",
                _("A different code on almost every row: looks like a customer id or a key, not a trait."),
            )
        return "text", _("Free text that differs on almost every row; it cannot be clustered as it is.")
    if mean_length >= TEXT_MIN_MEAN_LENGTH and distinct_share >= TEXT_MIN_UNIQUE_SHARE:
        return (
            "text",
            _("Long free text (about {length:.0f} characters on average), mostly different on each row.",
              length=mean_length),
        )
    return "categorical", _("Text with {n:,} different values.", n=n_distinct)


def _classify_number(present, sample, words, id_named, category_named, n_distinct, distinct_share, n_rows):
    integral = pd.api.types.is_integer_dtype(present) or (
        not _has_fraction(sample) and bool((present % 1 == 0).all())  # one sampled 2.5 settles it
    )
    if n_distinct == 2 and set(present.unique().tolist()) <= {0, 1}:
        return "boolean", _("Only 0 and 1, read as no/yes.")
    if id_named and integral and distinct_share >= NEAR_UNIQUE_SHARE:
        return "id", _id_reason(distinct_share)
    if integral and best_keyword(words, KEY_KEYWORDS) is not None:
        return "id", _(_KEY_REASON)
    if integral and len(sample) and best_keyword(words, DATE_KEYWORDS) is not None:
        text = sample.astype("int64").astype(str)
        if (
            text.str.fullmatch(r"\d{8}").all()
            and pd.to_datetime(text, format="%Y%m%d", errors="coerce").notna().all()
        ):
            return "datetime", _("Dates stored as numbers like {example} (year, month, day).", example=text.iloc[0])
    if integral and distinct_share == 1.0 and n_distinct > MIN_DISTINCT_FOR_UNIQUE and " ".join(words) in (
        EXPORT_INDEX_NAMES
    ):
        return "id", _("A different whole number on every row under a row-counter name: an export's row index.")
    if integral and best_keyword(words, NUMBER_CODE_KEYWORDS) is not None:
        codes = ", ".join(f"{v:g}" for v in sorted(present.unique().tolist())[:4])
        return "categorical", _("Codes stored as numbers ({codes}...); the name says they are codes, not amounts.",
                                codes=codes)
    if integral and distinct_share == 1.0 and n_distinct > MIN_DISTINCT_FOR_UNIQUE:
        low, high = present.min(), present.max()
        if low in (0, 1) and high - low == n_rows - 1:
            return (
                "id",
                _("Counts rows {first}, {second}, {third}...: a row number, not a customer trait.",
                  first=int(low), second=int(low) + 1, third=int(low) + 2),
            )
    if integral and category_named and n_distinct <= SMALL_CODE_MAX:
        codes = ", ".join(f"{v:g}" for v in sorted(present.unique().tolist())[:SMALL_CODE_MAX])
        return "categorical", _("Small number codes ({codes}); the name says they are categories, not amounts.",
                                codes=codes)
    return "numeric", _("Numbers from {low} to {high}.", low=_fmt_number(present.min()), high=_fmt_number(present.max()))


def _has_fraction(sample: pd.Series) -> bool:
    """Whether a sampled number is not whole (then the column is not whole numbers: no id, code or date rule)."""
    return bool(len(sample)) and bool((sample % 1 != 0).any())


def _distinct_count(present: pd.Series, sample: pd.Series, is_num: bool) -> int:
    """How many distinct values the column holds, exactly, except for non-whole numbers with many distinct values.

    Those can only be "numeric" (the id and code rules need whole numbers), and the rules left compare the count
    with small thresholds; so when the sample alone holds more than ENOUGH_DISTINCT distinct values, that sample
    count stands in. Hashing every value of every number column was most of infer_roles' time at 200k rows.
    """
    if is_num and _has_fraction(sample):
        seen = int(sample.nunique())
        if seen > ENOUGH_DISTINCT:
            return seen
    return int(present.nunique())


_KEY_REASON = N_(
    "Named like an identifier but repeats: a key to a customer, product or store, not a trait to segment on."
)


def _id_reason(distinct_share: float) -> str:
    if distinct_share == 1.0:
        return _("Unique for every row and named like an identifier: looks like a customer id.")
    return _("Named like an identifier and {share:.0%} distinct: looks like a customer id (with some repeats).",
             share=distinct_share)


def _finish(name, role, named, sensitive, why, present, n_distinct, words) -> ColumnRole:
    """Add scheme, sensitivity and use to a role, with the reason sentences that explain them."""
    sentences = [why]
    scheme = "other"
    segment_label = (
        role in ("categorical", "numeric") and best_keyword(words, SEGMENT_LABEL_KEYWORDS) is not None
    )
    if role == "id":
        pass
    elif named is not None and named[0] == "value" and role in ("boolean", "categorical", "text"):
        # "international_plan" (yes/no) and "price_tier" (low/high) mention money but hold no amounts
        sentences.append(
            _("The name mentions '{word}', but the values are answers or categories, not money, so it is not a "
              "value measure.", word=named[1].rstrip("*"))
        )
    elif named is not None:
        scheme = named[0]
        sentences.append(_("The name reads as {scheme} ('{word}').", scheme=_(scheme), word=named[1].rstrip("*")))
    elif role in ("categorical", "boolean", "text") and len(present):
        scheme, sensitive, hint = _scheme_from_values(present, sensitive)
        if hint:
            sentences.append(hint)
    elif role == "numeric" and _looks_like_money(present, n_distinct):
        scheme = "value"
        sentences.append(
            _("The name says nothing, but the values look like money (never negative, a few very large).")
        )
    elif role == "datetime":
        scheme = "lifecycle"
    use = default_use(role, scheme, sensitive=sensitive)
    if sensitive:
        sentences.append(_(SENSITIVE_NOTE))
    elif scheme == "kpi" and use == "profile":
        sentences.append(_("An outcome: shown on segment cards, not used to form segments."))
    if use == "feature" and segment_label:
        use = "profile"
        sentences.append(_("Looks like an existing segment label: shown on cards to compare, not clustered on."))
    elif use == "feature" and role == "categorical" and n_distinct > MAX_FEATURE_CATEGORIES:
        use = "profile"
        sentences.append(
            _("Too many different values ({n:,}) to cluster on; shown on segment cards instead.", n=n_distinct)
        )
    return ColumnRole(name, role, scheme, use, sensitive, " ".join(sentences))


def _scheme_from_values(present: pd.Series, sensitive: bool) -> tuple[str, bool, str]:
    # Distinct values first: lower-casing a million strings to look at a dozen would dominate the run time.
    distinct = pd.Series(present.unique()[:1000]).astype(str).str.strip().str.lower().drop_duplicates()
    if distinct.isin(PLACE_VALUES).mean() >= VALUE_HINT_SHARE:
        return "geographic", sensitive, _("The values are place names, so it reads as geographic.")
    if distinct.isin(GENDER_VALUES).mean() >= VALUE_HINT_SHARE and len(distinct) <= 4:
        return "demographic", True, _("The values look like gender, so it reads as demographic.")
    return "other", sensitive, ""


def _looks_like_money(present: pd.Series, n_distinct: int) -> bool:
    present = text_to_float(present).dropna()  # numbers stored as text count too
    if n_distinct < MONEY_MIN_DISTINCT or present.empty or present.min() < 0:
        return False
    median = float(present.median())
    return median >= MONEY_MIN_MEDIAN and float(present.mean()) >= MONEY_SKEW_RATIO * median


def _fmt_number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def _pick_id(columns: tuple[ColumnRole, ...], stats: dict[str, _Stats]) -> str | None:
    """The unique id column, preferring one named like an id, then the leftmost."""
    candidates = [c.name for c in columns if c.role == "id" and stats[c.name].unique]
    candidates.sort(key=lambda n: not stats[n].id_named)  # stable: keeps table order within each group
    return candidates[0] if candidates else None


def _pick_value(columns: tuple[ColumnRole, ...], stats: dict[str, _Stats]) -> str | None:
    """The money column named most like a total (see infer_roles); None when only parts exist.

    A few negative rows (net returns) are accepted, more than VALUE_MAX_NEGATIVE_SHARE are not (a balance).
    """
    ranked = []
    for position, c in enumerate(columns):
        if c.role != "numeric" or c.scheme != "value" or c.sensitive:
            continue
        keyword = best_keyword(normalise_name(c.name), VALUE_COLUMN_KEYWORDS)
        limit = BALANCE_MAX_NEGATIVE_SHARE if keyword in _BALANCE_WORDS else VALUE_MAX_NEGATIVE_SHARE
        if stats[c.name].negative_share > limit:
            continue
        if keyword is not None:
            ranked.append((VALUE_COLUMN_KEYWORDS.index(keyword), position, c.name))
    return min(ranked)[2] if ranked else None


_BALANCE_WORDS = frozenset({"balance", "余额", "잔액", "баланс*"})


def _pick_target(columns: tuple[ColumnRole, ...]) -> str | None:
    """The yes/no outcome (churn, converted, response, y...) in the order of TARGET_KEYWORDS, then leftmost."""
    ranked = []
    for position, c in enumerate(columns):
        if c.role != "boolean":
            continue
        words = normalise_name(c.name)
        keyword = (
            "y" if words == ("y",) else best_keyword(words, tuple(k for k in TARGET_KEYWORDS if k != "y"))
        )
        if keyword is not None:
            ranked.append((TARGET_KEYWORDS.index(keyword), position, c.name))
    return min(ranked)[2] if ranked else None
