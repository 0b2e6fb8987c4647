"""The Profiles page's propensity section: pick the outcome, see how trustworthy the model is, who to call first."""

from __future__ import annotations

import streamlit as st

from pages.common import cache, state, ui
from segcore.columns.defaults import propose_outcome
from segcore.errors import SegcoreError
from segcore.i18n import _, format_number, format_percent
from segcore.insight.propensity import contact_first, segment_propensity
from segcore.render import export, propensity_charts


def outcome_picker(data) -> str | None:
    """A selectbox of the two-answer columns, the proposed outcome first; returns the chosen column or None."""
    two_answers = [c for c in data.df.columns if data.df[c].dropna().nunique() == 2 and c != data.schema.id_column]
    proposed = propose_outcome(data.df, data.schema)
    options = ["", *sorted(two_answers, key=lambda c: c != proposed)]
    if state.OUTCOME not in st.session_state:
        st.session_state[state.OUTCOME] = proposed or ""
    st.selectbox(_("Predict for each customer"), options, key=state.OUTCOME,
                 format_func={c: c or _("(nothing: no propensity)") for c in options}.get,
                 help=_("A yes/no column such as churn, converted or responded. Each customer gets a calibrated "
                        "likelihood, tested on customers the model never saw."))
    return state.outcome()


def section(seg, data) -> None:
    """Everything about the propensity of ``seg.propensity`` (drawn only when an outcome is chosen)."""
    model = seg.propensity
    ev = model.evaluation
    for warning in model.warnings:
        st.warning(ui.md(str(warning)), icon=":material/warning:")
    m = st.columns(4)
    m[0].metric(_("Held-out AUC"), format_number(ev.auc, digits=2),
                help=_("The chance that a customer who did it is ranked above one who did not (0.5 = a coin toss), "
                       "measured on {n} customers the model never saw.", n=ev.n_test))
    m[1].metric(_("95% interval"), f"{format_number(ev.auc_low, digits=2)}–{format_number(ev.auc_high, digits=2)}")
    m[2].metric(_("Top 10% reach"), format_percent(ev.gains["cumulative_share_reached"].iloc[0], digits=0),
                help=_("Share of everyone who did it that contacting the 10% most likely customers reaches."))
    m[3].metric(_("Overall rate"), format_percent(ev.base_rate, digits=1))
    st.caption(_("Model: {kind}, chosen by cross-validation; {calibration} calibration. Scores in the downloads and "
                 "the model file use this model.", kind=model.scorer.kind, calibration=model.scorer.calibration))
    left, right = st.columns(2)
    with left:
        st.markdown(_("**Is a predicted 30% really 3 in 10?**"))
        st.altair_chart(propensity_charts.calibration_chart(ev.calibration), width="stretch")
    with right:
        st.markdown(_("**How many you reach by calling the likeliest first**"))
        st.altair_chart(propensity_charts.gains_chart(ev.gains), width="stretch")
    if model.drivers:
        st.markdown(_("**What drives it** (held-out AUC lost when the column is shuffled)"))
        st.markdown("\n".join(f"- {ui.md(d.sentence)} ({format_number(d.importance, digits=3)})"
                              for d in model.drivers))
    table = segment_propensity(seg.labels, model.scores, names=seg.segment_names)
    st.markdown(_("**Per segment**"))
    st.altair_chart(propensity_charts.segment_propensity_chart(table), width="stretch")
    shown = table.rename(columns={"segment_name": _("Segment"), "customers": _("Customers"), "mean": _("Mean"),
                                  "std": _("Spread (sd)"), "median": _("Median"), "expected": _("Expected")})
    st.dataframe(shown.drop(columns=["segment", "p25", "p75"]), hide_index=True,
                 column_config={_("Mean"): st.column_config.NumberColumn(format="percent"),
                                _("Spread (sd)"): st.column_config.NumberColumn(format="percent"),
                                _("Median"): st.column_config.NumberColumn(format="percent"),
                                _("Expected"): st.column_config.NumberColumn(format="%.0f")})
    _contact_lists(seg, model)


def _contact_lists(seg, model) -> None:
    st.markdown(_("**Who to contact first**"))
    first = contact_first(seg.labels, model.scores, ids=seg.ids, per_segment=50)
    first.insert(2, "segment_name", [seg.segment_names.get(int(s), "") for s in first["segment"]])
    options = [p.segment for p in seg.profiles]
    chosen = st.selectbox(_("Segment"), options, format_func=seg.segment_names.get, key=state.CONTACT_SEGMENT)
    st.dataframe(first.loc[first["segment"] == chosen].drop(columns=["segment"]), hide_index=True, height=260,
                 column_config={"propensity": st.column_config.ProgressColumn(min_value=0.0, max_value=1.0,
                                                                             format="percent")})
    st.download_button(_("Contact lists, every segment (CSV)"), lambda: export.safe_csv(first),
                       "contact_first.csv", "text/csv", on_click="ignore", icon=":material/download:")


def attach(seg, data):
    """``seg`` with the chosen outcome's propensity, or ``seg`` unchanged (and a clear error) when it cannot be fitted."""
    outcome = outcome_picker(data)
    if not outcome:
        return seg
    try:
        return cache.with_outcome(seg, data.fingerprint, data.df, data.schema, outcome)
    except SegcoreError as error:
        ui.show_error(error)
        return seg


__all__ = ["attach", "outcome_picker", "section"]
