"""The model's preparation as SQL expressions: one expression per column of the prepared matrix.

Reads the fitted ColumnTransformer of a Segmentation (``segcore.model.prep``) and rewrites each step with the
numbers it learned, so a warehouse computes exactly what ``Segmentation.assign`` computes in numpy:

- numeric: CAST to double -> log1p of max(x, 0) when the column was skewed -> (x - mean) / scale -> missing values
  take the median, plus a 0/1 "was missing" column when the fit saw missing values;
- boolean (true/false at fit, a BOOLEAN column in the warehouse): 1/0 -> missing values take the median (plus the flag);
- category: TRIM(CAST(x AS text)), blank or missing -> "missing", levels not kept at fit -> "other", then one 0/1
  column per level the one-hot encoder knows (a level it does not know gets all zeros, as ``handle_unknown="ignore"``);
- every output of a column is multiplied by the column's weight (categories by their fitted ``category_scale``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sqlglot import exp

from segcore.errors import ModelError
from segcore.i18n import _l

DOUBLE = "DOUBLE"
TEXT = "VARCHAR"


@dataclass(frozen=True)
class PreparedColumn:
    """One column of the prepared matrix: its name (as ``get_feature_names_out`` says) and its SQL expression."""

    name: str
    expression: exp.Expression


def column(name: str) -> exp.Column:
    """A quoted column reference, safe for any name (spaces, Chinese, Russian, keywords)."""
    return exp.column(exp.to_identifier(name, quoted=True))


def number(value: float) -> exp.Expression:
    """A numeric literal with every digit numpy has (repr round-trips a float64)."""
    value = float(value)
    if not np.isfinite(value):
        raise ModelError(_l("The saved model holds a number that is not finite; refit the segmentation."))
    literal = exp.Literal.number(repr(abs(value)))
    return exp.Neg(this=literal) if value < 0 else literal


def prepared_columns(preprocessor) -> list[PreparedColumn]:
    """SQL for every column of the prepared matrix, in the matrix's order."""
    weights = preprocessor.transformer_weights or {}
    out: list[PreparedColumn] = []
    for key, pipe, cols in preprocessor.transformers_:
        if key == "remainder" or pipe == "drop":
            continue
        name = str(cols[0])
        steps = dict(pipe.steps)
        weight = float(weights.get(key, 1.0))
        if "onehot" in steps:
            parts = _categorical(name, steps)
        elif "impute" in steps:
            parts = _numeric(name, steps)
        else:
            raise ModelError(_l(
                "The saved model prepares column {name!r} in a way SQL scoring does not know.",
                name=name,
            ))
        out.extend(PreparedColumn(n, _weighted(e, weight)) for n, e in parts)
    return out


def level_text(name: str) -> exp.Expression:
    """The column as trimmed text with blanks and missing values as "missing" (``RareGrouper._as_text``)."""
    from segcore.model.transformers import MISSING_LABEL

    text = exp.Trim(this=exp.cast(column(name), TEXT))
    blank = exp.or_(exp.Is(this=column(name), expression=exp.Null()), exp.EQ(this=text.copy(), expression=_s("")))
    return exp.Case().when(blank, _s(MISSING_LABEL)).else_(text.copy())


def _numeric(name: str, steps: dict) -> list[tuple[str, exp.Expression]]:
    if "scale" in steps:
        value: exp.Expression = exp.cast(column(name), DOUBLE)
    else:  # a true/false column at fit: CASE reads a warehouse BOOLEAN everywhere (PostgreSQL cannot CAST it)
        value = exp.Case().when(column(name), number(1)).when(exp.Not(this=column(name)), number(0))
    log = steps.get("log")
    if log is not None and bool(log.log_columns_[0]):
        # values below 0 are clipped to 0 before log1p, as SkewLog does; CASE keeps NULL as NULL (GREATEST would not
        # on PostgreSQL, which ignores NULL arguments)
        clipped = exp.Case().when(exp.LT(this=value.copy(), expression=number(0)), number(0)).else_(value.copy())
        value = exp.Ln(this=exp.Add(this=number(1), expression=clipped))
    scale = steps.get("scale")
    if scale is not None:
        value = exp.Div(
            this=exp.paren(exp.Sub(this=value, expression=number(scale.mean_[0]))),
            expression=number(scale.scale_[0]),
        )
    impute = steps["impute"]
    filled = exp.Coalesce(this=value, expressions=[number(impute.statistics_[0])])
    parts = [(name, filled)]
    if bool(impute.has_missing_[0]):
        was_missing = exp.Is(this=column(name), expression=exp.Null())
        parts.append((f"missingindicator_{name}", exp.Case().when(was_missing, number(1)).else_(number(0))))
    return parts


def _categorical(name: str, steps: dict) -> list[tuple[str, exp.Expression]]:
    group, onehot = steps["group"], steps["onehot"]
    kept = [str(v) for v in group.levels_[0]]
    text = level_text(name)
    grouped = (
        exp.Case().when(exp.In(this=text, expressions=[_s(v) for v in kept]), text.copy()).else_(_s(group.other_label))
        if kept
        else _s(group.other_label)
    )
    parts = []
    for level in onehot.categories_[0]:
        hit = exp.EQ(this=grouped.copy(), expression=_s(str(level)))
        parts.append((f"{name}_{level}", exp.Case().when(hit, number(1)).else_(number(0))))
    return parts


def _weighted(expression: exp.Expression, weight: float) -> exp.Expression:
    if weight == 1.0:
        return expression
    return exp.Mul(this=exp.paren(expression), expression=number(weight))


def _s(text: str) -> exp.Literal:
    return exp.Literal.string(text)
