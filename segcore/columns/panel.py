"""Panels: one entity (a state, a store, a customer) repeated over periods (years, months, waves).

Segmenting a panel row by row treats "Ohio 2019" and "Ohio 2020" as two customers. ``detect_panel`` recognises the
shape (an entity column and a period column whose pairs are unique, most entities seen in several of the same
periods) and ``panel_to_entities`` turns it into one row per entity: the latest period, or the average over periods.
A transaction log (timestamps nearly unique per row) is not a panel: its periods are not shared.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from segcore.columns.schema import Schema
from segcore.columns.vocabulary import best_keyword, normalise_name
from segcore.errors import SpecError
from segcore.i18n import _, _l

PERIOD_KEYWORDS: tuple[str, ...] = (
    "year", "yr", "month", "quarter", "period", "week", "wave", "fiscal year", "date", "season",
    "年", "年度", "月份", "季度", "期", "연도", "년도", "월", "분기", "기간", "год", "месяц", "квартал", "период",
)
MIN_ENTITIES = 5
MIN_MEDIAN_PERIODS = 2
MAX_PERIODS = 400
# Periods are shared: the typical entity is seen in at least this share of all periods (a log's timestamps are not).
SHARED_PERIODS_SHARE = 0.3
UNIQUE_PAIR_SHARE = 0.98
HOWS = ("latest", "aggregate")


@dataclass(frozen=True)
class Panel:
    entity: str
    time: str
    n_entities: int
    n_periods: int

    def to_dict(self) -> dict:
        return {"entity": self.entity, "time": self.time, "n_entities": self.n_entities, "n_periods": self.n_periods}


def detect_panel(df: pd.DataFrame, schema: Schema) -> Panel | None:
    """The (entity, period) pair that makes ``df`` a panel, or None."""
    times = [c.name for c in schema.columns if _is_period(df, c)]
    if not times:
        return None
    n_rows = len(df)
    best = None
    for time in times:
        periods = df[time].nunique()
        if not 2 <= periods <= MAX_PERIODS:
            continue
        for col in schema.columns:
            name = col.name
            if name == time or col.role in ("constant", "mostly_missing", "text", "datetime"):
                continue
            entities = df[name].nunique()
            if entities < MIN_ENTITIES or entities > n_rows / MIN_MEDIAN_PERIODS:
                continue
            if col.role == "numeric" and not _integral(df[name]):
                continue
            pairs = df[[name, time]].dropna()
            if len(pairs) == 0 or (~pairs.duplicated()).mean() < UNIQUE_PAIR_SHARE:
                continue
            per_entity = pairs.groupby(name)[time].nunique().median()
            if per_entity < max(MIN_MEDIAN_PERIODS, SHARED_PERIODS_SHARE * periods):
                continue
            candidate = Panel(name, time, int(entities), int(periods))
            if best is None or candidate.n_entities > best.n_entities:
                best = candidate
    return best


def panel_to_entities(df: pd.DataFrame, panel: Panel, *, how: str = "latest") -> tuple[pd.DataFrame, str]:
    """One row per entity and a sentence saying what was done.

    ``latest``: each entity's row in its most recent period. ``aggregate``: numbers averaged over the entity's
    periods, other columns taken from the latest period, plus ``periods`` (how many periods it appears in).
    """
    if how not in HOWS:
        raise SpecError(_l("Unknown panel option '{how}'. Choose 'latest' or 'aggregate'.", how=how))
    order = df.assign(_t=_sortable(df[panel.time])).sort_values("_t", kind="stable")
    latest = order.groupby(panel.entity, sort=False, dropna=True).tail(1)
    dropped = int(df[panel.entity].isna().sum())
    note = (" " + _("{dropped:,} rows without a {entity} were left out.", dropped=dropped, entity=panel.entity)
            if dropped else "")
    if how == "latest":
        out = latest.drop(columns="_t").sort_values(panel.entity, kind="stable").reset_index(drop=True)
        return out, _("Kept each {entity}'s latest {time} ({rows:,} rows from {total:,}).", entity=panel.entity,
                      time=panel.time, rows=len(out), total=len(df)) + note
    numeric = [c for c in df.columns if c not in (panel.entity, panel.time) and pd.api.types.is_numeric_dtype(df[c])
               and not pd.api.types.is_bool_dtype(df[c])]
    means = order.groupby(panel.entity, dropna=True)[numeric].mean()
    counts = order.groupby(panel.entity, dropna=True)[panel.time].nunique().rename("periods")
    rest = latest.drop(columns=[*numeric, "_t"]).set_index(panel.entity)
    out = rest.join(means).join(counts).reset_index()
    out = out[[c for c in dict.fromkeys([panel.entity, *df.columns, "periods"]) if c in out.columns]]
    sentence = _("Averaged the numbers of each {entity} over its periods ('{time}'; {rows:,} rows from {total:,}); "
                 "other columns are from the latest period.", entity=panel.entity, time=panel.time, rows=len(out),
                 total=len(df))
    return out.sort_values(panel.entity, kind="stable").reset_index(drop=True), sentence + note


def _is_period(df: pd.DataFrame, col) -> bool:
    if col.name not in df.columns or col.role in ("constant", "mostly_missing", "text"):
        return False
    if col.role == "datetime":
        return True
    named = best_keyword(normalise_name(col.name), PERIOD_KEYWORDS) is not None
    return named and (_integral(df[col.name]) or col.role == "categorical")


def _integral(values: pd.Series) -> bool:
    if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        return False
    present = values.dropna()
    return bool(len(present)) and bool((present % 1 == 0).all())


def _sortable(values: pd.Series) -> pd.Series:
    if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_datetime64_any_dtype(values):
        return values
    parsed = pd.to_datetime(values, errors="coerce", format="mixed")
    return parsed if parsed.notna().mean() > 0.9 else values.astype(str)
