"""Step 2 · Features: what to segment on (by scheme preset or by hand) and what to only show on the cards."""

from __future__ import annotations

import streamlit as st

from pages.common import cache, state, ui
from segcore.columns import checks
from segcore.columns.schema import PRESETS, default_preset, preset_features
from segcore.errors import SegcoreError
from segcore.i18n import N_, _, format_percent
from segcore.render import charts, factor_charts, segment_charts

PRESET_LABELS = {
    "everything": N_("Everything sensible"),
    "behavioral": N_("Behavioral (what they do)"),
    "value": N_("Value / RFM (what they are worth)"),
    "demographic": N_("Demographic (who they are)"),
    "geographic": N_("Geographic (where they are)"),
    "firmographic": N_("Firmographic (B2B: industry, size, revenue)"),
    "needs": N_("Needs & attitudes"),
    "technographic": N_("Technographic (devices, tools)"),
    "lifecycle": N_("Lifecycle stage"),
}
MAX_DISTRIBUTIONS = 12

st.title(_("What to segment on"))
data = state.dataset()
if data is None:
    ui.require("Data")
schema = data.schema
eligible = [c for c in data.df.columns if schema[c].role not in ("id", "text", "constant")]
previous = state.choices()

presets = [p for p in PRESET_LABELS if p in PRESETS]
preset = st.segmented_control(
    _("Start from a segmentation scheme"),
    presets,
    format_func={p: _(label) for p, label in PRESET_LABELS.items()}.get,  # translated now, not when AppTest asks
    default=previous.preset if previous else default_preset(schema),
    key=state.PRESET,
    help=_("A scheme picks columns by what they describe. You can add or remove columns below."),
) or "everything"
try:
    suggested = preset_features(schema, preset)
except SegcoreError as error:
    suggested = []
    ui.show_error(error)
if not schema.names(use="feature"):  # name the real cause: too few rows, constant, empty or id-only columns
    st.error(ui.md(checks.no_features_reason(data.df, schema)), icon=":material/error:")
elif not suggested:
    st.warning(_("No column in this data set belongs to the {scheme} scheme. "
                 "Pick columns by hand or choose another scheme.", scheme=_(PRESET_LABELS.get(preset, preset))))

if previous and previous.preset == preset:
    default_features = [c for c in previous.features if c in eligible]
else:
    default_features = suggested
include_sensitive = st.toggle(
    _("Allow sensitive attributes as features"),
    value=previous.include_sensitive if previous else False,
    help=_("Gender, ethnicity, religion, health, marital status… are left out of clustering by default. "
           "They still appear on the profile cards."),
)
features = st.multiselect(
    _("Columns to segment on"),
    eligible,
    default=default_features,
    key=state.features_key(preset),
    help=_("Customers are grouped by how similar they are on these columns."),
)
on_factors = st.toggle(
    _("Segment on the factors these columns form, not on the columns"),
    value=previous.factors if previous else False,
    key=state.ON_FACTORS,
    help=_("Related columns (minutes and charges, wine and meat spend…) are first combined into a few factors, and "
           "the segments are found on the factor scores, so no theme counts twice. The factor view below shows them; "
           "the cards still describe segments by the columns."),
)
profile_default = [c for c in (previous.profile_columns if previous else schema.names(use="profile"))
                   if c in data.df.columns and c not in features]
profile_columns = st.multiselect(
    _("Columns to show on the segment cards only (KPIs such as churn, NPS, CSAT)"),
    [c for c in data.df.columns if c not in features],
    default=profile_default,
    key=state.PROFILE_COLUMNS,
    help=_("Not used to form segments; reported per segment so you can compare outcomes."),
)

for warning in checks.feature_warnings(data.df, schema, features=features):
    st.warning(ui.md(warning), icon=":material/warning:")

state.set_choices(
    state.Choices(
        features=tuple(features),
        profile_columns=tuple(profile_columns),
        method=previous.method if previous else "kmeans",
        k=previous.k if previous else None,
        seed=previous.seed if previous else 0,
        include_sensitive=include_sensitive,
        preset=preset,
        factors=on_factors,
    )
)

if not features:
    st.info(_("Choose at least one column to segment on."))
    st.stop()

st.subheader(_("Distributions"))
st.caption(_("How the chosen columns are spread across all {n} customers.", n=len(data.df)))
grid = st.columns(3)
for i, name in enumerate(features[:MAX_DISTRIBUTIONS]):
    with grid[i % 3]:
        st.altair_chart(segment_charts.distribution_chart(data.df, name), width="stretch")
if len(features) > MAX_DISTRIBUTIONS:
    st.caption(_("Showing the first {shown} of {total} columns.", shown=MAX_DISTRIBUTIONS, total=len(features)))

corr = checks.correlations(data.df, schema, columns=features)
if not corr.empty:
    st.subheader(_("Which columns move together"))
    st.caption(_("Strongly related columns (dark cells) say the same thing twice; keeping both doubles their weight."))
    st.altair_chart(charts.correlation_chart(corr), width="stretch")

with st.expander(_("Factor view: which underlying factors these columns form"), expanded=on_factors):
    if on_factors or st.toggle(_("Find the factors"), key=state.FACTOR_VIEW):
        try:
            view = cache.factors(data.fingerprint, data.df, schema, tuple(features))
        except SegcoreError as error:
            ui.show_error(error)
        else:
            st.caption(_("{rule} Together they account for {share} of the variation of the prepared columns.",
                         rule=view.rule, share=format_percent(sum(view.explained), digits=0)))
            st.markdown("\n".join(f"- {ui.md(name)}: {format_percent(share, digits=0)}"
                                   for name, share in zip(view.names, view.explained, strict=True)))
            st.altair_chart(factor_charts.loadings_heatmap(view.loadings.round(2)), width="stretch")

st.page_link("pages/segments.py", label=_("Next: find the segments"), icon=":material/arrow_forward:")
