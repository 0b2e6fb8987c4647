"""The read-only leadership view opened from a share link: aggregates only, no editing, no customer rows."""

from __future__ import annotations

import streamlit as st

from pages.common import cache, run_view, ui
from segcore.errors import SegcoreError
from segcore.i18n import _
from segcore.insight import summary

token = st.query_params.get("share", "")
try:
    store = cache.store()
    info = store.resolve_share(token)
    run = store.get_run(info.run_id)
except SegcoreError as error:
    st.error(str(error), icon=":material/link_off:")  # the same plain message for wrong, revoked and expired
    st.stop()

st.title(ui.md(run.title))
st.caption(_("Shared segmentation · saved {when} · read-only", when=ui.when(run.created_at, length="date")))
if run.note:
    st.markdown(ui.md(run.note))
run_view.render(summary.for_sharing(run.aggregates), title=run.title, created_at=run.created_at, key="shared")
