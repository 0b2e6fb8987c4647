"""Pinned segments: customers placed by a business rule ("top 20 by ARR", "plan is enterprise") before clustering.

A rule is plain data (name, column, op, value) so it can be saved with the segmentation and shown as one sentence.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal, get_args

import numpy as np
import pandas as pd

from segcore.errors import SpecError
from segcore.i18n import _l

Op = Literal["top", "bottom", "==", "!=", ">", ">=", "<", "<=", "in", "contains"]
OPS: tuple[str, ...] = get_args(Op)
RANK_OPS = ("top", "bottom")
COMPARE_OPS = (">", ">=", "<", "<=")
FORMAT_VERSION = 1  # bump when the to_dict layout changes
# Words used in describe(); symbols read badly to a marketer.
_OP_WORDS = {
    "==": "is",
    "!=": "is not",
    ">": ">",
    ">=": ">=",
    "<": "<",
    "<=": "<=",
    "in": "is one of",
    "contains": "contains",
}


@dataclass(frozen=True)
class PinRule:
    """Customers matching ``column op value`` form the pinned segment ``name``.

    ``top``/``bottom``: value = a number of customers (20) or a share below 1 (0.01 = the top 1%), ranked by the
    column (missing values never qualify; ties keep file order). ``in``: a list of values. ``contains``: text,
    case-insensitive. Comparisons never match missing values.
    """

    name: str
    column: str
    op: Op
    value: Any

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise SpecError(_l("A pinned segment needs a name, e.g. 'Key accounts'."))
        if not isinstance(self.column, str) or not self.column:
            raise SpecError(_l("Pinned segment {name!r} needs a column to test.", name=self.name))
        if self.op not in OPS:
            raise SpecError(
                _l(
                    "Pinned segment {name!r}: unknown rule {op!r} on column {column!r}. Valid rules: {ops}.",
                    name=self.name, op=self.op, column=self.column, ops=', '.join(OPS),
                )
            )
        if self.op in RANK_OPS:
            _rank_count(self, 1_000_000)  # validates the value
        elif self.op == "in":
            if isinstance(self.value, str) or not isinstance(self.value, list | tuple | set | frozenset):
                raise SpecError(
                    _l(
                        "Pinned segment {name!r}: 'in' needs a list of values for column {column!r}, e.g. "
                        "['gold', 'platinum']; got {value!r}.",
                        name=self.name, column=self.column, value=self.value,
                    )
                )
            values = sorted(self.value, key=str) if isinstance(self.value, set | frozenset) else self.value
            object.__setattr__(self, "value", tuple(values))
        elif self.op == "contains":
            if not isinstance(self.value, str) or not self.value:
                raise SpecError(
                    _l(
                        "Pinned segment {name!r}: 'contains' needs some text to look for in column "
                        "{column!r}; got {value!r}.",
                        name=self.name, column=self.column, value=self.value,
                    )
                )
        elif self.op in COMPARE_OPS and not _is_number(self.value):
            raise SpecError(
                _l(
                    "Pinned segment {name!r}: {op!r} compares column {column!r} with a number; got "
                    "{value!r}. Use '==' or 'in' for text.",
                    name=self.name, op=self.op, column=self.column, value=self.value,
                )
            )

    def mask(self, df: pd.DataFrame) -> pd.Series:
        """True for the rows of ``df`` this rule pins (index = df.index)."""
        if self.column not in df.columns:
            shown = ", ".join(map(str, list(df.columns)[:15]))
            raise SpecError(
                _l(
                    "Pinned segment {name!r} uses column {column!r}, which is not in the data. Available "
                    "columns: {shown}.",
                    name=self.name, column=self.column, shown=shown,
                )
            )
        s = df[self.column]
        if self.op in RANK_OPS:
            out = self._rank_mask(s)
        elif self.op == "contains":
            text = s.astype("str").where(s.notna())
            out = text.str.contains(self.value, case=False, regex=False, na=False).to_numpy(dtype=bool)
        elif self.op == "in":
            out = s.isin(list(self.value)).to_numpy(dtype=bool)
        else:
            out = self._compare(s)
        return pd.Series(out, index=df.index, name=self.name, dtype=bool)

    def describe(self) -> str:
        """One sentence for cards and reports: "Key accounts: top 20 by arr_usd"."""
        if self.op in RANK_OPS:
            v = float(self.value)
            amount = f"{v * 100:g}%" if v < 1 else f"{int(v):,}"
            return f"{self.name}: {self.op} {amount} by {self.column}"
        if self.op == "in":
            return f"{self.name}: {self.column} {_OP_WORDS['in']} {', '.join(map(str, self.value))}"
        if self.op == "contains":
            return f"{self.name}: {self.column} contains '{self.value}'"
        return f"{self.name}: {self.column} {_OP_WORDS[self.op]} {self.value}"

    def to_dict(self) -> dict:
        value = list(self.value) if isinstance(self.value, tuple) else _plain(self.value)
        return {
            "version": FORMAT_VERSION,
            "name": self.name,
            "column": self.column,
            "op": self.op,
            "value": value,
        }

    @classmethod
    def from_dict(cls, d: dict) -> PinRule:
        missing = [key for key in ("name", "column", "op", "value") if key not in d]
        if missing:
            raise SpecError(_l(
                "A saved pinned-segment rule is missing {missing}: {rule!r}.",
                missing=', '.join(missing), rule=d,
            ))
        if int(d.get("version", FORMAT_VERSION)) > FORMAT_VERSION:
            raise SpecError(
                _l("This pinned-segment rule was saved by a newer version of the app. Update the app.")
            )
        return cls(name=d["name"], column=d["column"], op=d["op"], value=d["value"])

    def _rank_mask(self, s: pd.Series) -> np.ndarray:
        values = _numbers(s, self)
        valid = np.flatnonzero(~np.isnan(values))
        n_pick = min(_rank_count(self, len(valid)), len(valid))
        key = -values[valid] if self.op == "top" else values[valid]
        chosen = valid[np.argsort(key, kind="stable")[:n_pick]]
        out = np.zeros(len(s), dtype=bool)
        out[chosen] = True
        return out

    def _compare(self, s: pd.Series) -> np.ndarray:
        if self.op in COMPARE_OPS:
            values = _numbers(s, self)
            with np.errstate(invalid="ignore"):
                out = {">": np.greater, ">=": np.greater_equal, "<": np.less, "<=": np.less_equal}[self.op](
                    values, float(self.value)
                )
            return out & ~np.isnan(values)
        equal = _equal(s, self.value)
        return equal if self.op == "==" else (~equal & s.notna().to_numpy())


def apply_pins(df: pd.DataFrame, rules) -> np.ndarray:
    """Per row of ``df``: the index of the first rule that matches it, or -1 (earlier rules win overlaps)."""
    rules = list(rules)
    names = [r.name for r in rules]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise SpecError(
            _l(
                "Two pinned segments are both called {twice!r}. Give each pinned segment its own name.",
                twice=twice[0],
            )
        )
    out = np.full(len(df), -1, dtype=np.int64)
    for i, rule in enumerate(rules):
        hit = rule.mask(df).to_numpy() & (out == -1)
        out[hit] = i
    return out


def _rank_count(rule: PinRule, n: int) -> int:
    v = rule.value
    if not _is_number(v) or float(v) <= 0 or (float(v) >= 1 and float(v) != int(float(v))):
        raise SpecError(
            _l(
                "Pinned segment {name!r}: '{op}' needs a number of customers (e.g. 20) or a share below 1 "
                "(e.g. 0.01 for 1%) for column {column!r}; got {value!r}.",
                name=rule.name, op=rule.op, column=rule.column, value=v,
            )
        )
    v = float(v)
    return int(v) if v >= 1 else math.ceil(v * n)


def _numbers(s: pd.Series, rule: PinRule) -> np.ndarray:
    if pd.api.types.is_bool_dtype(s.dtype) or pd.api.types.is_numeric_dtype(s.dtype):
        return s.astype("float64").to_numpy(dtype=np.float64, na_value=np.nan)
    if not s.notna().any():
        raise SpecError(_l("Pinned segment {name!r}: column {column!r} is empty.", name=rule.name, column=rule.column))
    raise SpecError(
        _l(
            "Pinned segment {name!r}: '{op}' needs numbers but column {column!r} holds text (e.g. {example!r}).",
            name=rule.name, op=rule.op, column=rule.column, example=s.dropna().iloc[0],
        )
    )


def _equal(s: pd.Series, value) -> np.ndarray:
    """Equality that tolerates a number typed as text and vice versa ("3" matches 3, "Gold" matches "gold" no)."""
    if (
        pd.api.types.is_numeric_dtype(s.dtype)
        and not pd.api.types.is_bool_dtype(s.dtype)
        and isinstance(value, str)
    ):
        try:
            value = float(value)
        except ValueError:
            return np.zeros(len(s), dtype=bool)
    if not pd.api.types.is_numeric_dtype(s.dtype) and _is_number(value):
        return (s.astype("str") == str(value)).fillna(False).to_numpy(dtype=bool)
    return (s == value).fillna(False).to_numpy(dtype=bool)


def _is_number(v) -> bool:
    return (
        isinstance(v, int | float | np.integer | np.floating) and not isinstance(v, bool) and math.isfinite(v)
    )


def _plain(v):
    return v.item() if isinstance(v, np.generic) else v
