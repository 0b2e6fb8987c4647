"""segcore.model.statefile: fitted objects as JSON + arrays, rebuilt only from the allow-list."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from sklearn.mixture import GaussianMixture
from sklearn.preprocessing import OneHotEncoder

from segcore.errors import ModelError
from segcore.model import statefile


def test_values_of_every_kind_round_trip():
    from sklearn.preprocessing import StandardScaler

    scaler = StandardScaler().fit(np.array([[1.0, 2.0], [3.0, 6.0]]))
    scaler.extra_ = {("a", 1): [slice(0, 2, None), np.float32(1.5), float("nan"), float("-inf"), None, True],
                     "names": np.array(["x", "y"], dtype=object)}
    text, arrays = statefile.dumps(scaler)
    back = statefile.loads(text, arrays)
    np.testing.assert_array_equal(back.mean_, [2.0, 4.0])
    extra = back.extra_[("a", 1)]
    assert extra[0] == slice(0, 2, None) and extra[1] == np.float32(1.5) and isinstance(extra[1], np.float32)
    assert np.isnan(extra[2]) and extra[3] == float("-inf") and extra[4] is None and extra[5] is True
    assert back.extra_["names"].dtype == object and back.extra_["names"].tolist() == ["x", "y"]


def test_encoder_and_mixture_predict_the_same_after_a_round_trip():
    frame = pd.DataFrame({"plan": ["a", "b", "c", "a"] * 5})
    encoder = OneHotEncoder(sparse_output=False, dtype=np.float64).fit(frame)
    back = statefile.loads(*statefile.dumps(encoder))
    np.testing.assert_array_equal(back.transform(frame), encoder.transform(frame))
    X = np.random.default_rng(0).normal(size=(200, 3))
    gmm = GaussianMixture(3, random_state=0).fit(X)
    np.testing.assert_array_equal(statefile.loads(*statefile.dumps(gmm)).predict(X), gmm.predict(X))


def test_writing_refuses_objects_outside_the_allow_list():
    from sklearn.linear_model import LinearRegression

    with pytest.raises(TypeError, match="not on the allow-list"):
        statefile.dumps(LinearRegression())
    with pytest.raises(TypeError, match="object arrays may only hold text"):
        statefile.dumps({"bad": np.array([1, "a"], dtype=object)})


def test_reading_refuses_unknown_layouts_and_damaged_text():
    with pytest.raises(ModelError, match="unknown layout"):
        statefile.loads(json.dumps({"version": 99, "root": None}), {})
    with pytest.raises(ModelError, match="damaged"):
        statefile.loads("{not json", {})
    with pytest.raises(ModelError, match="does not trust \\(pickle.loads\\)"):
        statefile.loads(json.dumps({"version": 1, "root": {"__object__": "pickle.loads", "state": {}}}), {})
