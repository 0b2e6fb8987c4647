"""Studio state keys and cached engine calls, without a browser (regressions of issue 13).

- a new data set cleared ``features_pick`` while the column picker's key is ``features_pick_{preset}``;
- the cached k sweep ignored ``spec.k_values`` and left them out of its key;
- the Profiles and Share pages built the summary (and Share two full ``assign()`` runs) on every rerun.
"""

from __future__ import annotations

import apptest_support  # noqa: F401  (SEGCORE_FAST_MAP and a throwaway data folder before streamlit loads)
import pytest
import streamlit as st
from helpers import customers

from pages.common import cache, state
from segcore.columns.roles import infer_roles
from segcore.insight import summary
from segcore.model.spec import FeatureSpec

FEATURES = ("total_spend", "visits_90d", "tenure_months")


@pytest.fixture
def session(monkeypatch):
    fake: dict = {}
    monkeypatch.setattr(st, "session_state", fake)
    state.init()
    return fake


def test_a_new_data_set_clears_every_preset_picker_and_rename_box(session):
    session[state.features_key("value")] = ["total_spend"]
    session[state.features_key("everything")] = ["region"]
    session[state.segment_name_key(0)] = "Top fans"
    session[state.unpin_key(0)] = True
    session[state.LANGUAGE] = "zh"
    state.set_dataset(object())
    assert state.features_key("value") not in session and state.features_key("everything") not in session
    assert state.segment_name_key(0) not in session and state.unpin_key(0) not in session
    assert session[state.LANGUAGE] == "zh"  # not a per-data-set choice


def test_per_run_keys_come_from_one_place(session):
    assert state.run_widget_key("del", "abc") != state.run_widget_key("open", "abc")
    with pytest.raises(ValueError, match="unknown run action"):
        state.run_widget_key("explode", "abc")
    session[state.segment_name_key(3)] = "Bargain hunters"
    assert state.typed_segment_name(3) == "Bargain hunters"


@pytest.fixture(scope="module")
def data():
    df, _ = customers(300, seed=3)
    return df, infer_roles(df)


@pytest.mark.slow
def test_the_cached_sweep_honours_the_specs_k_values(data):
    df, schema = data
    short = FeatureSpec(features=FEATURES, k_values=(2, 3))
    longer = FeatureSpec(features=FEATURES, k_values=(2, 3, 4))
    assert cache.sweep_for("fp-k", df, short, schema).table["k"].tolist() == [2, 3]
    assert cache.sweep_for("fp-k", df, longer, schema).table["k"].tolist() == [2, 3, 4]  # not the cached 2..3


@pytest.mark.slow
def test_the_summary_is_built_once_per_fit_and_names(data, monkeypatch):
    df, schema = data
    spec = FeatureSpec(features=FEATURES, k=3)
    seg = cache.segmentation("fp-summary", df, spec, schema)
    built = []
    real = summary.build_summary
    monkeypatch.setattr(summary, "build_summary", lambda *a, **k: built.append(1) or real(*a, **k))
    first = cache.run_summary("fp-summary", df, spec, schema, seg)
    again = cache.run_summary("fp-summary", df, spec, schema, seg)
    assert len(built) == 1 and first == again
    assert first["headline"]["segments"] == seg.n_segments
    renamed = seg.rename({0: "Champions"})
    assert cache.run_summary("fp-summary", df, spec, schema, renamed)["profiles"][0]["name"] == "Champions"
    assert len(built) == 2  # a rename is a new summary
