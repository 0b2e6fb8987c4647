"""The Share page's "score the loaded customers with a saved model": next month's file placed in last month's
segments (same numbers and names), its assignments to download, and saved as the next wave of the series."""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from pages.common import cache, saving, state, ui, waves_view
from segcore.errors import SegcoreError
from segcore.i18n import _, format_number, format_percent, ngettext
from segcore.labels import UNASSIGNED
from segcore.render import export

SOURCES = ("run", "file")


def render(store, data, me) -> None:
    st.subheader(_("Score the customers loaded now with a saved model"))
    st.caption(_("For next month's file: every customer goes into the saved model's segments, with the same numbers "
                 "and names, instead of new segments being found. Save the result as the next wave to see who moved."))
    if data is None:
        st.caption(_("Load the new file on the Data page first."))
        return
    picked = _pick_model(store, me)
    if picked is None:
        return
    model_key, model, origin = picked
    try:
        with st.spinner(_("Scoring the customers with the saved model…")):
            scored = cache.scored_wave(model_key, data.fingerprint, model, data.df)
    except SegcoreError as error:
        ui.show_error(error, hint=_("The new file needs the columns the model segments on, with the same names."))
        return
    wave = scored.segmentation
    _figures(scored, data)
    d = st.columns(2)
    d[0].download_button(_("Assignments (CSV)"), lambda: export.safe_csv(wave.assignments()),
                         "scored_assignments.csv", "text/csv", on_click="ignore", icon=":material/download:",
                         width="stretch")
    d[1].download_button(_("Assignments (Excel)"), lambda: export.to_excel(wave.assignments()),
                         "scored_assignments.xlsx",
                         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", on_click="ignore",
                         icon=":material/download:", width="stretch")
    _save_form(store, data, me, wave, model_key, origin)


def _pick_model(store, me):
    """(cache key, model, the run it came from or None) for the model the user picked, or None."""
    source = st.segmented_control(_("Model"), SOURCES, default="run", key=state.SCORE_SOURCE,
                                  format_func={"run": _("A saved run"), "file": _("A model file (.segcore)")}.get)
    if source == "file":
        upload = st.file_uploader(_("Model file (.segcore)"), type=["segcore"], key=state.SCORE_FILE,
                                  help=_("The model.segcore file written by the studio's Profiles page or "
                                         "'segcore fit'. It must come from this installation (it is sealed)."))
        if upload is None:
            return None
        blob = upload.getvalue()
        digest = hashlib.sha256(blob).hexdigest()
        try:
            return digest, cache.model_file(digest, blob), None
        except SegcoreError as error:
            ui.show_error(error)
            return None
    runs = store.list_runs(viewer=me)
    if not runs:
        st.caption(_("Nothing saved yet."))
        return None
    labels = {r.run_id: f"{r.title} ({ui.when(r.created_at)})" for r in runs}
    run_id = st.selectbox(_("Saved run"), ["", *labels], key=state.SCORE_RUN,
                          format_func=lambda run_id: labels.get(run_id) or _("(choose a saved run)"))
    if not run_id:
        return None
    try:
        saved = store.get_run(run_id, viewer=me)
        return run_id, cache.saved_model(run_id, saved), saved
    except SegcoreError as error:
        ui.show_error(error)
        return None


def _figures(scored, data) -> None:
    wave = scored.segmentation
    present = pd.Series(wave.labels)
    m = st.columns(3)
    m[0].metric(_("Customers scored"), format_number(wave.n_rows))
    m[1].metric(_("Segments they fall in"), format_number(int(present[present != UNASSIGNED].nunique())))
    m[2].metric(_("Unlike the model's customers"), format_number(scored.n_far))
    if scored.far_note:
        st.warning(ui.md(scored.far_note), icon=":material/warning:")
    value = data.schema.value_column
    values = pd.to_numeric(data.df[value], errors="coerce") if value and value in data.df.columns else None
    rows = []
    for p in wave.profiles:
        row = {_("Segment"): p.segment, _("Name"): p.name, _("Customers"): p.size,
               _("Share"): format_percent(p.size / max(wave.n_rows, 1), digits=1)}
        if values is not None:
            row[_("Mean {column}", column=value)] = round(float(values[wave.labels == p.segment].mean()), 2)
        rows.append(row)
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def _save_form(store, data, me, wave, model_key: str, origin) -> None:
    with st.form(state.SCORE_FORM):
        st.markdown(_("**Save as the next wave**"))
        base = origin.title if origin is not None else _("the model file")
        title = st.text_input(_("Title"), value=_("{file}: scored with {model}", file=data.name, model=base))
        series = st.text_input(_("Series"),
                               value=(origin.series if origin is not None and origin.series else
                                      state.series() or waves_view.default_series(data.name)))
        keep_rows = st.checkbox(_("Also store the customer rows (ids and their segments)"), key=state.SCORE_ROWS,
                                help=_("Compare follows customers from one wave to the next only when both runs "
                                       "keep their rows."))
        if not st.form_submit_button(_("Save the new wave"), icon=":material/save:"):
            return
    try:
        summary = cache.scored_summary(model_key, data.fingerprint, wave, data.df)
        info = saving.save_run(store, wave, data, aggregates=summary, title=title, note="", series=series,
                               keep_rows=keep_rows, owner=me.user)
    except SegcoreError as error:
        ui.show_error(error)
        return
    state.set_series(series)
    state.reset_compare()
    st.success(ngettext("Saved “{title}” ({n} customer).", "Saved “{title}” ({n} customers).", info.n_customers,
                        title=ui.md(info.title)), icon=":material/check:")
