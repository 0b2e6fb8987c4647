"""The fonts a PDF report needs for its language: Latin and Cyrillic (DejaVu Sans) and Chinese/Korean (Noto Sans CJK).

Found at run time, in this order: the system's fonts (Debian ``fonts-dejavu-core`` and ``fonts-noto-cjk``; the
face of the Noto CJK collection is chosen per language, so Chinese reads with mainland glyph shapes and Korean with
Korean ones), then the Noto Sans CJK font that ``requirements.txt`` installs from PyPI
(``rinoh-typeface-notosanscjk``, OFL), which also covers Latin, Cyrillic and Hangul. With neither, the PDF falls
back to Helvetica and says plainly which characters it could not print and what to install.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

# Where fonts live on Debian/Ubuntu, Fedora, Arch, macOS and Windows; searched in this order.
FONT_DIRS: tuple[str, ...] = (
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    str(Path.home() / ".local/share/fonts"),
    str(Path.home() / ".fonts"),
    "/Library/Fonts",
    "/System/Library/Fonts",
    "C:/Windows/Fonts",
)
# DejaVu covers Latin, Greek, Cyrillic, Armenian, Georgian, Hebrew and Arabic letters: every alphabet our users sent.
UNICODE_FONTS = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
MONO_FONT = "DejaVuSansMono.ttf"
# Noto Sans CJK as a collection (Debian fonts-noto-cjk): faces JP 0, KR 1, SC 2, TC 3, HK 4.
CJK_COLLECTION = {"": "NotoSansCJK-Regular.ttc", "B": "NotoSansCJK-Bold.ttc"}
CJK_FACE = {"zh": 2, "ko": 1, "ru": 2, "en": 2}
# Single-face CJK fonts other systems ship; the first one found is used.
CJK_FONTS: tuple[str, ...] = (
    "NotoSansCJKsc-Regular.otf",
    "NotoSansSC-Regular.ttf",
    "NotoSansSC-Regular.otf",
    "wqy-microhei.ttc",
    "wqy-zenhei.ttc",
    "DroidSansFallbackFull.ttf",
    "msyh.ttc",
)
# The PyPI package requirements.txt installs: Noto Sans CJK (JP face) regular and bold, with its OFL licence.
PACKAGED_CJK = ("rinoh_typeface_notosanscjk", {"": "notosanscjkjp-regular.otf", "B": "notosanscjkjp-bold.otf"})
FONT_HELP = (
    "Install the fonts with `pip install -r requirements.txt` (it brings Noto Sans CJK) or, on Debian/Ubuntu, "
    "`apt-get install fonts-noto-cjk fonts-dejavu-core`."
)


@dataclass(frozen=True)
class PdfFonts:
    """The fonts found for the PDF: family names to use and the code points they can draw."""

    body: str
    mono: str
    files: tuple[tuple[str, str, str, int], ...]  # (family, style, path, face in a collection) to add_font
    fallback: tuple[str, ...]  # fallback family names (CJK)
    covered: frozenset[int]
    unicode: bool


def _find_font(name: str, dirs: Sequence[str]) -> str | None:
    for folder in dirs:
        root = Path(folder)
        if not root.is_dir():
            continue
        direct = root / name
        if direct.is_file():
            return str(direct)
        for path in root.rglob(name):
            return str(path)
    return None


def _cmap(path: str, face: int = 0) -> set[int]:
    from fontTools.ttLib import TTFont  # fpdf2 depends on fontTools; lazy so HTML-only callers skip it

    with TTFont(path, fontNumber=face, lazy=True) as font:
        return set(font.getBestCmap() or {})


def packaged_cjk() -> dict[str, str]:
    """{style: path} of the Noto Sans CJK files installed from PyPI ({} when the package is missing)."""
    spec = importlib.util.find_spec(PACKAGED_CJK[0])  # finds the folder without running its __init__
    if spec is None or not spec.submodule_search_locations:
        return {}
    folder = Path(next(iter(spec.submodule_search_locations)))
    return {style: str(folder / name) for style, name in PACKAGED_CJK[1].items() if (folder / name).is_file()}


def _cjk(dirs: Sequence[str], language: str, *, packaged: bool) -> list[tuple[str, str, str, int]]:
    regular = _find_font(CJK_COLLECTION[""], dirs)
    if regular:
        bold = _find_font(CJK_COLLECTION["B"], dirs) or regular
        face = CJK_FACE.get(language, 2)
        return [("cjk", "", regular, face), ("cjk", "B", bold, face)]
    for name in CJK_FONTS:
        path = _find_font(name, dirs)
        if path:
            return [("cjk", "", path, 0), ("cjk", "B", path, 0)]
    found = packaged_cjk() if packaged else {}
    if found.get(""):
        return [("cjk", "", found[""], 0), ("cjk", "B", found.get("B", found[""]), 0)]
    return []


@lru_cache(maxsize=16)
def find_fonts(*, dirs: tuple[str, ...] = FONT_DIRS, language: str = "en", packaged: bool = True) -> PdfFonts:
    """DejaVu Sans (+ Bold, Mono) with Noto Sans CJK as fallback; the CJK font alone when DejaVu is missing (it
    draws Latin and Cyrillic too); else the core Helvetica (Latin-1 only). ``packaged=False`` ignores the PyPI font
    (tests of the fallback message)."""
    cjk = _cjk(dirs, language, packaged=packaged)
    cjk_covered = _cmap(cjk[0][2], cjk[0][3]) if cjk else set()
    regular = _find_font(UNICODE_FONTS[""], dirs)
    if regular is None:
        if cjk:
            return PdfFonts("cjk", "cjk", tuple(cjk), (), frozenset(cjk_covered), unicode=True)
        return PdfFonts("helvetica", "courier", (), (), frozenset(range(32, 256)), unicode=False)
    files = [("dejavu", "", regular, 0), ("dejavu", "B", _find_font(UNICODE_FONTS["B"], dirs) or regular, 0)]
    covered = _cmap(regular)
    mono = "dejavu"
    mono_path = _find_font(MONO_FONT, dirs)
    if mono_path:
        files.append(("dejavumono", "", mono_path, 0))
        mono = "dejavumono"
    files.extend(cjk)
    return PdfFonts("dejavu", mono, tuple(files), ("cjk",) if cjk else (), frozenset(covered | cjk_covered), True)
