"""Guessing how a text file is laid out: its line breaks, delimiter and number style (decimal comma, thousands).

Kept apart from ``segcore.io.load`` so the reading code stays short: every function here looks at text and returns a
decision; none of them builds a table. File format and encoding are ``segcore.io.encoding``.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter

# Records looked at to choose the delimiter: enough to see past a title-free header, cheap on any file.
SNIFF_RECORDS = 50
# Delimiters we try, in order of preference when two are equally consistent.
DELIMITERS = (",", ";", "\t", "|")
# Delimiter reported for files whose columns are separated by runs of spaces (it is also the pandas ``sep``).
WHITESPACE = r"\s+"
# How each delimiter is named to a person (the load summary, error messages).
DELIMITER_NAMES = {
    ",": "comma",
    ";": "semicolon",
    "\t": "tab",
    "|": "pipe",
    WHITESPACE: "whitespace",
}
# A delimiter must split at least this share of the sampled records into the same number of fields.
MIN_CONSISTENCY = 0.5
# Whitespace splitting is a last resort, so it must be almost perfectly regular.
MIN_WHITESPACE_CONSISTENCY = 0.9

NUMBER_PLAIN = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
NUMBER_THOUSANDS_COMMA = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")
NUMBER_DECIMAL_COMMA = re.compile(r"[+-]?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?")
_COMMA_DECIMAL_EVIDENCE = re.compile(
    r"[+-]?(?:\d+,(?:\d{1,2}|\d{4,})|\d{1,3}(?:\.\d{3})+,\d+|\d{1,3}(?:\.\d{3}){2,})"
)
_DOT_DECIMAL_EVIDENCE = re.compile(
    r"[+-]?(?:\d+\.(?:\d{1,2}|\d{4,})|\d{1,3}(?:,\d{3})+\.\d+|\d{1,3}(?:,\d{3}){2,})"
)
_THOUSANDS_DOT = re.compile(r"[+-]?\d{1,3}(?:\.\d{3})+(?:,\d+)?")
LEADING_ZERO = re.compile(r"[+-]?0\d+")
LINE_BREAK = re.compile(r"\r\n|\r|\n")


def split_lines(text: str) -> list[str]:
    """Split on \\r\\n, \\r or \\n only (str.splitlines also splits on form feeds and Unicode separators)."""
    return LINE_BREAK.split(text)


def head_lines(text: str, n: int) -> list[str]:
    """``split_lines(text)[:n]`` without splitting the whole (possibly huge) text."""
    out, start = [], 0
    for match in LINE_BREAK.finditer(text):
        if len(out) >= n:
            return out
        out.append(text[start : match.start()])
        start = match.end()
    if len(out) < n:
        out.append(text[start:])
    return out


def unwrap_quoted_lines(text: str) -> str | None:
    """Repair files where every line is wrapped in quotes with doubled inner quotes; None if not that case."""
    lines = [line for line in head_lines(text, SNIFF_RECORDS + 1) if line.strip()]
    if len(lines) < 2 or not all(line.startswith('"') and line.endswith('"') for line in lines[:-1]):
        return None
    if not any('""' in line for line in lines) or sniff_delimiter(text) is not None:
        return None
    unwrapped = []
    for line in split_lines(text):
        if line.startswith('"'):
            line = line[1:]
        if line.endswith('"'):
            line = line[:-1]
        unwrapped.append(line.replace('""', '"'))
    repaired = "\n".join(unwrapped)
    return repaired if sniff_delimiter(repaired) not in (None, WHITESPACE) else None


def sniff_delimiter(text: str) -> str | None:
    """The delimiter that splits the first records into the most consistent number of fields (>= 2)."""
    best, best_score = None, None
    for delim in DELIMITERS:
        counts = _field_counts(text, delim)
        if not counts:
            continue
        mode, freq = Counter(counts).most_common(1)[0]
        consistency = freq / len(counts)
        if mode < 2 or consistency < MIN_CONSISTENCY:
            continue
        score = (counts[0] == mode, round(consistency, 2), mode)
        if best_score is None or score > best_score:
            best, best_score = delim, score
    if best is not None:
        return best
    counts = [len(line.split()) for line in head_lines(text, SNIFF_RECORDS) if line.strip()]
    if counts:
        mode, freq = Counter(counts).most_common(1)[0]
        if mode >= 2 and freq / len(counts) >= MIN_WHITESPACE_CONSISTENCY and counts[0] == mode:
            return WHITESPACE
    return None


def _field_counts(text: str, delim: str) -> list[int]:
    reader = csv.reader(io.StringIO(text[:200_000], newline=""), delimiter=delim, quotechar='"', strict=False)
    counts: list[int] = []
    try:
        for row in reader:
            if row and any(field.strip() for field in row):
                counts.append(len(row))
            if len(counts) >= SNIFF_RECORDS:
                break
    except csv.Error:
        pass
    return counts


def number_style(values: list[str]) -> tuple[str, str | None]:
    """(decimal, thousands) from unambiguous examples: "1,5" or "1.234,56" vote comma; "1.25", "1,234.5" vote dot."""
    comma = sum(1 for v in values if _COMMA_DECIMAL_EVIDENCE.fullmatch(v))
    dot = sum(1 for v in values if _DOT_DECIMAL_EVIDENCE.fullmatch(v))
    if comma > dot:
        thousands = "." if any(_THOUSANDS_DOT.fullmatch(v) and "." in v for v in values) else None
        return ",", thousands
    thousands = "," if any(NUMBER_THOUSANDS_COMMA.fullmatch(v) for v in values) else None
    return ".", thousands


def is_number(value: str, *, decimal: str, thousands: str | None) -> bool:
    """Whether one stripped cell reads as a number under the file's number style (or the plain style)."""
    if NUMBER_PLAIN.fullmatch(value):
        return True
    if decimal == "," and NUMBER_DECIMAL_COMMA.fullmatch(value):
        return True
    return decimal == "." and thousands == "," and bool(NUMBER_THOUSANDS_COMMA.fullmatch(value))


def clean_number(value: str, *, decimal: str, thousands: str | None) -> str:
    """Rewrite one numeric cell in plain Python syntax ("1.234,5" -> "1234.5")."""
    if decimal == ",":
        if thousands == "." and _THOUSANDS_DOT.fullmatch(value):
            value = value.replace(".", "")
        return value.replace(",", ".")
    if thousands == ",":
        return value.replace(",", "")
    return value
