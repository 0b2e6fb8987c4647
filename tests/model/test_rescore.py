"""Next month's file scored with the saved model (issue 12, item 3): same segment numbers and names, the new
customers' sizes and KPIs, and a count of customers unlike any the model was built on."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import customers

from segcore.columns.roles import infer_roles
from segcore.errors import ModelError
from segcore.insight.summary import build_summary
from segcore.model.persist import dumps, load_segmentation
from segcore.model.rescore import scored_wave
from segcore.model.segmentation import segment
from segcore.model.spec import FeatureSpec

FEATURES = ("total_spend", "visits_90d", "tenure_months", "region")


@pytest.fixture(scope="module")
def saved():
    df, _ = customers(600, seed=1)
    seg = segment(df, spec=FeatureSpec(features=FEATURES, profile_columns=("churned",), k=3), schema=infer_roles(df))
    seg = seg.rename({0: "Best customers"})
    return load_segmentation(dumps(seg))  # what a saved run or a downloaded model file gives back


def test_the_new_wave_keeps_the_saved_segments_and_describes_the_new_customers(saved):
    later, _ = customers(450, seed=9)
    later.loc[:49, "total_spend"] = 1e7  # 50 customers unlike anyone the model was built on
    scored = scored_wave(saved, later, fingerprint="wave-2")
    wave = scored.segmentation
    expected = saved.assign(later)
    assert scored.n_far == int(expected["far_from_segments"].sum()) >= 50
    assert (wave.labels == expected["segment"].to_numpy()).all()
    assert wave.n_rows == 450 and wave.fingerprint == "wave-2"
    assert {p.segment: p.name for p in wave.profiles}[0] == "Best customers"
    sizes = {p.segment: p.size for p in wave.profiles}
    assert sizes == expected["segment"].value_counts().to_dict()
    spend = {p.segment: p for p in wave.profiles}
    assert sum(sizes.values()) == 450 and set(spend) <= set(saved.center_ids.tolist())
    assert wave.quality is None and wave.structure is None  # the fit's figures describe other customers
    assert scored.far_note in wave.notes and scored.far_note.startswith(f"{scored.n_far} customers")
    frame = wave.assignments()
    assert list(frame["customer_id"]) == list(later["customer_id"]) and len(frame) == 450


def test_a_scored_wave_saves_and_reloads_like_a_fit(saved):
    later, _ = customers(300, seed=4)
    wave = scored_wave(saved, later).segmentation
    summary = build_summary(wave, later)
    assert summary["headline"]["customers"] == 300
    again = load_segmentation(dumps(wave, profiles=False), profiles=summary["profiles"])
    assert (again.assign(later)["segment"].to_numpy() == wave.labels).all()
    np.testing.assert_array_equal(again.center_ids, saved.center_ids)


def test_missing_columns_are_named(saved):
    later, _ = customers(100, seed=2)
    with pytest.raises(ModelError, match="visits_90d"):
        scored_wave(saved, later.drop(columns=["visits_90d"]))


def test_customers_like_the_models_own_are_rarely_far(saved):
    alike = scored_wave(saved, customers(400, seed=3)[0])
    assert alike.n_far < 20  # about 1% by construction (the 99th percentile of the model's own distances)
