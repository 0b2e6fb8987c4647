"""Numbers from pyarrow text columns by the careful reader's rules (``segcore.io.carefulcsv``), vectorised.

Same number styles as ``segcore.io.sniff`` (decimal comma, thousands separators), leading-zero codes kept as text,
NA tokens as missing. When pyarrow cannot give exactly the careful reader's answer it raises ``Fallback`` and the
file is read row by row instead.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from segcore.io.parsed import NA_TOKENS

# Python's str.strip() characters (Unicode White_Space plus the ASCII separators), so trimming matches exactly.
# Written out: working them out from all 1.1M code points cost 0.26 s at every start (a test checks the list).
PY_SPACES = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
# RE2 versions of the _sniff number patterns (\p{Nd} is what Python's \d matches), anchored as fullmatch.
_RE2_DIGIT = r"\p{Nd}"
_RE2_PLAIN = r"[+-]?(?:D+\.?D*|\.D+)(?:[eE][+-]?D+)?".replace("D", _RE2_DIGIT)
_RE2_DECIMAL_COMMA = r"[+-]?(?:D{1,3}(?:\.D{3})+|D+)(?:,D+)?".replace("D", _RE2_DIGIT)
_RE2_THOUSANDS_COMMA = r"[+-]?D{1,3}(?:,D{3})+(?:\.D+)?".replace("D", _RE2_DIGIT)
_RE2_THOUSANDS_DOT = r"^[+-]?D{1,3}(?:\.D{3})+(?:,D+)?$".replace("D", _RE2_DIGIT)
_RE2_LEADING_ZERO = r"^[+-]?0D+$".replace("D", _RE2_DIGIT)


class Fallback(Exception):
    """The fast reader cannot give exactly the careful reader's answer; read the file row by row instead."""


def fast_convert(col: Any, *, decimal: str, thousands: str | None) -> pd.Series:
    """``_convert`` on a pyarrow text column: int64/float64 numbers (leading-zero codes stay text), else str."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if pa.types.is_null(col.type):
        return pd.Series(np.full(len(col), np.nan))
    if pa.types.is_integer(col.type) and col.null_count == 0:
        return pd.Series(col.to_numpy().astype(np.int64, copy=False))
    if pa.types.is_integer(col.type) or pa.types.is_floating(col.type):
        return pd.Series(col.to_numpy(zero_copy_only=False).astype(np.float64, copy=False))
    trimmed = pc.utf8_trim(col, PY_SPACES)
    na = pc.is_in(trimmed, value_set=pa.array(sorted(NA_TOKENS)))
    if col.null_count:  # typed read: exact NA tokens are already nulls
        na = pc.or_(na, pc.is_null(col))
    n_missing = pc.sum(na).as_py() or 0
    if n_missing == len(col):
        return pd.Series(np.full(len(col), np.nan))
    present = pc.if_else(na, pa.scalar(None, pa.string()), trimmed)
    del trimmed
    number = _numbers(present, decimal, thousands)
    if number is None or pc.any(pc.match_substring_regex(present, _RE2_LEADING_ZERO)).as_py():
        return pd.Series(pc.if_else(na, pa.scalar(None, pa.string()), col), dtype="str")
    cleaned, floats = number
    if n_missing == 0:
        try:
            ints = pc.cast(pc.replace_substring_regex(cleaned, "^\\+", ""), pa.int64())
            return pd.Series(ints.to_numpy())
        except pa.ArrowInvalid:  # decimals, exponents or beyond int64: floats, as the careful reader does
            pass
    return pd.Series(floats.to_numpy(zero_copy_only=False).astype(np.float64, copy=False))


def _numbers(present: Any, decimal: str, thousands: str | None) -> tuple[Any, Any] | None:
    """(cleaned text, float64) when every present cell is a number in the file's style, else None (text)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    plain = decimal == "." and thousands is None
    if not plain:
        pattern = _RE2_PLAIN + "|" + (_RE2_DECIMAL_COMMA if decimal == "," else _RE2_THOUSANDS_COMMA)
        if not _all_match(present, pattern):
            return None
    cleaned = present
    if decimal == ",":
        if thousands == ".":
            dotted = pc.match_substring_regex(cleaned, _RE2_THOUSANDS_DOT)
            cleaned = pc.if_else(dotted, pc.replace_substring(cleaned, ".", ""), cleaned)
        cleaned = pc.replace_substring(cleaned, ",", ".")
    elif thousands == ",":
        cleaned = pc.replace_substring(cleaned, ",", "")
    try:
        floats = pc.cast(cleaned, pa.float64())
    except pa.ArrowInvalid as exc:
        if plain and not (_all_match(present.slice(0, 1000), _RE2_PLAIN) and _all_match(present, _RE2_PLAIN)):
            return None  # text, as expected for most text columns
        raise Fallback from exc  # numbers pyarrow cannot read (e.g. non-ASCII digits): let Python read them
    if plain and not pc.all(pc.is_finite(floats)).as_py() and not _all_match(present, _RE2_PLAIN):
        return None  # "inf", "-nan" and the like are text to the careful reader
    return cleaned, floats


def _all_match(values: Any, pattern: str) -> bool:
    import pyarrow.compute as pc

    return bool(pc.all(pc.match_substring_regex(values, f"^(?:{pattern})$")).as_py())
