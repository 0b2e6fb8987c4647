"""Cached wrappers around segcore: the only place the studio caches, keyed by content, never by object identity.

Big read-only results (prepared matrices, fitted segmentations, maps) live in ``st.cache_resource`` so a rerun does
not copy them; small results use ``st.cache_data``. DataFrames are passed as ``_df`` (not hashed) beside an
explicit content fingerprint, because Streamlit hashes large frames from a sample.
"""

from __future__ import annotations

import json
import os
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import streamlit as st

from pages.common import signin
from pages.common.jobs import MAP_POINTS, finished_map, put_bounded
from segcore.columns import rfm, roles, transactions
from segcore.columns.schema import Schema
from segcore.i18n import N_, _, current_language, use_language
from segcore.insight import compare, embed, summary
from segcore.io import load as io
from segcore.model import features
from segcore.model import segmentation as model
from segcore.model.spec import FeatureSpec, k_range_text
from segcore.model.sweep import sweep as run_sweep

ROOT = Path(__file__).resolve().parents[2]
# Labels are marked for translation (N_) and translated where the Data page shows them.
SAMPLES = {
    N_("Retail customers (B2C, 5,000)"): ROOT / "sample_data" / "retail_customers.csv",
    N_("B2B accounts (1,500)"): ROOT / "sample_data" / "b2b_accounts.csv",
    N_("Transaction log (100k rows)"): ROOT / "sample_data" / "transactions.csv",
    # Native-language demos, labelled in their own language and encoding.
    "客户 · GBK": ROOT / "sample_data" / "kehu_gbk.csv",
    "고객 · EUC-KR": ROOT / "sample_data" / "gogaek_euckr.csv",
    "Клиенты · CP1251": ROOT / "sample_data" / "klienty_cp1251.csv",
    "Чеки за год · CP1251": ROOT / "sample_data" / "tranzakcii_cp1251.csv",
}
DEFAULT_SAMPLE = "Retail customers (B2C, 5,000)"
# The studio opens on a demo in the user's language: a Chinese marketer first sees Chinese columns.
DEFAULT_SAMPLES = {"en": DEFAULT_SAMPLE, "zh": "客户 · GBK", "ko": "고객 · EUC-KR", "ru": "Клиенты · CP1251"}


@st.cache_data(max_entries=8, show_spinner="Reading the sample data…")
def load_sample(name: str) -> io.Table:
    return io.load_table(SAMPLES[name])


@st.cache_data(max_entries=4, show_spinner="Reading your file…")
def load_upload(data: bytes, name: str, sheet: str | None = None) -> io.Table:
    return io.load_table(data, name=name, sheet=sheet)


def infer_roles(fingerprint: str, _df: pd.DataFrame) -> Schema:
    """The column roles, their reasons written in the session's language (one cached schema per language)."""
    return _infer_roles(fingerprint, current_language(), _df)


@st.cache_data(max_entries=16, show_spinner=False)
def _infer_roles(fingerprint: str, language: str, _df: pd.DataFrame) -> Schema:
    return roles.infer_roles(_df)


@st.cache_data(max_entries=8, show_spinner=False)
def detect_log(fingerprint: str, _df: pd.DataFrame) -> transactions.TransactionColumns | None:
    return transactions.detect_transactions(_df)


@st.cache_resource(max_entries=4, show_spinner="Building one row per customer…")
def customers(fingerprint: str, _df: pd.DataFrame) -> rfm.CustomerTable:
    return rfm.to_customers(_df)


def spec_key(spec: FeatureSpec) -> str:
    return json.dumps(spec.to_dict(), sort_keys=True, default=str)


def _schema_key(schema: Schema) -> str:
    return json.dumps(schema.to_dict(), sort_keys=True, default=str)


@st.cache_resource(max_entries=8, show_spinner="Preparing the data…")
def _prepared(fingerprint: str, schema_key: str, prep_key: str, _df, _spec, _schema):
    return features.prepare_spec(_df, spec=_spec, schema=_schema)


def _prep_key(spec: FeatureSpec) -> str:
    """Everything the prepared matrix depends on (columns, weights, pins, sensitive opt-in); not k, method or seed.

    The sweep is keyed by this too: a sweep is only valid for the matrix it ran on.
    """
    return json.dumps(
        {"f": spec.features, "w": spec.weights, "p": [p.to_dict() for p in spec.pins], "s": spec.include_sensitive,
         "fa": spec.factors},
        default=str,
    )


def prepared(fingerprint: str, df: pd.DataFrame, spec: FeatureSpec, schema: Schema):
    """The prepared matrix for the chosen columns, weights and pins (not k, method or seed)."""
    return _prepared(fingerprint, _schema_key(schema), _prep_key(spec), df, spec, schema)


@st.cache_data(max_entries=16, show_spinner=False)
def _sweep(fingerprint: str, schema_key: str, prep_key: str, method: str, seed: int, k_values: tuple[int, ...],
           _X: np.ndarray):
    # Nothing is drawn in here: Streamlit would replay it on every cache hit.
    return run_sweep(_X, k_values=k_values, method=method, random_state=seed)


def sweep(fingerprint: str, schema_key: str, prep_key: str, method: str, seed: int, k_values: tuple[int, ...],
          _X: np.ndarray):
    """The k sweep for one prepared matrix, method and k range (not k itself, so changing k reuses it)."""
    with st.spinner(f"Trying {k_range_text(k_values)} segments…", show_time=True):
        return _sweep(fingerprint, schema_key, prep_key, method, seed, k_values, _X)


def sweep_for(fingerprint: str, df, spec: FeatureSpec, schema: Schema):
    if spec.method == "hdbscan":
        return None
    prep = prepared(fingerprint, df, spec, schema)
    return sweep(fingerprint, _schema_key(schema), _prep_key(spec), spec.method, spec.seed, tuple(spec.k_values), prep.X)


# Fitted segmentations kept per content key (data, roles, spec). Enough for every k of a few specs.
MAX_FITS = 48


@st.cache_resource
def _fit_pool() -> ThreadPoolExecutor:
    """One worker that fits the other k values in the background, so changing k is usually a cache hit."""
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="segcore-prefetch")


@st.cache_resource
def _fits() -> dict[str, Future]:
    return {}


def _remember(key: str, future: Future) -> None:
    put_bounded(_fits(), key, future, MAX_FITS)


def _fit_key(fingerprint: str, schema: Schema, spec: FeatureSpec) -> str:
    # Names, actions, KPI labels and the quality verdict are written in the language of the fit: one fit per language.
    return f"{fingerprint}|{_schema_key(schema)}|{spec_key(spec)}|{current_language()}"


def _segment_in(language: str, *args, **kwargs) -> model.Segmentation:
    """model.segment in ``language`` (background threads have no session to read the language from)."""
    with use_language(language):
        return model.segment(*args, **kwargs)


def segmentation(fingerprint: str, df, spec: FeatureSpec, schema: Schema,
                 previous_run: str | None = None) -> model.Segmentation:
    """The fitted segmentation for this spec: from the cache, from a background prefetch, or fitted now.

    With ``previous_run`` (a saved run's id) segments that match that run's keep its segment numbers.
    """
    sweep_result = sweep_for(fingerprint, df, spec, schema)
    prep = prepared(fingerprint, df, spec, schema)
    previous = (saved_model(previous_run, store().get_run(previous_run, viewer=signin.viewer()))
                if previous_run else None)
    key = _fit_key(fingerprint, schema, spec) + (f"|previous={previous_run}" if previous_run else "")
    future = _fits().get(key)
    if future is not None and future.cancel():  # still queued behind other prefetches: fit it now instead
        future = None
    if future is None:
        bar = st.progress(0.0, text=_("Finding segments…"))

        def report(fraction: float, message: str) -> None:
            bar.progress(min(1.0, fraction), text=message)

        future = Future()
        try:
            future.set_result(
                model.segment(df, spec=spec, schema=schema, prepared=prep, sweep_result=sweep_result,
                              previous=previous, progress=report)
            )
        finally:
            bar.empty()
        _remember(key, future)
        if previous is None:
            _prefetch_other_k(fingerprint, df, spec, schema, prep, sweep_result)
    elif not future.done():
        with st.spinner("Finishing this segmentation…"):
            future.result()
    return future.result()


def _prefetch_other_k(fingerprint, df, spec: FeatureSpec, schema, prep, sweep_result) -> None:
    """Queue fits for the other k values of the sweep; a later k change then only redraws the page."""
    if spec.method == "hdbscan":
        return
    for k in spec.k_values:
        if k >= prep.X.shape[0]:
            continue
        other = replace(spec, k=k)
        key = _fit_key(fingerprint, schema, other)
        if key not in _fits():
            _remember(key, _fit_pool().submit(
                _segment_in, current_language(), df, spec=other, schema=schema, prepared=prep,
                sweep_result=sweep_result))


def prefetch_idle() -> bool:
    """True when no background fit is queued or running (benchmarks wait for this)."""
    return all(f.done() for f in list(_fits().values()))


@st.cache_resource(max_entries=8, show_spinner=False)
def _map_matrix(map_key: str, _prep: features.PreparedSpec, _df) -> np.ndarray:
    return _prep.transform(_df)


def map_matrix(fingerprint: str, df, spec: FeatureSpec, schema: Schema) -> np.ndarray:
    """All customers (pinned ones too) in the space they are clustered in: the cached prepared spec's preprocessor,
    not a second one, so the map shows the distances the segments were found with."""
    prep = prepared(fingerprint, df, spec, schema)
    return _map_matrix(map_key(fingerprint, schema, spec), prep, df)


@st.cache_data(max_entries=16, show_spinner=False)
def pca_map(map_key: str, _X: np.ndarray) -> embed.Embedding:
    return embed.pca_2d(_X, random_state=0, max_points=MAP_POINTS)


def map_key(fingerprint: str, schema: Schema, spec: FeatureSpec) -> str:
    """The content key of a map: the data, the roles and what the prepared matrix depends on; not k or method."""
    return f"{fingerprint}|{_schema_key(schema)}|{_prep_key(spec)}"


@st.cache_data(max_entries=16, show_spinner=False)
def _summary(fit_key: str, names_key: str, map_ready: bool, _seg, _df, _embedding) -> dict:
    return summary.build_summary(_seg, _df, embedding=_embedding)


def run_summary(fingerprint: str, df, spec: FeatureSpec, schema: Schema, seg) -> dict:
    """The one summary of the fitted segmentation, as the user named its segments: the Profiles page, the saved
    run, the shared view and the reports all render from it. Built once per fit, names and map (not per rerun)."""
    embedding = finished_map(map_key(fingerprint, schema, spec))
    names_key = json.dumps(seg.segment_names, sort_keys=True, ensure_ascii=False)
    return _summary(_fit_key(fingerprint, schema, spec), names_key, embedding is not None, seg, df, embedding)


@st.cache_data(max_entries=8, show_spinner=False)
def run_comparison(fingerprint: str, run_a: str, run_b: str, id_column: str | None, _saved_a, _saved_b, _df):
    """Customers moved between two saved runs (already read with the viewer's rights), scoring the loaded customers
    once with each; cached per pair, so a rerun does not score them again."""
    model_a, model_b = saved_model(run_a, _saved_a), saved_model(run_b, _saved_b)
    table = compare.compare_runs(model_a.assign(_df), model_b.assign(_df), id_column=id_column)
    return table.rename(index=model_a.segment_names, columns=model_b.segment_names)


@st.cache_resource
def store():
    """One store for every session: SQLite under ./data by default, PostgreSQL when a URL is configured."""
    from segcore.store.runs import open_store

    url = os.environ.get("SEGCORE_DATABASE_URL")
    if not url:
        try:
            url = st.secrets.get("database_url")
        except (FileNotFoundError, KeyError, AttributeError):  # no secrets file
            url = None
    return open_store(url or f"sqlite:///{Path(os.environ.get('SEGCORE_DATA_DIR', ROOT / 'data')) / 'segcore.sqlite3'}")


@st.cache_data(max_entries=16, show_spinner=False)
def saved_model(run_id: str, _run):
    """The fitted model of a saved run, with the profiles the run keeps in its summary."""
    from segcore.model.persist import load_segmentation

    return load_segmentation(_run.model_bytes, profiles=_run.profiles)


@st.cache_resource(max_entries=8, show_spinner=False)
def _propensity(fingerprint: str, schema_key: str, outcome: str, _df: pd.DataFrame, _schema: Schema):
    from segcore.insight.propensity import fit_propensity

    return fit_propensity(_df, outcome=outcome, schema=_schema)


def propensity(fingerprint: str, df: pd.DataFrame, schema: Schema, outcome: str):
    """The propensity model for ``outcome`` on this data (fitted once per data set, roles and outcome)."""
    with st.spinner("Learning who is likely to " + outcome + " and testing it on held-out customers…"):
        return _propensity(fingerprint, _schema_key(schema), outcome, df, schema)


def with_outcome(seg: model.Segmentation, fingerprint: str, df: pd.DataFrame, schema: Schema,
                 outcome: str | None) -> model.Segmentation:
    """``seg`` carrying the outcome's propensity model (downloads, the model file and saved runs then include it)."""
    if not outcome or outcome not in df.columns:
        return seg
    return replace(seg, propensity=propensity(fingerprint, df, schema, outcome))


@st.cache_resource(max_entries=8, show_spinner="Finding the factors…")
def _factors(fingerprint: str, schema_key: str, features: tuple[str, ...], _df: pd.DataFrame, _schema: Schema):
    from segcore.insight.factors import factor_view
    from segcore.model.features import split_features

    spec = FeatureSpec(features=features)
    numeric, categorical, _notes = split_features(_df, _schema, spec=spec)
    return factor_view(_df, numeric=numeric, categorical=categorical)


def factors(fingerprint: str, df: pd.DataFrame, schema: Schema, features: tuple[str, ...]):
    """The factor view of the chosen columns (computed once per data set, roles and columns)."""
    return _factors(fingerprint, _schema_key(schema), features, df, schema)


@st.cache_resource(max_entries=4, show_spinner=False)
def model_file(digest: str, _blob: bytes):
    """An uploaded model file, read (seal checked, nothing executed) once per content."""
    from segcore.model.persist import load_segmentation

    return load_segmentation(_blob)


@st.cache_resource(max_entries=4, show_spinner=False)
def scored_wave(model_key: str, fingerprint: str, _model, _df: pd.DataFrame):
    """The loaded customers placed in a saved model's segments (once per model and data set)."""
    from segcore.model.rescore import scored_wave as score

    return score(_model, _df, fingerprint=fingerprint)


@st.cache_data(max_entries=4, show_spinner=False)
def scored_summary(model_key: str, fingerprint: str, _wave, _df: pd.DataFrame) -> dict:
    """The summary a scored wave is saved with (as ``run_summary`` for a fit)."""
    return summary.build_summary(_wave, _df)
