"""Step 3 · Segments: method and k, the k sweep, quality, the customer map and pinned segments."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from pages.common import cache, cards, jobs, map_status, state, ui, waves_view
from segcore.errors import SegcoreError
from segcore.i18n import N_, _, format_number, ngettext
from segcore.insight import mapview
from segcore.model.pinned import PinRule
from segcore.model.spec import DEFAULT_K_VALUES, METHODS
from segcore.model.sweep import recommend
from segcore.render import chartkit, charts, segment_charts

METHOD_LABELS = {
    "kmeans": N_("k-means (fast, even-sized groups)"),
    "gmm": N_("Gaussian mixture (soft, oval groups)"),
    "agglomerative": N_("Hierarchical / Ward (nested groups)"),
    "hdbscan": N_("HDBSCAN (finds dense groups, leaves outliers unassigned)"),
}
K_HELP = N_(
    "k is the number of segments. 'Auto' picks the k whose segments are best separated (silhouette) among those "
    "that come out the same when the data is resampled (stability)."
)
PIN_OPS = ["top", "bottom", "==", "!=", ">", ">=", "<", "<=", "in", "contains"]

st.title(_("Find the segments"))
data = state.dataset()
if data is None:
    ui.require("Data")
choices = state.choices()
if choices is None or not choices.features:
    ui.require("Features")
state.mark_seen("segments")

with st.container(border=True):
    c1, c2, c3 = st.columns([3, 2, 1])
    method = c1.selectbox(
        _("Method"), METHODS, format_func={m: _(label) for m, label in METHOD_LABELS.items()}.get, key=state.METHOD,
        index=METHODS.index(choices.method),
        help=_("How customers are grouped. k-means suits most marketing data; HDBSCAN finds only clear groups."),
    )
    k_options = ["Auto", *DEFAULT_K_VALUES]
    k_choice = c2.selectbox(_("Number of segments (k)"), k_options, key=state.K_CHOICE,
                            format_func={k: _("Auto") if k == "Auto" else str(k) for k in k_options}.get,
                            index=k_options.index(choices.k) if choices.k in k_options else 0,
                            help=_(K_HELP), disabled=method == "hdbscan")
    seed = c3.number_input(_("Seed"), min_value=0, max_value=10_000, value=choices.seed, key=state.SEED,
                           help=_("Same seed, same segments. Change it to check the segments do not depend on luck."))

with st.expander(_("Pinned segments (e.g. key accounts)"), expanded=bool(state.pins()), icon=":material/push_pin:"):
    st.caption(_("Customers matching a rule are taken out before clustering and kept as a segment of their own."))
    for i, pin in enumerate(state.pins()):
        left, right = st.columns([5, 1])
        left.markdown(f"**{ui.md(pin.name)}** — {ui.md(pin.describe())}")
        if right.button(_("Remove"), key=state.unpin_key(i)):
            state.set_pins(tuple(p for j, p in enumerate(state.pins()) if j != i))
            st.rerun()
    PIN_OP_LABELS = {"top": _("top N"), "bottom": _("bottom N"), "in": _("one of"), "contains": _("contains")}
    with st.form("add_pin", clear_on_submit=True, border=False):
        a, b, c, d = st.columns([2, 2, 1, 2])
        default_column = data.schema.value_column or data.df.columns[0]
        pin_name = a.text_input(_("Segment name"), value=_("Key accounts"))
        pin_column = b.selectbox(_("Column"), list(data.df.columns), index=list(data.df.columns).index(default_column))
        pin_op = c.selectbox(_("Rule"), PIN_OPS, format_func=lambda op: PIN_OP_LABELS.get(op, op),
                             help=_("top/bottom N: the N largest/smallest values."))
        pin_value = d.text_input(_("Value"), value="20", help=_("A number, a text, or for 'in' a comma-separated list."))
        if st.form_submit_button(_("Add pinned segment"), icon=":material/add:"):
            value: object = [v.strip() for v in pin_value.split(",")] if pin_op == "in" else pin_value.strip()
            if pin_op in ("top", "bottom", ">", ">=", "<", "<="):
                try:
                    value = float(pin_value)
                except ValueError:
                    st.error(_("'{value}' is not a number; the rule '{rule}' needs one.", value=ui.md(pin_value),
                               rule=PIN_OP_LABELS.get(pin_op, pin_op)))
                    value = None
            if value is not None:
                try:
                    rule = PinRule(pin_name.strip() or _("Pinned"), pin_column, pin_op, value)
                    count = int(rule.mask(data.df).sum())
                except SegcoreError as error:
                    ui.show_error(error)
                else:
                    if count == 0:
                        st.warning(_("No customer matches {rule}; nothing was pinned.", rule=ui.md(rule.describe())))
                    else:
                        state.set_pins((*state.pins(), rule))
                        st.rerun()

waves_view.previous_run_picker(data)
k_value = None if k_choice == "Auto" else int(k_choice)
state.set_choices(replace(choices, method=method, k=k_value, seed=int(seed)))
try:
    spec = state.feature_spec()
    sweep = cache.sweep_for(data.fingerprint, data.df, spec, data.schema)
    seg = cache.segmentation(data.fingerprint, data.df, spec, data.schema, state.previous_run())
except SegcoreError as error:
    ui.show_error(error, hint=_("Change the columns, the method or k and try again."))
    st.stop()
seg = seg.rename(state.segment_names())

quality = seg.quality
cards.verdict(seg.structure.verdict if seg.structure else None, seg.structure.reason if seg.structure else None,
              tiers=seg.tiers, stability=quality.stability if quality else None,
              low=quality.stability_low if quality else None, high=quality.stability_high if quality else None)
cols = st.columns(4)
cols[0].metric(_("Segments"), seg.n_segments)
cols[1].metric(_("Customers"), format_number(seg.n_rows))
if quality is not None:
    cols[2].metric(_("Separation (silhouette)"), format_number(quality.silhouette, digits=2),
                   help=_("From -1 to 1: how much closer customers are to their own segment than to the next one. "
                          "Above 0.35 is clear, below 0.15 is blurry."))
    cols[3].metric(_("Stability"), "—" if quality.stability is None else format_number(quality.stability, digits=2),
                   help=_("0 to 1: how often the same segments come back when the data is resampled. "
                          "Above 0.75 is stable, below 0.5 they dissolve."))
    st.markdown(_("Quality: {grade} {explanation}", grade=ui.grade_badge(quality.grade),
                  explanation=ui.md(quality.explanation)))
if seg.notes:
    with st.expander(_("Notes on this segmentation ({n})", n=len(seg.notes))):
        for note in seg.notes:
            st.markdown(f"- {ui.md(note)}")

if sweep is not None:
    st.altair_chart(charts.sweep_chart(sweep.table, sweep.recommended_k), width="stretch")  # titled by the chart
    st.caption(ui.md(recommend(sweep.table)[1]))  # worded now, in this session's language (the sweep is shared)

st.subheader(_("Customer map"))
features = [*seg.numeric, *seg.categorical]
map_key = cache.map_key(data.fingerprint, data.schema, spec)
X = cache.map_matrix(data.fingerprint, data.df, spec, data.schema)
job = jobs.umap_job(map_key, X)
names = seg.segment_names


@st.fragment(run_every=None if job.future.done() else 1.0)
def customer_map() -> None:
    if job.future.done():
        try:
            embedding = job.future.result()
        except Exception as error:  # noqa: BLE001 - a failed background map must not take the page down
            st.warning(_("The UMAP map could not be computed ({error}); showing the PCA map instead.", error=ui.md(error)))
            embedding = cache.pca_map(map_key, X)
        if state.map_polling():
            state.set_map_polling(False)
            st.rerun()
    else:
        state.set_map_polling(True)
        map_status.show(job)  # measured estimate, never a fixed promise
        embedding = cache.pca_map(map_key, X)
    how = "UMAP" if embedding.method == "umap" else "PCA"
    st.caption(
        _("Each dot is a customer; nearby dots are similar on the chosen columns ({method}). Drag a rectangle or "
          "click a dot to see who they are and how they differ from everyone.", method=how)
    )
    for note in embedding.notes:
        st.caption(ui.md(note))
    points = mapview.map_points(data.df, embedding, labels=seg.labels, names=names, schema=data.schema, features=features)
    chart = charts.map_chart(points, tooltip=mapview.tooltip_columns(data.schema, features),
                             id_column=data.schema.id_column or mapview.ROW_FIELD, title="")
    event = st.altair_chart(chart, on_select="rerun", selection_mode=["brush", "pick"], key=state.MAP_CHART,
                            width="stretch")
    rows = mapview.selected_rows(points, event.selection, id_column=data.schema.id_column)
    if len(rows):
        st.markdown(ngettext("**{n} customer selected.** How they differ from everyone:",
                             "**{n} customers selected.** How they differ from everyone:", len(rows)))
        traits = mapview.describe_selection(data.df, rows, schema=data.schema, columns=features + list(spec.profile_columns))
        st.markdown("\n".join(f"- {ui.md(trait.sentence)}" for trait in traits))  # one list, not one per trait
        st.dataframe(data.df.iloc[rows[:500]], hide_index=True, height=240)
    else:
        st.caption(_("Nothing selected yet."))


customer_map()

st.subheader(_("Segment sizes"))
st.altair_chart(chartkit.untitled(segment_charts.size_chart(seg.profiles)), width="stretch")  # the heading names it
st.page_link("pages/profiles.py", label=_("Next: read the segment profiles"), icon=":material/arrow_forward:")
