"""The factor view's loadings as a heat map: which columns make up which factor (orange +, blue -)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from segcore.render.theme import DIVERGING, NO_LABEL_LIMIT


def loadings_heatmap(loadings: pd.DataFrame) -> alt.LayerChart:
    """``loadings``: one row per column, one column per factor (``segcore.insight.factors.FactorView.loadings``)."""
    long = loadings.rename_axis(index="column", columns="factor").stack().rename("loading").reset_index()
    base = alt.Chart(long).encode(
        x=alt.X("factor:N", title=None, sort=list(loadings.columns), axis=alt.Axis(labelAngle=-20, labelLimit=NO_LABEL_LIMIT)),
        y=alt.Y("column:N", title=None, sort=list(loadings.index), axis=alt.Axis(labelLimit=NO_LABEL_LIMIT)),
    )
    cells = base.mark_rect().encode(
        color=alt.Color("loading:Q", title="Loading",
                        scale=alt.Scale(domain=[-1, 0, 1], range=[DIVERGING[0], DIVERGING[1], DIVERGING[2]])),
        tooltip=[alt.Tooltip("column:N", title="Column"), alt.Tooltip("factor:N", title="Factor"),
                 alt.Tooltip("loading:Q", title="Loading", format=".2f")],
    )
    text = base.mark_text(fontSize=11).encode(text=alt.Text("loading:Q", format=".2f"))
    return alt.layer(cells, text).properties(height=max(160, 24 * len(loadings)))
