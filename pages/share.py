"""Share: save the current segmentation, manage saved runs and read-only links, download the report."""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

from pages.common import cache, run_view, saving, scoring_view, signin, state, ui, waves_view
from segcore.errors import SegcoreError
from segcore.i18n import N_, _, ngettext
from segcore.render import report

EXPIRY = {N_("Never (until revoked)"): None, N_("1 day"): timedelta(days=1), N_("7 days"): timedelta(days=7),
          N_("30 days"): timedelta(days=30)}

st.title(_("Save & share"))
st.caption(_("Saved runs keep the segment profiles, chart figures and the model. Share links open a read-only "
             "leadership view with aggregates only: no customer ids or rows, and no segment under 10 customers."))
try:
    store = cache.store()
except SegcoreError as error:
    ui.show_error(error, hint=_("Check the database setting (SEGCORE_DATABASE_URL) or the data folder."))
    st.stop()

me = signin.viewer()  # every store call below passes it: other users' runs stay invisible
data = state.dataset()
seg = None
if data is not None and state.segments_done():
    try:
        spec = state.feature_spec()
        seg = cache.segmentation(data.fingerprint, data.df, spec, data.schema, state.previous_run()).rename(state.segment_names())
        seg = cache.with_outcome(seg, data.fingerprint, data.df, data.schema, state.outcome())
    except SegcoreError as error:
        ui.show_error(error)

if seg is None:
    st.info(_("Build a segmentation first to save or report it. Saved runs are listed below."))
    st.page_link("pages/segments.py", label=_("Go to {step}", step=_("Segments")), icon=":material/arrow_forward:")
else:
    agg = cache.run_summary(data.fingerprint, data.df, spec, data.schema, seg)
    with st.form(state.SAVE_FORM):
        st.subheader(_("Save this segmentation"))
        title = st.text_input(_("Title"), value=data.name + ": " + ngettext("{n} segment", "{n} segments", seg.n_segments))
        note = st.text_area(_("Note for readers"), placeholder=_("What this is for, what to look at first…"))
        series = st.text_input(_("Series"), value=state.series() or waves_view.default_series(data.name),
                               help=_("Runs of the same customers month after month share a series name; Compare "
                                      "then follows them from one wave to the next."))
        keep_rows = st.checkbox(
            _("Also store the customer rows (ids and their segments)"),
            help=_("Off by default: saved runs keep aggregates only. Turn on to reopen who is in which segment later."),
        )
        if st.form_submit_button(_("Save"), type="primary", icon=":material/save:"):
            try:
                info = saving.save_run(store, seg, data, aggregates=agg, title=title, note=note, series=series,
                                       keep_rows=keep_rows, owner=me.user)
                state.set_series(series)
                state.reset_compare()  # Compare starts from the run just saved, not from the pair picked before
            except SegcoreError as error:
                ui.show_error(error)
            else:
                st.success(_("Saved “{title}”.", title=ui.md(info.title)), icon=":material/check:")
    subtitle = ngettext("{n} customer", "{n} customers", seg.n_rows) + f" · {seg.method}"
    r1, r2 = st.columns(2)
    r1.download_button(_("Report (HTML, opens offline)"),
                       lambda: report.html_report(agg, title=data.name, subtitle=subtitle,
                                                  data_summary=data.report.summary()),
                       "segment_report.html", "text/html", on_click="ignore", icon=":material/description:",
                       width="stretch")
    r2.download_button(_("Report (PDF)"),
                       lambda: report.pdf_report(agg, title=data.name, subtitle=subtitle,
                                                 data_summary=data.report.summary()),
                       "segment_report.pdf", "application/pdf", on_click="ignore", icon=":material/picture_as_pdf:",
                       width="stretch")

st.subheader(_("Saved segmentations"))
runs = store.list_runs(viewer=me)
if not runs:
    st.caption(_("Nothing saved yet."))
base_url = (st.context.url or "").split("?")[0].rsplit("/share", 1)[0]
for run in runs:
    with st.container(border=True):
        top = st.columns([4, 1, 1])
        rows_badge = (" :orange-badge[" + _("customer rows stored") + "]" if run.has_rows
                      else " :gray-badge[" + _("aggregates only") + "]")
        top[0].markdown(f"**{ui.md(run.title)}**{rows_badge}")
        top[0].caption(f"{ui.when(run.created_at)} UTC · " + ngettext("{n} customer", "{n} customers", run.n_customers)
                       + " · " + ngettext("{n} segment", "{n} segments", run.n_segments)
                       + (f" · {ui.md(run.note[:120])}" if run.note else "")
                       + (" · " + _("saved by {owner}", owner=ui.md(run.owner)) if run.owner not in (None, me.user) else ""))
        if top[2].button(_("Delete"), key=state.run_widget_key("del", run.run_id), icon=":material/delete:"):
            store.delete_run(run.run_id, viewer=me)
            if state.previous_run() == run.run_id:
                state.forget_previous_run()
            st.rerun()
        if top[1].button(_("Open"), key=state.run_widget_key("open", run.run_id), icon=":material/open_in_full:"):
            state.set_open_run(run.run_id)
        with top[1].popover(_("Rename")):
            new_title = st.text_input(_("New title"), value=run.title, key=state.run_widget_key("title", run.run_id))
            if st.button(_("Rename"), key=state.run_widget_key("ren", run.run_id)):
                try:
                    store.rename_run(run.run_id, new_title, viewer=me)
                    st.rerun()
                except SegcoreError as error:
                    ui.show_error(error)
        link_cols = st.columns([2, 2, 3])
        expiry = link_cols[0].selectbox(_("Link expires"), list(EXPIRY), key=state.run_widget_key("exp", run.run_id), format_func={e: _(e) for e in EXPIRY}.get,
                                        label_visibility="collapsed")
        if link_cols[1].button(_("Create share link"), key=state.run_widget_key("share", run.run_id), icon=":material/link:"):
            link = store.create_share(run.run_id, expires_in=EXPIRY[expiry], viewer=me)
            state.set_share_link(run.run_id, f"{base_url}/?share={link.token}")
        if state.share_link(run.run_id):
            st.code(state.share_link(run.run_id), language=None)
            st.caption(_("Copy it now: for safety only a fingerprint of the link is stored, so it cannot be shown again."))
        shares = store.list_shares(run.run_id, viewer=me)
        if shares:
            with st.expander(_("Share links ({n})", n=len(shares))):
                for link in shares:
                    status = (_("revoked") if link.revoked else
                              _("expires {when}", when=ui.when(link.expires_at)) if link.expires_at else _("active"))
                    c = st.columns([4, 1])
                    c[0].caption(_("created {when}", when=ui.when(link.created_at)) + f" · {status}")
                    if not link.revoked and c[1].button(_("Revoke"), key=state.revoke_key(link.share_id)):
                        store.revoke_share(link.share_id, viewer=me)
                        st.rerun()

opened = state.open_run()
if opened and any(r.run_id == opened for r in runs):
    saved = store.get_run(opened, viewer=me)
    st.divider()
    head, close = st.columns([5, 1])
    head.subheader(_("Opened: {title}", title=ui.md(saved.title)))
    if close.button(_("Close"), key=state.CLOSE_RUN, icon=":material/close:"):
        state.set_open_run(None)
        st.rerun()
    st.caption(_("Saved {when} UTC", when=ui.when(saved.created_at)) + " · "
               + (_("customer rows stored with it") if saved.has_rows else _("aggregates only")))
    if saved.note:
        st.markdown(ui.md(saved.note))
    run_view.render(saved.aggregates, title=saved.title, created_at=saved.created_at, key=saved.run_id)
    st.divider()

st.divider()
scoring_view.render(store, data, me)
st.divider()

st.subheader(_("Compare two runs"))
st.caption(_("How many customers moved from which segment to which, scoring the customers loaded now with both runs."))
comparable = (store.comparable_runs(data.fingerprint, state.series() or waves_view.default_series(data.name),
                                   viewer=me) if data is not None else [])
if len(comparable) < 2:
    st.caption(_("Save two runs of the data loaded now (for example with different k or columns) to compare them."))
else:
    labels = {r.run_id: f"{r.title} ({ui.when(r.created_at)})"
              + (" · " + _("customer rows stored") if r.has_rows else "") for r in comparable}
    a_col, b_col = st.columns(2)
    a = a_col.selectbox(_("Run A"), list(labels), format_func=labels.get, key=state.COMPARE_A)
    b = b_col.selectbox(_("Run B"), list(labels), format_func=labels.get, key=state.COMPARE_B,
                        index=waves_view.earlier_wave_index(comparable, a))
    run_a, run_b = (store.get_run(a, viewer=me), store.get_run(b, viewer=me)) if a != b else (None, None)
    if a != b and run_a.rows and run_b.rows and run_a.fingerprint != run_b.fingerprint:
        waves_view.render(run_a, run_b, data.schema.value_column)
    elif a != b:
        try:
            with st.spinner(_("Scoring the customers with both runs…")):
                table = cache.run_comparison(data.fingerprint, a, b, data.schema.id_column, run_a, run_b, data.df)
        except SegcoreError as error:
            ui.show_error(error)
        else:
            moved = table.attrs.get("n_matched", int(table.to_numpy().sum()))
            st.caption(_("{n} customers matched in both runs. Rows: run A's segments; columns: run B's.", n=moved))
            st.dataframe(table, width="stretch")
