"""Step 1 · Data: upload or pick a sample, see how it was read, check the column roles."""

from __future__ import annotations

import streamlit as st

from pages.common import cache, panel_view, state, ui
from segcore.columns.schema import Schema
from segcore.errors import SegcoreError
from segcore.i18n import _, current_language, format_number, pgettext
from segcore.io import load as io
from segcore.render import segment_charts
from segcore.sql.disk import read_from_disk

UPLOAD_TYPES = ["csv", "tsv", "txt", "xlsx", "parquet", "json", "jsonl"]

st.title(_("Your customers"))
st.caption(
    _("Upload a customer file (one row per customer) or a transaction log (one row per purchase). "
      "Files stay on this machine: nothing is sent anywhere.")
)


def _use_table(table: io.Table, name: str) -> None:
    fp = io.fingerprint(table.df)
    schema = cache.infer_roles(fp, table.df)
    state.set_dataset(state.Dataset(name=name, df=table.df, report=table.report, fingerprint=fp, schema=schema))
    st.rerun()  # the sidebar (drawn by app.py before this page) must show the new data set, not the old one


left, right = st.columns([3, 2], gap="large")
with left:
    upload = st.file_uploader(
        _("Upload a file"),
        type=UPLOAD_TYPES,
        key=state.UPLOADER,
        help=_("CSV/TSV/TXT (any delimiter or encoding, decimal commas are fine), Excel, Parquet or JSON."),
    )
    with st.expander(_("…or open a large file or a Parquet folder on this computer")):
        st.caption(_("A transaction log is added up per customer by DuckDB without loading it, so logs larger than "
                     "memory open too. CSV, Parquet (a file, a folder of partitions or a pattern such as "
                     "/data/orders/*.parquet) or a DuckDB database."))
        disk_path = st.text_input(_("Path on this computer"), key=state.DISK_PATH, placeholder="/data/orders/")
        if st.button(_("Open"), key="open_disk_path", icon=":material/folder_open:", disabled=not disk_path):
            bar = st.progress(0.0)
            try:
                table = read_from_disk(disk_path, progress=lambda done, message: bar.progress(min(done, 1.0)))
            except SegcoreError as error:
                ui.show_error(error, hint=_("Your previous data (if any) is still loaded."))
            else:
                _use_table(table, table.report.source)
with right:
    st.markdown(_("**…or try a sample data set**"))
    for label in cache.SAMPLES:
        if st.button(_(label), key=f"sample_{label}", width="stretch", icon=":material/dataset:"):
            _use_table(cache.load_sample(label), _(label))

if upload is not None and state.upload_id() != upload.file_id:
    try:
        table = cache.load_upload(upload.getvalue(), upload.name)
    except SegcoreError as error:
        ui.show_error(error, hint=_("Your previous data (if any) is still loaded."))
    else:
        state.set_upload_id(upload.file_id)
        _use_table(table, upload.name)

if state.dataset() is None:  # first visit: open on the demo data so the studio works on the first click
    default = cache.DEFAULT_SAMPLES[current_language()]
    _use_table(cache.load_sample(default), _(default))

data = state.dataset()
report = data.report

if report.sheets and len(report.sheets) > 1 and upload is not None:
    sheet = st.selectbox(_("Excel sheet"), report.sheets, index=report.sheets.index(report.sheet))
    if sheet != report.sheet:
        try:
            _use_table(cache.load_upload(upload.getvalue(), upload.name, sheet), f"{upload.name} · {sheet}")
            st.rerun()
        except SegcoreError as error:
            ui.show_error(error)

st.success(f"**{ui.md(data.name)}** — {ui.md(report.summary())}", icon=":material/check_circle:")
cols = st.columns(5)
DELIMITERS = {",": _("comma"), ";": _("semicolon"), "\t": _("tab"), "|": _("pipe")}
cols[0].metric(_("Rows"), format_number(len(data.df)))
cols[1].metric(_("Columns"), format_number(data.df.shape[1]))
cols[2].metric(_("Encoding"), report.encoding or "—")
cols[3].metric(_("Delimiter"), DELIMITERS.get(report.delimiter or "", report.delimiter or "—"))
cols[4].metric(_("Rows skipped"), format_number(report.rows_skipped))
if report.skipped or report.warnings or report.columns_renamed or report.columns_dropped:
    with st.expander(_("What was skipped, renamed or worth knowing"), expanded=bool(report.rows_skipped)):
        for skipped in report.skipped:
            lines = ", ".join(str(n) for n in skipped.lines[:10])
            st.markdown("- " + (_("{count} rows skipped: {reason} (lines {lines})", count=skipped.count, reason=ui.md(skipped.reason), lines=lines)
                                if lines else _("{count} rows skipped: {reason}", count=skipped.count, reason=ui.md(skipped.reason))))
        for old, new in report.columns_renamed:
            st.markdown("- " + _("column {old} renamed to {new}", old=ui.md(repr(old)), new=ui.md(repr(new))))
        for dropped in report.columns_dropped:
            st.markdown("- " + _("empty column {column} left out", column=ui.md(repr(dropped))))
        for warning in report.warnings:
            st.markdown(f"- {ui.md(warning)}")
for note in data.notes:
    st.info(ui.md(note), icon=":material/info:")

log_columns = cache.detect_log(data.fingerprint, data.df) if data.transactions is None else None
if log_columns is not None:
    st.warning(
        _("This looks like a **transaction log**: customer **{customer}**, date **{date}**, amount **{amount}**. "
          "Segments are built from one row per customer.", customer=ui.md(log_columns.customer),
          date=ui.md(log_columns.date), amount=ui.md(log_columns.amount)),
        icon=":material/receipt_long:",
    )
    if st.button(_("Turn it into one row per customer (RFM, tenure, channel mix…)"), type="primary"):
        try:
            built = cache.customers(data.fingerprint, data.df)
        except SegcoreError as error:
            ui.show_error(error)
        else:
            fp = io.fingerprint(built.df)
            state.set_dataset(
                state.Dataset(
                    name=_("{name} → customers", name=data.name),
                    df=built.df,
                    report=data.report,
                    fingerprint=fp,
                    schema=cache.infer_roles(fp, built.df),
                    transactions=data.df,
                    notes=tuple(built.notes),
                )
            )
            st.rerun()

if log_columns is None:
    panel_view.offer(data)

if data.transactions is not None and "rfm_segment" in data.df.columns:
    st.subheader(_("Classic RFM groups"))
    st.caption(_("Recency, frequency and monetary scores (1–5) turned into the usual RFM names."))
    st.altair_chart(segment_charts.distribution_chart(data.df, "rfm_segment"), width="stretch")

st.subheader(_("Preview"))
st.dataframe(data.df.head(200), hide_index=True, height=260)

st.subheader(_("Column roles"))
st.caption(
    _("What each column is and how it is used. **feature** = segment on it, **profile** = show it on the segment "
      "cards only (KPIs such as churn or NPS), **ignore** = leave it out. Sensitive attributes are left out of "
      "clustering by default. Change anything that looks wrong.")
)
ROLES = {"id": pgettext("column role", "id"), "numeric": pgettext("column role", "numeric"),
         "categorical": pgettext("column role", "categorical"), "boolean": pgettext("column role", "yes/no"),
         "datetime": pgettext("column role", "date"), "text": pgettext("column role", "text"),
         "constant": pgettext("column role", "constant"), "mostly_missing": pgettext("column role", "mostly missing")}
SCHEMES = {"demographic": _("demographic"), "geographic": _("geographic"), "behavioral": _("behavioral"),
           "value": _("value"), "firmographic": _("firmographic"), "needs": _("needs"),
           "technographic": _("technographic"), "lifecycle": _("lifecycle"), "kpi": _("KPI"), "other": _("other")}
USES = {"feature": pgettext("column use", "feature"), "profile": pgettext("column use", "profile"),
        "ignore": pgettext("column use", "ignore")}
frame = data.schema.to_frame()
edited = st.data_editor(
    frame,
    key=state.ROLE_EDITOR,
    hide_index=True,
    width="stretch",
    disabled=["name", "reason"],
    column_config={
        "name": st.column_config.TextColumn(_("column")),
        "role": st.column_config.SelectboxColumn(_("role"), options=list(ROLES), format_func=ROLES.get, required=True),
        "scheme": st.column_config.SelectboxColumn(
            _("scheme"),
            options=list(SCHEMES),
            format_func=SCHEMES.get,
            required=True,
            help=_("Which segmentation scheme the column belongs to; drives the presets on the next page."),
        ),
        "use": st.column_config.SelectboxColumn(_("use"), options=list(USES), format_func=USES.get, required=True),
        "sensitive": st.column_config.CheckboxColumn(_("sensitive"), help=_("Gender, ethnicity, religion, health…")),
        "reason": st.column_config.TextColumn(_("why")),
    },
)
names = [None, *data.df.columns]
none_label = _("(none)")
c1, c2, c3 = st.columns(3)
id_column = c1.selectbox(_("Customer id column"), names, format_func=lambda c: none_label if c is None else c, index=names.index(data.schema.id_column),
                         help=_("Used to label customers in downloads and on the map. Never clustered on."))
value_column = c2.selectbox(_("Value column (revenue, spend, ARR…)"), names, format_func=lambda c: none_label if c is None else c, index=names.index(data.schema.value_column),
                            help=_("Used for each segment's share of value and to order segments (0 = most valuable)."))
target_column = c3.selectbox(_("Outcome to compare (churn, conversion…)"), names, format_func=lambda c: none_label if c is None else c,
                             index=names.index(data.schema.target_column),
                             help=_("Each segment's rate of this outcome is compared with the overall rate (lift)."))
try:
    schema = Schema.from_frame(edited, id_column=id_column, value_column=value_column, target_column=target_column)
except SegcoreError as error:
    ui.show_error(error)
else:
    state.set_schema(schema)

st.page_link("pages/features.py", label=_("Next: choose what to segment on"), icon=":material/arrow_forward:")
