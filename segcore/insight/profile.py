"""Segment profiles: size, value share, KPIs, lift and the few traits that make each segment different.

Everything is computed with ``np.bincount`` over integer segment codes, so a million rows x 25 columns x 8 segments
takes about a second; there is no per-row Python. Traits (``segcore.insight.traits``) compare medians and rates with
an effect size on Cohen's scale, so a column in euros and a column in visits compete on the same scale. Names and
actions come from ``segcore.insight.naming``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from segcore.errors import require_columns
from segcore.i18n import _l, gettext  # not `_`: this module uses `_` as a throwaway
from segcore.insight.effects import (
    MISSING_LEVEL,
    as_flag,
    compare_flag,
    compare_levels,
    compare_numeric,
    is_numeric,
    numeric_effects,
    numeric_trait,
    numeric_values,
    ordered_unique,
    rank_sample,
    segment_codes,
)
from segcore.insight.naming import SegmentSignals, concept_of, is_churn_target, name_segments, suggest_action
from segcore.insight.sentences import humanize, unit_of
from segcore.insight.traits import Trait
from segcore.jsonsafe import plain
from segcore.labels import UNASSIGNED

__all__ = ["Kpi", "Profile", "Trait", "build_profiles"]

# 2: traits are facts (medians/shares, effect on Cohen's scale, unit, share) worded by sentences.render_trait.
FORMAT_VERSION = 2
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
    # Hennig's bootstrap Jaccard of this segment (segcore.model.stability); None for pinned segments and tiers.
    stability: float | None = None

    def to_dict(self) -> dict:
        """Plain Python only (no numpy scalars, NaN as None), so ``json.dumps`` works on it."""
        d = plain({**asdict(self), "traits": [t.to_dict() for t in self.traits]})
        d["format_version"] = FORMAT_VERSION
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Profile:
        d = dict(d)
        d.pop("format_version", None)
        traits = tuple(Trait.from_dict(t) for t in d.pop("traits", ()))
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
    require_columns(df, columns, what=_l("KPI column"))
    out: list[list[Kpi]] = [[] for _ in range(n_seg)]
    for col in columns:
        s, h = df[col], humanize(col)
        flag = as_flag(s) if col != schema.value_column else None
        if flag is not None:
            means, overall, _ = numeric_effects(flag, idx, n_seg=n_seg)
            specs = [(gettext("{column} rate", column=h), means, overall, "percent")]
        elif is_numeric(s) or _role(schema, col)[0] == "numeric":
            x = numeric_values(s)
            means, overall, _ = numeric_effects(x, idx, n_seg=n_seg)
            is_money = col == schema.value_column or concept_of(col, scheme=_role(schema, col)[1]) == "value"
            specs = [(gettext("avg {column}", column=h), means, overall, "money" if is_money else "number")]
            finite = x[~np.isnan(x)]
            if "nps" in humanize(col).lower().split() and len(finite) and finite.min() >= 0 and finite.max() <= 10:
                nps = np.where(
                    np.isnan(x), np.nan, (x >= NPS_PROMOTER_MIN) * 100.0 - (x <= NPS_DETRACTOR_MAX) * 100.0
                )
                seg_nps, all_nps, _ = numeric_effects(nps, idx, n_seg=n_seg)
                specs.append((gettext("NPS score"), seg_nps, all_nps, "number"))
        else:
            continue  # a text KPI has no average; it still shows up as a trait if it is a feature
        for i in range(n_seg):
            out[i].extend(Kpi(col, label, float(m[i]), float(o), fmt) for label, m, o, fmt in specs)
    return out


def _target_lift(df: pd.DataFrame, target: str | None, idx: np.ndarray, n_seg: int) -> np.ndarray | None:
    if not target:
        return None
    require_columns(df, [target], what=_l("target column"))
    flag = as_flag(df[target])
    x = flag if flag is not None else (numeric_values(df[target]) if is_numeric(df[target]) else None)
    if x is None:
        return None
    means, overall, _ = numeric_effects(x, idx, n_seg=n_seg)
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
    require_columns(df, list(features), what=_l("feature"))
    try:
        profile_cols = list(schema.names(use="profile"))
    except TypeError:
        profile_cols = []
    columns = [
        c for c in ordered_unique([*features, *profile_cols]) if c != schema.id_column and c in df.columns
    ]

    sizes = np.bincount(idx, minlength=n_seg)
    sample = rank_sample(idx, n_seg)
    rows, weights = sample if sample is not None else (slice(None), None)

    def compare(x: np.ndarray):
        return compare_numeric(x[rows], idx[rows], n_seg=n_seg, weights=weights)

    value_col = schema.value_column
    value_share: np.ndarray | None = None
    value_effect = np.full(n_seg, np.nan)
    if value_col:
        require_columns(df, [value_col], what=_l("value column"))
        v = numeric_values(df[value_col])
        total = np.nansum(v)
        if total > 0:
            value_share = np.bincount(idx, weights=np.nan_to_num(v), minlength=n_seg) / total
        value_effect = compare(v).effects

    candidates: list[list[Trait]] = [[] for _ in range(n_seg)]
    concept_effects: list[dict[str, float]] = [{} for _ in range(n_seg)]
    concepts: dict[str, str] = {}
    for col in columns:
        s = df[col]
        role, scheme = _role(schema, col)
        kind = _kind(s, role)
        concept = concept_of(
            col, role="numeric" if kind == "numeric" else kind, scheme=scheme, is_value_column=col == value_col
        )
        if concept:
            concepts[col] = concept
        if kind == "numeric":
            cmp = compare(numeric_values(s))
            unit = unit_of(col, money=concept == "value")
            for i in range(n_seg):
                trait = numeric_trait(col, cmp, i=i, unit=unit)
                if trait is None:
                    continue
                if concept and abs(trait.effect) > abs(concept_effects[i].get(concept, 0.0)):
                    concept_effects[i][concept] = trait.effect
                candidates[i].append(trait)
        elif kind == "boolean":
            rate, overall, h = compare_flag(as_flag(s), idx, n_seg=n_seg)
            for i in range(n_seg):
                if math.isfinite(h[i]) and h[i] != 0:
                    r = float(rate[i])
                    candidates[i].append(
                        Trait(col, "flag", 1 if h[i] > 0 else -1, float(h[i]), r, overall, "%", r, overall, "yes")
                    )
        elif kind == "categorical":
            levels, p_seg, p_all, h = compare_levels(s, idx, n_seg=n_seg, missing=MISSING_LEVEL)
            if len(levels) > MAX_LEVELS:
                continue
            for i in range(n_seg):
                row = np.where(np.isfinite(h[i]), h[i], -np.inf)
                j = int(np.argmax(row))
                if row[j] <= 0:
                    continue
                share = float(p_seg[i, j])
                candidates[i].append(
                    Trait(
                        col,
                        "level",
                        1,
                        float(row[j]),
                        share,
                        float(p_all[j]),
                        "%",
                        share,
                        float(p_all[j]),
                        str(levels[j]),
                        geographic=scheme == "geographic",
                    )
                )

    kpis = _kpis(df, schema, idx, n_seg)
    lift = _target_lift(df, schema.target_column, idx, n_seg)
    churn_lift = lift if lift is not None and is_churn_target(schema.target_column) else None

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
                top_traits=top,
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
    return tuple(sorted(profiles, key=lambda p: (p.segment == UNASSIGNED, p.segment)))
