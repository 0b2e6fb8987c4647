"""Read a customer file (CSV/TSV/TXT, Excel, Parquet, JSON) into a DataFrame plus a report of what was done.

Marketers' files are messy: European number styles, legacy encodings, Excel re-saves with empty columns, broken
exports. ``load_table`` repairs what it safely can, reports every row or column it left out, and otherwise raises
``DataError`` saying what is wrong, where, and what to do. Dates stay text here (``roles`` decides what they are).

The reading itself lives in private modules, one concept each: ``_sniff`` (format, encoding, delimiter, number
style), ``_fastcsv`` (pyarrow for regular delimited text), ``_carefulcsv`` (row by row, with line numbers),
``_formats`` (Excel, Parquet, JSON) and ``_parsed`` (what every reader hands back). This module reads the source,
dispatches on the format, cleans the header and builds the ``Table`` and ``LoadReport``.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, BinaryIO

import pandas as pd

from segcore.errors import DataError
from segcore.i18n import N_, _, _l, ngettext
from segcore.io import encoding as _encoding
from segcore.io import limits as _limits
from segcore.io import sniff as _sniff
from segcore.io.carefulcsv import (
    _read_delimited,  # called through this module: tests patch io._read_delimited
)
from segcore.io.fastcsv import _fast_delimited
from segcore.io.formats import _read_excel, _read_json, _read_parquet
from segcore.io.parsed import NA_TOKENS, SkippedRows, _Parsed
from segcore.io.values import repair_values

__all__ = ["NA_TOKENS", "LoadReport", "SkippedRows", "Table", "fingerprint", "load_table"]

# Header names that mean "no name" (pandas writes "Unnamed: 3" for a blank header cell).
_UNNAMED = re.compile(r"(?:Unnamed(?::\s*\d+)?(?:_level_\d+)?)?", re.IGNORECASE)
_PRETTY_ENCODING = {"utf-8": "UTF-8", "utf-8-sig": N_("UTF-8 with BOM"), "utf-16": "UTF-16", "utf-16-le": "UTF-16",
                    "utf-16-be": "UTF-16", "gb18030": N_("GB18030 (Chinese)"), "cp949": N_("EUC-KR (Korean)"),
                    "cp932": N_("Shift-JIS (Japanese)"), "cp1251": N_("Windows-1251 (Cyrillic)"),
                    "cp1252": N_("Windows-1252 (Western)"), "big5": N_("Big5 (Chinese)")}  # fmt: skip
# The separators' names, translated where the summary is written.
_DELIMITER_WORDS = {",": N_("comma"), ";": N_("semicolon"), "\t": N_("tab"), "|": N_("pipe")}


@dataclass(frozen=True)
class LoadReport:
    """Everything the loader decided or repaired, so the app can show it and nothing is lost silently."""

    source: str
    file_format: str
    encoding: str | None
    delimiter: str | None
    decimal: str | None
    thousands: str | None
    sheet: str | None
    sheets: tuple[str, ...]
    rows_read: int
    rows_skipped: int
    skipped: tuple[SkippedRows, ...]
    columns_renamed: tuple[tuple[str, str], ...]
    columns_dropped: tuple[str, ...]
    warnings: tuple[str, ...]
    n_columns: int = 0
    header: bool = True

    def to_dict(self) -> dict:
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out["sheets"] = list(self.sheets)
        out["skipped"] = [s.to_dict() for s in self.skipped]
        out["columns_renamed"] = [list(pair) for pair in self.columns_renamed]
        out["columns_dropped"] = list(self.columns_dropped)
        out["warnings"] = [str(w) for w in self.warnings]
        return out

    @classmethod
    def from_dict(cls, d: dict) -> LoadReport:
        d = dict(d)
        d["sheets"] = tuple(d.get("sheets", ()))
        d["skipped"] = tuple(SkippedRows.from_dict(s) for s in d.get("skipped", ()))
        d["columns_renamed"] = tuple(tuple(pair) for pair in d.get("columns_renamed", ()))
        d["columns_dropped"] = tuple(d.get("columns_dropped", ()))
        d["warnings"] = tuple(d.get("warnings", ()))
        return cls(**d)

    def notes(self) -> list[str]:
        """One sentence per thing the reader left out or changed (rows skipped with their lines, columns renamed or
        dropped, values rewritten), in the order ``inspect``, ``fit`` and the studio show them."""
        out = []
        for skipped in self.skipped:
            lines = ", ".join(str(n) for n in skipped.lines[:10])
            more = ", ..." if skipped.count > len(skipped.lines[:10]) else ""
            if lines:
                out.append(ngettext("{n:,} row was skipped: {reason} (line {lines}).",
                                    "{n:,} rows were skipped: {reason} (line {lines}).", skipped.count,
                                    reason=skipped.reason, lines=lines + more))
            else:
                out.append(ngettext("{n:,} row was skipped: {reason}.", "{n:,} rows were skipped: {reason}.",
                                    skipped.count, reason=skipped.reason))
        if self.columns_renamed:
            pairs = ", ".join(f"'{old}' -> '{new}'" for old, new in self.columns_renamed[:10])
            if len(self.columns_renamed) > 10:
                pairs = _("{names} and {more:,} more", names=pairs, more=len(self.columns_renamed) - 10)
            out.append(_("Columns renamed so every column has its own name: {pairs}.", pairs=pairs))
        if self.columns_dropped:
            out.append(ngettext("{n:,} empty unnamed column was dropped.", "{n:,} empty unnamed columns were dropped.",
                                len(self.columns_dropped)))
        out.extend(str(w) for w in self.warnings)  # lazy notes, read now in the current language
        return out

    def summary(self) -> str:
        """One plain sentence, e.g. "Read 5,000 rows x 18 columns from x.csv (UTF-8, comma-separated)."."""
        details = []
        if self.file_format == "excel":
            details.append(_("Excel sheet '{sheet}'", sheet=self.sheet))
        elif self.file_format in ("parquet", "json"):
            details.append(self.file_format.capitalize())
        if self.encoding:
            details.append(_(_PRETTY_ENCODING.get(self.encoding, self.encoding.upper())))
        if self.delimiter:
            word = _DELIMITER_WORDS.get(self.delimiter)
            name = _(word) if word else _sniff.DELIMITER_NAMES.get(self.delimiter, repr(self.delimiter))
            details.append(_("{name}-separated", name=name))
        if self.decimal == ",":
            details.append(_("decimal comma"))
        text = _("Read {rows} rows x {columns} columns from {source} ({details})", rows=self.rows_read,
                 columns=self.n_columns, source=self.source, details=", ".join(details))
        if self.rows_skipped:
            text += ngettext("; skipped {n} row ({reasons})", "; skipped {n} rows ({reasons})", self.rows_skipped,
                             reasons=", ".join(str(s.reason) for s in self.skipped))
        if self.columns_dropped:
            text += ngettext("; dropped {n} empty unnamed column", "; dropped {n} empty unnamed columns",
                             len(self.columns_dropped))
        if self.warnings:
            text += ngettext("; {n} warning to check", "; {n} warnings to check", len(self.warnings))
        return text + _(".")


@dataclass(frozen=True)
class Table:
    """A loaded table and the report of how it was read."""

    df: pd.DataFrame
    report: LoadReport

    def to_dict(self) -> dict:
        return {"report": self.report.to_dict(), "shape": list(self.df.shape)}


def load_table(
    source: str | Path | bytes | BinaryIO,
    *,
    name: str | None = None,
    sheet: str | int | None = None,
    fast: bool = True,
) -> Table:
    """Read a file path, bytes or binary file-like (e.g. Streamlit's UploadedFile) into a Table.

    Delimited text goes through pyarrow's CSV reader when the file is regular (the same table and report, in a
    fraction of the time and memory); anything irregular (ragged rows, broken quotes, whitespace-separated columns,
    rows that need line numbers the fast reader cannot give) is read again row by row. ``fast=False`` forces the
    row-by-row reader (tests compare the two).
    """
    data, source_name = _read_source(source, name)
    if not data or data.isspace():
        if not data:
            message = _l("{source_name} is empty (0 bytes). Export the table again and check the file has rows "
                         "before uploading.", source_name=source_name)
        else:
            message = _l("{source_name} contains only blank space. Export the table again and check the file has "
                         "rows before uploading.", source_name=source_name)
        raise DataError(message)
    fmt, warning = _encoding.format_of(data, source_name)
    if fmt in ("csv", "json"):
        _limits.check_text(data, source_name)
    meta: dict[str, Any] = {"encoding": None, "delimiter": None, "decimal": None, "thousands": None}
    if fmt == "excel":
        parsed = _read_excel(data, source_name, sheet)
    elif fmt == "parquet":
        parsed = _read_parquet(data, source_name)
    else:
        parsed, decoded = _read_text(data, source_name, fmt, fast=fast)
        meta["encoding"] = decoded.encoding
        if decoded.replaced:
            parsed.warnings.insert(
                0,
                f"{decoded.replaced} bytes in {source_name} were not valid UTF-8 and were replaced (read as "
                f"Windows-1252), first on line {decoded.first_bad_line}; check the text there.",
            )
    if warning:
        parsed.warnings.insert(0, warning)
    meta.update(parsed.meta)
    return _finish(parsed, source_name, fmt, meta)


def fingerprint(df: pd.DataFrame) -> str:
    """Full content hash (values, index, column names, dtypes); Streamlit's own hash samples big frames."""
    h = hashlib.blake2b(pd.util.hash_pandas_object(df, index=True).to_numpy().tobytes(), digest_size=16)
    h.update(str(list(df.columns)).encode())
    h.update(str(list(df.dtypes)).encode())
    return h.hexdigest()


def _read_source(source: Any, name: str | None) -> tuple[bytes, str]:
    if isinstance(source, (str, Path)):
        path = Path(source)
        try:
            return path.read_bytes(), name or path.name
        except FileNotFoundError as exc:
            raise DataError(_l(
                "File not found: {path}. Check the path and the file name.",
                path=path,
            )) from exc
        except IsADirectoryError as exc:
            raise DataError(
                _l("{path} is a folder, not a file. Choose the CSV or Excel file inside it.", path=path)
            ) from exc
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source), name or "uploaded file"
    label = name or Path(str(getattr(source, "name", "") or "uploaded file")).name
    if hasattr(source, "getvalue"):
        data = source.getvalue()
    elif hasattr(source, "read"):
        if hasattr(source, "seek"):
            source.seek(0)
        data = source.read()
    else:
        raise DataError(_l(
            "Cannot read {kind}: pass a file path, bytes or an uploaded file.",
            kind=type(source).__name__,
        ))
    return (data.encode("utf-8") if isinstance(data, str) else bytes(data)), label


def _read_text(data: bytes, source: str, fmt: str, *, fast: bool) -> tuple[_Parsed, _encoding.Decoded]:
    """Fast reader on the raw bytes when they are strict UTF-8, else on the decoded text; careful reader otherwise."""
    decoded = None
    if fast and fmt == "csv":
        candidate = _encoding.utf8_candidate(data)
        if candidate is not None:
            start, encoding = candidate
            parsed = _fast_delimited(data, source, start=start)
            if parsed is not None:
                return parsed, _encoding.Decoded("", encoding)
        decoded = _encoding.decode(data, source)
        if candidate is None or decoded.encoding != candidate[1] or decoded.replaced:
            # Different text from the bytes tried above (UTF-16, legacy code page, replaced stray bytes).
            parsed = _fast_delimited(decoded.text.encode("utf-8", errors="surrogatepass"), source)
            if parsed is not None:
                return parsed, decoded
    decoded = decoded or _encoding.decode(data, source)
    reader = _read_json if fmt == "json" else _read_delimited
    return reader(decoded.text, source), decoded


def _clean_names(raw: list[str]) -> tuple[list[str], list[tuple[str, str]], list[bool]]:
    """Strip names, name blanks column_<position>, number duplicates name_2, name_3; report every change."""
    names, renamed, unnamed, seen = [], [], [], set()
    stripped = [str(n).strip().strip("\ufeff").strip() for n in raw]
    written = set(stripped)
    next_number: dict[str, int] = {}  # per base name, so 4,000 columns named "a" stay linear
    for position, name in enumerate(stripped, start=1):
        blank = bool(_UNNAMED.fullmatch(name))
        new = f"column_{position}" if blank else name
        base, k = new, next_number.get(new, 2)
        while new in seen or (new != name and new in written):
            new, k = f"{base}_{k}", k + 1
        if new != base:
            next_number[base] = k
        seen.add(new)
        names.append(new)
        unnamed.append(blank)
        if new != name:
            renamed.append((name, new))
    return names, renamed, unnamed


def _finish(parsed: _Parsed, source: str, fmt: str, meta: dict) -> Table:
    df = parsed.df
    _limits.check_columns(len(parsed.raw_names), source=source)
    names, renamed, unnamed = _clean_names(parsed.raw_names)
    if not parsed.header:
        renamed = []  # the no-header warning already names column_1..column_n
    df = df.set_axis(names, axis=1)
    empty_unnamed = [n for n, blank in zip(names, unnamed, strict=True) if blank and df[n].isna().all()]
    df = df.drop(columns=empty_unnamed)
    renamed = [(old, new) for old, new in renamed if new not in empty_unnamed]
    if df.shape[1] == 0:
        raise DataError(
            _l(
                "{source} has no columns with data. Check that the file holds a table with a header row.",
                source=source,
            )
        )
    if len(df) == 0:
        raise DataError(
            _l(
                "{source} has a header row but no data rows. Export the table again with its rows and "
                "upload it.",
                source=source,
            )
        )
    df, value_notes = repair_values(df, decimal=meta.get("decimal"))
    if meta.get("thousands"):
        example = "1.234,5" if meta.get("thousands") == "." else "1,234.5"
        value_notes.insert(0, _l("Numbers were read with '{thousands}' as the thousands separator and '{decimal}' as "
                                 "the decimal mark (so '{example}' is 1234.5).", thousands=meta["thousands"],
                                 decimal=meta.get("decimal") or ".", example=example))
    report = LoadReport(
        source=source,
        file_format=fmt,
        encoding=meta.get("encoding"),
        delimiter=meta.get("delimiter"),
        decimal=meta.get("decimal"),
        thousands=meta.get("thousands"),
        sheet=meta.get("sheet"),
        sheets=tuple(meta.get("sheets", ())),
        rows_read=len(df),
        rows_skipped=sum(s.count for s in parsed.skipped),
        skipped=tuple(parsed.skipped),
        columns_renamed=tuple(renamed),
        columns_dropped=tuple(empty_unnamed),
        warnings=(*parsed.warnings, *value_notes),
        n_columns=df.shape[1],
        header=parsed.header,
    )
    return Table(df.reset_index(drop=True), report)
