"""Turn a transaction log into one row per customer with DuckDB, out of core: the same table as
``segcore.columns.transactions.to_customers`` (RFM, tenure, average order, units, channel/category shares, RFM
scores and segments), but the log is never loaded: DuckDB streams it and holds one row per customer.

The work is split where it is cheapest and exact:
- DuckDB scans the log a few times (counts of unusable rows, spend per channel/category level, then one GROUP BY
  customer) and returns per-customer sums, first/last dates and order counts;
- the few distinct values whose reading is subtle (dates that are not ISO text, channel/category names) are read
  by the very functions the pandas path uses, on their distinct values only, and joined back as small tables;
- rounding, shares, the top level and the RFM quintile scores are finished in pandas on the customer table, with
  the pandas path's own helpers, so both paths give the same numbers.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import numpy as np
import pandas as pd

from segcore.columns import dates, rfm, rfm_scores
from segcore.columns import transactions as tx
from segcore.errors import DataError, SpecError
from segcore.i18n import _l
from segcore.sql.fromlog import log_recipe
from segcore.sql.logsource import LogSource

Progress = Callable[[float, str], None]
# Rows read for detecting the log's columns; sampled by customer (whole purchase histories) when the log is bigger,
# so repeated customer ids still look repeated.
SAMPLE_ROWS = 50_000
# Seconds between progress reports while the big GROUP BY runs.
POLL_S = 0.5
# DuckDB's memory limit is doubled up to this when the per-customer GROUP BY runs out of memory.
MAX_MEMORY_GB = 8
# Purchase days are counted as one bit per day of the log's span up to this span (~10 years: 458 bytes per
# customer, less than a hash set of their days); longer logs count days with a second GROUP BY.
BITMAP_MAX_DAYS = 3660


def detect_columns(src: LogSource) -> tx.TransactionColumns | None:
    """``detect_transactions`` on a sample of whole customer histories (or on the whole log when it is small)."""
    con, rel = src.connection, src.relation
    n = int(con.execute(f"SELECT COUNT(*) FROM {rel}").fetchone()[0])
    names = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {rel}").fetchall()]
    hinted = [
        c for c in names if tx.customer_named(c)
    ]
    if n <= SAMPLE_ROWS:
        sample = con.execute(f"SELECT * FROM {rel}").df()
    elif hinted:
        buckets = max(1, n // SAMPLE_ROWS)
        sample = con.execute(f"SELECT * FROM {rel} WHERE hash({_ident(hinted[0])}) % {buckets} = 0 LIMIT {2 * SAMPLE_ROWS}").df()
    else:
        sample = con.execute(f"SELECT * FROM {rel} LIMIT {SAMPLE_ROWS}").df()
    return tx.detect_transactions(sample)


def customers_from_log(
    src: LogSource,
    *,
    columns: tx.TransactionColumns | None = None,
    as_of: object = None,
    progress: Progress | None = None,
) -> rfm.CustomerTable:
    """One row per customer from the log behind ``src``; same rules, notes and errors as ``to_customers``.

    Distinct-order counts per customer cannot spill to disk, so millions of customers can need more than DuckDB's
    first memory limit: on running out, the limit is doubled (up to ``MAX_MEMORY_GB``) and the work starts again."""
    import duckdb

    report = progress or (lambda fraction, message: None)
    value, unit = src.connection.execute("SELECT current_setting('memory_limit')").fetchone()[0].split()
    limit = float(value) * {"KiB": 1 / 1024**2, "MiB": 1 / 1024, "GiB": 1.0, "TiB": 1024.0}.get(unit, 1.0)
    while True:
        try:
            return _customers_from_log(src, columns=columns, as_of=as_of, report=report)
        except duckdb.OutOfMemoryException:
            limit *= 2
            if limit > MAX_MEMORY_GB:
                raise
            src.connection.execute(f"SET memory_limit = '{limit * 1024:.0f}MiB'")
            report(0.0, f"Out of memory: starting again with {limit:.2g} GiB for DuckDB")


def _customers_from_log(src: LogSource, *, columns, as_of, report: Progress) -> rfm.CustomerTable:
    con, rel = src.connection, src.relation
    report(0.0, "Reading the log's columns")
    columns = columns or detect_columns(src)
    if columns is None:
        raise DataError(
            _l(
                "This table does not look like a transaction log: it needs a customer id that repeats, a "
                "date and an amount (or a unit price and a quantity). Choose these columns by hand, or load "
                "a customer table instead.",
            )
        )
    types = {r[0]: str(r[1]).upper() for r in con.execute(f"DESCRIBE SELECT * FROM {rel}").fetchall()}
    missing = [c for c in columns.used() if c not in types]
    if missing:
        raise SpecError(
            _l(
                "The transaction columns {missing} are not in the table. Available columns: {types}. Pick "
                "columns that exist.",
                missing=', '.join(map(repr, missing)), types=', '.join(types),
            )
        )
    notes: list[str] = []
    report(0.05, "Reading dates and levels")
    joins, day = _date_expression(con, rel, columns.date, types[columns.date])
    kinds = {kind: col for kind, col in (("channel", columns.channel), ("category", columns.category)) if col}
    amount = _amount_expression(columns, types, notes)
    order = f"CAST({_ident(columns.order)} AS VARCHAR)" if columns.order else "NULL"
    quantity = f"TRY_CAST({_ident(columns.quantity)} AS DOUBLE)" if columns.quantity else "NULL"
    levels = "".join(f", CAST({_ident(col)} AS VARCHAR) AS {kind}" for kind, col in kinds.items())
    typed = (
        f"SELECT {_id_expression(columns.customer, types[columns.customer])} AS customer, {day} AS day, "
        f"CAST({_ident(columns.date)} AS VARCHAR) AS raw_date, {_ident(columns.date)} IS NULL AS date_blank, {amount} AS amount, {order} AS order_id, "
        f"{quantity} AS quantity{levels} FROM {rel} {' '.join(joins)}"
    )

    report(0.1, "Counting rows that cannot be used")
    usable = "customer IS NOT NULL AND day IS NOT NULL AND amount IS NOT NULL"
    as_of_ts = None if as_of is None else _as_of(as_of, None, 0)
    in_time = "TRUE" if as_of_ts is None else f"day < {_date_sql(as_of_ts)}"
    cancel = "regexp_matches(trim(order_id), '^[Cc]\\d')" if columns.order else "FALSE"
    kept_rows = f"{usable} AND {in_time}"
    counts = (
        f"COUNT(*), COUNT(*) FILTER (customer IS NULL), "
        f"COUNT(*) FILTER (customer IS NOT NULL AND day IS NULL), "
        f"COUNT(*) FILTER (customer IS NOT NULL AND day IS NULL AND date_blank), "  # not raw_date: no text cast
        f"COUNT(*) FILTER (customer IS NOT NULL AND day IS NOT NULL AND amount IS NULL), "
        f"MAX(day) FILTER ({usable}), COUNT(*) FILTER ({usable} AND NOT ({in_time})), "
        f"COUNT(*) FILTER ({kept_rows}), COUNT(*) FILTER ({kept_rows} AND amount < 0), "
        f"COUNT(*) FILTER ({kept_rows} AND {cancel}), "
        f"COUNT(*) FILTER ({kept_rows} AND NOT {cancel} AND regexp_full_match(trim(order_id), '\\d+(\\.0+)?')), "
        f"COUNT(*) FILTER ({kept_rows} AND (order_id IS NULL OR NOT {cancel})), "
        f"COUNT(*) FILTER ({kept_rows} AND {cancel} AND amount > 0), MIN(day) FILTER ({usable})"
    )
    # one pass: the counts and the spend per channel/category value
    stats, totals = _counts_and_totals(
        con, typed, counts, f"GREATEST(amount, 0)) FILTER ({kept_rows}", list(kinds), kept_at=7, max_at=5, min_at=13
    )
    n_rows, n_no_id, n_bad_date, n_blank, n_no_amount, last_day = stats[:6]
    n_late, n_kept, n_negative, n_cancel, n_plain, n_other, n_flip, first_day = stats[6:]
    if n_rows == 0:
        raise DataError(
            _l(
                "The transaction log is empty: there are no rows to build customers from. Load a file with "
                "data.",
            )
        )
    if n_no_id:
        notes.append(f"{n_no_id:,} rows had no customer id and were left out.")
    if n_bad_date:
        examples = _bad_date_examples(con, typed) if n_blank < n_bad_date else ""
        detail = f"{n_bad_date - n_blank:,} unreadable{examples}" if n_blank < n_bad_date else ""
        detail = ", ".join(p for p in (detail, f"{n_blank:,} blank" if n_blank else "") if p)
        notes.append(f"{n_bad_date:,} rows had no usable date in '{columns.date}' ({detail}) and were left out.")
    if n_no_amount:
        notes.append(f"{n_no_amount:,} rows had no amount and were left out.")
    if as_of_ts is None:
        as_of_ts = _as_of(None, last_day, n_rows)
    elif n_late:
        notes.append(f"{n_late:,} rows are dated on or after the as-of date {as_of_ts.date()} and were left out.")
    if n_kept == 0:
        raise rfm.no_rows_error(n_rows)
    kept = f"SELECT * FROM ({typed}) WHERE {kept_rows}"
    if n_cancel and n_plain >= 0.9 * n_other:  # cancelled invoices ("C536379") count as negative
        notes.append(f"{n_cancel:,} rows belong to cancelled invoices (ids starting with 'C').")
        if n_flip:
            notes.append(f"{n_flip:,} cancelled lines had a positive amount and were counted as negative.")
            n_negative += n_flip
        if kinds:  # spend per level changes with the netting: count it again
            netted = f"GREATEST(CASE WHEN {cancel} AND amount > 0 THEN -amount ELSE amount END, 0))"
            totals = _counts_and_totals(con, kept, "COUNT(*)", netted, list(kinds), kept_at=0)[1]
        kept = f"SELECT * REPLACE (CASE WHEN {cancel} AND amount > 0 THEN -amount ELSE amount END AS amount) FROM ({kept})"
    if n_negative:
        notes.append(
            f"{n_negative:,} rows are returns or cancellations (negative amounts); they are netted into monetary, "
            "not counted as orders."
        )

    report(0.2, "Finding the main channels and categories")
    tops = _top_levels(totals)
    report(0.3, "Adding up every customer's purchases")
    span = None if first_day is None or last_day is None else (last_day - first_day).days
    per_customer = _run_with_progress(
        con, _aggregation(kept, columns, tops, first_day=first_day, span=span), report, start=0.3, end=0.9
    )
    report(0.9, "Scoring recency, frequency and monetary value")
    table = _finish(per_customer, columns, tops, as_of_ts, notes)
    table.attrs["segcore_log_recipe"] = log_recipe(columns, tops, cancellations=bool(n_cancel and n_plain >= 0.9 * n_other))
    report(1.0, "Done")
    return rfm.CustomerTable(
        df=table, columns=columns, as_of=as_of_ts, notes=tuple(notes), rows_dropped=int(n_rows - n_kept)
    )


# ---------------------------------------------------------------------------------------------------- reading


def _ident(name: str) -> str:
    return '"' + str(name).replace('"', '""') + '"'


def _id_expression(name: str, dtype: str) -> str:
    """Customer ids as clean text, as ``_normalise_ids`` makes them: 12345.0 -> '12345', ' 42 ' -> '42'."""
    col = _ident(name)
    if dtype in ("FLOAT", "DOUBLE") or dtype.startswith("DECIMAL"):
        return (
            f"CASE WHEN {col} IS NULL OR NOT isfinite(CAST({col} AS DOUBLE)) THEN NULL "
            f"WHEN {col} = round({col}) THEN CAST(CAST({col} AS HUGEINT) AS VARCHAR) ELSE CAST({col} AS VARCHAR) END"
        )
    raw = f"CAST({col} AS VARCHAR)"
    if not (dtype == "VARCHAR" or dtype.startswith("VARCHAR")):
        return raw
    full = f"NULLIF(regexp_replace(trim({raw}), '^(-?\\d+)\\.0+$', '\\1'), '')"
    # the regular expression only runs on the few ids that can need it (a dot, an edge space, blank)
    needs = f"contains({raw}, '.') OR starts_with({raw}, ' ') OR ends_with({raw}, ' ') OR {raw} = ''"
    return f"CASE WHEN {needs} THEN {full} ELSE {raw} END"


def _date_expression(con, rel: str, name: str, dtype: str) -> tuple[list[str], str]:
    """The purchase day; text that is not ISO and YYYYMMDD numbers are read by the pandas path's own parser."""
    col = _ident(name)
    lo, hi = dates.MIN_YEAR, dates.MAX_YEAR
    if dtype == "DATE" or dtype.startswith("TIMESTAMP"):
        day = f"CAST({col} AS DATE)"
        return [], f"CASE WHEN year({day}) BETWEEN {lo} AND {hi} THEN {day} END"
    iso = f"TRY_CAST(trim(CAST({col} AS VARCHAR)) AS TIMESTAMP)"
    iso_day = f"CASE WHEN year({iso}) BETWEEN {lo} AND {hi} THEN CAST({iso} AS DATE) END"
    distinct = con.execute(
        f"SELECT DISTINCT {col} AS raw FROM {rel} WHERE {col} IS NOT NULL AND ({iso_day}) IS NULL"
    ).df()["raw"]
    if distinct.empty:
        return [], iso_day
    parsed = dates.parse_dates(distinct.reset_index(drop=True))
    mapping = pd.DataFrame({"raw": distinct.astype(str).to_numpy(), "day": parsed.dt.floor("D").to_numpy()})
    con.register("date_map_df", mapping)
    con.execute("CREATE OR REPLACE TEMP TABLE date_map AS SELECT raw, CAST(day AS DATE) AS day FROM date_map_df")
    con.unregister("date_map_df")
    join = f"LEFT JOIN date_map ON CAST({col} AS VARCHAR) = date_map.raw"
    return [join], f"COALESCE({iso_day}, date_map.day)"


def _amount_expression(columns: tx.TransactionColumns, types: dict, notes: list[str]) -> str:
    if columns.price is not None:
        notes.append(f"There is no amount column, so each line's amount is {columns.quantity} x {columns.price}.")
        value = f"TRY_CAST({_ident(columns.quantity)} AS DOUBLE) * TRY_CAST({_ident(columns.price)} AS DOUBLE)"
    else:
        value = f"TRY_CAST({_ident(columns.amount)} AS DOUBLE)"
    return f"CASE WHEN isfinite({value}) THEN {value} END"


def _bad_date_examples(con, typed: str) -> str:
    rows = con.execute(
        f"SELECT DISTINCT raw_date FROM ({typed}) WHERE customer IS NOT NULL AND day IS NULL AND raw_date IS NOT NULL "
        f"LIMIT {rfm.EXAMPLES_SHOWN}"
    ).fetchall()
    shown = [repr(str(r[0])) for r in rows]
    return f" (for example {', '.join(shown)})" if shown else ""


def _date_sql(ts: pd.Timestamp) -> str:
    return f"DATE '{ts.date().isoformat()}'"


def _as_of(as_of: object, last_day, n_rows: int) -> pd.Timestamp:
    if as_of is None:
        if last_day is None:
            raise rfm.no_rows_error(n_rows)
        return pd.Timestamp(last_day).normalize() + pd.Timedelta(days=1)
    try:
        ts = pd.Timestamp(as_of)
    except (ValueError, TypeError) as exc:
        raise SpecError(_l(
            "The as-of date {as_of!r} is not a date. Use a date such as '2026-10-31'.",
            as_of=as_of,
        )) from exc
    if ts.tzinfo is not None:
        ts = ts.tz_convert(None)
    return ts.normalize()


def _counts_and_totals(
    con,
    relation: str,
    counts: str,
    spend: str,
    kinds: list[str],
    *,
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


def _top_levels(totals: dict) -> dict[str, list[tuple[str, list]]]:
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


def _aggregation(kept: str, columns: tx.TransactionColumns, tops: dict, *, first_day, span: int | None) -> str:
    """One GROUP BY customer. Orders are counted without COUNT(DISTINCT), which cost DuckDB five times the rest of
    the query (a hash set per customer): purchase days as one bit per day of the log's span when that span is
    short (``BITMAP_MAX_DAYS``), else a first GROUP BY customer and order that the second one counts."""
    indexes = []
    level_sums = []
    for kind, top in tops.items():
        # each row's level as a small number, worked out once; "other" takes every value outside the top levels
        whens = " ".join(f"WHEN {_raw_test(kind, raws)} THEN {j}" for j, (key, raws) in enumerate(top) if raws)
        keys = [key for key, _ in top]
        fallback = keys.index("other") if "other" in keys else "NULL"
        indexes.append(f"CASE {whens} ELSE {fallback} END AS {kind}_ix" if whens else f"{fallback} AS {kind}_ix")
        level_sums.extend(f"{kind}_{j}" for j in range(len(top)))
    if indexes:
        kept = f"SELECT *, {', '.join(indexes)} FROM ({kept})"
    spend = [f"SUM(CASE WHEN {name.rsplit('_', 1)[0]}_ix = {name.rsplit('_', 1)[1]} THEN GREATEST(amount, 0) "
             f"ELSE 0 END) AS {name}" for name in level_sums]  # fmt: skip
    if columns.order is None and span is not None and span <= BITMAP_MAX_DAYS:
        offset = f"CAST(day - {_date_sql(pd.Timestamp(first_day))} AS INTEGER)"
        parts = [
            "customer",
            "SUM(amount) AS monetary",
            "MIN(day) FILTER (amount > 0) AS first_buy",
            "MAX(day) FILTER (amount > 0) AS last_buy",
            "MIN(day) AS first_any",
            "MAX(day) AS last_any",
            f"COALESCE(bit_count(bitstring_agg({offset}, 0, {span}) FILTER (amount > 0)), 0) AS frequency",
            "SUM(COALESCE(quantity, 0)) AS units",
            *spend,
        ]
        return f"SELECT {', '.join(parts)} FROM ({kept}) GROUP BY customer"
    # lines without an order id count as one order per customer and day
    key = "COALESCE('o' || order_id, 'd' || CAST(day AS VARCHAR))" if columns.order is not None else "day"
    inner = [
        "customer",
        "SUM(amount) AS monetary",
        "MIN(day) FILTER (amount > 0) AS first_buy",
        "MAX(day) FILTER (amount > 0) AS last_buy",
        "MIN(day) AS first_any",
        "MAX(day) AS last_any",
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
    per_order = f"SELECT {', '.join(inner)} FROM ({kept}) GROUP BY customer, {key}"
    return f"SELECT {', '.join(outer)} FROM ({per_order}) GROUP BY customer"


def _raw_test(kind: str, raws: list) -> str:
    """True for rows whose raw level is one of ``raws`` (None: missing)."""
    tests = []
    values = [r for r in raws if r is not None]
    if values:
        tests.append(f"{kind} IN ({', '.join(_text(v) for v in values)})")
    if len(values) < len(raws):
        tests.append(f"{kind} IS NULL")
    return "(" + (" OR ".join(tests) or "FALSE") + ")"


def _text(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def _run_with_progress(con, sql: str, report: Progress, *, start: float, end: float) -> pd.DataFrame:
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
            report(round(start + (end - start) * min(done, 100.0) / 100.0, 4), "Adding up every customer's purchases")
    if "error" in result:
        raise result["error"]
    return result["df"]


# ---------------------------------------------------------------------------------------------------- finishing


def _finish(agg: pd.DataFrame, columns, tops: dict, as_of: pd.Timestamp, notes: list[str]) -> pd.DataFrame:
    """The customer table from per-customer sums: same columns, order, rounding and scores as ``to_customers``."""
    ids = agg["customer"].to_numpy(dtype=object)
    order = pd.Index(ids).get_indexer(rfm.sort_ids(ids))
    agg = agg.iloc[order].reset_index(drop=True)
    n = len(agg)

    def days(name: str) -> np.ndarray:
        return agg[name].to_numpy(dtype="datetime64[D]").astype("datetime64[D]")

    no_buy = agg["first_buy"].isna().to_numpy()
    first = np.where(no_buy, days("first_any"), days("first_buy"))
    last = np.where(no_buy, days("last_any"), days("last_buy"))
    if no_buy.any():
        notes.append(
            f"{int(no_buy.sum()):,} customers have only returns or zero-value rows; they are kept with frequency 0 "
            "and dated by their last activity."
        )
    notes.append(f"Frequency counts {'distinct orders' if columns.order else 'distinct purchase days'} with a "
                 "positive amount.")  # fmt: skip
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
        frame, top_level = rfm.share_columns(grid, top, kind=kind, existing=existing)
        for name in frame.columns:
            table[name] = frame[name].to_numpy()
        existing.extend(frame.columns)
        best[top_level.name] = top_level.array
    for name, values in best.items():
        table[name] = values
    table = rfm_scores.add_scores(table)
    return table.rename(columns={"customer": columns.customer})
