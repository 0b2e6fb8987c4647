"""What every segcore chart shares: palette scales, segment order, safe field names, tooltips, and the exports.

``chart_spec``/``chart_html``/``chart_png``/``chart_svg`` lift Altair's 5,000-row limit for exports and apply the
segcore theme (``segcore.render.theme``), so a chart looks the same in the studio, a report and a shared view.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Any

import altair as alt
import pandas as pd

from segcore.labels import is_unassigned_name
from segcore.render.theme import (
    THEME_NAME,
    register_theme,
    segment_palette,
)

# Heat-map cell size in px: room for a "+1.2" label in each cell.
HEAT_CELL_WIDTH = 56
HEAT_CELL_HEIGHT = 30
# vl-convert compiles specs with this Vega-Lite version (the one altair 6.3 writes).
VEGALITE_VERSION = "6.4"
# Character widths of a title line in a third of the studio's width (~300 px at the 16 px title size).
NARROW_TITLE_WIDTH = 30
# PNG exports at 2x so they stay sharp in slides and printed reports.
PNG_SCALE = 2.0


# --------------------------------------------------------------------------------------------------- helpers
def title_lines(text: str, *, width: int = NARROW_TITLE_WIDTH) -> list[str]:
    """``text`` broken into lines of at most ``width`` character widths (CJK characters count two), for a chart
    title in a narrow column: Vega cuts a one-line title at the chart's width ("Distribution of total_spend…").

    Lines break between words; a word longer than a line breaks after an underscore, else where the line is full.
    """
    pieces: list[str] = []
    for word in re.split(r"(?<=\s)", str(text)):
        pieces.extend(_split_long(word, width) if _text_width(word.strip()) > width else [word])
    lines = [""]
    for piece in pieces:
        if lines[-1].strip() and _text_width((lines[-1] + piece).rstrip()) > width:
            lines.append("")
        lines[-1] += piece
    return [line.strip() for line in lines if line.strip()] or [""]


def _split_long(word: str, width: int) -> list[str]:
    """A word wider than a line, in pieces of at most ``width``: after underscores where possible."""
    out: list[str] = []
    for part in re.split(r"(?<=_)", word):
        while _text_width(part) > width:
            cut = max(i for i in range(1, len(part) + 1) if _text_width(part[:i]) <= width)
            out.append(part[:cut])
            part = part[cut:]
        if out and _text_width(out[-1] + part) <= width:
            out[-1] += part
        else:
            out.append(part)
    return out


def _text_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def untitled(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """The chart without its own title, for a place where a heading above it already names it: one title per
    chart. Exports (PNG, SVG) keep the titled chart, since they travel without the page around them."""
    out = chart.copy(deep=False)
    out.title = alt.Undefined
    return out


def palette_scale(palette: tuple[Sequence, Sequence[str]] | None, names: Sequence[str]) -> alt.Scale:
    domain, colors = palette if palette is not None else segment_palette(list(names))
    return alt.Scale(domain=list(domain), range=list(colors))


def segment_order(frame: pd.DataFrame, *, name: str = "segment_name", seg: str = "segment") -> list[str]:
    """Segment names in segment id order (Unassigned last), the order colours are given out in."""
    if seg in frame.columns:
        pairs = frame[[seg, name]].drop_duplicates().copy()
        pairs["_last"] = pairs[seg] < 0
        pairs = pairs.sort_values(["_last", seg], kind="stable")
        return [str(n) for n in pairs[name]]
    names = [str(n) for n in pd.unique(frame[name])]
    return [n for n in names if not is_unassigned_name(n)] + [n for n in names if is_unassigned_name(n)]


def field_name(name: str) -> str:
    """Escape a user's column name for Vega-Lite, where "." and "[" mean nested access."""
    return "".join("\\" + ch if ch in ".[]\\" else ch for ch in str(name))


def tooltips(frame: pd.DataFrame, columns: Sequence[str]) -> list[alt.Tooltip]:
    """Tooltips with readable number formats: thousands separators, at most two decimals."""
    tips = []
    for col in columns:
        s = frame[col]
        kw: dict[str, Any] = {"field": field_name(col), "title": str(col), "type": "nominal"}
        if pd.api.types.is_bool_dtype(s):
            pass
        elif pd.api.types.is_integer_dtype(s):
            kw.update(type="quantitative", format=",d")
        elif pd.api.types.is_float_dtype(s):
            kw.update(type="quantitative", format=",.2~f")
        elif pd.api.types.is_datetime64_any_dtype(s):
            kw.update(type="temporal", format="%Y-%m-%d")
        tips.append(alt.Tooltip(**kw))
    return tips


def profile_frame(profiles: Any) -> pd.DataFrame:
    """Accept Profile objects (segcore.insight.profile) or a frame with segment_name, size, share."""
    if isinstance(profiles, pd.DataFrame):
        return profiles.copy()
    rows = [
        {"segment": p.segment, "segment_name": p.name, "size": p.size, "share": p.share} for p in profiles
    ]
    return pd.DataFrame(rows, columns=["segment", "segment_name", "size", "share"])


# ------------------------------------------------------------------------------------------- export
def chart_spec(chart: alt.TopLevelMixin) -> dict[str, Any]:
    """The Vega-Lite dict with the segcore theme and no 5,000-row limit (for reports and shared views)."""
    register_theme()
    with alt.theme.enable(THEME_NAME), alt.data_transformers.disable_max_rows():
        return chart.to_dict()


def chart_html(chart: alt.TopLevelMixin, *, inline: bool = True) -> str:
    """A standalone HTML page for the chart; ``inline`` embeds the JS libraries so it works offline."""
    register_theme()
    with alt.theme.enable(THEME_NAME), alt.data_transformers.disable_max_rows():
        return chart.to_html(inline=inline)


def chart_png(chart: alt.TopLevelMixin, *, scale: float = PNG_SCALE) -> bytes:
    """The chart as PNG bytes (rendered locally by vl-convert; nothing is fetched from the network)."""
    import vl_convert as vlc

    return vlc.vegalite_to_png(
        chart_spec(chart), vl_version=VEGALITE_VERSION, scale=scale, allowed_base_urls=[]
    )


def chart_svg(chart: alt.TopLevelMixin) -> str:
    """The chart as an SVG document (rendered locally by vl-convert)."""
    import vl_convert as vlc

    return vlc.vegalite_to_svg(chart_spec(chart), vl_version=VEGALITE_VERSION, allowed_base_urls=[])
