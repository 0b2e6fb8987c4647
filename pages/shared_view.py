"""The read-only leadership view opened from a share link: aggregates only, no editing, no customer rows."""

from __future__ import annotations

import streamlit as st

from pages.common import cache, cards, ui
from segcore import charts, density, report, summary
from segcore.errors import SegcoreError
from segcore.profile import Profile

token = st.query_params.get("share", "")
try:
    store = cache.store()
    info = store.resolve_share(token)
    run = store.get_run(info.run_id)
except SegcoreError as error:
    st.error(str(error), icon=":material/link_off:")  # the same plain message for wrong, revoked and expired
    st.stop()

shared = summary.for_sharing(run.aggregates)
headline = shared["headline"]
st.title(ui.md(run.title))
st.caption(f"Shared segmentation · saved {run.created_at[:10]} · read-only")
if run.note:
    st.markdown(ui.md(run.note))

cols = st.columns(4)
cols[0].metric("Customers", f"{headline['customers']:,}")
cols[1].metric("Segments", headline["segments"])
if headline.get("grade"):
    cols[2].metric("Quality", str(headline["grade"]).title(), help=headline.get("quality_explanation") or None)
if headline.get("rules_fidelity") is not None:
    cols[3].metric("Rules match", f"{headline['rules_fidelity']:.0%}")
hidden = shared["hidden_segments"]
if hidden["count"]:
    st.caption(f"{hidden['count']} segment(s) with fewer than {shared['min_segment_size']} customers "
               f"({hidden['customers']:,} customers in all) are not shown individually.")

profiles = [Profile.from_dict(p) for p in shared["profiles"]]
st.subheader("Segments")
cards.card_grid(profiles, show_sql=True)

names = {p.segment: p.name for p in profiles}
effects = summary.effects_frame(shared)
if not effects.empty:
    st.subheader("Side by side")
    st.altair_chart(charts.effect_heatmap(effects, names), width="stretch")
curve = summary.concentration_frame(shared)
if curve is not None:
    conc = shared["concentration"]
    st.subheader("Where the value is")
    st.caption(f"The top 20% of customers bring {conc['top20_share']:.0%} of {ui.md(conc['value_column'])}.")
    st.altair_chart(charts.pareto_chart(curve, conc["top20_share"]), width="stretch")
if shared.get("density") and shared["density"]["cells"]:
    st.subheader("Customer map")
    st.caption("Where segments sit relative to each other: each square counts customers, coloured by the "
               "segment most of them belong to. No individual customer is shown.")
    st.altair_chart(density.density_chart(shared["density"], names), width="stretch")

st.subheader("Take it with you")
report_args = {"title": run.title, "subtitle": f"{headline['customers']:,} customers · {headline['segments']} segments",
               "created_at": run.created_at}
left, right = st.columns(2)
left.download_button("Report (HTML, opens offline)", lambda: report.html_report(shared, **report_args),
                     "segment_report.html", "text/html", on_click="ignore", icon=":material/description:",
                     width="stretch")
right.download_button("Report (PDF)", lambda: report.pdf_report(shared, **report_args), "segment_report.pdf",
                      "application/pdf", on_click="ignore", icon=":material/picture_as_pdf:", width="stretch")
