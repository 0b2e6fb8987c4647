"""Step 3 · Segments: method and k, the k sweep, quality, the customer map and pinned segments."""

from __future__ import annotations

import time
from dataclasses import replace

import streamlit as st

from pages.common import cache, state, ui
from segcore.errors import SegcoreError
from segcore.insight import mapview
from segcore.model.pinned import PinRule
from segcore.render import charts, segment_charts

METHOD_LABELS = {
    "kmeans": "k-means (fast, even-sized groups)",
    "gmm": "Gaussian mixture (soft, oval groups)",
    "agglomerative": "Hierarchical / Ward (nested groups)",
    "hdbscan": "HDBSCAN (finds dense groups, leaves outliers unassigned)",
}
K_HELP = (
    "k is the number of segments. 'Auto' picks the k whose segments are best separated (silhouette) among those "
    "that come out the same when the data is resampled (stability)."
)
PIN_OPS = ["top", "bottom", "==", "!=", ">", ">=", "<", "<=", "in", "contains"]

st.title("Find the segments")
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
        "Method", list(METHOD_LABELS), format_func=METHOD_LABELS.get, key=state.METHOD,
        index=list(METHOD_LABELS).index(choices.method),
        help="How customers are grouped. k-means suits most marketing data; HDBSCAN finds only clear groups.",
    )
    k_options = ["Auto", *range(2, 13)]
    k_choice = c2.selectbox("Number of segments (k)", k_options, key=state.K_CHOICE,
                            index=k_options.index(choices.k) if choices.k in k_options else 0,
                            help=K_HELP, disabled=method == "hdbscan")
    seed = c3.number_input("Seed", min_value=0, max_value=10_000, value=choices.seed, key=state.SEED,
                           help="Same seed, same segments. Change it to check the segments do not depend on luck.")

with st.expander("Pinned segments (e.g. key accounts)", expanded=bool(state.pins()), icon=":material/push_pin:"):
    st.caption("Customers matching a rule are taken out before clustering and kept as a segment of their own.")
    for i, pin in enumerate(state.pins()):
        left, right = st.columns([5, 1])
        left.markdown(f"**{ui.md(pin.name)}** — {ui.md(pin.describe())}")
        if right.button("Remove", key=f"unpin_{i}"):
            state.set_pins(tuple(p for j, p in enumerate(state.pins()) if j != i))
            st.rerun()
    with st.form("add_pin", clear_on_submit=True, border=False):
        a, b, c, d = st.columns([2, 2, 1, 2])
        default_column = data.schema.value_column or data.df.columns[0]
        pin_name = a.text_input("Segment name", value="Key accounts")
        pin_column = b.selectbox("Column", list(data.df.columns), index=list(data.df.columns).index(default_column))
        pin_op = c.selectbox("Rule", PIN_OPS, help="top/bottom N: the N largest/smallest values.")
        pin_value = d.text_input("Value", value="20", help="A number, a text, or for 'in' a comma-separated list.")
        if st.form_submit_button("Add pinned segment", icon=":material/add:"):
            value: object = [v.strip() for v in pin_value.split(",")] if pin_op == "in" else pin_value.strip()
            if pin_op in ("top", "bottom", ">", ">=", "<", "<="):
                try:
                    value = float(pin_value)
                except ValueError:
                    st.error(f"'{ui.md(pin_value)}' is not a number; the rule '{pin_op}' needs one.")
                    value = None
            if value is not None:
                try:
                    rule = PinRule(pin_name.strip() or "Pinned", pin_column, pin_op, value)
                    count = int(rule.mask(data.df).sum())
                except SegcoreError as error:
                    ui.show_error(error)
                else:
                    if count == 0:
                        st.warning(f"No customer matches {ui.md(rule.describe())}; nothing was pinned.")
                    else:
                        state.set_pins((*state.pins(), rule))
                        st.rerun()

k_value = None if k_choice == "Auto" else int(k_choice)
state.set_choices(replace(choices, method=method, k=k_value, seed=int(seed)))
try:
    spec = state.feature_spec()
    sweep = cache.sweep_for(data.fingerprint, data.df, spec, data.schema)
    seg = cache.segmentation(data.fingerprint, data.df, spec, data.schema)
except SegcoreError as error:
    ui.show_error(error, hint="Change the columns, the method or k and try again.")
    st.stop()
seg = seg.rename(state.segment_names())

quality = seg.quality
cols = st.columns(4)
cols[0].metric("Segments", seg.n_segments)
cols[1].metric("Customers", f"{seg.n_rows:,}")
if quality is not None:
    cols[2].metric("Separation (silhouette)", f"{quality.silhouette:.2f}",
                   help="From -1 to 1: how much closer customers are to their own segment than to the next one. "
                        "Above 0.35 is clear, below 0.15 is blurry.")
    cols[3].metric("Stability", "—" if quality.stability is None else f"{quality.stability:.2f}",
                   help="0 to 1: how often the same segments come back when the data is resampled. "
                        "Above 0.8 is solid.")
    st.markdown(f"Quality: {ui.grade_badge(quality.grade)} {ui.md(quality.explanation)}")
if seg.notes:
    with st.expander(f"Notes on this segmentation ({len(seg.notes)})"):
        for note in seg.notes:
            st.markdown(f"- {ui.md(note)}")

if sweep is not None:
    st.altair_chart(charts.sweep_chart(sweep.table, sweep.recommended_k), width="stretch")  # titled by the chart
    st.caption(ui.md(sweep.reason))

st.subheader("Customer map")
features = [*seg.numeric, *seg.categorical]
map_key = cache.map_key(data.fingerprint, data.schema, features, spec.weights)
X = cache.map_matrix(map_key, data.df, spec, data.schema)
job, started = cache.umap_job(map_key, X)
names = seg.segment_names


@st.fragment(run_every=None if job.done() else 1.0)
def customer_map() -> None:
    if job.done():
        try:
            embedding = job.result()
        except Exception as error:  # noqa: BLE001 - a failed background map must not take the page down
            st.warning(f"The UMAP map could not be computed ({ui.md(error)}); showing the PCA map instead.")
            embedding = cache.pca_map(map_key, X)
        if state.map_polling():
            state.set_map_polling(False)
            st.rerun()
    else:
        state.set_map_polling(True)
        elapsed = time.perf_counter() - started
        expected = cache.expected_umap_seconds(len(X))
        st.progress(min(0.97, elapsed / expected),
                    text=f"Computing the UMAP map… {elapsed:.0f} s (about {expected:.0f} s). Instant PCA preview below.")
        embedding = cache.pca_map(map_key, X)
    how = "UMAP" if embedding.method == "umap" else "PCA"
    st.caption(
        f"Each dot is a customer; nearby dots are similar on the chosen columns ({how}). Drag a rectangle or click a "
        "dot to see who they are and how they differ from everyone."
    )
    for note in embedding.notes:
        st.caption(ui.md(note))
    points = mapview.map_points(data.df, embedding, seg.labels, names, schema=data.schema, features=features)
    chart = charts.map_chart(points, tooltip=mapview.tooltip_columns(data.schema, features),
                             id_column=data.schema.id_column or mapview.ROW_FIELD, title="")
    event = st.altair_chart(chart, on_select="rerun", selection_mode=["brush", "pick"], key=state.MAP_CHART,
                            width="stretch")
    rows = mapview.selected_rows(points, event.selection, id_column=data.schema.id_column)
    if len(rows):
        st.markdown(f"**{len(rows):,} customers selected.** How they differ from everyone:")
        traits = mapview.describe_selection(data.df, rows, schema=data.schema, columns=features + list(spec.profile_columns))
        st.markdown("\n".join(f"- {ui.md(trait.sentence)}" for trait in traits))  # one list, not one per trait
        st.dataframe(data.df.iloc[rows[:500]], hide_index=True, height=240)
    else:
        st.caption("Nothing selected yet.")


customer_map()

st.subheader("Segment sizes")
st.altair_chart(segment_charts.size_chart(seg.profiles), width="stretch")
st.page_link("pages/profiles.py", label="Next: read the segment profiles", icon=":material/arrow_forward:")
