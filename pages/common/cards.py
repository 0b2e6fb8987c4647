"""The segment profile card, drawn the same way in the studio and in the read-only shared view."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from pages.common import state, ui
from segcore.i18n import _, format_number, format_percent, pgettext
from segcore.insight.profile import Profile
from segcore.labels import UNASSIGNED, UNASSIGNED_NAME
from segcore.model.stability import stability_band

CARDS_PER_ROW = 2


def card_grid(profiles: tuple[Profile, ...] | list[Profile], *, on_rename: Callable[[int, str], None] | None = None,
              show_sql: bool = True, likelihood: dict | None = None) -> None:
    for start in range(0, len(profiles), CARDS_PER_ROW):
        chunk = profiles[start : start + CARDS_PER_ROW]
        # A short last row spreads its cards over the full width: no empty slot beside an odd last card.
        row = st.columns(len(chunk))
        for column, p in zip(row, chunk, strict=True):
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
        stability_line(p.stability)
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


def stability_line(value: float | None) -> None:
    """A segment's bootstrap stability in words (Hennig's bands); a dissolving segment is flagged, not hidden."""
    if value is None:
        return
    band = stability_band(value)
    shown = format_number(value, digits=2)
    if band == "stable":
        st.caption(_("Stability {value}: this segment comes back when the data is resampled.", value=shown))
    elif band == "unclear":
        st.caption(_("Stability {value}: the segment is there, but its borders shift when the data is resampled.",
                     value=shown))
    else:
        st.warning(_("Stability {value}: this segment dissolves when the data is resampled. Do not act on it alone.",
                     value=shown), icon=":material/warning:")


def verdict(structure: str | None, reason: str | None, *, tiers: bool = False,
            stability: float | None = None, low: float | None = None, high: float | None = None) -> None:
    """The clusterability verdict and the stability interval, the same on Segments, Profiles and the shared view."""
    if structure == "none":
        st.warning(_("No natural segments: these customers form one continuous population."), icon=":material/info:")
        if tiers:
            st.markdown(_("Shown instead: value tiers (top 20%, next 30%, lower 50%). They are cuts of a continuum, "
                          "not groups; choose a number of segments to cut it differently."))
    elif structure == "weak":
        st.info(_("Weak groups: the segments are real but overlap."), icon=":material/info:")
    elif structure == "clear":
        st.success(_("Clear groups: the customers fall into distinct segments."), icon=":material/check_circle:")
    if reason:
        st.caption(ui.md(reason))
    if stability is not None and low is not None and high is not None:
        st.caption(_("Stability {value} (in nine resamples out of ten between {low} and {high}).",
                     value=format_number(stability, digits=2), low=format_number(low, digits=2),
                     high=format_number(high, digits=2)))


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
