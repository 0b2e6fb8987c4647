"""The model's preparation as SQL expressions: each input column cleaned once, then one expression per column of the
prepared matrix.

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
# Internal column names of the nested steps; the prefix keeps them apart from the customer's own columns.
PREFIX = "segcore_"


@dataclass(frozen=True)
class PreparedColumn:
    """One named SQL expression: a column of the prepared matrix (named as ``get_feature_names_out`` says) or an
    intermediate value of the preparation (named with ``PREFIX``)."""

    name: str
    expression: exp.Expression


@dataclass(frozen=True)
class Preparation:
    """The preparation in three steps, so nothing is worked out twice for a row (a warehouse does not share repeated
    expressions: a category's TRIM/CAST repeated in every one of its one-hot columns cost DuckDB 4x the CPU of
    numpy): ``cleaned`` reads each input column once (a number's scaled value before imputation, a category's
    trimmed text), ``grouped`` turns that text into the level the model knows, ``prepared`` is every column of the
    prepared matrix (imputation, "was missing" flags, one-hot tests, weights), in the matrix's order."""

    cleaned: tuple[PreparedColumn, ...]
    grouped: tuple[PreparedColumn, ...]
    prepared: tuple[PreparedColumn, ...]


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


def preparation(preprocessor) -> Preparation:
    """SQL for the model's fitted preparation (see ``Preparation``)."""
    weights = preprocessor.transformer_weights or {}
    cleaned: list[PreparedColumn] = []
    grouped: list[PreparedColumn] = []
    prepared: list[PreparedColumn] = []
    for i, (key, pipe, cols) in enumerate(preprocessor.transformers_):
        if key == "remainder" or pipe == "drop":
            continue
        name = str(cols[0])
        steps = dict(pipe.steps)
        weight = float(weights.get(key, 1.0))
        if "onehot" in steps:
            text, level, parts = _categorical(name, steps, f"{PREFIX}t{i}", f"{PREFIX}l{i}")
            cleaned.append(text)
            grouped.append(level)
        elif "impute" in steps:
            value, parts = _numeric(name, steps, f"{PREFIX}n{i}")
            cleaned.append(value)
        else:
            raise ModelError(_l(
                "The saved model prepares column {name!r} in a way SQL scoring does not know.",
                name=name,
            ))
        prepared.extend(PreparedColumn(n, _weighted(e, weight)) for n, e in parts)
    return Preparation(tuple(cleaned), tuple(grouped), tuple(prepared))


def _numeric(name: str, steps: dict, cleaned_name: str) -> tuple[PreparedColumn, list[tuple[str, exp.Expression]]]:
    """The scaled value (NULL when missing) as the cleaned column; imputed value and "was missing" flag from it."""
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
    filled = exp.Coalesce(this=exp.column(cleaned_name), expressions=[number(impute.statistics_[0])])
    parts = [(name, filled)]
    if bool(impute.has_missing_[0]):  # the scaled value is NULL exactly when the input is
        was_missing = exp.Is(this=exp.column(cleaned_name), expression=exp.Null())
        parts.append((f"missingindicator_{name}", exp.Case().when(was_missing, number(1)).else_(number(0))))
    return PreparedColumn(cleaned_name, value), parts


def _categorical(
    name: str, steps: dict, text_name: str, level_name: str
) -> tuple[PreparedColumn, PreparedColumn, list[tuple[str, exp.Expression]]]:
    """Trimmed text, then the kept level ("missing" for blank/NULL, "other" for the rest, as ``RareGrouper``), then
    one 0/1 column per level the one-hot encoder knows (unknown levels get all zeros)."""
    from segcore.model.transformers import MISSING_LABEL

    group, onehot = steps["group"], steps["onehot"]
    kept = [str(v) for v in group.levels_[0]]
    other = _s(group.other_label)
    missing = getattr(group, "missing_label", MISSING_LABEL)
    text = exp.column(text_name)
    blank = exp.or_(exp.Is(this=text.copy(), expression=exp.Null()), exp.EQ(this=text.copy(), expression=_s("")))
    level = exp.Case().when(blank, _s(missing) if missing in kept else other.copy())
    if kept:  # blank text is never a kept level: the grouper read it as "missing"
        level = level.when(exp.In(this=text.copy(), expressions=[_s(v) for v in kept]), text.copy())
    level = level.else_(other.copy())
    parts = []
    for value in onehot.categories_[0]:
        hit = exp.EQ(this=exp.column(level_name), expression=_s(str(value)))
        parts.append((f"{name}_{value}", exp.Case().when(hit, number(1)).else_(number(0))))
    cleaned = PreparedColumn(text_name, exp.Trim(this=exp.cast(column(name), TEXT)))
    return cleaned, PreparedColumn(level_name, level), parts


def _weighted(expression: exp.Expression, weight: float) -> exp.Expression:
    if weight == 1.0:
        return expression
    return exp.Mul(this=exp.paren(expression), expression=number(weight))


def _s(text: str) -> exp.Literal:
    return exp.Literal.string(text)
