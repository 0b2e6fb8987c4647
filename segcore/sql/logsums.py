"""The aggregation queries over a transaction log in DuckDB: one pass for the counts of unusable rows and the spend
per channel/category value, the choice of the top levels, and the GROUP BY customer that returns per-customer sums,
first/last dates and order counts (run with DuckDB's own progress estimate)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, NamedTuple

import pandas as pd

from segcore.columns import rfm
from segcore.columns import transactions as tx
from segcore.i18n import gettext
from segcore.sql.logread import date_sql

Progress = Callable[[float, str], None]
# Seconds between progress reports while the big GROUP BY runs.
POLL_S = 0.5
# Purchase days are counted as one bit per day of the log's span up to this span (~10 years: 458 bytes per
# customer, less than a hash set of their days); longer logs count days with a second GROUP BY.
BITMAP_MAX_DAYS = 3660


class LogCounts(NamedTuple):
    """The counts pass over every row of the log, one field per figure (its SQL aggregate, then its value)."""

    rows: Any
    no_id: Any
    bad_date: Any
    blank_date: Any
    no_amount: Any
    last_day: Any
    late: Any
    kept: Any
    negative: Any
    cancel: Any
    plain: Any
    other: Any
    flip: Any
    first_day: Any

    @classmethod
    def at(cls, name: str) -> int:
        return cls._fields.index(name)


def counts_and_totals(
    con,
    relation: str,
    *,
    counts: str,
    spend: str,
    kinds: list[str],
    kept_at: int,
    max_at: int | None = None,
    min_at: int | None = None,
) -> tuple[tuple, dict]:
    """The ``counts`` over all rows, and ``SUM(spend`` per raw value of each kind, in one pass over the log.

    Grouped by every kind's raw value at once (a few dozen groups): the counts add up across groups (``max_at`` is
    the one maximum, ``min_at`` the one minimum), and values seen only on rows that are left out are not levels (``counts[kept_at]``)."""
    if not kinds:
        return con.execute(f"SELECT {counts} FROM ({relation})").fetchone(), {}
    rows = con.execute(f"SELECT {', '.join(kinds)}, SUM({spend}), {counts} FROM ({relation}) GROUP BY ALL").fetchall()
    n = len(kinds)
    stats = [r[n + 1 :] for r in rows]
    overall = []
    for j in range(len(stats[0]) if stats else 0):
        values = [s[j] for s in stats if s[j] is not None]
        if j in (max_at, min_at):
            overall.append(((max if j == max_at else min)(values)) if values else None)
        else:
            overall.append(sum(values))
    totals = {}
    for i, kind in enumerate(kinds):
        spend_by, kept_by = {}, {}
        for r in rows:
            spend_by[r[i]] = spend_by.get(r[i], 0.0) + float(r[n] or 0.0)
            kept_by[r[i]] = kept_by.get(r[i], 0) + r[n + 1 + kept_at]
        totals[kind] = [(value, total) for value, total in spend_by.items() if kept_by[value] > 0]
    return tuple(overall), totals


def top_levels(totals: dict) -> dict[str, list[tuple[str, list]]]:
    """Per kind, the ``TOP_LEVELS`` level keys with the most purchase spend (ties by name), plus "other" when
    more exist; each key with the raw values that read as it ('Web ', 'web' -> 'web')."""
    out = {}
    for kind, mine in totals.items():
        raws = [raw for raw, _ in mine]
        keys = rfm.level_key(pd.Series(raws, dtype=object)).tolist()
        sums = pd.Series([v for _, v in mine], index=keys, dtype=float).groupby(level=0).sum().sort_index()
        order = list(sums.sort_values(ascending=False, kind="stable").index)
        top = order[: rfm.TOP_LEVELS]
        if len(order) > len(top) and "other" not in top:
            top.append("other")
        out[kind] = [(key, [raw for raw, k in zip(raws, keys, strict=True) if k == key]) for key in top]
    return out


def per_customer_query(kept: str, columns: tx.TransactionColumns, *, tops: dict, first_day, span: int | None) -> str:
    """One GROUP BY customer. Orders are counted without COUNT(DISTINCT), which cost DuckDB five times the rest of
    the query (a hash set per customer): purchase days as one bit per day of the log's span when that span is
    short (``BITMAP_MAX_DAYS``), else a first GROUP BY customer and order that the second one counts. Level spend
    is missing (not 0) for customers without a row of that level: COALESCE on every sum cost CPU."""
    level_sums = [f"{kind}_{j}" for kind, top in tops.items() for j in range(len(top))]
    # each purchase row's level of each kind is looked up once (``level_index``); a test of the raw values in every
    # level's FILTER cost about a second more at 20M rows
    spend = [f"SUM(amount) FILTER ({kind}_ix = {j}) AS {kind}_{j}" for kind, top in tops.items() for j in range(len(top))]
    indexed = ", ".join([f"{level_index(kind, top)} AS {kind}_ix" for kind, top in tops.items()])
    rows = f"SELECT *, {indexed} FROM ({kept})" if tops else kept
    per_customer = [  # both ways: value and the first and last days, with and without a purchase
        "customer",
        "SUM(amount) AS monetary",
        "MIN(day) FILTER (amount > 0) AS first_buy",
        "MAX(day) FILTER (amount > 0) AS last_buy",
        "MIN(day) AS first_any",
        "MAX(day) AS last_any",
    ]
    if columns.order is None and span is not None and span <= BITMAP_MAX_DAYS:
        offset = f"CAST(day - {date_sql(pd.Timestamp(first_day))} AS INTEGER)"
        parts = [
            *per_customer,
            f"COALESCE(bit_count(bitstring_agg({offset}, 0, {span}) FILTER (amount > 0)), 0) AS frequency",
            "SUM(COALESCE(quantity, 0)) AS units",
            *spend,
        ]
        return f"SELECT {', '.join(parts)} FROM ({rows}) GROUP BY customer"
    # lines without an order id count as one order per customer and day
    key = "COALESCE('o' || order_id, 'd' || CAST(day AS VARCHAR))" if columns.order is not None else "day"
    inner = [
        *per_customer,
        "bool_or(amount > 0) AS bought",
        "SUM(COALESCE(quantity, 0)) AS units",
        *spend,
    ]
    outer = [
        "customer",
        "SUM(monetary) AS monetary",
        "MIN(first_buy) AS first_buy",
        "MAX(last_buy) AS last_buy",
        "MIN(first_any) AS first_any",
        "MAX(last_any) AS last_any",
        "COUNT(*) FILTER (bought) AS frequency",
        "SUM(units) AS units",
        *(f"SUM({name}) AS {name}" for name in level_sums),
    ]
    per_order = f"SELECT {', '.join(inner)} FROM ({rows}) GROUP BY customer, {key}"
    return f"SELECT {', '.join(outer)} FROM ({per_order}) GROUP BY customer"


def level_index(kind: str, top: list[tuple[str, list]]) -> str:
    """The position in ``top`` of a purchase row's level of ``kind`` (NULL for rows that are no purchase, or whose
    level is none of ``top``): the raw values' own level, else "other" (missing included) when it is one of them."""
    other = next((j for j, (key, _) in enumerate(top) if key == "other"), None)
    fallback = "NULL" if other is None else str(other)
    raws, positions = [], []
    missing = fallback
    for j, (key, values) in enumerate(top):
        if key == "other":
            continue
        for raw in values:
            if raw is None:
                missing = str(j)
            else:
                raws.append(_text(raw))
                positions.append(str(j))
    found = f"[{', '.join(positions)}][list_position([{', '.join(raws)}], {kind})]" if raws else "NULL"
    return (
        f"CASE WHEN amount > 0 THEN CASE WHEN {kind} IS NULL THEN {missing} "
        f"ELSE COALESCE({found}, {fallback}) END END"
    )


def _text(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def run_with_progress(con, sql: str, *, report: Progress, start: float, end: float) -> pd.DataFrame:
    """Run the query in a worker thread and report DuckDB's own progress estimate while it runs."""
    result: dict = {}

    def work() -> None:
        try:
            result["df"] = con.execute(sql).df()
        except Exception as error:  # handed back to the caller's thread below
            result["error"] = error

    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    while worker.is_alive():
        worker.join(POLL_S)
        done = con.query_progress() if worker.is_alive() else 100.0
        if done is not None and done >= 0:
            report(round(start + (end - start) * min(done, 100.0) / 100.0, 4), gettext("Adding up every customer's purchases"))
    if "error" in result:
        raise result["error"]
    return result["df"]
