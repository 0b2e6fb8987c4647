"""Column roles: what each column is (id, number, category, date...), what it describes (scheme) and how to use it.

``infer_roles`` proposes a ``Schema`` from the data and the column names (English, Chinese, Korean, Russian; the
keyword tables live in ``segcore.columns.vocabulary``); the user edits it (``with_column``, ``to_frame``/``from_frame``);
``validate_roles`` checks it against a table. Nothing downstream re-guesses roles.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any, Literal, get_args

import numpy as np
import pandas as pd

from segcore.columns.vocabulary import (
    BOOLEAN_PAIRS,
    CATEGORY_KEYWORDS,
    DATE_KEYWORDS,
    GENDER_VALUES,
    ID_KEYWORDS,
    KEY_KEYWORDS,
    PLACE_VALUES,
    SEGMENT_LABEL_KEYWORDS,
    SENSITIVE_KEYWORDS,
    TARGET_KEYWORDS,
    VALUE_COLUMN_KEYWORDS,
    best_keyword,
    normalise_name,
    scheme_from_name,
)
from segcore.errors import DataError, SpecError

Role = Literal["id", "numeric", "categorical", "boolean", "datetime", "text", "constant", "mostly_missing"]
Scheme = Literal[
    "demographic", "geographic", "behavioral", "value", "firmographic", "needs", "technographic", "lifecycle",
    "kpi", "other",
]  # fmt: skip
Use = Literal["feature", "profile", "ignore"]

ROLES: tuple[str, ...] = get_args(Role)
SCHEMES: tuple[str, ...] = get_args(Scheme)
USES: tuple[str, ...] = get_args(Use)

FORMAT_VERSION = 1  # bump when the to_dict layout changes; from_dict refuses newer versions

# More than this share missing and imputation would invent most of the column.
MOSTLY_MISSING_SHARE = 0.60
# Parsing checks (dates, numbers in text, yes/no words) look at this many rows: enough to be sure, fast on 1M rows.
SAMPLE_ROWS = 5_000
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
DATE_PARSE_SHARE = 0.90
NUMBER_PARSE_SHARE = 0.98
# Share of distinct values that must be known places / gender words to read a scheme from values.
VALUE_HINT_SHARE = 0.6
# Money-like numbers: never negative, typical value at least this, and a long right tail (mean well above median).
MONEY_MIN_MEDIAN = 50
MONEY_SKEW_RATIO = 1.2
MONEY_MIN_DISTINCT = 20
# A value column may hold a few net-negative rows: a transaction log's monetary nets returns, so a customer who
# returned more than they bought is below zero. Beyond this share negatives are normal (a balance), not value.
VALUE_MAX_NEGATIVE_SHARE = 0.05

SENSITIVE_NOTE = "This is a sensitive attribute, left out of clustering by default; you can opt in."
FEATURE_ROLES = ("numeric", "categorical", "boolean")
IGNORED_ROLES = ("id", "text", "constant", "mostly_missing")

# Date formats tried in order (after ISO 8601); day-first before month-first for '-' and '.', US order first for '/'.
_DATE_FORMATS = ("%d-%m-%Y", "%m-%d-%Y", "%m/%d/%Y", "%d/%m/%Y", "%d.%m.%Y", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d",
                 "%m/%d/%y", "%d/%m/%y", "%d-%m-%y", "%d.%m.%y", "%d %b %Y", "%d %B %Y", "%b %d %Y", "%B %d %Y")  # fmt: skip
_TIME_SUFFIXES = ("", " %H:%M", " %H:%M:%S")
_DATE_LIKE = re.compile(
    r"^\s*(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}|\d{8}|\d{1,2} [A-Za-z]{3,9},? \d{4}"
    r"|[A-Za-z]{3,9} \d{1,2},? \d{4})([ T]\d{1,2}:\d{2}(:\d{2})?\S*)?\s*$"
)


@dataclass(frozen=True)
class ColumnRole:
    """One column's proposed (or user-edited) role, scheme and use, with a plain-language reason."""

    name: str
    role: Role
    scheme: Scheme
    use: Use
    sensitive: bool
    reason: str

    def __post_init__(self) -> None:
        _check_choice(self.role, ROLES, "role", self.name)
        _check_choice(self.scheme, SCHEMES, "scheme", self.name)
        _check_choice(self.use, USES, "use", self.name)

    def to_dict(self) -> dict:
        return {f: getattr(self, f) for f in ("name", "role", "scheme", "use", "sensitive", "reason")}

    @classmethod
    def from_dict(cls, d: dict) -> ColumnRole:
        return cls(
            str(d["name"]), d["role"], d["scheme"], d["use"], bool(d["sensitive"]), str(d.get("reason", ""))
        )


def _check_choice(value: object, valid: tuple[str, ...], what: str, column: str) -> None:
    if value not in valid:
        raise SpecError(
            f"Column '{column}': '{value}' is not a valid {what}. Choose one of: {', '.join(valid)}."
        )


def default_use(role: str, scheme: str, sensitive: bool) -> Use:
    """The default use rule: cluster on plain traits, show outcomes, dates and sensitive data, skip the rest."""
    if role in IGNORED_ROLES:
        return "ignore"
    if role == "datetime" or scheme == "kpi" or sensitive:
        return "profile"
    return "feature"


@dataclass(frozen=True)
class Schema:
    """Roles for every column of a table, plus the customer id, money and outcome columns when there are any."""

    columns: tuple[ColumnRole, ...]
    id_column: str | None = None
    value_column: str | None = None
    target_column: str | None = None

    def __post_init__(self) -> None:
        names = [c.name for c in self.columns]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise SpecError(
                f"The column roles list {', '.join(map(repr, dupes))} more than once. Keep one row each."
            )
        for field in ("id_column", "value_column", "target_column"):
            chosen = getattr(self, field)
            if chosen is not None and chosen not in names:
                raise SpecError(
                    f"The {field.replace('_', ' ')} '{chosen}' is not one of the table's columns."
                )

    def __getitem__(self, name: str) -> ColumnRole:
        for col in self.columns:
            if col.name == name:
                return col
        raise SpecError(f"There is no column named '{name}'. Columns are: {', '.join(self.names())}.")

    def __contains__(self, name: object) -> bool:
        return any(c.name == name for c in self.columns)

    def __iter__(self):
        return iter(self.columns)

    def __len__(self) -> int:
        return len(self.columns)

    def names(self, *, use=None, role=None, scheme=None) -> list[str]:
        """Column names in table order, filtered; each filter is one value or a collection of values."""

        def ok(value: str, wanted) -> bool:
            return wanted is None or (value == wanted if isinstance(wanted, str) else value in wanted)

        return [c.name for c in self.columns if ok(c.use, use) and ok(c.role, role) and ok(c.scheme, scheme)]

    def with_column(self, name: str, /, **changes: Any) -> Schema:
        """A new Schema with one column overridden by the user (role, scheme, use, sensitive, reason).

        When role, scheme or sensitive change and ``use`` is not given, ``use`` follows the default rule again.
        A column that stops being an id/numeric/boolean is dropped from id_column/value_column/target_column.
        """
        allowed = {"role", "scheme", "use", "sensitive", "reason"}
        unknown = sorted(set(changes) - allowed)
        if unknown:
            raise SpecError(
                f"Cannot change {', '.join(unknown)} of a column; you can change {', '.join(sorted(allowed))}."
            )
        old = self[name]
        if "sensitive" in changes:
            changes["sensitive"] = bool(changes["sensitive"])
        if "reason" not in changes and changes:
            edited = ", ".join(f"{k} to {_plain(v)}" for k, v in changes.items())
            changes["reason"] = f"You set {edited}."
        if "use" not in changes and {"role", "scheme", "sensitive"} & set(changes):
            merged = {**old.to_dict(), **changes}
            changes["use"] = default_use(merged["role"], merged["scheme"], merged["sensitive"])
        new = replace(old, **changes)
        columns = tuple(new if c.name == name else c for c in self.columns)
        special = {
            "id_column": self.id_column if not (self.id_column == name and new.role != "id") else None,
            "value_column": self.value_column
            if not (self.value_column == name and new.role != "numeric")
            else None,
            "target_column": self.target_column
            if not (self.target_column == name and new.role not in ("boolean", "numeric"))
            else None,
        }
        return Schema(columns, **special)

    def to_frame(self) -> pd.DataFrame:
        """The editable table for the app: one row per column with name, role, scheme, use, sensitive, reason."""
        frame = pd.DataFrame([c.to_dict() for c in self.columns], columns=list(_FRAME_COLUMNS))
        return frame.astype({"sensitive": bool})

    @classmethod
    def from_frame(
        cls, frame: pd.DataFrame, *, id_column=None, value_column=None, target_column=None
    ) -> Schema:
        """Read back an edited ``to_frame`` table; blank scheme/use/sensitive/reason cells get their defaults."""
        missing = [c for c in ("name", "role") if c not in frame.columns]
        if missing:
            raise SpecError(
                f"The roles table needs the columns {', '.join(missing)}; it has {', '.join(map(str, frame.columns))}."
            )
        columns = []
        for position, row in enumerate(frame.to_dict("records"), start=1):
            name = row.get("name")
            if not isinstance(name, str) or not name:
                raise SpecError(
                    f"Row {position} of the roles table has no column name. Fill it in or delete the row."
                )
            role = _cell(row, "role", None)
            scheme = _cell(row, "scheme", "other")
            sensitive = _as_bool(_cell(row, "sensitive", False), name)
            use = _cell(row, "use", None) or default_use(role, scheme, sensitive)
            columns.append(ColumnRole(name, role, scheme, use, sensitive, str(_cell(row, "reason", ""))))
        return cls(tuple(columns), id_column, value_column, target_column)

    def to_dict(self) -> dict:
        return {
            "format_version": FORMAT_VERSION,
            "columns": [c.to_dict() for c in self.columns],
            "id_column": self.id_column,
            "value_column": self.value_column,
            "target_column": self.target_column,
        }

    @classmethod
    def from_dict(cls, d: dict) -> Schema:
        version = d.get("format_version", FORMAT_VERSION)
        if version > FORMAT_VERSION:
            raise SpecError(
                f"These column roles were saved by a newer segcore (format {version}; this one reads {FORMAT_VERSION}). "
                "Update segcore to open them."
            )
        return cls(
            tuple(ColumnRole.from_dict(c) for c in d["columns"]),
            d.get("id_column"),
            d.get("value_column"),
            d.get("target_column"),
        )


def _plain(value: object) -> str:
    return ("yes" if value else "no") if isinstance(value, bool) else str(value)


_FRAME_COLUMNS = ("name", "role", "scheme", "use", "sensitive", "reason")


def _cell(row: dict, key: str, default):
    value = row.get(key, default)
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA or value == "":
        return default
    return value


def _as_bool(value: object, column: str) -> bool:
    if isinstance(value, bool | np.bool_):
        return bool(value)
    text = str(value).strip().lower()
    if text in ("true", "1", "yes", "y"):
        return True
    if text in ("false", "0", "no", "n"):
        return False
    raise SpecError(f"Column '{column}': sensitive must be true or false, not '{value}'.")


# --- dates ------------------------------------------------------------------------------------------------------


def detect_date_format(values: pd.Series) -> str | None:
    """The strftime format (or "ISO8601"/"mixed") that parses at least 90% of the values, or None if they are not dates.

    Looks at text only; give it a sample for speed. Day-first is chosen over month-first when both fit every value.
    """
    text = values.dropna().astype(str).str.strip()
    if text.empty or text.str.match(_DATE_LIKE).mean() < DATE_PARSE_SHARE:
        return None
    best, best_share = None, 0.0
    for fmt in ("ISO8601",) + tuple(d + t for d in _DATE_FORMATS for t in _TIME_SUFFIXES):
        share = pd.to_datetime(text, format=fmt, errors="coerce").notna().mean()
        if share > best_share:
            best, best_share = fmt, share
        if share == 1.0:
            break
    if best_share >= DATE_PARSE_SHARE:
        return best
    if pd.to_datetime(text, format="mixed", errors="coerce").notna().mean() >= DATE_PARSE_SHARE:
        return "mixed"
    return None


def parse_dates(values: pd.Series, *, fmt: str | None = None) -> pd.Series:
    """Values as datetimes (NaT where a value does not parse), using ``fmt`` or the format detected on a sample."""
    if pd.api.types.is_datetime64_any_dtype(values):
        return values
    text = values.astype("string").str.strip()
    if fmt is None:
        sample = text.dropna()
        fmt = detect_date_format(sample.iloc[:SAMPLE_ROWS]) or "mixed"
    return pd.to_datetime(text, format=fmt, errors="coerce")


# --- inference ----------------------------------------------------------------------------------------------------


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
    columns = tuple(columns)
    return Schema(columns, _pick_id(columns, stats), _pick_value(columns, stats), _pick_target(columns))


def _check_table(df: pd.DataFrame) -> None:
    if not isinstance(df, pd.DataFrame):
        raise DataError(f"Expected a table (pandas DataFrame), got {type(df).__name__}.")
    if df.shape[1] == 0 or len(df) == 0:
        raise DataError(
            f"The table is empty ({len(df)} rows, {df.shape[1]} columns). Load a file with customer rows."
        )
    bad = [str(c) for c in df.columns if not isinstance(c, str)]
    if bad:
        raise DataError(
            f"Column names must be text; these are not: {', '.join(bad[:5])}. Give the columns names."
        )
    dupes = sorted({c for c in df.columns if list(df.columns).count(c) > 1})
    if dupes:
        raise DataError(
            f"The table has duplicate column names: {', '.join(dupes)}. Rename them so each is unique."
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
    n_distinct = int(present.nunique())
    unique = n_missing == 0 and n_distinct == n_rows
    is_num = pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col)
    min_value = float(present.min()) if is_num and n_distinct else None
    negative_share = float((present < 0).mean()) if is_num and n_distinct else 0.0
    stats = _Stats(unique=unique, id_named=id_named, min_value=min_value, negative_share=negative_share)

    missing_share = n_missing / n_rows
    if missing_share > MOSTLY_MISSING_SHARE:
        why = f"{missing_share:.0%} of values are missing (more than {MOSTLY_MISSING_SHARE:.0%}), too sparse to segment on."
        return _finish(name, "mostly_missing", named, sensitive, why, present, n_distinct, words), stats
    if n_distinct <= 1:
        shown = f" ({present.iloc[0]})" if n_distinct else ""
        why = f"Every row has the same value{shown}, so it cannot tell customers apart."
        return _finish(name, "constant", named, sensitive, why, present, n_distinct, words), stats

    role, why = _classify(col, present, sample.dropna(), words, id_named, named, n_distinct, n_rows, is_num)
    return _finish(name, role, named, sensitive, why, present, n_distinct, words), stats


def _classify(col, present, sample, words, id_named, named, n_distinct, n_rows, is_num) -> tuple[str, str]:
    """Role and the first sentence of the reason, from dtype, distinct counts and sampled values."""
    distinct_share = n_distinct / max(len(present), 1)
    if pd.api.types.is_bool_dtype(col):
        return "boolean", "True/false values."
    if pd.api.types.is_datetime64_any_dtype(col):
        return "datetime", "Dates."
    category_named = best_keyword(words, CATEGORY_KEYWORDS) is not None
    if is_num:
        return _classify_number(
            present, sample, words, id_named, category_named, n_distinct, distinct_share, n_rows
        )

    text = sample.astype(str).str.strip()
    if n_distinct == 2:
        pair = frozenset(str(v).strip().lower() for v in present.unique())
        if pair in BOOLEAN_PAIRS:
            return "boolean", f"Two answers ({' / '.join(sorted(pair))}), read as yes/no."
    fmt = detect_date_format(text)
    if fmt is not None:
        example = text.iloc[0]
        return "datetime", f"Dates written like '{example}' ({_describe_format(fmt)})."
    if id_named and distinct_share >= NEAR_UNIQUE_SHARE:
        return "id", _id_reason(distinct_share)
    if best_keyword(words, KEY_KEYWORDS) is not None:
        return "id", _KEY_REASON
    numbers = pd.to_numeric(text, errors="coerce")
    if numbers.notna().mean() >= NUMBER_PARSE_SHARE:
        if category_named and n_distinct <= SMALL_CODE_MAX:
            return "categorical", f"{n_distinct} codes written as numbers; the name says they are categories."
        return "numeric", "Numbers stored as text."
    mean_length = text.str.len().mean()
    has_spaces = text.str.contains(" ", regex=False).mean()
    if distinct_share >= MOSTLY_UNIQUE_SHARE and n_distinct > MIN_DISTINCT_FOR_UNIQUE and named is None:
        if has_spaces < 0.1 and mean_length <= TEXT_MIN_MEAN_LENGTH:
            return (
                "id",
                "A different code on almost every row: looks like a customer id or a key, not a trait.",
            )
        return "text", "Free text that differs on almost every row; it cannot be clustered as it is."
    if mean_length >= TEXT_MIN_MEAN_LENGTH and distinct_share >= TEXT_MIN_UNIQUE_SHARE:
        return (
            "text",
            f"Long free text (about {mean_length:.0f} characters on average), mostly different on each row.",
        )
    return "categorical", f"Text with {n_distinct:,} different values."


def _classify_number(present, sample, words, id_named, category_named, n_distinct, distinct_share, n_rows):
    integral = pd.api.types.is_integer_dtype(present) or bool((present % 1 == 0).all())
    if n_distinct == 2 and set(present.unique().tolist()) <= {0, 1}:
        return "boolean", "Only 0 and 1, read as no/yes."
    if id_named and integral and distinct_share >= NEAR_UNIQUE_SHARE:
        return "id", _id_reason(distinct_share)
    if integral and best_keyword(words, KEY_KEYWORDS) is not None:
        return "id", _KEY_REASON
    if integral and len(sample) and best_keyword(words, DATE_KEYWORDS) is not None:
        text = sample.astype("int64").astype(str)
        if (
            text.str.fullmatch(r"\d{8}").all()
            and pd.to_datetime(text, format="%Y%m%d", errors="coerce").notna().all()
        ):
            return "datetime", f"Dates stored as numbers like {text.iloc[0]} (year, month, day)."
    if integral and distinct_share == 1.0 and n_distinct > MIN_DISTINCT_FOR_UNIQUE:
        low, high = present.min(), present.max()
        if low in (0, 1) and high - low == n_rows - 1:
            return (
                "id",
                f"Counts rows {low:.0f}, {low + 1:.0f}, {low + 2:.0f}...: a row number, not a customer trait.",
            )
    if integral and category_named and n_distinct <= SMALL_CODE_MAX:
        codes = ", ".join(f"{v:g}" for v in sorted(present.unique().tolist())[:SMALL_CODE_MAX])
        return "categorical", f"Small number codes ({codes}); the name says they are categories, not amounts."
    return "numeric", f"Numbers from {_fmt_number(present.min())} to {_fmt_number(present.max())}."


_KEY_REASON = (
    "Named like an identifier but repeats: a key to a customer, product or store, not a trait to segment on."
)


def _id_reason(distinct_share: float) -> str:
    if distinct_share == 1.0:
        return "Unique for every row and named like an identifier: looks like a customer id."
    return f"Named like an identifier and {distinct_share:.0%} distinct: looks like a customer id (with some repeats)."


def _finish(name, role, named, sensitive, why, present, n_distinct, words) -> ColumnRole:
    """Add scheme, sensitivity and use to a role, with the reason sentences that explain them."""
    sentences = [why]
    scheme = "other"
    segment_label = (
        role in ("categorical", "numeric") and best_keyword(words, SEGMENT_LABEL_KEYWORDS) is not None
    )
    if role == "id":
        pass
    elif named is not None:
        scheme = named[0]
        sentences.append(f"The name reads as {scheme} ('{named[1].rstrip('*')}').")
    elif role in ("categorical", "boolean", "text") and len(present):
        scheme, sensitive, hint = _scheme_from_values(present, sensitive)
        if hint:
            sentences.append(hint)
    elif role == "numeric" and _looks_like_money(present, n_distinct):
        scheme = "value"
        sentences.append(
            "The name says nothing, but the values look like money (never negative, a few very large)."
        )
    elif role == "datetime":
        scheme = "lifecycle"
    use = default_use(role, scheme, sensitive)
    if sensitive:
        sentences.append(SENSITIVE_NOTE)
    elif scheme == "kpi" and use == "profile":
        sentences.append("An outcome: shown on segment cards, not used to form segments.")
    if use == "feature" and segment_label:
        use = "profile"
        sentences.append("Looks like an existing segment label: shown on cards to compare, not clustered on.")
    elif use == "feature" and role == "categorical" and n_distinct > MAX_FEATURE_CATEGORIES:
        use = "profile"
        sentences.append(
            f"Too many different values ({n_distinct:,}) to cluster on; shown on segment cards instead."
        )
    return ColumnRole(name, role, scheme, use, sensitive, " ".join(sentences))


def _scheme_from_values(present: pd.Series, sensitive: bool) -> tuple[str, bool, str]:
    # Distinct values first: lower-casing a million strings to look at a dozen would dominate the run time.
    distinct = pd.Series(present.unique()[:1000]).astype(str).str.strip().str.lower().drop_duplicates()
    if distinct.isin(PLACE_VALUES).mean() >= VALUE_HINT_SHARE:
        return "geographic", sensitive, "The values are place names, so it reads as geographic."
    if distinct.isin(GENDER_VALUES).mean() >= VALUE_HINT_SHARE and len(distinct) <= 4:
        return "demographic", True, "The values look like gender, so it reads as demographic."
    return "other", sensitive, ""


def _looks_like_money(present: pd.Series, n_distinct: int) -> bool:
    present = pd.to_numeric(present, errors="coerce").dropna()  # numbers stored as text count too
    if n_distinct < MONEY_MIN_DISTINCT or present.empty or present.min() < 0:
        return False
    median = float(present.median())
    return median >= MONEY_MIN_MEDIAN and float(present.mean()) >= MONEY_SKEW_RATIO * median


def _describe_format(fmt: str) -> str:
    if fmt in ("ISO8601", "mixed"):
        return "year-month-day" if fmt == "ISO8601" else "several layouts"
    order = [
        {"d": "day", "m": "month", "Y": "year", "y": "year", "b": "month", "B": "month"}[c]
        for c in re.findall(r"%([dmYybB])", fmt)
    ]
    return "-".join(order)


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
        if stats[c.name].negative_share > VALUE_MAX_NEGATIVE_SHARE:
            continue
        keyword = best_keyword(normalise_name(c.name), VALUE_COLUMN_KEYWORDS)
        if keyword is not None:
            ranked.append((VALUE_COLUMN_KEYWORDS.index(keyword), position, c.name))
    return min(ranked)[2] if ranked else None


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


# --- validation -----------------------------------------------------------------------------------------------------


def validate_roles(df: pd.DataFrame, schema: Schema) -> Schema:
    """Check that ``schema`` fits ``df``: every column exists, numeric columns hold numbers, yes/no columns two values.

    Returns the schema unchanged; raises SpecError naming the column and an example bad value.
    """
    missing = [c.name for c in schema.columns if c.name not in df.columns]
    if missing:
        raise SpecError(
            f"The table has no column {', '.join(map(repr, missing))}, but the column roles mention it. "
            "Detect roles again for this file, or rename the columns back."
        )
    for c in schema.columns:
        values = df[c.name].dropna()
        if c.role == "numeric" and not pd.api.types.is_numeric_dtype(values):
            converted = pd.to_numeric(values.astype(str).str.strip(), errors="coerce")
            bad = values[converted.isna()]
            if len(bad):
                raise SpecError(
                    f"Column '{c.name}' is set to numeric, but {len(bad):,} values are not numbers "
                    f"(for example '{bad.iloc[0]}'). Set it to categorical, or fix those values."
                )
        if c.role == "boolean" and values.nunique() > 2:
            examples = ", ".join(map(repr, values.unique()[:3]))
            raise SpecError(
                f"Column '{c.name}' is set to yes/no, but it has {values.nunique():,} different values "
                f"(for example {examples}). Set it to categorical."
            )
    return schema


# --- presets ------------------------------------------------------------------------------------------------------

PRESETS: dict[str, tuple[Scheme, ...]] = {
    "behavioral": ("behavioral",),
    "value": ("value", "behavioral"),  # RFM: recency and frequency are behaviour, monetary is value
    "demographic": ("demographic",),
    "firmographic": ("firmographic",),
    "needs": ("needs",),
    "lifecycle": ("lifecycle",),
    "technographic": ("technographic",),
    "geographic": ("geographic",),
    "everything": tuple(s for s in SCHEMES if s != "kpi"),
}


def preset_features(schema: Schema, preset: str) -> list[str]:
    """Columns to cluster on for a preset: features of the preset's schemes, in table order (may be empty).

    Only columns whose use is "feature" and whose role is numeric, categorical or boolean; never sensitive or KPI
    columns (opting in to sensitive columns is FeatureSpec.include_sensitive). Unknown preset -> SpecError.
    """
    if preset not in PRESETS:
        raise SpecError(f"Unknown preset '{preset}'. Choose one of: {', '.join(PRESETS)}.")
    schemes = PRESETS[preset]
    return [
        c.name
        for c in schema.columns
        if c.use == "feature" and c.role in FEATURE_ROLES and not c.sensitive and c.scheme in schemes
    ]


# Marketers segment on behaviour and value first; other schemes are refinements. At least this many columns
# of that kind make the value/RFM preset the starting point (two columns alone make a thin segmentation).
MIN_VALUE_PRESET_COLUMNS = 3


def default_preset(schema: Schema) -> str:
    """The preset a new data set starts from: value/RFM when the data has it, otherwise everything sensible."""
    return "value" if len(preset_features(schema, "value")) >= MIN_VALUE_PRESET_COLUMNS else "everything"
