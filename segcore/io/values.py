"""Values people write that mean numbers (money, percentages, thousands separators) and numbers no customer has.

Runs on every loaded table, whatever the format. ``$1,234.50``, ``€12``, ``1 234,50 ₽`` and ``45%`` become numbers;
``inf``, ``Infinity``, ``#DIV/0!`` and magnitudes beyond ``MAX_MAGNITUDE`` (1e308, 1e999) become missing. Every
column changed gets one note counting the values changed, so nothing is rewritten silently; a column that mixes
styles we cannot reconcile (two currencies, percentages beside plain numbers) stays text with a note saying why.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from segcore.i18n import Message, _l, lazy_ngettext
from segcore.io.parsed import NA_TOKENS

# Larger than any spend, count or score; smaller than 2**53, so integer ids stored as floats are still exact.
MAX_MAGNITUDE = 1e15
# Values looked at before a text column is tested in full: most text columns are ruled out by their first ones.
SAMPLE_VALUES = 200
# Spellings of "not a number" from spreadsheets and programs, compared lower-case.
NOT_A_NUMBER = frozenset({"inf", "+inf", "-inf", "infinity", "+infinity", "-infinity", "∞", "+∞", "-∞",
                          "#div/0!", "#num!", "#value!", "#ref!", "#n/a", "#null!", "1.#inf", "-1.#inf"})  # fmt: skip
_CURRENCY = r"(?:US\$|A\$|C\$|R\$|HK\$|[$€£¥₩₽₹₺₴₫฿]|руб\.?|р\.|원|元|円|(?:USD|EUR|GBP|RUB|KRW|CNY|JPY)\b)"
_MONEY = re.compile(
    rf"(?P<neg>[-−])?\s*(?P<cur>{_CURRENCY})?\s*(?P<neg2>[-−])?\s*(?P<num>\d[\d.,\s\u00a0\u202f']*)\s*(?P<pct>%)?"
    rf"\s*(?P<cur2>{_CURRENCY})?",
    re.IGNORECASE,
)
_GROUPED_DOT_DECIMAL = re.compile(r"\d{1,3}(?:[,\s\u00a0\u202f']\d{3})*(?:\.\d+)?")
_GROUPED_COMMA_DECIMAL = re.compile(r"\d{1,3}(?:[.\s\u00a0\u202f']\d{3})*(?:,\d+)?")
_PLAIN = re.compile(r"\d+(?:[.,]\d+)?")


def repair_values(df: pd.DataFrame, *, decimal: str | None) -> tuple[pd.DataFrame, list[str]]:
    """(table, notes): numbers written with signs read as numbers, impossible numbers made missing."""
    notes: list[str] = []
    changed = {}
    for name, column in df.items():
        if pd.api.types.is_float_dtype(column.dtype):
            repaired = _clip_impossible(column, name, notes)
        elif pd.api.types.is_object_dtype(column.dtype) or pd.api.types.is_string_dtype(column.dtype):
            repaired = _text_as_numbers(column, name, decimal or ".", notes)
        else:
            continue
        if repaired is not column:
            changed[name] = repaired
    if not changed:
        return df, notes
    return df.assign(**{str(name): values for name, values in changed.items()}), notes


def _clip_impossible(column: pd.Series, name: str, notes: list[str]) -> pd.Series:
    values = column.to_numpy(dtype=float, na_value=np.nan)
    with np.errstate(invalid="ignore"):
        bad = np.isinf(values) | (np.abs(values) > MAX_MAGNITUDE)
    if not bad.any():
        return column
    notes.append(_impossible_note(name, bad))
    return pd.Series(np.where(bad, np.nan, values), index=column.index)


def _impossible_note(name: str, bad: np.ndarray) -> Message:
    rows = ", ".join(str(i + 1) for i in np.flatnonzero(bad)[:5]) + (", ..." if int(bad.sum()) > 5 else "")
    limit = format(MAX_MAGNITUDE, ".0e")
    return lazy_ngettext(
        "Column '{name}': {n:,} value was infinite, not a number (such as #DIV/0!) or beyond ±{limit}, which no "
        "customer figure reaches, and treated as missing (data row {rows}). Check how the file was exported.",
        "Column '{name}': {n:,} values were infinite, not a number (such as #DIV/0!) or beyond ±{limit}, which no "
        "customer figure reaches, and treated as missing (data row {rows}). Check how the file was exported.",
        int(bad.sum()), name=name, limit=limit, rows=rows,
    )


def _text_as_numbers(column: pd.Series, name: str, decimal: str, notes: list[str]) -> pd.Series:
    stripped = column.astype("string").str.strip()
    present = stripped[stripped.notna() & ~stripped.isin(NA_TOKENS)]
    if present.empty or not all(_reads(v) for v in present.iloc[:SAMPLE_VALUES]):
        return column
    if not present.map(_reads).all():
        return column
    lowered = present.str.lower()
    invalid = lowered.isin(NOT_A_NUMBER)
    written = present[~invalid]
    if written.empty:
        return column  # a column of "#N/A"s: nothing to read
    parts = written.map(lambda v: _MONEY.fullmatch(v))
    currencies = {_currency_key(m) for m in parts if m.group("cur") or m.group("cur2")}
    percents = sum(1 for m in parts if m.group("pct"))
    if len(currencies) > 1:
        notes.append(_l("Column '{name}' mixes currencies ({currencies}), so it was kept as text and is not used as a "
                        "number. Convert it to one currency and upload again.", name=name,
                        currencies=", ".join(sorted(currencies))))
        return column
    if 0 < percents < len(parts):
        notes.append(_l("Column '{name}' mixes percentages (such as '{percent}') and plain numbers (such as "
                        "'{plain}'), so it was kept as text. Write every value the same way and upload again.",
                        name=name, percent=_first(written, parts, True), plain=_first(written, parts, False)))
        return column
    cores = [m.group("num").strip() for m in parts]
    style = _decimal_of(cores, decimal)
    if style is None:
        return column
    numbers = [_number(m, style) for m in parts]
    if any(n is None for n in numbers):
        return column
    styled = [_styled(m) for m in parts]
    signed = sum(styled)
    if not signed and not invalid.any():
        return column  # plain numbers the reader left as text on purpose (codes with leading zeros, ...)
    values = pd.Series(np.nan, index=column.index, dtype=float)
    values[written.index] = numbers
    if signed:
        example = next(v for v, s in zip(written, styled, strict=True) if s)
        if percents:
            notes.append(_l("Column '{name}': {n:,} values written as percentages (45% is read as 45), such as "
                            "'{example}', were read as numbers.", name=name, n=signed, example=example))
        else:
            notes.append(_l("Column '{name}': {n:,} values written as money or with thousands separators, such as "
                            "'{example}', were read as numbers.", name=name, n=signed, example=example))
    if invalid.any():
        bad = np.zeros(len(column), dtype=bool)
        bad[column.index.get_indexer(present.index[invalid.to_numpy()])] = True
        notes.append(_impossible_note(name, bad))
    clipped = values.abs() > MAX_MAGNITUDE
    if clipped.any():
        notes.append(_impossible_note(name, clipped.to_numpy()))
        values[clipped] = np.nan
    return values


def _styled(match: re.Match) -> bool:
    """Whether a value carries a currency, a percent sign or a thousands separator (what a note must mention)."""
    return bool(match.group("cur") or match.group("cur2") or match.group("pct")
                or not _PLAIN.fullmatch(match.group("num").strip()))  # fmt: skip


def _reads(value: str) -> bool:
    return value.lower() in NOT_A_NUMBER or _MONEY.fullmatch(value) is not None


def _currency_key(match: re.Match) -> str:
    symbol = (match.group("cur") or match.group("cur2")).lower().rstrip(".")
    return {"usd": "$", "us$": "$", "eur": "€", "gbp": "£", "rub": "₽", "руб": "₽", "р": "₽", "krw": "₩",
            "원": "₩", "cny": "¥", "元": "¥", "jpy": "¥", "円": "¥"}.get(symbol, symbol)  # fmt: skip


def _first(written: pd.Series, parts: pd.Series, with_percent: bool) -> str:
    return next(v for v, m in zip(written, parts, strict=True) if bool(m.group("pct")) == with_percent)


def _decimal_of(cores: list[str], decimal: str) -> str | None:
    """"." or "," for the whole column: the one every value fits, the file's style on a tie, None if neither fits."""
    fits_dot = all(_GROUPED_DOT_DECIMAL.fullmatch(c) for c in cores)
    fits_comma = all(_GROUPED_COMMA_DECIMAL.fullmatch(c) for c in cores)
    if fits_dot and fits_comma:
        return decimal
    if fits_dot:
        return "."
    return "," if fits_comma else None


def _number(match: re.Match, decimal: str) -> float | None:
    core = match.group("num").strip()
    for sep in (" ", "\u00a0", "\u202f", "'", "." if decimal == "," else ","):
        core = core.replace(sep, "")
    try:
        value = float(core.replace(",", "."))
    except ValueError:
        return None
    return -value if match.group("neg") or match.group("neg2") else value
