"""The customer table from the per-customer sums DuckDB returns: the same columns, order, rounding, shares and RFM
scores as the pandas path (``segcore.columns.rfm.to_customers``), with that path's own helpers."""

from __future__ import annotations

import numpy as np
import pandas as pd

from segcore.columns import lognotes, rfm, rfm_scores


def finish_customers(
    agg: pd.DataFrame, columns, *, tops: dict, as_of: pd.Timestamp, notes: list[str]
) -> pd.DataFrame:
    """The customer table from per-customer sums: same columns, order, rounding and scores as ``to_customers``."""
    ids = agg["customer"].to_numpy(dtype=object)
    order = rfm.id_order(ids)
    agg = agg.iloc[order].reset_index(drop=True)
    n = len(agg)

    def days(name: str) -> np.ndarray:
        return agg[name].to_numpy(dtype="datetime64[D]").astype("datetime64[D]")

    no_buy = agg["first_buy"].isna().to_numpy()
    first = np.where(no_buy, days("first_any"), days("first_buy"))
    last = np.where(no_buy, days("last_any"), days("last_buy"))
    if no_buy.any():
        notes.append(lognotes.only_returns(int(no_buy.sum())))
    notes.append(lognotes.frequency(by_order=columns.order is not None))
    as_of_day = np.datetime64(as_of.date(), "D")
    monetary = agg["monetary"].to_numpy(dtype=np.float64)
    frequency = agg["frequency"].to_numpy(dtype=np.int64)
    table = pd.DataFrame(
        {
            "customer": pd.array(ids[order], dtype="str"),
            "recency_days": (as_of_day - last).astype(np.int64),
            "frequency": frequency,
            "monetary": np.round(monetary, 2),
            "tenure_days": (as_of_day - first).astype(np.int64),
            "avg_order_value": np.round(monetary / np.maximum(frequency, 1), 2),
        }
    )
    if columns.quantity is not None and columns.price is None:
        table.insert(6, "units", agg["units"].to_numpy(dtype=np.float64))
    existing = list(table.columns)
    best = {}
    for kind, top_raws in tops.items():
        top = [key for key, _ in top_raws]
        grid = agg[[f"{kind}_{j}" for j in range(len(top))]].to_numpy(dtype=np.float64).reshape(n, len(top))
        grid = np.nan_to_num(grid, nan=0.0)  # no row of that level: missing from the GROUP BY
        frame, top_level = rfm.share_columns(grid, top, kind=kind, existing=existing)
        for name in frame.columns:
            table[name] = frame[name].to_numpy()
        existing.extend(frame.columns)
        best[top_level.name] = top_level.array
    for name, values in best.items():
        table[name] = values
    table = rfm_scores.add_scores(table)
    return table.rename(columns={"customer": columns.customer})
