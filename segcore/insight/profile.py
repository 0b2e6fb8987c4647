"""Segment profiles: size, value share, KPIs, lift and the few traits that make each segment different.

Everything is computed with ``np.bincount`` over integer segment codes, so a million rows x 25 columns x 8 segments
takes about a second; there is no per-row Python. Traits are ranked by standardised effect size, so a column in
euros and a column in visits compete on the same scale. Names and actions come from ``segcore.insight.naming``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from segcore.columns.vocabulary import NO_WORDS, YES_WORDS
from segcore.errors import DataError, NotEnoughData, SpecError
from segcore.insight.naming import SegmentSignals, concept_of, humanize, name_segments, suggest_action
from segcore.jsonsafe import plain

FORMAT_VERSION = 1
# Traits weaker than 0.2 standard deviations are "negligible" by Cohen's convention: not worth a line on a card.
MIN_EFFECT = 0.2
# Five traits fit on a segment card and are as many as a reader retains.
MAX_TRAITS = 5
# "2.4x the average" reads better than "140% higher" only for big differences; in between we say higher/lower.
RATIO_HIGH = 1.5
RATIO_LOW = 0.67
# A categorical column with more levels than this is id-like (postcodes, emails): per-level traits are noise.
MAX_LEVELS = 500
# Lorenz curve resolution: 101 points = every percent of customers, smooth enough for a chart, tiny to store.
CURVE_POINTS = 101
# The Pareto question marketers ask: what share of value do the top 20% of customers bring?
TOP_SHARE = 0.2
# Net Promoter Score bands on the 0-10 scale (Reichheld): 9-10 promoters, 0-6 detractors.
NPS_PROMOTER_MIN = 9
NPS_DETRACTOR_MAX = 6
MISSING_LEVEL = "(missing)"
CURRENCY_TOKENS = {
    "eur": "€",
    "euro": "€",
    "euros": "€",
    "usd": "$",
    "dollar": "$",
    "dollars": "$",
    "gbp": "£",
    "jpy": "¥",
    "yen": "¥",
    "krw": "₩",
    "won": "₩",
    "cny": "¥",
    "rmb": "¥",
    "inr": "₹",
}
SPEND_TOKENS = frozenset(
    {"spend", "spending", "spent", "monetary", "revenue", "sales", "purchase", "purchases"}
)
FREQUENCY_VERBS = {
    "visits": "visits",
    "visit": "visits",
    "orders": "orders",
    "purchases": "buys",
    "transactions": "buys",
    "baskets": "buys",
    "trips": "shops",
    "frequency": "buys",
}


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


@dataclass(frozen=True)
class Concentration:
    """How concentrated value is: Lorenz-style curve (top customers first), top-20% share and Gini (0 = equal)."""

    curve: pd.DataFrame
    top20_share: float
    gini: float
    n: int = 0
    note: str = ""

    def to_dict(self) -> dict:
        return {
            "curve": {c: [float(v) for v in self.curve[c]] for c in ("customer_share", "value_share")},
            "top20_share": float(self.top20_share),
            "gini": float(self.gini),
            "n": int(self.n),
            "note": self.note,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Concentration:
        return cls(pd.DataFrame(d["curve"]), d["top20_share"], d["gini"], d.get("n", 0), d.get("note", ""))


# ---------------------------------------------------------------------------------------------------------- helpers
def _nan(x: Any) -> float:
    return float("nan") if x is None else float(x)


def _codes(labels: Any, n_rows: int) -> tuple[np.ndarray, np.ndarray]:
    """(sorted segment ids, per-row index into them). Validates length and integer-ness."""
    arr = np.asarray(labels)
    if arr.ndim != 1 or len(arr) != n_rows:
        raise SpecError(
            f"There are {len(arr)} segment labels for {n_rows} rows. Pass exactly one label per row of the table."
        )
    if n_rows == 0:
        raise NotEnoughData(
            "The table has no rows, so there is nothing to profile. Load a file with customers."
        )
    if arr.dtype.kind == "f":
        if np.isnan(arr).any():
            raise SpecError(
                "Some rows have no segment label (missing). Use -1 for customers with no segment."
            )
        if not np.all(arr == np.round(arr)):
            raise SpecError("Segment labels must be whole numbers such as 0, 1, 2 (or -1 for unassigned).")
    elif arr.dtype.kind not in "iub":
        raise SpecError("Segment labels must be whole numbers such as 0, 1, 2 (or -1 for unassigned).")
    segments, idx = np.unique(arr.astype(np.int64), return_inverse=True)
    return segments, idx.astype(np.int64)


def _check_columns(df: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise SpecError(
            f"The {what} {', '.join(map(repr, missing))} {'is' if len(missing) == 1 else 'are'} not in the table. "
            f"Pick columns from: {', '.join(map(str, df.columns[:20]))}{' ...' if len(df.columns) > 20 else ''}."
        )


def _is_numeric(s: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s)


def _as_bool(s: pd.Series) -> np.ndarray | None:
    """1.0 / 0.0 / NaN when the column is a yes/no flag (bool, 0/1, yes/no, true/false), else None."""
    if pd.api.types.is_bool_dtype(s):
        return s.astype("float64").to_numpy(dtype="float64", na_value=np.nan)
    if _is_numeric(s):
        x = s.to_numpy(dtype="float64", na_value=np.nan)
        vals = np.unique(x[~np.isnan(x)])
        return x if len(vals) and set(vals.tolist()) <= {0.0, 1.0} else None
    if (
        pd.api.types.is_object_dtype(s)
        or pd.api.types.is_string_dtype(s)
        or isinstance(s.dtype, pd.CategoricalDtype)
    ):
        levels = pd.Series(s.dropna().unique()).astype(str).str.strip().str.lower()
        if len(levels) == 0 or len(levels) > 2 or not set(levels) <= YES_WORDS | NO_WORDS:
            return None
        if not set(levels) & YES_WORDS:
            return None
        low = s.astype("string").str.strip().str.lower()
        return np.where(low.isna(), np.nan, low.isin(list(YES_WORDS)).to_numpy(dtype=bool, na_value=False))
    return None


def _numeric_values(s: pd.Series) -> np.ndarray:
    if _is_numeric(s):
        return s.to_numpy(dtype="float64", na_value=np.nan)
    return pd.to_numeric(s, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)


def _group_means(x: np.ndarray, idx: np.ndarray, n_seg: int) -> np.ndarray:
    ok = ~np.isnan(x)
    counts = np.bincount(idx[ok], minlength=n_seg)
    sums = np.bincount(idx[ok], weights=x[ok], minlength=n_seg)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)


def _numeric_effects(x: np.ndarray, idx: np.ndarray, n_seg: int) -> tuple[np.ndarray, float, np.ndarray]:
    """Per-segment means, overall mean and standardised mean differences (NaN where the column is constant)."""
    means = _group_means(x, idx, n_seg)
    finite = x[~np.isnan(x)]
    if len(finite) == 0:
        return means, float("nan"), np.full(n_seg, np.nan)
    overall, sd = float(finite.mean()), float(finite.std())
    effects = (means - overall) / sd if sd > 0 else np.full(n_seg, np.nan)
    return means, overall, effects


def _level_effects(
    s: pd.Series, idx: np.ndarray, n_seg: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Levels, segment proportions (n_seg x L), overall proportions (L) and standardised proportion differences."""
    codes, levels = pd.factorize(s, use_na_sentinel=True)
    levels = np.asarray([str(v) for v in levels], dtype=object)
    if (codes < 0).any():
        levels = np.append(levels, MISSING_LEVEL)
        codes = np.where(codes < 0, len(levels) - 1, codes)
    n_levels = len(levels)
    table = np.bincount(idx * n_levels + codes, minlength=n_seg * n_levels).reshape(n_seg, n_levels)
    sizes = table.sum(axis=1, keepdims=True)
    p_seg = table / np.maximum(sizes, 1)
    p_all = table.sum(axis=0) / table.sum()
    spread = np.sqrt(p_all * (1 - p_all))
    with np.errstate(invalid="ignore", divide="ignore"):
        effects = np.where(spread > 0, (p_seg - p_all) / np.where(spread > 0, spread, 1), np.nan)
    return levels, p_seg, p_all, effects


def _tokens(column: str) -> set[str]:
    return {t.lower() for t in re.split(r"[^0-9a-zA-Z]+", str(column)) if t}


def _currency(column: str) -> str:
    for token in _tokens(column):
        if token in CURRENCY_TOKENS:
            return CURRENCY_TOKENS[token]
    return ""


def fmt_number(x: float, *, money: str = "") -> str:
    """Human numbers: '1,240', '400', '14.0', '0.123'; ``money`` is a currency symbol put in front."""
    if x is None or not math.isfinite(x):
        return "n/a"
    sign, a = ("-" if x < 0 else ""), abs(x)
    text = f"{a:,.0f}" if a >= 100 else f"{a:.1f}" if a >= 1 else f"{a:.3g}"
    return f"{sign}{money}{text}"


def fmt_percent(p: float) -> str:
    if p is None or not math.isfinite(p):
        return "n/a"
    return f"{p * 100:.0f}%" if p * 100 >= 1 or p == 0 else f"{p * 100:.1f}%"


def _role(schema: Any, column: str) -> tuple[str | None, str | None]:
    try:
        col = schema[column]
    except (KeyError, IndexError, TypeError, AttributeError):
        return None, None
    return getattr(col, "role", None), getattr(col, "scheme", None)


def _kind(s: pd.Series, role: str | None) -> Literal["numeric", "boolean", "categorical"] | None:
    if role == "boolean" or (role is None and pd.api.types.is_bool_dtype(s)):
        return "boolean" if _as_bool(s) is not None else "categorical"
    if role == "numeric" or (role is None and _is_numeric(s)):
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


# ---------------------------------------------------------------------------------------------------------- sentences
def numeric_sentence(
    column: str, segment_mean: float, overall_mean: float, *, concept: str | None = None, money: str = ""
) -> str:
    """'spends 3.1x the average (€1,240 vs €400)', '42% lower tenure months than average (8.1 vs 14.0)'."""
    h = humanize(column)
    both = f"({fmt_number(segment_mean, money=money)} vs {fmt_number(overall_mean, money=money)})"
    if segment_mean > 0 and overall_mean > 0:
        ratio = segment_mean / overall_mean
        if ratio >= RATIO_HIGH:
            tokens = _tokens(column)
            if concept == "value" and tokens & SPEND_TOKENS:
                return f"spends {ratio:.1f}x the average {both}"
            verb = next((FREQUENCY_VERBS[t] for t in sorted(tokens) if t in FREQUENCY_VERBS), None)
            if concept == "frequency" and verb:
                return f"{verb} {ratio:.1f}x as often {both}"
            return f"{ratio:.1f}x the average {h} {both}"
        if ratio <= RATIO_LOW:
            return f"{(1 - ratio) * 100:.0f}% lower {h} than average {both}"
    return f"{'higher' if segment_mean > overall_mean else 'lower'} {h} than average {both}"


def _flag_label(column: str) -> str:
    h = humanize(column)
    return re.sub(r"^(is|has|uses|flag)\s+", "", h, flags=re.IGNORECASE) or h


def category_sentence(
    column: str, level: str, p_segment: float, p_overall: float, *, scheme: str | None = None
) -> str:
    """'58% in Seoul vs 21% overall' (geographic) or '58% job: management vs 21% overall'."""
    where = f"in {level}" if scheme == "geographic" else f"{humanize(column)}: {level}"
    return f"{fmt_percent(p_segment)} {where} vs {fmt_percent(p_overall)} overall"


def boolean_sentence(column: str, p_segment: float, p_overall: float) -> str:
    """'71% app user vs 35% overall'."""
    return f"{fmt_percent(p_segment)} {_flag_label(column)} vs {fmt_percent(p_overall)} overall"


# ---------------------------------------------------------------------------------------------------------- profiles
def _ordered_unique(items: Sequence[str | None]) -> list[str]:
    return list(dict.fromkeys(c for c in items if c))


def _kpis(df: pd.DataFrame, schema: Any, idx: np.ndarray, n_seg: int) -> list[list[Kpi]]:
    """Per segment: value column (money), target (rate) and every kpi-scheme column, each with its overall."""
    try:
        kpi_names = list(schema.names(scheme="kpi"))
    except TypeError:
        kpi_names = [c for c in df.columns if _role(schema, c)[1] == "kpi"]
    columns = _ordered_unique([schema.value_column, schema.target_column, *kpi_names])
    _check_columns(df, columns, "KPI column")
    out: list[list[Kpi]] = [[] for _ in range(n_seg)]
    for col in columns:
        s, h = df[col], humanize(col)
        flag = _as_bool(s) if col != schema.value_column else None
        if flag is not None:
            means, overall, _ = _numeric_effects(flag, idx, n_seg)
            specs = [(f"{h} rate", means, overall, "percent")]
        elif _is_numeric(s) or _role(schema, col)[0] == "numeric":
            x = _numeric_values(s)
            means, overall, _ = _numeric_effects(x, idx, n_seg)
            is_money = col == schema.value_column or concept_of(col, scheme=_role(schema, col)[1]) == "value"
            specs = [(f"avg {h}", means, overall, "money" if is_money else "number")]
            finite = x[~np.isnan(x)]
            if "nps" in _tokens(col) and len(finite) and finite.min() >= 0 and finite.max() <= 10:
                nps = np.where(
                    np.isnan(x), np.nan, (x >= NPS_PROMOTER_MIN) * 100.0 - (x <= NPS_DETRACTOR_MAX) * 100.0
                )
                seg_nps, all_nps, _ = _numeric_effects(nps, idx, n_seg)
                specs.append(("NPS score", seg_nps, all_nps, "number"))
        else:
            continue  # a text KPI has no average; it still shows up as a trait if it is a feature
        for i in range(n_seg):
            out[i].extend(Kpi(col, label, float(m[i]), float(o), fmt) for label, m, o, fmt in specs)
    return out


def _target_lift(df: pd.DataFrame, target: str | None, idx: np.ndarray, n_seg: int) -> np.ndarray | None:
    if not target:
        return None
    _check_columns(df, [target], "target column")
    flag = _as_bool(df[target])
    x = flag if flag is not None else (_numeric_values(df[target]) if _is_numeric(df[target]) else None)
    if x is None:
        return None
    means, overall, _ = _numeric_effects(x, idx, n_seg)
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
    segments, idx = _codes(labels, len(df))
    n_seg, n = len(segments), len(df)
    pinned = {int(k): v for k, v in (pinned or {}).items()}
    _check_columns(df, list(features), "feature")
    try:
        profile_cols = list(schema.names(use="profile"))
    except TypeError:
        profile_cols = []
    columns = [
        c for c in _ordered_unique([*features, *profile_cols]) if c != schema.id_column and c in df.columns
    ]

    sizes = np.bincount(idx, minlength=n_seg)
    value_col = schema.value_column
    value_share: np.ndarray | None = None
    value_effect = np.full(n_seg, np.nan)
    if value_col:
        _check_columns(df, [value_col], "value column")
        v = _numeric_values(df[value_col])
        total = np.nansum(v)
        if total > 0:
            value_share = np.bincount(idx, weights=np.nan_to_num(v), minlength=n_seg) / total
        value_effect = _numeric_effects(v, idx, n_seg)[2]

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
            x = _numeric_values(s) if kind == "numeric" else _as_bool(s)
            means, overall, effects = _numeric_effects(x, idx, n_seg)
            money = _currency(col) if concept == "value" else ""
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
            levels, p_seg, p_all, effects = _level_effects(s, idx, n_seg)
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


def effect_table(df: pd.DataFrame, labels: Any, *, columns: Sequence[str]) -> pd.DataFrame:
    """Segments x columns of standardised effects, columns ordered by their largest |effect| (for a heatmap).

    Numeric and yes/no columns: (segment mean - overall mean) / overall std. Categorical: the level with the largest
    |standardised proportion difference| in that segment, keeping its sign. Constant columns give 0.
    """
    segments, idx = _codes(labels, len(df))
    _check_columns(df, list(columns), "column")
    n_seg = len(segments)
    data: dict[str, np.ndarray] = {}
    for col in _ordered_unique(list(columns)):
        s = df[col]
        if _is_numeric(s) or pd.api.types.is_bool_dtype(s):
            x = s.to_numpy(dtype="float64", na_value=np.nan)
            effects = _numeric_effects(x, idx, n_seg)[2]
        else:
            effects_lv = _level_effects(s, idx, n_seg)[3]
            filled = np.nan_to_num(effects_lv, nan=0.0)
            # the most different level; on a tie (two-level columns) the over-represented one gives the sign
            pick = np.argmax(np.abs(filled) + 1e-9 * (filled > 0), axis=1)
            effects = filled[np.arange(n_seg), pick]
        data[col] = np.nan_to_num(effects, nan=0.0)
    order = sorted(data, key=lambda c: -float(np.max(np.abs(data[c]))) if n_seg else 0.0)
    out = pd.DataFrame({c: data[c] for c in order}, index=pd.Index(segments, name="segment"))
    return out


def value_concentration(values: Any) -> Concentration:
    """Share of total value held by the top customers: curve, top-20% share and Gini coefficient.

    Missing values are left out and negative values (refunds) count as 0; both are reported in ``note``.
    Raises NotEnoughData when nothing is left, DataError when the total is zero.
    """
    x = pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    notes = []
    missing = int(np.isnan(x).sum())
    if missing:
        notes.append(f"{missing:,} missing value{'s' if missing != 1 else ''} left out.")
    x = x[~np.isnan(x)]
    negative = int((x < 0).sum())
    if negative:
        notes.append(f"{negative:,} negative value{'s' if negative != 1 else ''} counted as 0.")
        x = np.clip(x, 0, None)
    if len(x) == 0:
        raise NotEnoughData(
            "There are no numeric values to measure value concentration. Choose a value column."
        )
    total = float(x.sum())
    if total <= 0:
        raise DataError(
            "Every value is zero (or negative), so no customer holds any share of value. "
            "Choose a revenue or spend column with positive values."
        )
    n = len(x)
    desc = np.sort(x)[::-1]
    cum = np.concatenate([[0.0], np.cumsum(desc) / total])  # cum[k] = share held by the top k customers
    grid = np.linspace(0.0, 1.0, CURVE_POINTS)
    curve = pd.DataFrame({"customer_share": grid, "value_share": np.interp(grid * n, np.arange(n + 1), cum)})
    top20 = float(np.interp(TOP_SHARE * n, np.arange(n + 1), cum))
    asc = desc[::-1]
    gini = float(2 * np.sum(np.arange(1, n + 1) * asc) / (n * total) - (n + 1) / n)
    return Concentration(curve=curve, top20_share=top20, gini=gini, n=n, note=" ".join(notes))
