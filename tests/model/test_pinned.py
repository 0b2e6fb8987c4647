"""segcore.model.pinned: each rule on a hand-checkable table, descriptions, round trips, errors, real data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from segcore.errors import SpecError
from segcore.model.pinned import PinRule, apply_pins


@pytest.fixture()
def df() -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "arr_usd": [500.0, 100.0, np.nan, 900.0, 300.0, 900.0],
            "plan": ["Gold", "basic", None, "gold plus", "pro", "basic"],
            "seats": [10, 2, 3, 50, 5, 1],
        },
        index=[11, 12, 13, 14, 15, 16],  # not 0..n-1: masks must follow the frame's index
    )
    assert frame["plan"].dtype == "str" and frame["plan"].notna().sum() == 5
    return frame


@pytest.mark.parametrize(
    ("column", "op", "value", "expected"),
    [
        ("arr_usd", "top", 2, [False, False, False, True, False, True]),
        ("arr_usd", "top", 3, [True, False, False, True, False, True]),
        ("arr_usd", "bottom", 1, [False, True, False, False, False, False]),
        ("arr_usd", "top", 0.5, [True, False, False, True, False, True]),  # ceil(0.5 x 5 known values) = 3
        (
            "arr_usd",
            "top",
            100,
            [True, True, False, True, True, True],
        ),  # more than there are: all known values
        ("plan", "==", "basic", [False, True, False, False, False, True]),
        ("plan", "!=", "basic", [True, False, False, True, True, False]),  # missing never matches
        ("seats", ">", 5, [True, False, False, True, False, False]),
        ("seats", ">=", 5, [True, False, False, True, True, False]),
        ("seats", "<", 3, [False, True, False, False, False, True]),
        ("arr_usd", "<=", 300, [False, True, False, False, True, False]),
        ("plan", "in", ["pro", "Gold"], [True, False, False, False, True, False]),
        ("plan", "contains", "GOLD", [True, False, False, True, False, False]),
        ("seats", "==", "50", [False, False, False, True, False, False]),  # a number typed as text
    ],
)
def test_mask(df, column, op, value, expected):
    m = PinRule("P", column, op, value).mask(df)
    assert m.dtype == bool and m.index.tolist() == df.index.tolist()
    assert m.tolist() == expected


def test_top_ties_keep_file_order(df):
    assert PinRule("P", "arr_usd", "top", 1).mask(df).tolist() == [False, False, False, True, False, False]


@pytest.mark.parametrize(
    ("rule", "text"),
    [
        (PinRule("Key accounts", "arr_usd", "top", 20), "Key accounts: top 20 by arr_usd"),
        (PinRule("Whales", "arr_usd", "top", 0.01), "Whales: top 1% by arr_usd"),
        (PinRule("Tail", "arr_usd", "bottom", 0.005), "Tail: bottom 0.5% by arr_usd"),
        (PinRule("Gold", "plan", "==", "gold"), "Gold: plan is gold"),
        (PinRule("Big", "seats", ">=", 50), "Big: seats >= 50"),
        (PinRule("Paid", "plan", "in", ["pro", "gold"]), "Paid: plan is one of pro, gold"),
        (PinRule("Gmail", "email", "contains", "gmail"), "Gmail: email contains 'gmail'"),
    ],
)
def test_describe(rule, text):
    assert rule.describe() == text


@pytest.mark.parametrize(
    "rule",
    [
        PinRule("Key accounts", "arr_usd", "top", 20),
        PinRule("Paid", "plan", "in", ["pro", "gold"]),
        PinRule("Gmail", "email", "contains", "gmail"),
        PinRule("Big", "seats", ">", np.int64(5)),
    ],
)
def test_round_trip(rule):
    d = rule.to_dict()
    assert d["version"] == 1 and isinstance(d["value"], int | str | list)
    assert PinRule.from_dict(d) == rule


def test_in_value_is_stored_as_tuple():
    rule = PinRule("Paid", "plan", "in", ["pro", "gold"])
    assert rule.value == ("pro", "gold")
    hash(rule)  # frozen and hashable, so rules can sit in a FeatureSpec


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (
            ("X", "plan", "like", "g"),
            "unknown rule 'like' on column 'plan'. Valid rules: top, bottom, ==, !=, >",
        ),
        (("X", "arr", "top", 0), "needs a number of customers"),
        (("X", "arr", "top", 2.5), "needs a number of customers"),
        (("X", "arr", "top", "ten"), "needs a number of customers"),
        (("X", "plan", "in", "gold"), "'in' needs a list of values for column 'plan'"),
        (("X", "plan", "contains", ""), "'contains' needs some text"),
        (("X", "seats", ">", "many"), "compares column 'seats' with a number"),
        (("", "seats", ">", 1), "needs a name"),
    ],
)
def test_validation_errors(args, match):
    with pytest.raises(SpecError, match=match):
        PinRule(*args)


def test_missing_column_is_named(df):
    with pytest.raises(
        SpecError, match="uses column 'mrr', which is not in the data. Available columns: arr_usd"
    ):
        PinRule("Key", "mrr", "top", 5).mask(df)


def test_top_on_text_column_is_explained(df):
    with pytest.raises(SpecError, match="'top' needs numbers but column 'plan' holds text"):
        PinRule("Key", "plan", "top", 5).mask(df)


def test_from_dict_missing_fields():
    with pytest.raises(SpecError, match="missing op, value"):
        PinRule.from_dict({"name": "x", "column": "c"})


def test_apply_pins_first_rule_wins(df):
    rules = [PinRule("Key", "arr_usd", "top", 2), PinRule("Basic", "plan", "==", "basic")]
    assert apply_pins(df, rules).tolist() == [-1, 1, -1, 0, -1, 0]
    assert apply_pins(df, []).tolist() == [-1] * 6


def test_apply_pins_rejects_duplicate_names(df):
    with pytest.raises(SpecError, match="both called 'Key'"):
        apply_pins(df, [PinRule("Key", "seats", ">", 1), PinRule("Key", "seats", "<", 1)])


def test_real_data_top_one_percent(real_data):
    wholesale = pd.read_csv(real_data / "wholesale_customers.csv")
    rule = PinRule("Big fresh buyers", "Fresh", "top", 0.01)
    m = rule.mask(wholesale)
    assert m.sum() == 5  # ceil(0.01 x 440)
    assert wholesale.loc[m, "Fresh"].min() >= wholesale.loc[~m, "Fresh"].max()
    pins = apply_pins(wholesale, [rule, PinRule("Retail", "Channel", "==", 2)])
    retail = wholesale["Channel"] == 2
    assert (pins == 0).sum() == 5
    assert (pins == 1).sum() == int((retail & ~m).sum())  # Retail minus the big buyers the first rule took
