"""What a file is and how its bytes become text: format from magic bytes and name, encoding (UTF-8/16, GBK, CP1251...).

Every function here looks at raw bytes and returns a decision (or raises ``DataError`` with a message for a
marketer); none of them builds a table. Delimiters and number styles are ``segcore.io.sniff``.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from segcore.errors import DataError
from segcore.i18n import N_, _l, lazy_gettext

# Bytes handed to charset-normalizer: a legacy-encoded file shows its encoding long before 1 MB.
ENCODING_SAMPLE_BYTES = 1_000_000
# A file with valid UTF-8 characters may carry this share of stray invalid bytes (or as many as its valid
# non-ASCII characters) and still be UTF-8 (Excel notes pasted from Windows); legacy-encoded text has far more.
MAX_STRAY_BYTE_SHARE = 0.01
# UTF-16 without a BOM: NULs in every other byte (ASCII digits and separators); non-Latin text has fewer.
UTF16_NUL_SHARE = 0.1

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_MARK = "EncryptedPackage".encode("utf-16-le")
_BINARY_MAGIC = {
    b"\x89PNG": N_("a PNG image"),
    b"\xff\xd8\xff": N_("a JPEG image"),
    b"GIF8": N_("a GIF image"),
    b"%PDF": N_("a PDF document"),
    b"\x1f\x8b": N_("a gzip archive"),
    b"7z\xbc\xaf": N_("a 7-Zip archive"),
    b"Rar!": N_("a RAR archive"),
}
_EXTENSIONS = {
    "csv": "csv", "tsv": "csv", "txt": "csv", "dat": "csv", "tab": "csv", "psv": "csv",
    "xlsx": "excel", "xlsm": "excel", "xltx": "excel", "xltm": "excel",
    "parquet": "parquet", "pq": "parquet",
    "json": "json", "jsonl": "json", "ndjson": "json",
}  # fmt: skip
# charset-normalizer names -> the superset codec we decode with (gb18030 reads every GBK/GB2312 file, etc.).
_SUPERSETS = {
    "gbk": "gb18030", "gb2312": "gb18030", "hz": "gb18030",
    "euc_kr": "cp949", "shift_jis": "cp932", "shift_jis_2004": "cp932", "shift_jisx0213": "cp932",
    "latin_1": "cp1252", "iso8859_1": "cp1252", "iso8859_15": "cp1252", "ascii": "utf-8", "utf_8": "utf-8",
}  # fmt: skip
_CJK = {"gb18030", "cp949", "cp932", "big5", "big5hkscs", "euc_jp", "euc_jis_2004", "cp950", "johab"}
_KOREAN = {
    "cp949",
    "johab",
    "euc_kr",
}  # modern Korean text is Hangul; ideographs in a Korean reading are suspect
_JAPANESE = {
    "cp932",
    "euc_jp",
    "euc_jis_2004",
    "shift_jis_2004",
    "iso2022_jp",
}  # Japanese text nearly always has kana
_LATIN_FAMILY = {"cp1250", "cp1252", "iso8859_2", "iso8859_3", "iso8859_4", "iso8859_9", "iso8859_10",
                 "iso8859_13", "iso8859_14", "iso8859_16", "mac_roman", "mac_latin2", "cp1257", "cp1254"}  # fmt: skip
# Non-ASCII characters a Western-European cp1252 file plausibly holds (letters, currency, quotes, dashes).
_WESTERN = set(
    "ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞßàáâãäåæçèéêëìíîïðñòóôõöøùúûüýþÿ€£¥¢©®°±µ§«»·‘’“”–—…•ŒœŠšŽžŸ\xa0"
)
# Basic national character sets: text decoded with the right codec stays inside one of them.
_BASIC_CJK = ("gb2312", "euc_kr", "shift_jis", "big5")


@dataclass(frozen=True)
class Decoded:
    """Text of a file plus how it was decoded; ``replaced`` counts bytes that were not valid in ``encoding``."""

    text: str
    encoding: str
    replaced: int = 0
    first_bad_line: int | None = None


def format_of(data: bytes, name: str) -> tuple[str, str | None]:
    """Return (format, warning). Magic bytes win over the extension; unknown binary raises DataError."""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        _check_zip_is_workbook(data, name)
        return "excel", None
    if data.startswith(b"PAR1"):
        return "parquet", None
    if data.startswith(_OLE_MAGIC):
        if _ENCRYPTED_MARK in data:
            raise DataError(
                _l(
                    "{name} is a password-protected Excel workbook, so it cannot be read. Open it in Excel, "
                    "remove the password (File > Info > Protect Workbook > Encrypt with Password, clear "
                    "it), save and upload again.",
                    name=name,
                )
            )
        raise DataError(
            _l(
                "{name} is an old Excel 97-2003 (.xls) or other Office file, which is not supported. Open "
                "it in Excel and save it as .xlsx or CSV, then upload that.",
                name=name,
            )
        )
    for magic, what in _BINARY_MAGIC.items():
        if data.startswith(magic):
            raise DataError(
                _l(
                    "{name} is {what}, not a table. Upload a CSV, Excel (.xlsx), Parquet or JSON file.",
                    name=name, what=lazy_gettext(what),
                )
            )
    fmt = _EXTENSIONS.get(ext)
    if fmt in ("excel", "parquet"):
        return "csv", f"{name} is named .{ext} but contains plain text; it was read as a delimited text file."
    if fmt == "json":
        return "json", None
    head = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if fmt is None and head[:1] in (b"[", b"{"):
        return "json", None
    return "csv", None


def _check_zip_is_workbook(data: bytes, name: str) -> None:
    try:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise DataError(
            _l(
                "{name} looks like an Excel workbook but is damaged ({exc}). Open it in Excel, save it "
                "again (or export it as CSV) and upload again.",
                name=name, exc=exc,
            )
        ) from exc
    if "xl/workbook.xml" in names:
        return
    if "word/document.xml" in names:
        raise DataError(_l("{name} is a Word document. Unzip it and upload the CSV or .xlsx file inside, or export "
                           "your table as CSV.", name=name))
    raise DataError(_l("{name} is a zip archive, not an Excel workbook. Unzip it and upload the CSV or .xlsx file "
                       "inside, or export your table as CSV.", name=name))


def decode(data: bytes, name: str) -> Decoded:
    """Decode bytes: BOMs first, then strict UTF-8, then mostly-UTF-8 with stray bytes, then charset-normalizer."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return Decoded(data[3:].decode("utf-8"), "utf-8-sig")
        except UnicodeDecodeError:
            return _mostly_utf8(data[3:], name, "utf-8-sig", force=True)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(data, "utf-16", name)
    head = data[:8192]
    if b"\x00" in head:
        even, odd = head[0::2].count(0), head[1::2].count(0)
        if odd > UTF16_NUL_SHARE * len(head) / 2 and even == 0:
            return _strict(data, "utf-16-le", name)
        if even > UTF16_NUL_SHARE * len(head) / 2 and odd == 0:
            return _strict(data, "utf-16-be", name)
        raise DataError(
            _l(
                "{name} contains binary data, so it is not a text table. Upload a CSV, Excel (.xlsx), "
                "Parquet or JSON file.",
                name=name,
            )
        )
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    mostly = _mostly_utf8(data, name, "utf-8", force=False)
    if mostly is not None:
        return mostly
    for encoding in _guess_legacy(data):
        try:
            return Decoded(data.decode(encoding), encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    raise DataError(
        _l(
            "Could not work out the text encoding of {name}. Open it in a spreadsheet or text editor, save "
            "it as 'CSV UTF-8' and upload again.",
            name=name,
        )
    )


def _strict(data: bytes, encoding: str, name: str) -> Decoded:
    try:
        return Decoded(data.decode(encoding), encoding)
    except UnicodeDecodeError as exc:
        raise DataError(
            _l(
                "{name} looks like {encoding} text but byte {start} is invalid. Save it again as 'CSV "
                "UTF-8' and upload again.",
                name=name, encoding=encoding.upper(), start=exc.start,
            )
        ) from exc


def _mostly_utf8(data: bytes, name: str, label: str, *, force: bool) -> Decoded | None:
    """UTF-8 with a few stray bytes (read as Windows-1252); None when the file is really in another encoding."""
    text = data.decode("utf-8", errors="surrogateescape")
    stray = re.findall(r"[\udc80-\udcff]", text)
    # Characters above ASCII, counted in C (a Python loop over a 200 MB text takes seconds).
    valid_non_ascii = len(text) - len(text.encode("ascii", errors="ignore")) - len(stray)
    few = len(stray) <= MAX_STRAY_BYTE_SHARE * len(data) or len(stray) <= valid_non_ascii
    if not force and (valid_non_ascii < 1 or not few):
        return None
    first = re.search(r"[\udc80-\udcff]", text)
    first_line = text.count("\n", 0, first.start()) + 1 if first else None

    def as_cp1252(match: re.Match) -> str:
        return bytes([ord(match.group()) - 0xDC00]).decode("cp1252", errors="replace")

    return Decoded(re.sub(r"[\udc80-\udcff]", as_cp1252, text), label, len(stray), first_line)


def _guess_legacy(data: bytes) -> list[str]:
    """Candidate legacy encodings, best first (charset-normalizer, then our CJK and Western tie-breaks)."""
    from charset_normalizer import from_bytes

    sample = data[:ENCODING_SAMPLE_BYTES]
    found = [_SUPERSETS.get(m.encoding, m.encoding) for m in from_bytes(sample)]
    candidates = list(dict.fromkeys(found))
    if candidates and candidates[0] in _CJK:
        cjk = [c for c in candidates if c in _CJK]
        for extra in ("gb18030", "cp949", "cp932", "big5"):
            if extra not in cjk:
                cjk.append(extra)
        ranked = sorted(cjk, key=lambda enc: _cjk_rank(sample, enc))
        candidates = ranked + [c for c in candidates if c not in ranked]
    elif not candidates or candidates[0] in _LATIN_FAMILY:
        try:
            western = set(sample.decode("cp1252")) - set(map(chr, range(128)))
        except UnicodeDecodeError:
            western = None
        if western is not None and western <= _WESTERN:
            candidates.insert(0, "cp1252")
    return list(dict.fromkeys(candidates + ["cp1252"]))


def _cjk_rank(sample: bytes, encoding: str) -> tuple[float, bool]:
    """Sort key: plausibility first; on a tie, a Japanese reading without any kana is the less likely one."""
    text = _decode_sample(sample, encoding)
    if text is None:
        return (1.0, True)
    chars = [ch for ch in text if ord(ch) > 127]
    if not chars:
        return (0.0, False)
    korean = encoding in _KOREAN
    good = sum(1 for ch in chars if _is_basic(ch) and not (korean and 0x4E00 <= ord(ch) <= 0x9FFF))
    no_kana = encoding in _JAPANESE and not any(0x3040 <= ord(ch) <= 0x30FF for ch in chars)
    return (-good / len(chars), no_kana)


def _decode_sample(sample: bytes, encoding: str) -> str | None:
    for cut in (0, 1, 2, 3):  # the sample may end in the middle of a character
        try:
            return sample[: len(sample) - cut].decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    return None


def _is_basic(ch: str) -> bool:
    """Common characters only: a wrong CJK codec turns bytes into rare ideographs, rare syllables or half-width kana."""
    code = ord(ch)
    if 0xFF61 <= code <= 0xFF9F:  # half-width katakana: what Korean or Chinese bytes become in cp932
        return False
    if 0x3040 <= code <= 0x30FF:  # hiragana and katakana
        return True
    if 0xAC00 <= code <= 0xD7A3:  # Hangul: the 2,350 syllables of KS X 1001 (Python spells others as 8 bytes)
        return _lead_byte(ch, "euc_kr", 0xB0, 0xC8)
    if 0x4E00 <= code <= 0x9FFF:  # ideographs: level-1 (most frequent) of GB2312, JIS X 0208 or Big5
        return (
            _lead_byte(ch, "gb2312", 0xB0, 0xD7)
            or _lead_byte(ch, "shift_jis", 0x88, 0x98)
            or _lead_byte(ch, "big5", 0xA4, 0xC6)
        )
    for codec in _BASIC_CJK:
        try:
            if len(ch.encode(codec)) <= 2:
                return True
        except UnicodeEncodeError:
            continue
    return False


def _lead_byte(ch: str, codec: str, low: int, high: int) -> bool:
    try:
        encoded = ch.encode(codec)
    except UnicodeEncodeError:
        return False
    return len(encoded) == 2 and low <= encoded[0] <= high


def utf8_candidate(data: bytes) -> tuple[int, str] | None:
    """(offset of the text, encoding) when ``decode`` would try strict UTF-8 first; the caller validates the bytes.

    Lets a big clean file skip decoding to one huge string; None means "use ``decode``" (UTF-16, binary).
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return 3, "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:8192]:
        return None
    return 0, "utf-8"
