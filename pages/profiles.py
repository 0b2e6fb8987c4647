"""Step 4 · Profiles: one card per segment, the comparison heat map, value concentration and downloads."""

from __future__ import annotations

import streamlit as st

from pages.common import cache, cards, propensity_view, state, ui
from segcore.errors import SegcoreError
from segcore.i18n import _, format_number, format_percent
from segcore.insight.summary import concentration_frame, effects_frame
from segcore.model import persist
from segcore.render import chartkit, charts, export, segment_charts
from segcore.sql.scoring import DIALECTS, scoring_sql

DIALECT_NAMES = {"duckdb": "DuckDB", "postgres": "PostgreSQL", "spark": "Spark SQL / Databricks",
                 "bigquery": "BigQuery", "snowflake": "Snowflake"}

st.title(_("Segment profiles"))
data = state.dataset()
if data is None:
    ui.require("Data")
if not state.segments_done():
    ui.require("Segments")
state.mark_seen("profiles")

try:
    spec = state.feature_spec()
    seg = cache.segmentation(data.fingerprint, data.df, spec, data.schema, state.previous_run())
except SegcoreError as error:
    ui.show_error(error)
    st.stop()
seg = seg.rename(state.segment_names())
profiles = seg.profiles
agg = cache.run_summary(data.fingerprint, data.df, spec, data.schema, seg)  # the same summary Share saves

cols = st.columns(4)
cols[0].metric(_("Customers"), format_number(seg.n_rows))
cols[1].metric(_("Segments"), seg.n_segments)
if seg.quality is not None:
    cols[2].metric(_("Quality"), ui.grade_label(seg.quality.grade), help=str(seg.quality.explanation))
if seg.rules is not None:
    cols[3].metric(_("Rules match"), format_percent(seg.rules.fidelity, digits=0),
                   help=_("Share of customers the simple CRM rules below place in the same segment as the model."))

seg = propensity_view.attach(seg, data)
likelihood = None
if seg.propensity is not None:
    likelihood = cards.likelihood_by_segment(seg)

quality = seg.quality
cards.verdict(seg.structure.verdict if seg.structure else None, seg.structure.reason if seg.structure else None,
              tiers=seg.tiers, stability=quality.stability if quality else None,
              low=quality.stability_low if quality else None, high=quality.stability_high if quality else None)
cards.card_grid(profiles, on_rename=state.set_segment_name, likelihood=likelihood)

with st.expander(_("Score these segments in your warehouse (SQL)"), icon=":material/database:"):
    st.caption(_("One query that places every row of a table named customers (same column names as your file) into "
                 "these segments, beside the simple CRM rules on the cards: it repeats the preparation and picks the "
                 "nearest segment centre, so it agrees with the model, not only with the rules. Equal distances go "
                 "to the lower segment number."))
    dialect = st.selectbox(_("Warehouse"), DIALECTS, key=state.WAREHOUSE_DIALECT, format_func=DIALECT_NAMES.get)
    try:
        query = scoring_sql(seg, dialect=dialect) + ";"
    except SegcoreError as error:
        ui.show_error(error)
    else:
        st.code(query, language="sql")
        st.download_button(_("Download the SQL"), query.encode("utf-8"), f"segments_{dialect}.sql", "text/plain",
                           on_click="ignore", icon=":material/download:")

heatmap = segment_charts.effect_heatmap(effects_frame(agg), segment_names=seg.segment_names)
st.subheader(_("Side by side"))
st.caption(_("How far each segment sits from the average on each column (orange = above, blue = below)."))
st.altair_chart(chartkit.untitled(heatmap), width="stretch")  # named by the heading; the PNG keeps its title

pareto = None
concentration = agg["concentration"]
if concentration:
    st.subheader(_("Where the value is"))
    st.caption(_("The top 20% of customers bring {share} of {column} (Gini {gini}).",
                 share=format_percent(concentration["top20_share"], digits=0),
                 column=ui.md(concentration["value_column"]), gini=format_number(concentration["gini"], digits=2)))
    pareto = charts.pareto_chart(concentration_frame(agg), concentration["top20_share"])
    st.altair_chart(chartkit.untitled(pareto), width="stretch")

if seg.propensity is not None:
    st.subheader(_("Likelihood to {event}", event=ui.md(seg.propensity.event)))
    propensity_view.section(seg, data)

st.subheader(_("Drill down"))
options = [p.segment for p in profiles]
chosen = st.selectbox(_("Show the customers of"), options, format_func=seg.segment_names.get, key=state.SEGMENT_FILTER)
members = data.df.loc[seg.labels == chosen]
st.caption(_("{n} customers (first {shown} shown; download the full list below).", n=len(members), shown=1000))
st.dataframe(members.head(1000), hide_index=True, height=300)

st.subheader(_("Downloads"))
# One wrapping row of buttons as wide as their labels: equal columns cut "Assignments (CSV)" to "Assignments (CS…".
d = st.container(horizontal=True, gap="small")
d.download_button(_("Assignments (CSV)"), lambda: export.safe_csv(seg.assignments()), "segment_assignments.csv",
                  "text/csv", on_click="ignore", icon=":material/download:", width="content")
d.download_button(_("Assignments (Excel)"), lambda: export.to_excel(seg.assignments()), "segment_assignments.xlsx",
                  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", on_click="ignore",
                  icon=":material/download:", width="content")
d.download_button(_("Profiles (JSON)"), lambda: export.profiles_json(profiles), "segment_profiles.json",
                  "application/json", on_click="ignore", icon=":material/download:", width="content")
d.download_button(_("Model file"), lambda: persist.dumps(seg), "model.segcore", "application/zip", on_click="ignore",
                  icon=":material/download:", width="content",
                  help=_("Score next month's customers into the same segments: python -m segcore assign …"))
d.download_button(_("Heat map (PNG)"), lambda: chartkit.chart_png(heatmap), "segment_heatmap.png", "image/png",
                  on_click="ignore", icon=":material/image:", width="content")
if pareto is not None:
    d.download_button(_("Value concentration (PNG)"), lambda: chartkit.chart_png(pareto), "value_concentration.png",
                      "image/png", on_click="ignore", icon=":material/image:", width="content")
st.page_link("pages/share.py", label=_("Next: save and share with leadership"), icon=":material/share:")
