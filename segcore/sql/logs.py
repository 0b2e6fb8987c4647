"""Turn a transaction log into one row per customer with DuckDB, out of core: the same table as
``segcore.columns.transactions.to_customers`` (RFM, tenure, average order, units, channel/category shares, RFM
scores and segments), but the log is never loaded: DuckDB streams it and holds one row per customer.

The work is split where it is cheapest and exact:
- DuckDB scans the log a few times (counts of unusable rows, spend per channel/category level, then one GROUP BY
  customer on the raw ids) and returns per-customer sums, first/last dates and order counts; a log without order
  ids is read twice only (a quick survey of its levels and days, then the GROUP BY with spend per raw level,
  ``logsurvey``), the counts pass running only when rows are left out;
- the few distinct values whose reading is subtle (dates that are not ISO text, channel/category names) are read
  by the very functions the pandas path uses, on their distinct values only, and joined back as small tables;
- rounding, shares, the top level and the RFM quintile scores are finished in pandas on the customer table, with
  the pandas path's own helpers, so both paths give the same numbers.

This module puts the steps together; how a row is read is in ``logread``, the queries in ``logsums``, the
finishing in ``logfinish``.
"""

from __future__ import annotations

from segcore.columns import lognotes, rfm
from segcore.columns import transactions as tx
from segcore.errors import DataError, SpecError
from segcore.i18n import _l, gettext
from segcore.sql.duckmemory import retry_ceiling_gib
from segcore.sql.fromlog import log_recipe
from segcore.sql.logfinish import finish_customers
from segcore.sql.logread import (
    amount_expression,
    bad_date_examples,
    clean_keys,
    date_expression,
    date_sql,
    id_expression,
    id_key_expression,
    ident,
    resolve_as_of,
)
from segcore.sql.logsource import LogSource
from segcore.sql.logsums import (
    LogCounts,
    Progress,
    counts_and_totals,
    per_customer_query,
    run_with_progress,
    top_levels,
)
from segcore.sql.logsurvey import fold_levels, raw_totals, survey

# Rows read for detecting the log's columns; sampled by customer (whole purchase histories) when the log is bigger,
# so repeated customer ids still look repeated.
SAMPLE_ROWS = 50_000
SAMPLE_SCAN_ROWS = 20 * SAMPLE_ROWS


def detect_columns(src: LogSource) -> tx.TransactionColumns | None:
    """``detect_transactions`` on a sample of whole customer histories (or on the whole log when it is small)."""
    con, rel = src.connection, src.relation
    n = int(con.execute(f"SELECT COUNT(*) FROM {rel}").fetchone()[0])
    described = con.execute(f"DESCRIBE SELECT * FROM {rel}").fetchall()
    names = [name for name, kind, *_ in described if not _nested(kind)]  # lists, structs, maps are never log columns
    if not names:
        return None
    hinted = [c for c in names if tx.customer_named(c)]
    picked = ", ".join(ident(c) for c in names)
    if n <= SAMPLE_ROWS:
        sample = con.execute(f"SELECT {picked} FROM {rel}").df()
    elif hinted:
        # whole histories within the first SAMPLE_SCAN_ROWS rows read (hashing every id of a big log costs
        # seconds); when ids do not repeat there yet (many customers, few rows each), within the whole log
        found = tx.detect_transactions(_histories(con, f"SELECT {picked} FROM {rel} LIMIT {SAMPLE_SCAN_ROWS}",
                                                  rows=min(n, SAMPLE_SCAN_ROWS), customer=hinted[0]))
        if found is not None or n <= SAMPLE_SCAN_ROWS:
            return found
        sample = _histories(con, f"SELECT {picked} FROM {rel}", rows=n, customer=hinted[0])
    else:
        sample = con.execute(f"SELECT {picked} FROM {rel} LIMIT {SAMPLE_ROWS}").df()
    return tx.detect_transactions(sample)


def _histories(con, relation: str, *, rows: int, customer: str):
    """About SAMPLE_ROWS rows of ``relation``: every row of one customer in ``rows // SAMPLE_ROWS``."""
    buckets = max(1, rows // SAMPLE_ROWS)
    return con.execute(
        f"SELECT * FROM ({relation}) WHERE hash({ident(customer)}) % {buckets} = 0 LIMIT {2 * SAMPLE_ROWS}"
    ).df()


def _nested(duckdb_type: str) -> bool:
    return duckdb_type.endswith("]") or duckdb_type.startswith(("STRUCT", "MAP", "UNION"))


def customers_from_log(
    src: LogSource,
    *,
    columns: tx.TransactionColumns | None = None,
    as_of: object = None,
    progress: Progress | None = None,
) -> rfm.CustomerTable:
    """One row per customer from the log behind ``src``; same rules, notes and errors as ``to_customers``.

    Per-customer distinct-day and distinct-order states cannot spill to disk, so millions of customers can need more
    than DuckDB's first memory limit: on running out, the limit is doubled (up to ``retry_ceiling_gib``) and the GROUP BY
    customer runs again (the passes before it are kept); anything else that runs out starts the work again."""
    import duckdb

    report = progress or (lambda fraction, message: None)
    while True:
        try:
            return _customers_from_log(src, columns=columns, as_of=as_of, report=report)
        except duckdb.OutOfMemoryException:
            if not _more_memory(src.connection, report):
                raise


def _more_memory(con, report: Progress, *, at: float = 0.0) -> bool:
    """Double DuckDB's memory limit and say so; False when that would pass ``retry_ceiling_gib()``."""
    value, unit = con.execute("SELECT current_setting('memory_limit')").fetchone()[0].split()
    limit = 2 * float(value) * {"KiB": 1 / 1024**2, "MiB": 1 / 1024, "GiB": 1.0, "TiB": 1024.0}.get(unit, 1.0)
    if limit > retry_ceiling_gib():
        return False
    con.execute(f"SET memory_limit = '{limit * 1024:.0f}MiB'")
    report(at, gettext("Out of memory: starting again with {limit} GiB for DuckDB", limit=format(limit, ".2g")))
    return True


def _grouped_per_customer(con, sql: str, report: Progress):
    """The GROUP BY customer, run again with more memory when it runs out, without redoing the passes before it."""
    import duckdb

    while True:
        try:
            return run_with_progress(con, sql, report=report, start=0.3, end=0.9)
        except duckdb.OutOfMemoryException:
            if not _more_memory(con, report, at=0.3):
                raise


def _customers_from_log(src: LogSource, *, columns, as_of, report: Progress) -> rfm.CustomerTable:
    con, rel = src.connection, src.relation
    report(0.0, gettext("Reading the log's columns"))
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
    report(0.05, gettext("Reading dates and levels"))
    joins, day = date_expression(con, rel, name=columns.date, dtype=types[columns.date])
    kinds = {kind: col for kind, col in (("channel", columns.channel), ("category", columns.category)) if col}
    amount = amount_expression(columns, types, notes=notes)
    order = f"CAST({ident(columns.order)} AS VARCHAR)" if columns.order else "NULL"
    quantity = f"TRY_CAST({ident(columns.quantity)} AS DOUBLE)" if columns.quantity else "NULL"
    levels = "".join(f", CAST({ident(col)} AS VARCHAR) AS {kind}" for kind, col in kinds.items())
    id_type = types[columns.customer]

    def typed_rows(customer: str) -> str:
        return (
            f"SELECT {customer} AS customer, {day} AS day, CAST({ident(columns.date)} AS VARCHAR) AS raw_date, "
            f"{ident(columns.date)} IS NULL AS date_blank, {amount} AS amount, {order} AS order_id, "
            f"{quantity} AS quantity{levels} FROM {rel} {' '.join(joins)}"
        )

    # raw ids (missing where the clean id is missing): cleaning every row's id cost more than the GROUP BY
    typed = typed_rows(id_key_expression(columns.customer, id_type))

    readable = "day IS NOT NULL AND amount IS NOT NULL"
    usable = f"customer IS NOT NULL AND {readable}"
    as_of_ts = None if as_of is None else resolve_as_of(as_of, last_day=None, n_rows=0)
    in_time = "TRUE" if as_of_ts is None else f"day < {date_sql(as_of_ts)}"
    cancel = "regexp_matches(trim(order_id), '^[Cc]\\d')" if columns.order else "FALSE"
    kept_rows = f"{usable} AND {in_time}"
    counts = LogCounts(
        rows="COUNT(*)",
        no_id="COUNT(*) FILTER (customer IS NULL)",
        bad_date="COUNT(*) FILTER (customer IS NOT NULL AND day IS NULL)",
        blank_date="COUNT(*) FILTER (customer IS NOT NULL AND day IS NULL AND date_blank)",  # not raw_date: no text cast
        no_amount="COUNT(*) FILTER (customer IS NOT NULL AND day IS NOT NULL AND amount IS NULL)",
        last_day=f"MAX(day) FILTER ({usable})",
        late=f"COUNT(*) FILTER ({usable} AND NOT ({in_time}))",
        kept=f"COUNT(*) FILTER ({kept_rows})",
        negative=f"COUNT(*) FILTER ({kept_rows} AND amount < 0)",
        cancel=f"COUNT(*) FILTER ({kept_rows} AND {cancel})",
        plain=f"COUNT(*) FILTER ({kept_rows} AND NOT {cancel} AND regexp_full_match(trim(order_id), '\\d+(\\.0+)?'))",
        other=f"COUNT(*) FILTER ({kept_rows} AND (order_id IS NULL OR NOT {cancel}))",
        flip=f"COUNT(*) FILTER ({kept_rows} AND {cancel} AND amount > 0)",
        first_day=f"MIN(day) FILTER ({usable})",
    )

    def by_customer(tops: dict, first_day, span: int | None, *, netting: bool = False, without_id: bool = False):
        """The GROUP BY on raw ids, cleaned afterwards; by the clean id when some raw ids are one customer.
        ``without_id``: rows without an id are not filtered out but grouped apart (a missing ``customer``)."""
        where = f"{readable} AND {in_time}" if without_id else kept_rows

        def grouped(customer: str):
            rows = f"SELECT * FROM ({typed_rows(customer)}) WHERE {where}"
            if netting:  # cancelled invoices ("C536379") count as negative
                rows = f"SELECT * REPLACE (CASE WHEN {cancel} AND amount > 0 THEN -amount ELSE amount END AS amount) FROM ({rows})"
            sql = per_customer_query(rows, columns, tops=tops, first_day=first_day, span=span)
            grouped_rows = _grouped_per_customer(con, sql, report)
            return grouped_rows[grouped_rows["customer"].notna()].reset_index(drop=True), grouped_rows["customer"].isna().any()

        per_customer, some_without_id = grouped(id_key_expression(columns.customer, id_type))
        clean = clean_keys(con, per_customer["customer"], name=columns.customer, dtype=id_type)
        if clean is None:  # ' 42' and '42' are one customer: group by the clean id
            return grouped(id_expression(columns.customer, id_type))
        per_customer["customer"] = clean.to_numpy()
        return per_customer, some_without_id

    # without order ids, one GROUP BY sums spend per raw channel/category value; the counts pass runs only when
    # rows are left out (for its notes)
    found = survey(con, typed, kinds=list(kinds), in_time=in_time) if columns.order is None else None
    per_customer = stats = None
    if found is not None:
        raw_levels = found.raw_levels()
        per_customer, some_without_id = by_customer(raw_levels, found.first_day, found.span, without_id=True)
        if not (found.left_out or some_without_id):  # every row kept: nothing to count
            n = found.rows
            stats = LogCounts(rows=n, no_id=0, bad_date=0, blank_date=0, no_amount=0, last_day=found.last_day, late=0,
                              kept=n, negative=found.negative, cancel=0, plain=0, other=0, flip=0,
                              first_day=found.first_day)
            totals = raw_totals(per_customer, raw_levels)
    if stats is None:
        report(0.1 if per_customer is None else 0.9, gettext("Counting rows that cannot be used"))
        values, totals = counts_and_totals(
            con, typed, counts=", ".join(counts), spend=f"GREATEST(amount, 0)) FILTER ({kept_rows}",
            kinds=list(kinds), kept_at=LogCounts.at("kept"), max_at=LogCounts.at("last_day"),
            min_at=LogCounts.at("first_day"),
        )
        stats = LogCounts(*values)
    n_rows, n_no_id, n_bad_date, n_blank = stats.rows, stats.no_id, stats.bad_date, stats.blank_date
    n_no_amount, n_late, n_kept, n_negative = stats.no_amount, stats.late, stats.kept, stats.negative
    n_cancel, n_plain, n_other, n_flip = stats.cancel, stats.plain, stats.other, stats.flip
    first_day, last_day = stats.first_day, stats.last_day
    if n_rows == 0:
        raise DataError(
            _l(
                "The transaction log is empty: there are no rows to build customers from. Load a file with "
                "data.",
            )
        )
    if n_no_id:
        notes.append(lognotes.no_id(n_no_id))
    if n_bad_date:
        shown = bad_date_examples(con, typed) if n_blank < n_bad_date else []
        notes.append(lognotes.no_date(n_bad_date, column=columns.date, unreadable=n_bad_date - n_blank,
                                      blank=n_blank, shown=shown))
    if n_no_amount:
        notes.append(lognotes.no_amount(n_no_amount))
    if as_of_ts is None:
        as_of_ts = resolve_as_of(None, last_day=last_day, n_rows=n_rows)
    elif n_late:
        notes.append(lognotes.after_as_of(n_late, as_of_ts.date()))
    if n_kept == 0:
        raise rfm.no_rows_error(n_rows)
    netting = bool(n_cancel and n_plain >= 0.9 * n_other)
    if netting:
        notes.append(lognotes.cancelled(n_cancel))
        if n_flip:
            notes.append(lognotes.flipped(n_flip))
            n_negative += n_flip
        if kinds:  # spend per level changes with the netting: count it again
            kept = f"SELECT * FROM ({typed}) WHERE {kept_rows}"
            netted_spend = f"GREATEST(CASE WHEN {cancel} AND amount > 0 THEN -amount ELSE amount END, 0))"
            totals = counts_and_totals(con, kept, counts="COUNT(*)", spend=netted_spend, kinds=list(kinds), kept_at=0)[1]
    if n_negative:
        notes.append(lognotes.returns(n_negative))

    report(0.2 if per_customer is None else 0.9, gettext("Finding the main channels and categories"))
    tops = top_levels(totals)
    if per_customer is not None:
        per_customer = fold_levels(per_customer, raw_levels=raw_levels, tops=tops)
    else:
        report(0.3, gettext("Adding up every customer's purchases"))
        span = None if first_day is None or last_day is None else (last_day - first_day).days
        per_customer = by_customer(tops, first_day, span, netting=netting)[0]
    report(0.9, gettext("Scoring recency, frequency and monetary value"))
    table = finish_customers(per_customer, columns, tops=tops, as_of=as_of_ts, notes=notes)
    table.attrs["segcore_log_recipe"] = log_recipe(columns, tops, cancellations=netting)
    report(1.0, gettext("Done"))
    return rfm.CustomerTable(
        df=table, columns=columns, as_of=as_of_ts, notes=tuple(notes), rows_dropped=int(n_rows - n_kept)
    )


