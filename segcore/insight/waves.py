"""Next month's file against last month's: who moved between segments, who is new, who was lost, what changed.

Both waves are customer tables with an id and a segment (``Segmentation.assignments()`` of each wave, or the rows
stored with a saved run), optionally with a value column. Customers are matched on the id. Segment ids are
comparable across waves when the second wave was scored with the first wave's model or refitted with
``segment(previous=...)``; otherwise the table says which segment of one wave the customers of the other went to.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from segcore.errors import SpecError
from segcore.i18n import _, _l
from segcore.insight.compare import NOT_IN_A, NOT_IN_B, compare_runs


@dataclass(frozen=True)
class WaveChange:
    """``moves``: customers from segment (row, earlier wave) to segment (column, later wave), with "not in"
    row/column for new and lost customers; ``value_moves``: the later wave's value carried by the same cells;
    ``kpis``: per segment size, share and mean value in each wave and the change."""

    moves: pd.DataFrame
    value_moves: pd.DataFrame | None
    kpis: pd.DataFrame
    stayed: int
    moved: int
    new: int
    lost: int

    def headline(self) -> str:
        return _("{stayed:,} customers stayed in their segment, {moved:,} moved to another, {new:,} are new and "
                 "{lost:,} were lost.", stayed=self.stayed, moved=self.moved, new=self.new, lost=self.lost)


def wave_changes(
    earlier: pd.DataFrame, later: pd.DataFrame, *, id_column: str, value_column: str | None = None
) -> WaveChange:
    """Compare two waves of the same customers (see the module docstring). Raises SpecError without an id."""
    if id_column not in earlier.columns:
        raise SpecError(_l("The earlier wave has no '{id_column}' column, so customers cannot be followed from one "
                           "wave to the next. Both waves need the same customer id column.", id_column=id_column))
    if id_column not in later.columns:
        raise SpecError(_l("The later wave has no '{id_column}' column, so customers cannot be followed from one "
                           "wave to the next. Both waves need the same customer id column.", id_column=id_column))
    moves = compare_runs(earlier, later, id_column=id_column)
    a = earlier.set_index(earlier[id_column].astype(str))
    b = later.set_index(later[id_column].astype(str))
    both = a.index.intersection(b.index)
    same = int((a.loc[both, "segment"].to_numpy() == b.loc[both, "segment"].to_numpy()).sum())
    new = int(len(b.index.difference(a.index)))
    lost = int(len(a.index.difference(b.index)))
    value_moves = None
    if value_column and value_column in later.columns:
        value_moves = _value_moves(a, b, value_column)
    return WaveChange(
        moves=moves,
        value_moves=value_moves,
        kpis=_kpis(earlier, later, value_column),
        stayed=same,
        moved=int(len(both) - same),
        new=new,
        lost=lost,
    )


def moves_long(table: pd.DataFrame, *, names_a: dict | None = None, names_b: dict | None = None) -> pd.DataFrame:
    """The from/to table as rows (from, to, customers) for a heat map, with segment names where known."""
    long = table.rename_axis(index="from", columns="to").stack().rename("customers").reset_index()
    long["from"] = [_name(v, names_a, NOT_IN_A) for v in long["from"]]
    long["to"] = [_name(v, names_b, NOT_IN_B) for v in long["to"]]
    return long


def _name(value, names: dict | None, missing: str) -> str:
    if value == missing or not names:
        return str(value)
    try:
        return str(names.get(int(value), value))
    except (TypeError, ValueError):
        return str(value)


def _value_moves(a: pd.DataFrame, b: pd.DataFrame, value_column: str) -> pd.DataFrame:
    frame = pd.DataFrame({"to": b["segment"], "value": pd.to_numeric(b[value_column], errors="coerce")})
    frame["from"] = a["segment"].reindex(frame.index).astype(object).where(frame.index.isin(a.index), NOT_IN_A)
    return frame.pivot_table(index="from", columns="to", values="value", aggfunc="sum", fill_value=0.0)


def _kpis(earlier: pd.DataFrame, later: pd.DataFrame, value_column: str | None) -> pd.DataFrame:
    parts = []
    for label, frame in (("earlier", earlier), ("later", later)):
        grouped = frame.groupby("segment")
        part = pd.DataFrame({f"customers_{label}": grouped.size()})
        part[f"share_{label}"] = part[f"customers_{label}"] / max(len(frame), 1)
        if value_column and value_column in frame.columns:
            part[f"mean_value_{label}"] = grouped[value_column].mean()
        parts.append(part)
    kpis = parts[0].join(parts[1], how="outer").fillna({"customers_earlier": 0, "customers_later": 0})
    kpis["customers_change"] = kpis["customers_later"] - kpis["customers_earlier"]
    kpis["share_change_points"] = (kpis["share_later"].fillna(0) - kpis["share_earlier"].fillna(0)) * 100
    if "mean_value_later" in kpis and "mean_value_earlier" in kpis:
        kpis["mean_value_change"] = kpis["mean_value_later"] - kpis["mean_value_earlier"]
    return kpis.reset_index().astype({"customers_earlier": np.int64, "customers_later": np.int64})
