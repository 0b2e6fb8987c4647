"""text_to_float gives pd.to_numeric(errors="coerce")'s numbers, whichever of its two paths answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from segcore.columns.numbers import _cast_all, text_to_float

CASES = [
    ["345", "1.5", "-2", None, "1e3"],
    ["nan", "inf", "-inf", "NaN", "Infinity"],
    [" 3", "4"],  # spaces: pandas' path
    ["", "1"],
    ["+5", ".5", "5.", "1e400"],
    ["1,5", "0x10", "1_000", "١٢", "abc"],
]


@pytest.mark.parametrize("values", CASES)
def test_same_numbers_as_pandas(values):
    s = pd.Series(values, dtype=object, index=range(10, 10 + len(values)), name="x")
    got = text_to_float(s)
    want = pd.to_numeric(s, errors="coerce").astype("float64")
    assert got.index.tolist() == s.index.tolist() and got.name == "x" and got.dtype == np.float64
    np.testing.assert_array_equal(got.to_numpy(), want.to_numpy())


def test_the_fast_path_answers_only_when_every_value_is_a_number():
    assert _cast_all(pd.Series(["111", "555", None], dtype="str")).tolist()[:2] == [111.0, 555.0]
    assert _cast_all(pd.Series(["111", "five"], dtype=object)) is None
    assert _cast_all(pd.Series([1, 2])) is None  # numbers are not parsed as text
    assert _cast_all(pd.Series(["1", 2], dtype=object)) is None  # mixed cells: pandas decides
