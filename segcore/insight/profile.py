"""Segment profiles: size, value share, KPIs, lift and the few traits that make each segment different.

Everything is computed with ``np.bincount`` over integer segment codes, so a million rows x 25 columns x 8 segments
takes about a second; there is no per-row Python. Traits are ranked by standardised effect size, so a column in
euros and a column in visits compete on the same scale. Names and actions come from ``segcore.insight.naming``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from segcore.insight.effects import (
    as_flag,
    check_columns,
    is_numeric,
    level_effects,
    numeric_effects,
    numeric_values,
    ordered_unique,
    segment_codes,
)
from segcore.insight.naming import SegmentSignals, concept_of, humanize, name_segments, suggest_action
from segcore.insight.sentences import (
    boolean_sentence,
    category_sentence,
    currency_of,
    name_tokens,
    numeric_sentence,
)
from segcore.jsonsafe import plain

FORMAT_VERSION = 1
# Traits weaker than 0.2 standard deviations are "negligible" by Cohen's convention: not worth a line on a card.
MIN_EFFECT = 0.2
# Five traits fit on a segment card and are as many as a reader retains.
MAX_TRAITS = 5
# A categorical column with more levels than this is id-like (postcodes, emails): per-level traits are noise.
MAX_LEVELS = 500
# Net Promoter Score bands on the 0-10 scale (Reichheld): 9-10 promoters, 0-6 detractors.
NPS_PROMOTER_MIN = 9
NPS_DETRACTOR_MAX = 6


@dataclass(frozen=True)
class Trait:
    """One way a segment differs from everyone. ``effect`` is standardised (in overall standard deviations).

    numeric: segment_value / overall_value are means. category: they are proportions (0-1) of ``level``
    (for a yes/no column, of "yes").
    """

    column: str
    sentence: str
    effect: float
    segment_value: float | str
    overall_value: float | str
    kind: Literal["numeric", "category"]
    level: str | None = None


@dataclass(frozen=True)
class Kpi:
    column: str
    label: str
    value: float
    overall: float
    fmt: Literal["percent", "number", "money"]


@dataclass(frozen=True)
class Profile:
    segment: int
    name: str
    size: int
    share: float
    value_share: float | None
    pinned: bool
    traits: tuple[Trait, ...]
    kpis: tuple[Kpi, ...]
    action: str
    lift: float | None
    rules: tuple[str, ...] = ()
    sql: str = ""
    rule_precision: float | None = None

    def to_dict(self) -> dict:
        """Plain Python only (no numpy scalars, NaN as None), so ``json.dumps`` works on it."""
        d = plain(asdict(self))
        d["format_version"] = FORMAT_VERSION
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Profile:
        d = dict(d)
        d.pop("format_version", None)
        traits = tuple(Trait(**t) for t in d.pop("traits", ()))
        kpis = tuple(
            Kpi(**{**k, "value": _nan(k.get("value")), "overall": _nan(k.get("overall"))})
            for k in d.pop("kpis", ())
        )
        return cls(traits=traits, kpis=kpis, rules=tuple(d.pop("rules", ())), **d)


# ---------------------------------------------------------------------------------------------------------- helpers
def _nan(x: Any) -> float:
    return float("nan") if x is None else float(x)


def _role(schema: Any, column: str) -> tuple[str | None, str | None]:
    try:
        col = schema[column]
    except (KeyError, IndexError, TypeError, AttributeError):
        return None, None
    return getattr(col, "role", None), getattr(col, "scheme", None)


def _kind(s: pd.Series, role: str | None) -> Literal["numeric", "boolean", "categorical"] | None:
    if role == "boolean" or (role is None and pd.api.types.is_bool_dtype(s)):
        return "boolean" if as_flag(s) is not None else "categorical"
    if role == "numeric" or (role is None and is_numeric(s)):
        return "numeric"
    if role == "categorical" or (
        role is None
        and (
            pd.api.types.is_object_dtype(s)
            or pd.api.types.is_string_dtype(s)
            or isinstance(s.dtype, pd.CategoricalDtype)
        )
    ):
        return "categorical"
    return None  # id, datetime, free text, constant, mostly missing: nothing to compare


def _kpis(df: pd.DataFrame, schema: Any, idx: np.ndarray, n_seg: int) -> list[list[Kpi]]:
    """Per segment: value column (money), target (rate) and every kpi-scheme column, each with its overall."""
    try:
        kpi_names = list(schema.names(scheme="kpi"))
    except TypeError:
        kpi_names = [c for c in df.columns if _role(schema, c)[1] == "kpi"]
    columns = ordered_unique([schema.value_column, schema.target_column, *kpi_names])
    check_columns(df, columns, "KPI column")
    out: list[list[Kpi]] = [[] for _ in range(n_seg)]
    for col in columns:
        s, h = df[col], humanize(col)
        flag = as_flag(s) if col != schema.value_column else None
        if flag is not None:
            means, overall, _ = numeric_effects(flag, idx, n_seg)
            specs = [(f"{h} rate", means, overall, "percent")]
        elif is_numeric(s) or _role(schema, col)[0] == "numeric":
            x = numeric_values(s)
            means, overall, _ = numeric_effects(x, idx, n_seg)
            is_money = col == schema.value_column or concept_of(col, scheme=_role(schema, col)[1]) == "value"
            specs = [(f"avg {h}", means, overall, "money" if is_money else "number")]
            finite = x[~np.isnan(x)]
            if "nps" in name_tokens(col) and len(finite) and finite.min() >= 0 and finite.max() <= 10:
                nps = np.where(
                    np.isnan(x), np.nan, (x >= NPS_PROMOTER_MIN) * 100.0 - (x <= NPS_DETRACTOR_MAX) * 100.0
                )
                seg_nps, all_nps, _ = numeric_effects(nps, idx, n_seg)
                specs.append(("NPS score", seg_nps, all_nps, "number"))
        else:
            continue  # a text KPI has no average; it still shows up as a trait if it is a feature
        for i in range(n_seg):
            out[i].extend(Kpi(col, label, float(m[i]), float(o), fmt) for label, m, o, fmt in specs)
    return out


def _target_lift(df: pd.DataFrame, target: str | None, idx: np.ndarray, n_seg: int) -> np.ndarray | None:
    if not target:
        return None
    check_columns(df, [target], "target column")
    flag = as_flag(df[target])
    x = flag if flag is not None else (numeric_values(df[target]) if is_numeric(df[target]) else None)
    if x is None:
        return None
    means, overall, _ = numeric_effects(x, idx, n_seg)
    if not (overall > 0):
        return None
    return means / overall


def build_profiles(
    df: pd.DataFrame,
    labels: Any,
    *,
    schema: Any,
    features: Sequence[str],
    segment_names: Mapping[int, str] | None = None,
    pinned: Mapping[int, str] | None = None,
) -> tuple[Profile, ...]:
    """One ``Profile`` per segment id present in ``labels`` (ascending, -1 "Unassigned" last).

    Traits compare each segment with everyone over ``features`` plus the schema's profile columns; KPIs cover the
    value column, the target and every kpi-scheme column. ``pinned`` maps segment id -> pin name (those segments keep
    that name, pinned=True); ``segment_names`` are user names that override automatic ones.
    Raises SpecError for labels of the wrong length or columns not in the table.
    """
    segments, idx = segment_codes(labels, len(df))
    n_seg, n = len(segments), len(df)
    pinned = {int(k): v for k, v in (pinned or {}).items()}
    check_columns(df, list(features), "feature")
    try:
        profile_cols = list(schema.names(use="profile"))
    except TypeError:
        profile_cols = []
    columns = [
        c for c in ordered_unique([*features, *profile_cols]) if c != schema.id_column and c in df.columns
    ]

    sizes = np.bincount(idx, minlength=n_seg)
    value_col = schema.value_column
    value_share: np.ndarray | None = None
    value_effect = np.full(n_seg, np.nan)
    if value_col:
        check_columns(df, [value_col], "value column")
        v = numeric_values(df[value_col])
        total = np.nansum(v)
        if total > 0:
            value_share = np.bincount(idx, weights=np.nan_to_num(v), minlength=n_seg) / total
        value_effect = numeric_effects(v, idx, n_seg)[2]

    candidates: list[list[Trait]] = [[] for _ in range(n_seg)]
    concept_effects: list[dict[str, float]] = [{} for _ in range(n_seg)]
    concepts: dict[str, str] = {}
    flags: set[str] = set()
    for col in columns:
        s = df[col]
        role, scheme = _role(schema, col)
        kind = _kind(s, role)
        concept = concept_of(col, scheme=scheme, is_value_column=col == value_col)
        if concept:
            concepts[col] = concept
        if kind == "boolean":
            flags.add(col)
        if kind in ("numeric", "boolean"):
            x = numeric_values(s) if kind == "numeric" else as_flag(s)
            means, overall, effects = numeric_effects(x, idx, n_seg)
            money = currency_of(col) if concept == "value" else ""
            for i in range(n_seg):
                e = effects[i]
                if not math.isfinite(e):
                    continue
                if concept and abs(e) > abs(concept_effects[i].get(concept, 0.0)):
                    concept_effects[i][concept] = float(e)
                if kind == "numeric":
                    sentence = numeric_sentence(col, means[i], overall, concept=concept, money=money)
                    candidates[i].append(
                        Trait(col, sentence, float(e), float(means[i]), float(overall), "numeric")
                    )
                else:
                    sentence = boolean_sentence(col, means[i], overall)
                    candidates[i].append(
                        Trait(col, sentence, float(e), float(means[i]), float(overall), "category", "yes")
                    )
        elif kind == "categorical":
            levels, p_seg, p_all, effects = level_effects(s, idx, n_seg)
            if len(levels) > MAX_LEVELS:
                continue
            for i in range(n_seg):
                row = np.where(np.isfinite(effects[i]), effects[i], -np.inf)
                j = int(np.argmax(row))
                if row[j] <= 0:
                    continue
                sentence = category_sentence(col, levels[j], p_seg[i, j], p_all[j], scheme=scheme)
                candidates[i].append(
                    Trait(
                        col,
                        sentence,
                        float(row[j]),
                        float(p_seg[i, j]),
                        float(p_all[j]),
                        "category",
                        str(levels[j]),
                    )
                )

    kpis = _kpis(df, schema, idx, n_seg)
    lift = _target_lift(df, schema.target_column, idx, n_seg)
    churn_lift = lift if lift is not None and concept_of(schema.target_column) == "churn" else None

    traits: list[tuple[Trait, ...]] = []
    signals: list[SegmentSignals] = []
    for i, seg in enumerate(segments):
        ranked = sorted(
            (t for t in candidates[i] if abs(t.effect) >= MIN_EFFECT),
            key=lambda t: (-abs(t.effect), t.column),
        )
        top = tuple(ranked[:MAX_TRAITS])
        traits.append(top)
        signals.append(
            SegmentSignals(
                segment=int(seg),
                pinned=int(seg) in pinned,
                pin_name=pinned.get(int(seg)),
                value_effect=float(value_effect[i]) if math.isfinite(value_effect[i]) else None,
                churn_lift=float(churn_lift[i])
                if churn_lift is not None and math.isfinite(churn_lift[i])
                else None,
                concept_effects=concept_effects[i],
                top_traits=tuple((t.column, t.effect, None if t.column in flags else t.level) for t in top),
                trait_concepts=concepts,
            )
        )
    fixed = {int(k): str(v) for k, v in (segment_names or {}).items()}
    names = name_segments(signals, fixed=fixed)

    profiles = [
        Profile(
            segment=int(seg),
            name=names[int(seg)],
            size=int(sizes[i]),
            share=float(sizes[i] / n),
            value_share=float(value_share[i]) if value_share is not None else None,
            pinned=int(seg) in pinned,
            traits=traits[i],
            kpis=tuple(kpis[i]),
            action=suggest_action(signals[i]),
            lift=float(lift[i]) if lift is not None and math.isfinite(lift[i]) else None,
        )
        for i, seg in enumerate(segments)
    ]
    return tuple(sorted(profiles, key=lambda p: (p.segment == -1, p.segment)))
