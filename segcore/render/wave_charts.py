"""Who moved between two waves, as a heat map of customer counts (rows: earlier segment, columns: later)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from segcore.errors import require_columns
from segcore.i18n import _l
from segcore.render.theme import NO_LABEL_LIMIT, PRIMARY


def moves_heatmap(long: pd.DataFrame) -> alt.LayerChart:
    """``long`` is ``segcore.insight.waves.moves_long``: one row per (from, to) with its customer count."""
    require_columns(long, ["from", "to", "customers"], what=_l("moves chart column"))
    order_from = list(dict.fromkeys(long["from"]))
    order_to = list(dict.fromkeys(long["to"]))
    base = alt.Chart(long).encode(
        x=alt.X("to:N", title="Later wave", sort=order_to, axis=alt.Axis(labelAngle=-30, labelLimit=NO_LABEL_LIMIT)),
        y=alt.Y("from:N", title="Earlier wave", sort=order_from, axis=alt.Axis(labelLimit=NO_LABEL_LIMIT)),
    )
    cells = base.mark_rect().encode(
        color=alt.Color("customers:Q", title="Customers", scale=alt.Scale(range=["#ffffff", PRIMARY])),
        tooltip=[alt.Tooltip("from:N", title="From"), alt.Tooltip("to:N", title="To"),
                 alt.Tooltip("customers:Q", title="Customers", format=",")],
    )
    labels = base.mark_text(fontWeight=600).encode(text=alt.Text("customers:Q", format=","))
    return alt.layer(cells, labels).properties(height=max(160, 40 * len(order_from)))
