"""One pass over a log without order ids: the GROUP BY customer adds up spend per raw channel/category value, so
the counts pass before it (which finds the top levels) is only needed when rows are left out, for its notes.

A quick survey first reads the few distinct channel/category values, the first and last day and the rows without
a day or an amount (it reads no ids: a tenth of the counts pass); rows without an id make a group of their own in
the GROUP BY. The top levels are chosen afterwards from the per-customer spend and the raw columns are added up
into them (``fold_levels``), giving the columns ``per_customer_query`` gives.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from segcore.columns import rfm

# More raw values than this in a channel/category column: the counts pass picks the top levels first, so the
# GROUP BY does not carry a sum per raw value.
LEVEL_CAP = 2 * rfm.TOP_LEVELS


@dataclass(frozen=True)
class Survey:
    """The raw values of each kind (None: missing), the first and last readable day of the log, its rows, those
    left out whatever their id (no day, no amount, after the as-of date) and those kept with a negative amount."""

    levels: dict[str, list]
    first_day: dt.date | None
    last_day: dt.date | None
    rows: int
    left_out: int
    negative: int

    @property
    def span(self) -> int | None:
        return None if self.first_day is None or self.last_day is None else (self.last_day - self.first_day).days

    def raw_levels(self) -> dict[str, list[tuple[str, list]]]:
        """Every raw value as a level of its own, in the ``top_levels`` layout."""
        return {kind: [(str(raw), [raw]) for raw in raws] for kind, raws in self.levels.items()}


def survey(con, typed: str, *, kinds: list[str], in_time: str) -> Survey | None:
    """The survey of ``typed`` rows, or None when a kind has more than ``LEVEL_CAP`` raw values."""
    kept = f"day IS NOT NULL AND amount IS NOT NULL AND {in_time}"
    tallies = f"MIN(day), MAX(day), COUNT(*), COUNT(*) FILTER (NOT ({kept})), COUNT(*) FILTER ({kept} AND amount < 0)"
    cap = (LEVEL_CAP + 1) ** len(kinds)  # more value combinations than this: some kind has too many values
    if kinds:
        sql = f"SELECT {', '.join(kinds)}, {tallies} FROM ({typed}) GROUP BY ALL LIMIT {cap}"
    else:
        sql = f"SELECT {tallies} FROM ({typed})"
    rows = con.execute(sql).fetchall()
    levels = {kind: sorted({r[i] for r in rows}, key=lambda v: (v is None, str(v))) for i, kind in enumerate(kinds)}
    if (kinds and len(rows) >= cap) or any(len(raws) > LEVEL_CAP for raws in levels.values()):
        return None
    n = len(kinds)
    firsts = [r[n] for r in rows if r[n] is not None]
    lasts = [r[n + 1] for r in rows if r[n + 1] is not None]
    return Survey(
        levels=levels, first_day=min(firsts, default=None), last_day=max(lasts, default=None),
        rows=sum(r[n + 2] for r in rows), left_out=sum(r[n + 3] for r in rows), negative=sum(r[n + 4] for r in rows),
    )


def raw_totals(per_customer: pd.DataFrame, raw_levels: dict) -> dict[str, list[tuple]]:
    """Spend per raw value over all customers, in the ``counts_and_totals`` layout (every row was kept)."""
    return {
        kind: [(raws[0], float(per_customer[f"{kind}_{j}"].sum())) for j, (_, raws) in enumerate(levels)]
        for kind, levels in raw_levels.items()
    }


def fold_levels(per_customer: pd.DataFrame, *, raw_levels: dict, tops: dict) -> pd.DataFrame:
    """The spend columns per top level (``<kind>_<j>``) from the columns per raw value; "other" takes the rest."""
    out = per_customer.drop(columns=[f"{kind}_{j}" for kind, levels in raw_levels.items() for j in range(len(levels))])
    for kind, top in tops.items():
        raws = [levels[0] for _, levels in raw_levels[kind]]
        spend = np.nan_to_num(per_customer[[f"{kind}_{j}" for j in range(len(raws))]].to_numpy(dtype=np.float64))
        named = {raw for key, members in top if key != "other" for raw in members}
        for j, (key, members) in enumerate(top):
            picked = [i for i, raw in enumerate(raws) if (raw not in named if key == "other" else raw in members)]
            out[f"{kind}_{j}"] = spend[:, picked].sum(axis=1)
    return out
