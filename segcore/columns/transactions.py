"""Turn a transaction log (one row per purchase line) into one row per customer with RFM features.

Marketers often upload an order export rather than a customer table. ``detect_transactions`` recognises such a
log from its column names (English, Chinese, Korean, Russian) and values; ``segcore.columns.rfm`` aggregates it
into one row per customer.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import pandas as pd

from segcore.columns.dates import date_share
from segcore.columns.loghints import (
    AMOUNT_EXCLUDE,
    AMOUNT_HINTS,
    CATEGORY_HINTS,
    CHANNEL_HINTS,
    CUSTOMER_EXCLUDE,
    CUSTOMER_HINTS,
    DATE_HINTS,
    ID_HINTS,
    ORDER_EXCLUDE,
    ORDER_HINTS,
    PRICE_HINTS,
    QUANTITY_HINTS,
)
from segcore.columns.vocabulary import NO_WORDS, YES_WORDS, best_keyword, name_contains, normalise_name

# Customer ids must repeat this much (rows / distinct ids) for a table to be a log rather than a customer list:
# 1.5 still catches short logs where most customers bought once but some bought again.
MIN_REPEAT_RATIO = 1.5
# Two-valued flags ("app_user": yes/no) name a trait of a customer, never the customer.
YES_NO_WORDS = YES_WORDS | NO_WORDS
# A candidate date column must parse on this share of its (sampled) distinct values; real exports have a few
# broken cells, but a text column that merely contains some dates is not the date column.
MIN_DATE_PARSE_SHARE = 0.8
# Distinct values sampled when testing whether a column holds dates: enough to see every format, cheap at 1M rows.
DATE_SAMPLE = 2_000
# Channels have a handful of levels (web/app/store); more than this is an id or free text, not a channel.
MAX_CHANNEL_LEVELS = 50
# Categories can be finer (departments), but beyond this they are products, not categories.
MAX_CATEGORY_LEVELS = 1_000


@dataclass(frozen=True)
class TransactionColumns:
    """Which columns of a log hold what.

    ``order`` (invoice / basket id) makes ``frequency`` count distinct orders instead of distinct days. When
    ``price`` is set the log has no amount column: each line's amount is ``quantity * price`` and ``amount`` only
    names that computed value.
    """

    customer: str
    date: str
    amount: str
    quantity: str | None = None
    channel: str | None = None
    category: str | None = None
    order: str | None = None
    price: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> TransactionColumns:
        return cls(**{k: d.get(k) for k in cls.__dataclass_fields__})

    def used(self) -> list[str]:
        """Columns that must exist in the log (the computed amount does not)."""
        names = [self.customer, self.date, self.quantity, self.channel, self.category, self.order, self.price]
        if self.price is None:
            names.append(self.amount)
        return [n for n in dict.fromkeys(names) if n is not None]


# ---------------------------------------------------------------------------------------------------------------
# Detection


def _has(words: tuple[str, ...], hints: tuple[str, ...]) -> bool:
    return name_contains(words, hints)


def _has_word(words: tuple[str, ...], hints: tuple[str, ...]) -> bool:
    """Whole-word match for ASCII hints ('id', 'no'), anywhere for CJK/Hangul ones ('编号')."""
    return best_keyword(words, hints) is not None


def customer_named(column: object) -> bool:
    """True when the column's name says it holds the customer (and is not a customer attribute like a segment)."""
    words = normalise_name(column)
    return _has(words, CUSTOMER_HINTS) and not _has(words, CUSTOMER_EXCLUDE)


def _is_text(s: pd.Series) -> bool:
    return (
        pd.api.types.is_object_dtype(s)
        or pd.api.types.is_string_dtype(s)
        or isinstance(s.dtype, pd.CategoricalDtype)
    )


def _is_number(s: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s)


def detect_transactions(df: pd.DataFrame) -> TransactionColumns | None:
    """Guess the customer, date and amount columns (plus optional ones) of a transaction log.

    Returns None when the table is not a log: no repeated customer id, no date or no amount (or price and
    quantity). Never raises on odd data; the user can always name the columns by hand.
    """
    if len(df) == 0:
        return None
    names = {col: normalise_name(col) for col in df.columns}

    if _has_unique_customer_key(df, names):
        return None  # one row per customer already (e.g. "customer_id" unique): a customer table, not a log
    date = _pick_date(df, names)
    if date is None:
        return None
    customer = _pick_customer(df, names, exclude={date})
    if customer is None:
        return None
    taken = {date, customer}
    numeric = [c for c in df.columns if c not in taken and _is_number(df[c])]

    quantity = next((c for c in numeric if _has(names[c], QUANTITY_HINTS)), None)
    price = next(
        (
            c
            for c in numeric
            if c != quantity and _has(names[c], PRICE_HINTS) and not _has(names[c], ("total",))
        ),
        None,
    )
    amounts = [
        c
        for c in numeric
        if c not in (quantity, price) and _has(names[c], AMOUNT_HINTS) and not _has(names[c], AMOUNT_EXCLUDE)
    ]
    # prefer the most explicit money word: "amount" over "total" over "value"
    amounts.sort(key=lambda c: next(i for i, h in enumerate(AMOUNT_HINTS) if name_contains(names[c], (h,))))
    amount = amounts[0] if amounts else None
    computed_price = None
    if amount is None:
        if price is not None and quantity is not None:
            amount, computed_price = "amount", price
        elif price is not None:
            amount = price  # a "price" with no quantity beside it is the line total
        else:
            return None
    taken |= {amount, quantity, computed_price}

    order = _pick_order(df, names, exclude=taken)
    taken.add(order)
    channel = _pick_level(df, names, CHANNEL_HINTS, MAX_CHANNEL_LEVELS, exclude=taken)
    taken.add(channel)
    category = _pick_level(df, names, CATEGORY_HINTS, MAX_CATEGORY_LEVELS, exclude=taken)
    return TransactionColumns(
        customer=customer,
        date=date,
        amount=amount,
        quantity=quantity,
        channel=channel,
        category=category,
        order=order,
        price=computed_price,
    )


def may_be_log(head: pd.DataFrame) -> bool:
    """False when the first rows of a file already rule a log out: no date column, or no numeric column named
    like an amount or a price (the tests ``detect_transactions`` applies). A head cannot show whether customer ids
    repeat, so ids are not judged here."""
    if len(head) == 0:
        return True
    names = {col: normalise_name(col) for col in head.columns}
    date = _pick_date(head, names)
    if date is None:
        return False
    return any(_has(names[c], AMOUNT_HINTS + PRICE_HINTS) for c in head.columns if c != date and _is_number(head[c]))


def _pick_date(df: pd.DataFrame, names: dict) -> str | None:
    scored = []
    for col in df.columns:
        s = df[col]
        hinted = _has_word(names[col], DATE_HINTS) or _has(
            names[col], ("date", "time", "日期", "날짜", "дата")
        )
        is_dt = pd.api.types.is_datetime64_any_dtype(s)
        if not (is_dt or hinted or _is_text(s)):
            continue
        if _is_number(s) and not hinted:
            continue  # only named integer columns may be YYYYMMDD dates (avoids ids read as dates)
        share = date_share(s, sample=DATE_SAMPLE)
        if share >= MIN_DATE_PARSE_SHARE:
            scored.append((2 * hinted + is_dt, share, col))
    if not scored:
        return None
    return max(scored, key=lambda t: (t[0], t[1]))[2]


def _pick_customer(df: pd.DataFrame, names: dict, *, exclude: set) -> str | None:
    scored = []
    for col in df.columns:
        name = names[col]
        if col in exclude or not _has(name, CUSTOMER_HINTS) or _has(name, CUSTOMER_EXCLUDE):
            continue
        s = df[col]
        if pd.api.types.is_datetime64_any_dtype(s) or pd.api.types.is_bool_dtype(s):
            continue
        n_unique = s.nunique(dropna=True)
        # One id on every row is a log of one customer (refused clearly later), not a table without customers.
        one_customer = n_unique == 1 and _has_word(name, ID_HINTS)
        if (n_unique < 2 and not one_customer) or s.notna().sum() / max(n_unique, 1) < MIN_REPEAT_RATIO:
            continue
        if n_unique == 2 and set(s.dropna().astype(str).str.strip().str.lower().unique()) <= YES_NO_WORDS:
            continue  # "app_user: yes/no" is a flag about a customer, not who bought
        scored.append((_has_word(name, ID_HINTS), n_unique, col))
    if not scored:
        return None
    return max(scored, key=lambda t: (t[0], t[1]))[2]


def _has_unique_customer_key(df: pd.DataFrame, names: dict) -> bool:
    """A customer-named id column with a different value on every row means one row per customer."""
    for col in df.columns:
        name = names[col]
        if _has(name, CUSTOMER_HINTS) and _has_word(name, ID_HINTS) and not _has(name, CUSTOMER_EXCLUDE):
            s = df[col]
            if s.notna().all() and s.nunique() == len(s) and len(s) > 1:
                return True
    return False


def _pick_order(df: pd.DataFrame, names: dict, *, exclude: set) -> str | None:
    for col in df.columns:
        name = names[col]
        if col in exclude or not _has(name, ORDER_HINTS) or _has(name, ORDER_EXCLUDE):
            continue
        if "_".join(name).startswith("orders") or pd.api.types.is_datetime64_any_dtype(df[col]):
            continue  # "orders_12m" is a count, not an order id
        if df[col].nunique(dropna=True) >= 2:
            return col
    return None


def _pick_level(df: pd.DataFrame, names: dict, hints: tuple, max_levels: int, *, exclude: set) -> str | None:
    for col in df.columns:
        if col in exclude or not _has(names[col], hints) or not _is_text(df[col]):
            continue
        if 2 <= df[col].nunique(dropna=True) <= max_levels:
            return col
    return None


# ---------------------------------------------------------------------------------------------------------------
# Parsing helpers (each works on distinct values, then maps back, so 1M rows cost what their few uniques cost)
