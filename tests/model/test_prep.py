"""segcore.model.prep: the custom transformers on hand-checkable values, the assembled preprocessor, errors, real data."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from segcore.errors import ModelError, NotEnoughData, SegcoreError, SpecError
from segcore.model.prep import category_scale, make_preprocessor, prepare
from segcore.model.transformers import MedianImputer, RareGrouper, SkewLog, ToFloat

SPENDS = ["Fresh", "Milk", "Grocery", "Frozen", "Detergents_Paper", "Delicassen"]


@pytest.fixture()
def small() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "spend": [1.0, 2.0, 3.0, 4.0, 1000.0, np.nan],  # skewed, one missing
            "age": [20.0, 30.0, 40.0, 50.0, 60.0, 70.0],  # symmetric
            "plan": pd.Series(["a", "a", "b", None, "b", "a"], dtype="str"),
            "vip": [True, False, False, True, False, False],
        }
    )


# ---------------------------------------------------------------- SkewLog


def test_skewlog_logs_only_skewed_nonnegative_columns():
    X = np.array(
        [[1, -5, 0], [2, 0, 1], [3, 1, 0], [4, 2, 1], [1000, 50, 0]],
        dtype=np.float64,
    )  # col0 skewed >= 0, col1 skewed but negative, col2 binary
    sl = SkewLog().fit(X)
    assert sl.log_columns_.tolist() == [True, False, False]
    out = sl.transform(X)
    np.testing.assert_allclose(out[:, 0], np.log1p([1, 2, 3, 4, 1000]))
    np.testing.assert_array_equal(out[:, 1:], X[:, 1:])
    assert sl.skewness_[0] > 1 and math.isnan(sl.skewness_[2])
    assert X[4, 0] == 1000  # input not mutated


def test_skewlog_clips_negative_new_values_and_keeps_nan():
    sl = SkewLog().fit(np.array([[0.0], [1.0], [2.0], [3.0], [500.0]]))
    out = sl.transform(np.array([[-4.0], [np.nan], [np.e - 1]]))
    assert out[0, 0] == 0.0 and np.isnan(out[1, 0]) and out[2, 0] == pytest.approx(1.0)


def test_skewlog_is_a_plain_sklearn_estimator():
    sl = SkewLog(threshold=2.5)
    assert sl.get_params() == {"threshold": 2.5}
    assert clone(sl).threshold == 2.5
    with pytest.raises(NotFittedError):
        sl.transform(np.ones((3, 1)))


# ---------------------------------------------------------------- MedianImputer


def test_median_imputer_fills_and_flags_columns_missing_at_fit():
    X = np.array([[1.0, 5.0], [np.nan, 6.0], [3.0, 7.0], [10.0, 8.0]])
    imp = MedianImputer().fit(X)
    np.testing.assert_allclose(imp.statistics_, [3.0, 6.5])
    out = imp.transform(np.array([[np.nan, np.nan], [2.0, 1.0]]))
    # column 2 had no missing values at fit: filled, but no flag column (the layout is fixed at fit)
    np.testing.assert_allclose(out, [[3.0, 6.5, 1.0], [2.0, 1.0, 0.0]])
    assert imp.get_feature_names_out(["a", "b"]).tolist() == ["a", "b", "missingindicator_a"]
    assert MedianImputer(add_indicator=False).fit(X).transform(X).shape == (4, 2)


# ---------------------------------------------------------------- RareGrouper


def test_rare_grouper_pools_rare_and_missing_levels():
    s = pd.DataFrame({"c": ["x"] * 60 + ["y"] * 39 + ["z"] + [None] * 2})
    rg = RareGrouper(min_share=0.015).fit(s)  # z: 1/102 < 1.5% -> other; missing: 2/102 kept
    assert rg.levels_ == (("missing", "x", "y"),)
    assert rg.n_grouped_ == (1,)
    out = rg.transform(pd.DataFrame({"c": ["x", "z", None, "new"]}))
    assert out[:, 0].tolist() == ["x", "other", "missing", "other"]


def test_rare_grouper_keeps_at_most_max_levels_by_frequency_then_name():
    s = pd.DataFrame({"c": ["a"] * 5 + ["b"] * 3 + ["c"] * 3 + ["d"]})
    rg = RareGrouper(min_share=0.0, max_levels=2).fit(s)
    assert rg.levels_ == (("a", "b"),)  # b and c tie at 3: the name breaks the tie
    assert RareGrouper(max_levels=7).get_params()["max_levels"] == 7


def test_rare_grouper_treats_numbers_as_text_levels():
    rg = RareGrouper().fit(pd.DataFrame({"region": [1, 2, 2, 3]}))
    assert rg.levels_ == (("1", "2", "3"),)


# ---------------------------------------------------------------- assembled preprocessor


def test_prepare_values_names_and_notes(small):
    p = prepare(small, numeric=["spend", "age", "vip"], categorical=["plan"])
    assert p.X.dtype == np.float32 and p.X.shape == (6, 7)
    assert p.feature_names == [
        "spend",
        "missingindicator_spend",
        "age",
        "vip",
        "plan_a",
        "plan_b",
        "plan_missing",
    ]
    # spend: log1p, standardised over the 5 known values, the missing row gets the median (0 after centring-ish)
    logged = np.log1p([1.0, 2.0, 3.0, 4.0, 1000.0])
    z = (logged - logged.mean()) / logged.std()
    np.testing.assert_allclose(p.X[:5, 0], z, rtol=1e-5)
    assert p.X[5, 0] == pytest.approx(np.median(z), abs=1e-6)
    assert p.X[:, 1].tolist() == [0, 0, 0, 0, 0, 1]  # the 'was missing' flag stays a raw 0/1
    np.testing.assert_allclose(p.X[:, 2].mean(), 0, atol=1e-6)  # age standardised, not logged
    assert p.X[:, 3].tolist() == [1, 0, 0, 1, 0, 0]  # booleans: raw 0/1
    s = category_scale(small["plan"])
    np.testing.assert_allclose(p.X[3, 4:], [0, 0, s], rtol=1e-6)  # None -> "missing" level, one-hot scaled
    np.testing.assert_allclose(p.X[:, 4:].var(axis=0).sum(), 1.0, rtol=1e-5)  # total variance of one numeric
    assert any(n.startswith("log-transformed 1 skewed column: spend") for n in p.notes)
    assert any("median in 1 column: spend (1)" in n for n in p.notes)


def test_weights_multiply_that_columns_outputs(small):
    base = prepare(small, numeric=["age"], categorical=["plan"])
    heavy = prepare(small, numeric=["age"], categorical=["plan"], weights={"age": 2.0, "plan": 0.5})
    np.testing.assert_allclose(heavy.X[:, 0], 2.0 * base.X[:, 0], rtol=1e-6)
    np.testing.assert_allclose(heavy.X[:, 1:], 0.5 * base.X[:, 1:], rtol=1e-6)
    assert "weights: age x2, plan x0.5" in heavy.notes


def test_fitted_preprocessor_scores_new_rows_with_unseen_levels(small):
    p = prepare(small, numeric=["spend", "age"], categorical=["plan"])
    new = pd.DataFrame({"spend": [2.0], "age": [45.0], "plan": ["zzz"]})
    out = p.preprocessor.transform(new)
    assert out.shape == (1, len(p.feature_names))
    np.testing.assert_allclose(
        out[0, 3:], 0
    )  # an unseen level -> "other", unknown to the encoder -> all zeros


def test_make_preprocessor_is_unfitted_column_transformer(small):
    ct = make_preprocessor(small, numeric=["age"], categorical=["plan"])
    assert [name for name, _, _ in ct.transformers] == ["age", "plan"]
    assert list(ct.transformers[0][1].named_steps) == ["float", "log", "scale", "impute"]
    with pytest.raises(NotFittedError):
        ct.transform(small)


def test_input_frame_is_not_mutated(small):
    before = small.copy()
    prepare(small, numeric=["spend", "vip"], categorical=["plan"], weights={"spend": 3})
    pd.testing.assert_frame_equal(small, before)


@pytest.mark.parametrize(
    ("numeric", "categorical", "weights", "match"),
    [
        ([], [], None, "No columns were chosen"),
        (["nope"], [], None, "'nope' is not in the data"),
        (["age"], ["age"], None, "chosen more than once"),
        (["age"], [], {"plan": 2}, "weight is set for 'plan'"),
        (["age"], [], {"age": -1}, "must be 0 or more"),
        (["text_num"], [], None, r"contains text such as 'n/a' \(data row 3\)"),
        (["empty"], [], None, "'empty' is entirely empty"),
    ],
)
def test_spec_errors(numeric, categorical, weights, match):
    df = pd.DataFrame(
        {"age": [1.0, 2.0, 3.0], "plan": ["a", "b", "a"], "text_num": ["1", "2", "n/a"], "empty": [None] * 3}
    )
    with pytest.raises(SpecError, match=match):
        prepare(df, numeric=numeric, categorical=categorical, weights=weights)


def test_numbers_stored_as_text_are_accepted():
    p = prepare(pd.DataFrame({"x": ["1", "2", "3.5", None]}), numeric=["x"], categorical=[])
    assert p.feature_names == ["x", "missingindicator_x"]


def test_empty_table_is_not_enough_data():
    with pytest.raises(NotEnoughData, match="no customers"):
        prepare(pd.DataFrame({"a": pd.Series([], dtype=float)}), numeric=["a"], categorical=[])


def test_text_in_new_data_raises_a_segcore_error(small):
    p = prepare(small, numeric=["age"], categorical=[])
    with pytest.raises(SegcoreError, match="'age' is used as a number"):
        p.preprocessor.transform(pd.DataFrame({"age": ["old"]}))


def test_to_float_reports_feature_names():
    tf = ToFloat().fit(pd.DataFrame({"a": [True, False]}))
    assert tf.get_feature_names_out().tolist() == ["a"]
    assert tf.transform(pd.DataFrame({"a": [True, False]})).tolist() == [[1.0], [0.0]]


# ---------------------------------------------------------------- real data


def test_wholesale_spends_logged_and_standardised(real_data):
    df = pd.read_csv(real_data / "wholesale_customers.csv")
    p = prepare(df, numeric=SPENDS, categorical=["Region"])
    assert p.X.shape == (440, 9)
    assert p.feature_names[-3:] == ["Region_1", "Region_2", "Region_3"]
    assert p.notes[0].startswith("log-transformed 6 skewed columns: Fresh, Milk")
    np.testing.assert_allclose(p.X[:, :6].mean(axis=0), 0, atol=1e-5)
    np.testing.assert_allclose(p.X[:, :6].std(axis=0), 1, atol=1e-4)


def test_fitted_preprocessor_round_trips_through_the_state_file(small):
    from segcore.model import statefile

    p = prepare(small, numeric=["spend", "vip"], categorical=["plan"], weights={"spend": 2})
    text, arrays = statefile.dumps(p.preprocessor)
    assert "segcore.model.transformers.SkewLog" in text and "segcore.model.transformers.RareGrouper" in text
    loaded = statefile.loads(text, arrays)
    np.testing.assert_array_equal(loaded.transform(small), p.X)
    assert loaded.get_feature_names_out().tolist() == p.feature_names


@pytest.mark.parametrize("path", ["segcore.prep.SkewLog", "segcore.model.prep.SkewLog", "segcore.model.SkewLog"])
def test_state_naming_a_class_off_the_allow_list_is_refused(small, path):
    """Only the current class paths load; the former ones (model format 2, no longer readable) are refused too."""
    from segcore.model import statefile

    p = prepare(small, numeric=["spend", "vip"], categorical=["plan"])
    text, arrays = statefile.dumps(p.preprocessor)
    assert "segcore.model.transformers.SkewLog" in text
    with pytest.raises(ModelError):
        statefile.loads(text.replace("segcore.model.transformers.SkewLog", path), arrays)
