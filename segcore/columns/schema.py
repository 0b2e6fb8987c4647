"""The column-role schema: every column's role, scheme and use with a reason, the presets, and its check against a table.

``segcore.columns.roles.infer_roles`` proposes a ``Schema``; the user edits it (``with_column``,
``to_frame``/``from_frame``); ``validate_roles`` checks it against a table. Nothing downstream re-guesses roles.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from typing import Any, Literal, get_args

import numpy as np
import pandas as pd

from segcore.columns.numbers import text_to_float
from segcore.errors import SpecError
from segcore.i18n import N_, _l, lazy_gettext

# The schema fields that name a column, as a user reads them in a message.
FIELD_NAMES = {
    "id_column": N_("customer id column"),
    "value_column": N_("value column"),
    "target_column": N_("target column"),
}

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

SENSITIVE_NOTE = N_("This is a sensitive attribute, left out of clustering by default; you can opt in.")
FEATURE_ROLES = ("numeric", "categorical", "boolean")
IGNORED_ROLES = ("id", "text", "constant", "mostly_missing")


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
        _check_choice(self.role, ROLES, _l("role"), self.name)
        _check_choice(self.scheme, SCHEMES, _l("scheme"), self.name)
        _check_choice(self.use, USES, _l("use"), self.name)

    def to_dict(self) -> dict:
        return {f: getattr(self, f) for f in ("name", "role", "scheme", "use", "sensitive", "reason")}

    @classmethod
    def from_dict(cls, d: dict) -> ColumnRole:
        return cls(
            str(d["name"]), d["role"], d["scheme"], d["use"], bool(d["sensitive"]), str(d.get("reason", ""))
        )


def _check_choice(value: object, valid: tuple[str, ...], what: object, column: str) -> None:
    if value not in valid:
        raise SpecError(
            _l(
                "Column '{column}': '{value}' is not a valid {what}. Choose one of: {valid}.",
                column=column, value=value, what=what, valid=', '.join(valid),
            )
        )


def default_use(role: str, scheme: str, *, sensitive: bool) -> Use:
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
        dupes = sorted(name for name, n in Counter(names).items() if n > 1)
        if dupes:
            raise SpecError(
                _l(
                    "The column roles list {dupes} more than once. Keep one row each.",
                    dupes=', '.join(map(repr, dupes)),
                )
            )
        for field in FIELD_NAMES:
            chosen = getattr(self, field)
            if chosen is not None and chosen not in names:
                raise SpecError(
                    _l(
                        "The {field} '{chosen}' is not one of the table's columns.",
                        field=lazy_gettext(FIELD_NAMES[field]), chosen=chosen,
                    )
                )

    def __getitem__(self, name: str) -> ColumnRole:
        for col in self.columns:
            if col.name == name:
                return col
        raise SpecError(_l(
            "There is no column named '{name}'. Columns are: {names}.",
            name=name, names=', '.join(self.names()),
        ))

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
                _l(
                    "Cannot change {unknown} of a column; you can change {allowed}.",
                    unknown=', '.join(unknown), allowed=', '.join(sorted(allowed)),
                )
            )
        old = self[name]
        if "sensitive" in changes:
            changes["sensitive"] = bool(changes["sensitive"])
        if "reason" not in changes and changes:
            edited = ", ".join(f"{k} to {_plain(v)}" for k, v in changes.items())
            changes["reason"] = f"You set {edited}."
        if "use" not in changes and {"role", "scheme", "sensitive"} & set(changes):
            merged = {**old.to_dict(), **changes}
            changes["use"] = default_use(merged["role"], merged["scheme"], sensitive=merged["sensitive"])
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
                _l(
                    "The roles table needs the columns {missing}; it has {columns}.",
                    missing=', '.join(missing), columns=', '.join(map(str, frame.columns)),
                )
            )
        columns = []
        for position, row in enumerate(frame.to_dict("records"), start=1):
            name = row.get("name")
            if not isinstance(name, str) or not name:
                raise SpecError(
                    _l(
                        "Row {position} of the roles table has no column name. Fill it in or delete the row.",
                        position=position,
                    )
                )
            role = _cell(row, "role", None)
            scheme = _cell(row, "scheme", "other")
            sensitive = _as_bool(_cell(row, "sensitive", False), name)
            use = _cell(row, "use", None) or default_use(role, scheme, sensitive=sensitive)
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
                _l(
                    "These column roles were saved by a newer segcore (format {version}; this one reads "
                    "{format_version}). Update segcore to open them.",
                    version=version, format_version=FORMAT_VERSION,
                )
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
    raise SpecError(_l(
        "Column '{column}': sensitive must be true or false, not '{value}'.",
        column=column, value=str(value),
    ))


# --- dates ------------------------------------------------------------------------------------------------------


# --- validation -----------------------------------------------------------------------------------------------------


def validate_roles(df: pd.DataFrame, schema: Schema) -> Schema:
    """Check that ``schema`` fits ``df``: every column exists, numeric columns hold numbers, yes/no columns two values.

    Returns the schema unchanged; raises SpecError naming the column and an example bad value.
    """
    missing = [c.name for c in schema.columns if c.name not in df.columns]
    if missing:
        raise SpecError(
            _l(
                "The table has no column {missing}, but the column roles mention it. Detect roles again for "
                "this file, or rename the columns back.",
                missing=', '.join(map(repr, missing)),
            )
        )
    for c in schema.columns:
        values = df[c.name].dropna()
        if c.role == "numeric" and not pd.api.types.is_numeric_dtype(values):
            converted = text_to_float(values.astype(str).str.strip())
            bad = values[converted.isna()]
            if len(bad):
                raise SpecError(
                    _l(
                        "Column '{name}' is set to numeric, but {n_bad:,} values are not numbers (for "
                        "example '{example}'). Set it to categorical, or fix those values.",
                        name=c.name, n_bad=len(bad), example=bad.iloc[0],
                    )
                )
        if c.role == "boolean" and values.nunique() > 2:
            examples = ", ".join(map(repr, values.unique()[:3]))
            raise SpecError(
                _l(
                    "Column '{name}' is set to yes/no, but it has {distinct:,} different values (for example "
                    "{examples}). Set it to categorical.",
                    name=c.name, distinct=values.nunique(), examples=examples,
                )
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
        raise SpecError(_l(
            "Unknown preset '{preset}'. Choose one of: {presets}.",
            preset=preset, presets=', '.join(PRESETS),
        ))
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
