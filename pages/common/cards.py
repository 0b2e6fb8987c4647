"""The segment profile card, drawn the same way in the studio and in the read-only shared view."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from pages.common import ui
from segcore.insight.profile import Profile

CARDS_PER_ROW = 2


def card_grid(profiles: tuple[Profile, ...] | list[Profile], *, on_rename: Callable[[int, str], None] | None = None,
              show_sql: bool = True) -> None:
    for start in range(0, len(profiles), CARDS_PER_ROW):
        row = st.columns(CARDS_PER_ROW)
        for column, p in zip(row, profiles[start : start + CARDS_PER_ROW], strict=False):
            with column:
                card(p, on_rename=on_rename, show_sql=show_sql)


def card(p: Profile, *, on_rename: Callable[[int, str], None] | None = None, show_sql: bool = True) -> None:
    with st.container(border=True):
        if on_rename is not None:
            key = f"name_{p.segment}"
            st.text_input("Segment name", value=p.name, key=key, label_visibility="collapsed",
                          on_change=lambda: on_rename(p.segment, st.session_state[key]),
                          help="Rename the segment; the new name is used everywhere.")
        else:
            st.markdown(f"### {ui.md(p.name)}")
        label = "Pinned segment" if p.pinned else ("Unassigned" if p.segment < 0 else f"Segment {p.segment}")
        st.caption(label)
        m = st.columns(3)
        m[0].metric("Customers", f"{p.size:,}")
        m[1].metric("Share", f"{p.share:.0%}")
        if p.value_share is not None:
            m[2].metric("Share of value", f"{p.value_share:.0%}",
                        delta=f"{(p.value_share - p.share) * 100:+.0f} pts", delta_color="normal")
        if p.traits:
            st.markdown("**What stands out**")
            st.markdown("\n".join(f"- {ui.md(t.sentence)}" for t in p.traits))
        if p.kpis:
            k = st.columns(min(3, len(p.kpis)))
            for i, kpi in enumerate(p.kpis[:6]):
                k[i % len(k)].metric(ui.md(kpi.label), format_value(kpi.value, kpi.fmt),
                                     delta=f"{format_value(kpi.overall, kpi.fmt)} overall", delta_color="off",
                                     delta_arrow=_arrow(kpi.value, kpi.overall))
        if p.lift is not None:
            st.caption(f"Outcome lift: {p.lift:.2f}× the overall rate.")
        st.info(ui.md(p.action), icon=":material/lightbulb:")
        if p.rules:
            with st.expander("How to find them in your CRM"):
                st.markdown("\n".join(f"- {ui.md(r)}" for r in p.rules))
                if show_sql:
                    st.code(p.sql or "-- no simple rule", language="sql")
                if p.rule_precision is not None:
                    st.caption(f"{p.rule_precision:.0%} of customers matching these rules are in this segment.")


def _arrow(value: float | None, overall: float | None) -> str:
    """The delta shows the overall value, so the arrow compares the segment with it (not the sign of the overall)."""
    if value is None or overall is None or value == overall:
        return "off"
    return "up" if value > overall else "down"


def format_value(value: float | None, fmt: str) -> str:
    if value is None:
        return "—"
    if fmt == "percent":
        return f"{value:.0%}"
    if fmt == "money":
        return f"{value:,.0f}"
    return f"{value:,.2f}" if abs(value) < 10 else f"{value:,.0f}"
