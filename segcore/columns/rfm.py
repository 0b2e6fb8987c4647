"""Aggregate a transaction log (one row per purchase line) into one row per customer with RFM features.

Recency, frequency, monetary value, tenure, channel/category spend shares and the classic RFM scores and
segments.

Messy exports are the norm, so nothing is dropped silently: rows without a customer id, a readable date or an
amount are left out, counted and reported in ``notes``; returns and cancellations are netted into ``monetary``.

The scores and segment names come from ``segcore.columns.rfm_scores``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from segcore.columns import lognotes
from segcore.columns.dates import parse_dates
from segcore.columns.rfm_scores import add_scores
from segcore.columns.snapshot import implausible_note, last_plausible_day
from segcore.columns.transactions import TransactionColumns, detect_transactions
from segcore.errors import DataError, SpecError
from segcore.i18n import _l

# Share columns kept per channel/category column; the rest is pooled into "other" so the table stays readable.
TOP_LEVELS = 8
# Bad values quoted in a note, so the user can find them without a wall of text.
EXAMPLES_SHOWN = 3



@dataclass(frozen=True)
class CustomerTable:
    """One row per customer, how it was built (``columns``, ``as_of``) and what was left out and why."""

    df: pd.DataFrame
    columns: TransactionColumns
    as_of: pd.Timestamp
    notes: tuple[str, ...] = field(default_factory=tuple)
    rows_dropped: int = 0

    def to_dict(self) -> dict:
        return {
            "format_version": 1,
            "df": self.df.to_dict(orient="split", index=False),
            "columns": self.columns.to_dict(),
            "as_of": self.as_of.isoformat(),
            "notes": [str(n) for n in self.notes],
            "rows_dropped": self.rows_dropped,
        }

    @classmethod
    def from_dict(cls, d: dict) -> CustomerTable:
        frame = d["df"]
        return cls(
            df=pd.DataFrame(frame["data"], columns=frame["columns"]),
            columns=TransactionColumns.from_dict(d["columns"]),
            as_of=pd.Timestamp(d["as_of"]),
            notes=tuple(d["notes"]),
            rows_dropped=int(d["rows_dropped"]),
        )


def _is_number(s: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s)


# ---------------------------------------------------------------------------------------------------------------
# Parsing helpers (each works on distinct values, then maps back, so 1M rows cost what their few uniques cost)


def _normalise_ids(s: pd.Series) -> pd.Series:
    """Customer ids as clean strings: 12345.0 -> "12345", " 42 " -> "42", "" -> missing."""
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    values = pd.Series(uniques, dtype=object)
    if _is_number(values):
        as_float = values.astype(float)
        integral = np.isfinite(as_float) & (as_float == np.round(as_float))
        text = values.astype(str)
        text[integral] = as_float[integral].astype(np.int64).astype(str)
    else:
        text = values.astype(str).str.strip()
        text = text.str.replace(r"^(-?\d+)\.0+$", r"\1", regex=True)
    text = text.where(text != "", None)
    out = np.empty(len(s), dtype=object)
    valid = codes >= 0
    out[valid] = text.to_numpy(dtype=object)[codes[valid]]
    out[~valid] = None
    return pd.Series(out, index=s.index, dtype="str")


def _numbers(s: pd.Series) -> pd.Series:
    return s.astype(float) if _is_number(s) else pd.to_numeric(s, errors="coerce").astype(float)


def level_key(values: pd.Series) -> pd.Series:
    """Sanitised lowercase level names ('Web Shop ' -> 'web_shop'); missing -> 'unknown'."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    keys = pd.Series(uniques, dtype=object).astype(str).str.strip().str.lower()
    keys = keys.str.replace(r"[^\w]+", "_", regex=True).str.strip("_").replace("", "unknown")
    out = np.where(codes >= 0, keys.to_numpy(dtype=object)[np.maximum(codes, 0)], "unknown")
    return pd.Series(out, index=values.index, dtype=object)


# ---------------------------------------------------------------------------------------------------------------
# Aggregation


def to_customers(
    df: pd.DataFrame,
    *, columns: TransactionColumns | None = None,

    as_of: object = None,
) -> CustomerTable:
    """Aggregate a transaction log into one row per customer with RFM features, scores and segments.

    ``as_of`` (date-like) is the snapshot date; it defaults to the day after the last purchase, and rows dated
    after it are left out and counted. Days are whole calendar days. Returns and cancellations (negative amounts,
    invoice ids starting with "C") are netted into ``monetary``; ``frequency`` counts orders with a positive
    amount (distinct ``order`` ids, or distinct purchase days when the log has no order id).

    Raises DataError when the table is not a log or no usable row remains, SpecError when a named column is
    missing or ``as_of`` cannot be read.
    """
    if columns is None:
        columns = detect_transactions(df)
        if columns is None:
            raise DataError(
                _l(
                    "This table does not look like a transaction log: it needs a customer id that repeats, "
                    "a date and an amount (or a unit price and a quantity). Choose these columns by hand, "
                    "or load a customer table instead.",
                )
            )
    missing = [c for c in columns.used() if c not in df.columns]
    if missing:
        raise SpecError(
            _l(
                "The transaction columns {missing} are not in the table. Available columns: {columns}. Pick "
                "columns that exist.",
                missing=', '.join(map(repr, missing)), columns=', '.join(map(str, df.columns)),
            )
        )
    if len(df) == 0:
        raise DataError(
            _l(
                "The transaction log is empty: there are no rows to build customers from. Load a file with "
                "data.",
            )
        )

    notes: list[str] = []
    ids = _normalise_ids(df[columns.customer])
    dates = parse_dates(df[columns.date])
    if columns.price is not None:
        amount = _numbers(df[columns.quantity]) * _numbers(df[columns.price])
        notes.append(lognotes.amount_from(columns.quantity, columns.price))
    else:
        amount = _numbers(df[columns.amount])
    amount = amount.where(np.isfinite(amount))

    keep = ids.notna().to_numpy().copy()
    n_no_id = int((~keep).sum())
    if n_no_id:
        notes.append(lognotes.no_id(n_no_id))
    bad_date = keep & dates.isna().to_numpy()
    n_bad_date = int(bad_date.sum())
    if n_bad_date:
        raw = df[columns.date][bad_date]
        n_blank = int(raw.isna().sum())
        shown = pd.unique(raw.dropna())[:EXAMPLES_SHOWN]
        notes.append(lognotes.no_date(n_bad_date, column=columns.date, unreadable=n_bad_date - n_blank,
                                      blank=n_blank, shown=list(shown)))
    keep &= ~bad_date
    bad_amount = keep & amount.isna().to_numpy()
    if bad_amount.any():
        notes.append(lognotes.no_amount(int(bad_amount.sum())))
    keep &= ~bad_amount

    if as_of is None:
        if not keep.any():
            raise no_rows_error(len(df))
        last = last_plausible_day(dates[keep])
        as_of_ts = last + pd.Timedelta(days=1)
        late = keep & (dates >= as_of_ts).to_numpy()
        if late.any():
            notes.append(implausible_note(int(late.sum()), column=columns.date, last=last, latest=dates[late].max(), as_of=as_of_ts))
        keep &= ~late
    else:
        try:
            as_of_ts = pd.Timestamp(as_of)
        except (ValueError, TypeError) as exc:
            raise SpecError(
                _l("The as-of date {as_of!r} is not a date. Use a date such as '2026-10-31'.", as_of=as_of)
            ) from exc
        if as_of_ts.tzinfo is not None:
            as_of_ts = as_of_ts.tz_convert(None)
        as_of_ts = as_of_ts.normalize()
        late = keep & (dates >= as_of_ts).to_numpy()
        if late.any():
            notes.append(lognotes.after_as_of(int(late.sum()), as_of_ts.date()))
        keep &= ~late
    if not keep.any():
        raise no_rows_error(len(df))
    rows_dropped = int(len(df) - keep.sum())

    log = pd.DataFrame(
        {"customer": ids[keep].to_numpy(), "date": dates[keep].to_numpy(), "amount": amount[keep].to_numpy()}
    )
    if columns.order is not None:
        log["order"] = df[columns.order].to_numpy()[keep]
        log["amount"] = _net_cancellations(log, notes)
    n_returns = int((log["amount"] < 0).sum())
    if n_returns:
        notes.append(lognotes.returns(n_returns))

    table = _aggregate(log, columns, as_of_ts, notes)
    if columns.quantity is not None and columns.price is None:
        units = _numbers(df[columns.quantity])[keep].to_numpy()
        table.insert(6, "units", np.bincount(_codes(log, table), weights=np.nan_to_num(units)))
    shares = []
    for kind, col in (("channel", columns.channel), ("category", columns.category)):
        if col is not None:
            levels = level_key(df[col])[keep].to_numpy()
            shares.append(
                _shares(
                    log, levels, table, kind, existing=[*table.columns, *(c for s, _ in shares for c in s)]
                )
            )
    for share_frame, _ in shares:
        table = pd.concat([table, share_frame], axis=1)
    for _, top in shares:
        table[top.name] = top.to_numpy()
    table = add_scores(table)
    table = table.rename(columns={"customer": columns.customer})
    return CustomerTable(
        df=table, columns=columns, as_of=as_of_ts, notes=tuple(notes), rows_dropped=rows_dropped
    )


def no_rows_error(n: int) -> DataError:
    return DataError(
        _l(
            "None of the {n:,} rows has a customer id, a readable date and an amount, so no customer can be "
            "built. Check that the right columns are chosen as customer, date and amount.",
            n=n,
        )
    )


def _net_cancellations(log: pd.DataFrame, notes: list[str]) -> pd.Series:
    """Make lines of cancelled invoices ("C536379") negative, when the other invoice ids are plain numbers."""
    order = log["order"].astype("str").str.strip()
    cancel = order.str.match(r"^[Cc]\d").fillna(False).to_numpy()
    if not cancel.any() or order[~cancel].str.fullmatch(r"\d+(\.0+)?").mean() < 0.9:
        return log["amount"]
    notes.append(lognotes.cancelled(int(cancel.sum())))
    flip = cancel & (log["amount"] > 0).to_numpy()
    if flip.any():
        notes.append(lognotes.flipped(int(flip.sum())))
    return log["amount"].where(~flip, -log["amount"])


def sort_ids(ids: np.ndarray) -> np.ndarray:
    """Customer ids in natural order (2 before 10 when they are all numbers)."""
    return ids[id_order(ids)]


def id_order(ids: np.ndarray) -> np.ndarray:
    """Positions that put distinct customer ids in natural order: as numbers when they all are, else as text in
    code point order (as Python compares str), sorted by Arrow: several times faster than sorting Python objects."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        text = pa.array(ids, type=pa.string())
    except (pa.ArrowTypeError, pa.ArrowInvalid):  # not all text: numbers and others as pandas writes them
        text = pa.array(pd.Series(ids, dtype="str").to_numpy(dtype=object), type=pa.string())
    if pc.all(pc.match_substring_regex(text, r"^-?\d{1,18}$")).as_py() is not False:
        return np.argsort(pc.cast(text, pa.int64()).to_numpy(zero_copy_only=False), kind="stable")
    return pc.sort_indices(text).to_numpy(zero_copy_only=False)


def _codes(log: pd.DataFrame, table: pd.DataFrame) -> np.ndarray:
    return pd.Index(table["customer"]).get_indexer(log["customer"])


def _aggregate(
    log: pd.DataFrame, columns: TransactionColumns, as_of: pd.Timestamp, notes: list[str]
) -> pd.DataFrame:
    uniques = sort_ids(pd.unique(log["customer"].to_numpy(dtype=object)))
    codes = pd.Index(uniques).get_indexer(log["customer"])
    n = len(uniques)
    amount = log["amount"].to_numpy()
    days = log["date"].to_numpy().astype("datetime64[D]").astype(np.int64)
    buy = amount > 0

    monetary = np.bincount(codes, weights=amount, minlength=n)
    first_any = pd.Series(days).groupby(codes).min().reindex(range(n)).to_numpy()
    last_any = pd.Series(days).groupby(codes).max().reindex(range(n)).to_numpy()
    first = pd.Series(days[buy]).groupby(codes[buy]).min().reindex(range(n)).to_numpy()
    last = pd.Series(days[buy]).groupby(codes[buy]).max().reindex(range(n)).to_numpy()
    no_buy = np.isnan(first)
    if no_buy.any():
        notes.append(lognotes.only_returns(int(no_buy.sum())))
        first = np.where(no_buy, first_any, first)
        last = np.where(no_buy, last_any, last)

    if columns.order is not None:
        order_codes = pd.factorize(log["order"].to_numpy(), use_na_sentinel=True)[0]
        missing = order_codes < 0
        # lines without an order id count as one order per customer and day
        order_codes = np.where(missing, -1 - days, order_codes)
    else:
        order_codes = days
    pairs = pd.DataFrame({"c": codes[buy], "o": order_codes[buy]}).drop_duplicates()
    frequency = np.bincount(pairs["c"].to_numpy(), minlength=n)
    notes.append(lognotes.frequency(by_order=columns.order is not None))

    as_of_day = as_of.to_datetime64().astype("datetime64[D]").astype(np.int64)
    return pd.DataFrame(
        {
            "customer": pd.array(uniques, dtype="str"),
            "recency_days": (as_of_day - last).astype(np.int64),
            "frequency": frequency.astype(np.int64),
            "monetary": np.round(monetary, 2),
            "tenure_days": (as_of_day - first).astype(np.int64),
            "avg_order_value": np.round(monetary / np.maximum(frequency, 1), 2),
        }
    )


def _shares(
    log: pd.DataFrame, levels: np.ndarray, table: pd.DataFrame, kind: str, *, existing: list[str]
) -> tuple[pd.DataFrame, pd.Series]:
    """Share of each customer's purchase spend (positive amounts) per level; top levels kept, the rest "other"."""
    codes = _codes(log, table)
    spend = np.clip(log["amount"].to_numpy(), 0, None)
    totals = pd.Series(spend).groupby(levels).sum().sort_values(ascending=False, kind="stable")
    top = list(totals.index[:TOP_LEVELS])
    levels = np.where(np.isin(levels, top), levels, "other")
    if "other" in levels and "other" not in top:
        top.append("other")
    level_codes = pd.Index(top).get_indexer(levels)
    n = len(table)
    grid = np.zeros((n, len(top)))
    _bin2d(grid, codes, level_codes, spend)
    return share_columns(grid, top, kind=kind, existing=existing)


# A level's share of purchase spend is ``share_<level>``; the level with the largest share is ``top_<kind>``.
SHARE_PREFIX = "share_"
TOP_LEVEL_PREFIX = "top_"


def share_columns(grid: np.ndarray, top: list[str], *, kind: str, existing: list[str]) -> tuple[pd.DataFrame, pd.Series]:
    """Spend per customer (rows) and level (columns) as rounded shares named ``share_<level>`` (``share_<kind>_<level>``
    when that name is taken) and the top level per customer (missing when the customer has no purchase spend).
    Shared with the DuckDB path (``segcore.sql.logs``) so both name and round the same way."""
    total = grid.sum(axis=1, keepdims=True)
    share = np.divide(grid, total, out=np.zeros_like(grid), where=total > 0)
    names: list[str] = []
    for level in top:
        name = f"{SHARE_PREFIX}{level}"
        if name in existing or name in names:
            name = f"{SHARE_PREFIX}{kind}_{level}"
        names.append(name)
    frame = pd.DataFrame(np.round(share, 4), columns=names)
    best = np.where(total[:, 0] > 0, np.array(top, dtype=object)[grid.argmax(axis=1)], None)
    return frame, pd.Series(pd.array(best, dtype="str"), name=f"{TOP_LEVEL_PREFIX}{kind}")


def _bin2d(grid: np.ndarray, rows: np.ndarray, cols: np.ndarray, weights: np.ndarray) -> None:
    flat = np.bincount(rows * grid.shape[1] + cols, weights=weights, minlength=grid.size)
    grid += flat.reshape(grid.shape)
