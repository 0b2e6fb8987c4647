"""The segment profile card, drawn the same way in the studio and in the read-only shared view."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from pages.common import state, ui
from segcore.i18n import _, format_number, format_percent, pgettext
from segcore.insight.profile import Profile
from segcore.labels import UNASSIGNED, UNASSIGNED_NAME

CARDS_PER_ROW = 2


def card_grid(profiles: tuple[Profile, ...] | list[Profile], *, on_rename: Callable[[int, str], None] | None = None,
              show_sql: bool = True, likelihood: dict | None = None) -> None:
    for start in range(0, len(profiles), CARDS_PER_ROW):
        row = st.columns(CARDS_PER_ROW)
        for column, p in zip(row, profiles[start : start + CARDS_PER_ROW], strict=False):
            with column:
                card(p, on_rename=on_rename, show_sql=show_sql, likelihood=(likelihood or {}).get(p.segment))


def likelihood_by_segment(seg) -> dict[int, dict]:
    """Per segment: the propensity's mean and middle half, and what it predicts (for the cards)."""
    from segcore.insight.propensity import segment_propensity

    table = segment_propensity(seg.labels, seg.propensity.scores)
    event = seg.propensity.event
    return {int(r["segment"]): {**r, "event": event} for r in table.to_dict(orient="records")}


def card(p: Profile, *, on_rename: Callable[[int, str], None] | None = None, show_sql: bool = True,
         likelihood: dict | None = None) -> None:
    with st.container(border=True):
        if on_rename is not None:
            st.text_input(_("Segment name"), value=p.name, key=state.segment_name_key(p.segment),
                          label_visibility="collapsed",
                          on_change=lambda: on_rename(p.segment, state.typed_segment_name(p.segment)),
                          help=_("Rename the segment; the new name is used everywhere."))
        else:
            st.markdown(f"### {ui.md(p.name)}")
        label = _("Pinned segment") if p.pinned else (_(UNASSIGNED_NAME) if p.segment == UNASSIGNED else _("Segment {n}", n=p.segment))
        st.caption(label)
        m = st.columns(3)
        m[0].metric(_("Customers"), format_number(p.size))
        m[1].metric(pgettext("proportion of customers", "Share"), format_percent(p.share, digits=0))
        if p.value_share is not None:
            m[2].metric(_("Share of value"), format_percent(p.value_share, digits=0),
                        delta=_("{points:+.0f} pts", points=(p.value_share - p.share) * 100), delta_color="normal")
        if p.traits:
            st.markdown(_("**What stands out**"))
            st.markdown("\n".join(f"- {ui.md(t.sentence)}" for t in p.traits))
        if p.kpis:
            k = st.columns(min(3, len(p.kpis)))
            for i, kpi in enumerate(p.kpis[:6]):
                k[i % len(k)].metric(ui.md(kpi.label), format_value(kpi.value, kpi.fmt),
                                     delta=_("{value} overall", value=format_value(kpi.overall, kpi.fmt)), delta_color="off",
                                     delta_arrow=_arrow(kpi.value, kpi.overall))
        if likelihood is not None:
            st.metric(_("Likelihood: {event}", event=ui.md(likelihood["event"])),
                      format_percent(likelihood["mean"], digits=0),
                      delta=_("middle half {low}–{high}", low=format_percent(likelihood["p25"], digits=0),
                              high=format_percent(likelihood["p75"], digits=0)), delta_color="off",
                      delta_arrow="off")
        if p.lift is not None:
            st.caption(_("Outcome lift: {lift}× the overall rate.", lift=format_number(p.lift, digits=2)))
        st.info(ui.md(p.action), icon=":material/lightbulb:")
        if p.rules:
            with st.expander(_("How to find them in your CRM")):
                st.markdown("\n".join(f"- {ui.md(r)}" for r in p.rules))
                if show_sql:
                    st.code(p.sql or "-- no simple rule", language="sql")
                if p.rule_precision is not None:
                    st.caption(_("{share} of customers matching these rules are in this segment.", share=format_percent(p.rule_precision, digits=0)))


def _arrow(value: float | None, overall: float | None) -> str:
    """The delta shows the overall value, so the arrow compares the segment with it (not the sign of the overall)."""
    if value is None or overall is None or value == overall:
        return "off"
    return "up" if value > overall else "down"


def format_value(value: float | None, fmt: str) -> str:
    if value is None:
        return "—"
    if fmt == "percent":
        return format_percent(value, digits=0)
    if fmt == "money":
        return format_number(value, digits=0)
    return format_number(value, digits=2 if abs(value) < 10 else 0)
