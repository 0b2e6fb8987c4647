"""The Share page's wave comparison: two saved runs with customer rows, from different files of one series."""

from __future__ import annotations

import io
import re

import pandas as pd
import streamlit as st

from pages.common import cache, signin, state, ui
from segcore.errors import SegcoreError
from segcore.i18n import _, format_number
from segcore.insight.waves import moves_long, wave_changes
from segcore.render.wave_charts import moves_heatmap

ROW_COLUMNS = ("segment", "segment_name", "propensity")


def default_series(name: str) -> str:
    """The file name without its extension, date or wave number ("customers_2025_02.csv" -> "customers")."""
    stem = re.sub(r"\.[A-Za-z0-9]+$", "", str(name))
    return re.sub(r"[\s_\-.]*(wave|w|v)?[\s_\-.]*[\d\s_\-.]+$", "", stem, flags=re.IGNORECASE) or stem


def earlier_wave_index(runs, chosen: str) -> int:
    """Run B's default beside run A: the newest run of another file (the wave before), else the next run."""
    first = next(r for r in runs if r.run_id == chosen)
    others = [i for i, r in enumerate(runs) if r.run_id != chosen]
    return next((i for i in others if runs[i].fingerprint != first.fingerprint), others[0])


def previous_run_picker(data) -> None:
    """On a new wave: offer to keep the segment numbers of an earlier saved run of the same series."""
    try:
        runs = cache.store().comparable_runs(data.fingerprint, state.series() or default_series(data.name),
                                             viewer=signin.viewer())
    except SegcoreError:
        return
    earlier = {r.run_id: r for r in runs if r.fingerprint != data.fingerprint}
    kept = state.previous_run()
    if kept and kept not in earlier:
        state.forget_previous_run()
    if not earlier:
        return
    if kept in earlier:
        st.session_state.setdefault(state.PREVIOUS_RUN, kept)  # drawn again after another page: same choice
    labels = {run_id: f"{r.title} ({ui.when(r.created_at)})" for run_id, r in earlier.items()}
    st.selectbox(_("Keep the segment numbers of a saved run"), ["", *earlier], key=state.PREVIOUS_RUN,
                 format_func=lambda run_id: labels.get(run_id) or _("(no: number the segments afresh)"),
                 help=_("For next month's file: segments that match the saved run's keep their numbers and names, "
                        "so Compare shows who really moved."))


def render(run_a, run_b, value_column: str | None) -> None:
    """Who moved from run A's wave (earlier) to run B's (later): counts, value, new and lost, per-segment change."""
    earlier, later = (run_a, run_b) if run_a.created_at <= run_b.created_at else (run_b, run_a)
    a = pd.read_parquet(io.BytesIO(earlier.rows))
    b = pd.read_parquet(io.BytesIO(later.rows))
    id_column = next((c for c in a.columns if c not in ROW_COLUMNS), None)
    if id_column is None or id_column not in b.columns:
        st.caption(_("These runs stored no customer id, so customers cannot be followed from one wave to the next."))
        return
    value = value_column if value_column in a.columns and value_column in b.columns else None
    try:
        change = wave_changes(a, b, id_column=id_column, value_column=value)
    except SegcoreError as error:
        ui.show_error(error)
        return
    st.caption(_("Earlier wave: {a}. Later wave: {b}.", a=ui.md(earlier.title), b=ui.md(later.title)))
    m = st.columns(4)
    m[0].metric(_("Stayed"), format_number(change.stayed))
    m[1].metric(_("Moved"), format_number(change.moved))
    m[2].metric(_("New"), format_number(change.new))
    m[3].metric(_("Lost"), format_number(change.lost))
    names_a = dict(zip(a["segment"], a["segment_name"], strict=False)) if "segment_name" in a else None
    names_b = dict(zip(b["segment"], b["segment_name"], strict=False)) if "segment_name" in b else None
    st.altair_chart(moves_heatmap(moves_long(change.moves, names_a=names_a, names_b=names_b)), width="stretch")
    if change.value_moves is not None:
        st.markdown(_("**Value moved** ({column} in the later wave, by earlier and later segment)", column=ui.md(value)))
        st.dataframe(change.value_moves.round(0), width="stretch")
    st.markdown(_("**Per segment, earlier → later**"))
    st.dataframe(change.kpis, hide_index=True, width="stretch")
