"""The Data page's defaults line and panel offer: what segcore proposes, and one row per entity for a panel."""

from __future__ import annotations

import streamlit as st

from pages.common import cache, state, ui
from segcore.columns.defaults import proposed_defaults
from segcore.columns.panel import detect_panel, panel_to_entities
from segcore.i18n import _
from segcore.io import load as io


def offer(data) -> None:
    """Say the proposed value and outcome columns; for a panel, offer the latest period or per-entity averages."""
    proposals = proposed_defaults(data.df, data.schema, transaction_log=data.transactions is not None)
    none = _("(none)")
    st.caption(_("Proposed value column: {value}. Proposed outcome: {outcome} (predicted per customer on the "
                 "Profiles page).", value=ui.md(proposals["value_column"] or none),
                 outcome=ui.md(proposals["outcome_column"] or none)))
    if not proposals["panel"]:
        return
    panel = detect_panel(data.df, data.schema)
    st.warning(_("This looks like a **panel**: each {entity} appears in several {time} periods ({entities} × "
                 "{periods}). Segmenting rows would count every {entity} once per period.",
                 entity=ui.md(panel.entity), time=ui.md(panel.time), entities=panel.n_entities,
                 periods=panel.n_periods), icon=":material/table_view:")
    latest, mean = st.columns(2)
    how = None
    if latest.button(_("Keep the latest period"), key="panel_latest", width="stretch"):
        how = "latest"
    if mean.button(_("Aggregate per entity (averages)"), key="panel_aggregate", width="stretch"):
        how = "aggregate"
    if how is None:
        return
    df, note = panel_to_entities(data.df, panel, how=how)
    fp = io.fingerprint(df)
    state.set_dataset(state.Dataset(name=f"{data.name} ({how})", df=df, report=data.report, fingerprint=fp,
                                    schema=cache.infer_roles(fp, df), notes=(note,)))
    st.rerun()
