"""Feature splitting and pins run once per spec: prepare_spec does it, segment() and the studio's map reuse it."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import customers

from segcore.columns.roles import infer_roles
from segcore.errors import NotEnoughData
from segcore.model import features
from segcore.model.features import prepare_spec
from segcore.model.pinned import PinRule
from segcore.model.segmentation import segment
from segcore.model.spec import FeatureSpec


@pytest.fixture
def data():
    df, _ = customers(300)
    spec = FeatureSpec(
        features=("total_spend", "visits_90d", "tenure_months", "region"), k=3,
        pins=(PinRule("Top spenders", "total_spend", "top", 10),),
    )
    return df, spec, infer_roles(df)


def test_prepare_spec_resolves_pins_and_leaves_pinned_customers_out_of_the_matrix(data):
    df, spec, schema = data
    prep = prepare_spec(df, spec=spec, schema=schema)
    assert prep.numeric == ("total_spend", "visits_90d", "tenure_months") and prep.categorical == ("region",)
    assert prep.pins[0].op == ">=" and int((prep.pinned == 0).sum()) == 10
    assert prep.X.shape[0] == len(df) - 10
    assert any("Pinned segment 'Top spenders'" in n for n in prep.notes)


@pytest.mark.slow
def test_segment_with_a_prepared_spec_does_not_split_or_pin_again(data, monkeypatch):
    df, spec, schema = data
    prep = prepare_spec(df, spec=spec, schema=schema)
    expected = segment(df, spec=spec, schema=schema)

    def again(*args, **kwargs):
        raise AssertionError("worked out a second time")

    for name in ("split_features", "resolve_pins", "prepare_spec"):
        monkeypatch.setattr(features, name, again)
    seg = segment(df, spec=spec, schema=schema, prepared=prep)
    np.testing.assert_array_equal(seg.labels, expected.labels)
    assert seg.notes == expected.notes and seg.preprocessor is prep.prepared.preprocessor


def test_the_map_matrix_uses_the_same_preprocessor_for_every_customer(data):
    df, spec, schema = data
    prep = prepare_spec(df, spec=spec, schema=schema)
    everyone = prep.transform(df)
    assert everyone.shape == (len(df), prep.X.shape[1])
    np.testing.assert_allclose(everyone[prep.rest], prep.X, rtol=1e-6)


def test_pins_that_leave_too_few_customers_are_refused_before_preparing(data):
    df, spec, schema = data
    greedy = FeatureSpec(features=spec.features, pins=(PinRule("Nearly all", "total_spend", "top", len(df) - 2),))
    with pytest.raises(NotEnoughData, match="Only 2 customers are left"):
        prepare_spec(df, spec=greedy, schema=schema)
