"""segcore.jsonsafe.plain: numpy-carrying results become valid JSON."""

import json

import numpy as np

from segcore.jsonsafe import plain


def test_numpy_values_become_plain_json():
    value = {1: np.float32(0.5), "a": (np.int64(3), [np.array([1.0, np.nan]), float("inf")]), "b": None}
    out = plain(value)
    assert out == {"1": 0.5, "a": [3, [[1.0, None], None]], "b": None}
    json.dumps(out, allow_nan=False)  # strictly valid JSON
    assert type(out["a"][0]) is int and type(out["1"]) is float
