"""How each row of a transaction log is read in DuckDB SQL: clean customer ids, the purchase day, the amount, and
the as-of date; the subtle readings (dates that are not ISO text) use the pandas path's own parser on the distinct
values only (``segcore.sql.logs`` puts these pieces together)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from segcore.columns import dates, lognotes, rfm
from segcore.columns import transactions as tx
from segcore.errors import SpecError
from segcore.i18n import _l


def ident(name: str) -> str:
    return '"' + str(name).replace('"', '""') + '"'


def id_expression(name: str, dtype: str) -> str:
    """Customer ids as clean text, as ``_normalise_ids`` makes them: 12345.0 -> '12345', ' 42 ' -> '42'."""
    col = ident(name)
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


def id_key_expression(name: str, dtype: str) -> str:
    """The raw customer id, missing exactly where ``id_expression`` is missing, without its string work per row:
    the GROUP BY runs on these keys and only the grouped keys are cleaned (``clean_keys``)."""
    col = ident(name)
    if dtype in ("FLOAT", "DOUBLE") or dtype.startswith("DECIMAL"):
        return f"CASE WHEN isfinite(CAST({col} AS DOUBLE)) THEN {col} END"
    if not (dtype == "VARCHAR" or dtype.startswith("VARCHAR")):
        return col
    # trim only on text that can be all blanks: it starts with a space, a control or a non-ASCII character
    may_be_blank = f"({col} < '!' OR {col} >= chr(128))"
    return f"CASE WHEN {may_be_blank} AND trim({col}) = '' THEN NULL ELSE {col} END"


def clean_keys(con, keys: pd.Series, *, name: str, dtype: str) -> pd.Series | None:
    """The grouped raw ids cleaned as ``id_expression`` cleans them, or None when two keys clean to the same id
    (' 42' and '42'): then the rows must be grouped by the clean id itself."""
    if (dtype == "VARCHAR" or dtype.startswith("VARCHAR")) and not _text_needs_cleaning(keys):
        return keys  # distinct raw ids that are their own clean id (the usual case): nothing to run
    con.register("raw_keys_df", pd.DataFrame({name: keys.to_numpy(), "pos": np.arange(len(keys))}))
    try:
        sql = f"SELECT {id_expression(name, dtype)} AS id FROM raw_keys_df ORDER BY pos"
        clean = con.execute(sql).df()["id"]
    finally:
        con.unregister("raw_keys_df")
    if clean.isna().any() or clean.duplicated().any():
        return None
    return clean


def _text_needs_cleaning(keys: pd.Series) -> bool:
    """True when some id is one ``id_expression`` changes: a dot, a space at an end, or empty."""
    import pyarrow as pa
    import pyarrow.compute as pc

    text = pa.array(keys.to_numpy(dtype=object), type=pa.string())
    needs = pc.or_(
        pc.or_(pc.match_substring(text, "."), pc.starts_with(text, " ")),
        pc.or_(pc.ends_with(text, " "), pc.equal(text, "")),
    )
    return bool(pc.any(needs).as_py())


def date_expression(con, rel: str, *, name: str, dtype: str) -> tuple[list[str], str]:
    """The purchase day; text that is not ISO and YYYYMMDD numbers are read by the pandas path's own parser."""
    col = ident(name)
    lo, hi = dates.MIN_YEAR, dates.MAX_YEAR
    if dtype == "DATE" or dtype.startswith("TIMESTAMP"):
        day = f"CAST({col} AS DATE)"  # compared with dates: cheaper than year() on every row, same days kept
        return [], f"CASE WHEN {day} BETWEEN DATE '{lo:04d}-01-01' AND DATE '{hi:04d}-12-31' THEN {day} END"
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


def amount_expression(columns: tx.TransactionColumns, types: dict, *, notes: list[str]) -> str:
    if columns.price is not None:
        notes.append(lognotes.amount_from(columns.quantity, columns.price))
        value = f"TRY_CAST({ident(columns.quantity)} AS DOUBLE) * TRY_CAST({ident(columns.price)} AS DOUBLE)"
    else:
        value = f"TRY_CAST({ident(columns.amount)} AS DOUBLE)"
    return f"CASE WHEN isfinite({value}) THEN {value} END"


def bad_date_examples(con, typed: str) -> list:
    """Up to EXAMPLES_SHOWN raw dates that could not be read (for the note)."""
    rows = con.execute(
        f"SELECT DISTINCT raw_date FROM ({typed}) WHERE customer IS NOT NULL AND day IS NULL AND raw_date IS NOT NULL "
        f"LIMIT {rfm.EXAMPLES_SHOWN}"
    ).fetchall()
    return [r[0] for r in rows]


def date_sql(ts: pd.Timestamp) -> str:
    return f"DATE '{ts.date().isoformat()}'"


def resolve_as_of(as_of: object, *, last_day, n_rows: int) -> pd.Timestamp:
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
