"""The shareable segment map: a grid of squares, one per map cell, coloured by the segment most customers in it are in.

``segcore.insight.summary.density_grid`` already reduced the customer map to counts per cell (no coordinates of any person),
so this chart can go into a report or a read-only link. Colours are handed out by segment id, exactly as
``segcore.render.theme.segment_palette`` does for the full list of segments, so a square has the colour of its segment's
card even when small segments were hidden from the summary.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import pandas as pd

from segcore.errors import SpecError
from segcore.i18n import _, _l
from segcore.labels import unassigned_name
from segcore.render.theme import SEGMENT_COLORS, UNASSIGNED_COLOR

# The map is a fixed 360 px square (the width of a report column and of a third of the studio) whatever the grid:
# cells are rectangles spanning [x - 0.5, x + 0.5] in grid units, so a coarser shared grid (merged squares) and a
# wider container still tile without gaps (fixed-size square marks drew a coarse grid as sparse stripes).
MAP_PX = 360
# A hairline of white between neighbouring cells keeps the squares readable; it is not a gap.
CELL_GAP_PX = 0.5
# Sparse cells fade so the dense core of a segment stands out; never fully transparent, so no cell disappears.
MIN_OPACITY = 0.35
MAX_OPACITY = 1.0


def segment_color(segment: int) -> str:
    """The colour of a segment id: the id-th palette colour, grey for unassigned (-1)."""
    if segment < 0:
        return UNASSIGNED_COLOR
    return SEGMENT_COLORS[segment % len(SEGMENT_COLORS)]


def segment_colors(profiles: Sequence[Mapping[str, Any]]) -> tuple[list[str], list[str]]:
    """(names, colours) for ``alt.Scale``, by segment id so colours survive hidden segments.

    ``profiles`` are Profile.to_dict() dicts (segment, name). Equal to ``segment_palette`` when ids are 0..k-1.
    """
    ordered = sorted(profiles, key=lambda p: (int(p["segment"]) < 0, int(p["segment"])))
    names = [display_name(p) for p in ordered]
    colors = [segment_color(int(p["segment"])) for p in ordered]
    return names, colors


def display_name(profile: Mapping[str, Any]) -> str:
    """The segment's name, or "Segment <id>" when it has none (a blank name would vanish from legends)."""
    name = str(profile.get("name") or "").strip()
    if name:
        return name
    return unassigned_name() if int(profile["segment"]) < 0 else _segment_label(int(profile["segment"]))


def _segment_label(segment: int) -> str:
    """A segment without a name: "Segment 3" in the current language; the unassigned id by its name."""
    return unassigned_name() if segment < 0 else _("Segment {n}", n=segment)


def density_frame(density: Mapping[str, Any], names: Mapping[int, str]) -> pd.DataFrame:
    """One row per kept cell: x, y (and the cell's edges x0/x1, y0/y1), segment, segment_name, count, opacity
    (denser = more opaque)."""
    cells = list(density.get("cells") or [])
    frame = pd.DataFrame(cells, columns=["x", "y", "segment", "count"])
    for axis in ("x", "y"):
        frame[f"{axis}0"] = frame[axis].astype(float) - 0.5
        frame[f"{axis}1"] = frame[axis].astype(float) + 0.5
    frame["segment_name"] = [names.get(int(s), _segment_label(int(s))) for s in frame["segment"]]
    top = float(frame["count"].max()) if len(frame) else 1.0
    frame["opacity"] = MIN_OPACITY + (MAX_OPACITY - MIN_OPACITY) * frame["count"].astype(float) / top
    return frame


def density_chart(
    density: Mapping[str, Any],
    names: Mapping[int, str],
    *,
    palette: tuple[Sequence[str], Sequence[str]] | None = None,
    title: str | None = None,
) -> alt.Chart:
    """The binned customer map as coloured squares (dominant segment per cell), darker where more customers are.

    ``density`` is summary["density"] ({bins, method, cells: [{x, y, segment, count}]}); ``names`` maps segment
    id -> name. Raises SpecError when there is no cell to draw.
    """
    frame = density_frame(density, names)
    if frame.empty:
        raise SpecError(_l("The segment map has no cells to draw: every map cell held too few customers."))
    bins = int(density.get("bins") or (max(frame["x"].max(), frame["y"].max()) + 1))
    if palette is None:
        ids = sorted(set(int(s) for s in frame["segment"]), key=lambda s: (s < 0, s))
        palette = ([names.get(s, _segment_label(s)) for s in ids], [segment_color(s) for s in ids])
    domain, colors = palette
    axis_scale = alt.Scale(domain=[-0.5, bins - 0.5], nice=False, zero=False)
    method = str(density.get("method") or "")
    if method:
        subtitle = _("Each square is a group of similar customers; darker squares hold more of them ({method} layout)",
                     method=method.upper())
    else:
        subtitle = _("Each square is a group of similar customers; darker squares hold more of them")
    return (
        alt.Chart(frame)
        .mark_rect(stroke="#ffffff", strokeWidth=CELL_GAP_PX)
        .encode(
            # Map axes have no units a marketer could read, so they are hidden (as on the studio's map).
            x=alt.X("x0:Q", axis=None, scale=axis_scale),
            x2="x1:Q",
            y=alt.Y("y0:Q", axis=None, scale=axis_scale),
            y2="y1:Q",
            color=alt.Color(
                "segment_name:N",
                title=_("Segment"),
                scale=alt.Scale(domain=list(domain), range=list(colors)),
                # Below the squares, one name a line: Streamlit draws the chart at its own width (360 px, legend
                # included), so a legend on the right would squeeze the map into a narrow strip.
                legend=alt.Legend(orient="bottom", direction="vertical"),
            ),
            opacity=alt.Opacity("opacity:Q", legend=None, scale=None),
            tooltip=[
                alt.Tooltip("segment_name:N", title=_("Segment")),
                alt.Tooltip("count:Q", title=_("Customers in this square"), format=",d"),
            ],
        )
        .properties(
            title=alt.Title(title or _("Segment map"), subtitle=subtitle),
            # "pad": the squares keep MAP_PX x MAP_PX and the legend adds to it (Streamlit's "fit" would squeeze
            # the squares into what is left of 360 px once the legend is placed).
            autosize=alt.AutoSizeParams(type="pad"),
            width=MAP_PX,  # the same size for a coarser shared grid (segcore.insight.summary merges squares); draw
            # it at this size (width="content" in Streamlit): stretched, the squares would become wide rectangles
            height=MAP_PX,
        )
    )


__all__ = ["density_chart", "density_frame", "display_name", "segment_color", "segment_colors"]
