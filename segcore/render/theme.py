"""The segcore look: one palette and one Altair theme shared by the app, the HTML report and the shared view.

A segment keeps its colour everywhere because colours are handed out by segment id order (segment 0 always gets
the primary blue), never by sorting names. ``.streamlit/config.toml`` repeats the same palette and font so that
Streamlit's own widgets match the charts.
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt

from segcore.labels import is_unassigned_name

# The product's primary colour (Tailwind blue-600): the first segment, single-series bars and lines.
PRIMARY = "#2563eb"
# Inter when the viewer has it, else the platform UI font: close to Streamlit's own sans-serif look.
FONT = "Inter, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
# Colour of customers that belong to no segment (noise, unassigned): neutral so it never reads as a segment.
UNASSIGNED_COLOR = "#9ca3af"
# Muted ink for text, axes and grid: dark enough for WCAG AA on white, light enough not to compete with data.
TEXT_COLOR = "#1f2937"
MUTED_COLOR = "#6b7280"
GRID_COLOR = "#e5e7eb"
# Diverging scale for effect sizes: blue = below average, white = average, orange = above average.
DIVERGING = ("#2563eb", "#ffffff", "#f97316")
# Twelve distinct hues (Tailwind 500-700 shades) ordered so the first six differ most; the default sweep tops out at
# k = 12, so every segment gets its own colour. None is grey, so UNASSIGNED_COLOR stays unambiguous.
SEGMENT_COLORS: tuple[str, ...] = (
    PRIMARY,  # blue
    "#f97316",  # orange
    "#10b981",  # green
    "#e11d48",  # rose
    "#8b5cf6",  # violet
    "#eab308",  # amber
    "#06b6d4",  # cyan
    "#a16207",  # brown
    "#c026d3",  # fuchsia
    "#0f766e",  # teal
    "#1e3a8a",  # navy
    "#65a30d",  # lime
)
THEME_NAME = "segcore"
# Title and label sizes in px: readable in a 1/3-width Streamlit column and in a printed A4 report.
TITLE_SIZE = 16
LABEL_SIZE = 12
# Vega's "no limit" for axis and legend labels. Segment names such as "Recently active high-value regulars" are the
# point of a chart; Vega (180 px axis, 160 px legend) and Streamlit's chart theme (100 px axis) cut them with "…".
NO_LABEL_LIMIT = 0


def segment_palette(names: Sequence[str] | int) -> tuple[list, list[str]]:
    """Domain and range for ``alt.Scale`` so a segment keeps its colour on every chart.

    ``names`` are the segment names in segment id order (segment 0 first). The i-th real segment gets
    ``SEGMENT_COLORS[i % 12]``; ``"Unassigned"`` always gets grey and does not use up a colour. An int ``n`` gives
    the ids ``0..n-1`` as the domain, for charts coloured by segment id instead of name.
    """
    domain = list(range(names)) if isinstance(names, int) else [str(n) for n in names]
    colors: list[str] = []
    position = 0
    for name in domain:
        if is_unassigned_name(name):
            colors.append(UNASSIGNED_COLOR)
        else:
            colors.append(SEGMENT_COLORS[position % len(SEGMENT_COLORS)])
            position += 1
    return domain, colors


def theme_config() -> alt.theme.ThemeConfig:
    """The Altair theme as a plain dict (no width/height, so charts can stretch to their container)."""
    axis = {
        "labelFont": FONT,
        "titleFont": FONT,
        "labelFontSize": LABEL_SIZE,
        "titleFontSize": LABEL_SIZE,
        "labelColor": MUTED_COLOR,
        "titleColor": TEXT_COLOR,
        "titleFontWeight": 600,
        "gridColor": GRID_COLOR,
        "domainColor": GRID_COLOR,
        "tickColor": GRID_COLOR,
        "labelLimit": NO_LABEL_LIMIT,
    }
    return {
        "config": {
            "font": FONT,
            "background": "#ffffff",
            "title": {
                "font": FONT,
                "fontSize": TITLE_SIZE,
                "fontWeight": 600,
                "color": TEXT_COLOR,
                "anchor": "start",
                "subtitleColor": MUTED_COLOR,
                "subtitleFontSize": LABEL_SIZE,
            },
            "axis": axis,
            "axisX": {"grid": False},
            "axisY": {"grid": True},
            "legend": {
                "labelFont": FONT,
                "titleFont": FONT,
                "labelFontSize": LABEL_SIZE,
                "titleFontSize": LABEL_SIZE,
                "labelColor": TEXT_COLOR,
                "titleColor": TEXT_COLOR,
                "labelLimit": NO_LABEL_LIMIT,
            },
            "header": {"labelFont": FONT, "titleFont": FONT},
            "text": {"font": FONT, "fontSize": LABEL_SIZE, "color": TEXT_COLOR},
            "view": {"stroke": None},
            "range": {"category": list(SEGMENT_COLORS), "diverging": list(DIVERGING)},
            "bar": {"color": PRIMARY},
            "line": {"color": PRIMARY, "strokeWidth": 2},
            "point": {"color": PRIMARY},
            "circle": {"color": PRIMARY},
            "rule": {"color": MUTED_COLOR},
        }
    }


def register_theme() -> None:
    """Register the "segcore" Altair theme (idempotent); it is not enabled, so importing segcore changes nothing."""
    if THEME_NAME not in alt.theme.names():
        alt.theme.register(THEME_NAME, enable=False)(theme_config)


def enable_theme() -> None:
    """Make "segcore" the active Altair theme for this process (the app calls this once at start-up).

    For a temporary switch, use ``with alt.theme.enable("segcore"):`` after ``register_theme()``.
    """
    register_theme()
    alt.theme.enable(THEME_NAME)


register_theme()
