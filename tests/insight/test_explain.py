"""Surrogate-tree rules: readable conditions, SQL that selects exactly the tree's rows, precision/recall/fidelity."""

from __future__ import annotations

import json
import sqlite3

import numpy as np
import pandas as pd
import pytest

from segcore.errors import SpecError
from segcore.insight.explain import RuleSet, _nice_threshold, attach_rules, explain_rules
from segcore.insight.profile import Profile


def _sql_segments(df: pd.DataFrame, rules: RuleSet) -> np.ndarray:
    """Run every segment's WHERE clause in sqlite; return the segment each row was selected by (-99 = none)."""
    con = sqlite3.connect(":memory:")
    df.to_sql("customers", con, index=False)
    chosen = np.full(len(df), -99)
    for seg in rules.segments:
        if not seg.sql:
            continue
        rows = [r[0] - 1 for r in con.execute(f"SELECT rowid FROM customers WHERE {seg.sql}")]
        assert (chosen[rows] == -99).all(), "two segments' SQL select the same row"
        chosen[rows] = seg.segment
    con.close()
    return chosen


def _check_sql_matches(df: pd.DataFrame, labels: np.ndarray, rules: RuleSet) -> np.ndarray:
    """The SQL partitions the rows, and precision, recall and fidelity recomputed from it equal the RuleSet's."""
    chosen = _sql_segments(df, rules)
    assert (chosen != -99).all(), "some rows are selected by no segment's SQL"
    assert rules.fidelity == pytest.approx(np.mean(chosen == labels))
    for seg in rules.segments:
        picked, actual = chosen == seg.segment, labels == seg.segment
        tp = np.sum(picked & actual)
        assert seg.precision == pytest.approx(tp / picked.sum() if picked.any() else 0.0)
        assert seg.recall == pytest.approx(tp / actual.sum())
    return chosen


@pytest.fixture
def perfect() -> tuple[pd.DataFrame, np.ndarray]:
    # segment 0: Seoul and low spend; 1: Seoul and high spend; 2: Busan (any spend)
    spend = np.array([100, 200, 300, 400, 1500, 1600, 1700, 1800, 150, 1650, 250, 1750])
    city = ["Seoul"] * 8 + ["Busan"] * 4
    labels = np.array([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2])
    return pd.DataFrame({"total_spend_12m": spend, "city": city}), labels


def test_tree_perfect_case(perfect):
    df, labels = perfect
    rules = explain_rules(df, labels, columns=["total_spend_12m", "city"])
    assert rules.fidelity == 1.0
    by = {s.segment: s for s in rules.segments}
    assert by[2].conditions == ("city is Busan",)
    assert by[2].sql == "(\"city\" = 'Busan')"
    # the tree splits at 950 (midway between 400 and 1500); 3 significant digits keep it
    assert by[0].conditions == ("city is Seoul and total_spend_12m <= 950",)
    assert by[1].sql == '("city" = \'Seoul\' AND "total_spend_12m" > 950)'
    assert all(s.precision == 1.0 and s.recall == 1.0 for s in rules.segments)
    _check_sql_matches(df, labels, rules)


def test_quotes_and_missing_values_in_sql():
    city = 'client\'s "city"'
    df = pd.DataFrame(
        {
            city: ["O'Brien town", "O'Brien town", "O'Brien town", "Dublin", None, "Dublin", "Cork", None]
            * 5,
            "visits": [1.0, 12.0, np.nan, 10.0, 11.0, np.nan, 2.0, 3.0] * 5,
        }
    )
    # O'Brien town -> 0; elsewhere many visits -> 1; the rest (missing visits count as the median, 6.5) -> 2
    labels = np.array([0, 0, 0, 1, 1, 2, 2, 2] * 5)
    rules = explain_rules(df, labels, columns=[city, "visits"])
    assert rules.fidelity == 1.0
    by = {s.segment: s for s in rules.segments}
    assert by[0].sql == '("client\'s ""city""" = \'O\'\'Brien town\')'
    assert by[0].conditions == ("client's \"city\" is O'Brien town",)
    assert by[2].conditions[0].endswith("visits <= 8.25 (or missing)")
    assert '("visits" <= 8.25 OR "visits" IS NULL)' in by[2].sql
    _check_sql_matches(df, labels, rules)


def test_segment_without_a_leaf_gets_empty_rules():
    df = pd.DataFrame({"x": np.arange(20.0)})
    labels = np.array([0] * 10 + [1] * 9 + [2])
    rules = explain_rules(df, labels, columns=["x"], max_depth=1)
    lonely = rules.for_segment(2)
    assert (lonely.conditions, lonely.sql, lonely.precision, lonely.recall) == ((), "", 0.0, 0.0)
    assert rules.for_segment(0).conditions == ("x <= 9.5",)
    assert rules.fidelity == pytest.approx(19 / 20)


def test_single_segment_is_everyone():
    df = pd.DataFrame({"x": [1.0, 2.0, 3.0]})
    rules = explain_rules(df, [4, 4, 4], columns=["x"])
    assert rules.segments[0].conditions == ("all customers",)
    assert rules.segments[0].sql == "(1 = 1)" and rules.fidelity == 1.0


def test_boolean_flags_read_as_true_false():
    df = pd.DataFrame({"app_user": [True, False] * 10})
    rules = explain_rules(df, np.array([1, 0] * 10), columns=["app_user"])
    assert rules.for_segment(1).conditions == ("app_user is true",)
    assert rules.for_segment(0).sql == '(NOT "app_user")'
    _check_sql_matches(df, np.array([1, 0] * 10), rules)


@pytest.mark.parametrize(
    ("t", "values", "expected"),
    [
        (1234.5678, [1000.0, 1300.0], 1230.0),  # 3 significant digits are safe
        (1234.5678, [1234.5, 1234.6], 1234.57),  # 1230 would move 1234.5 across: keep more digits
        (0.012345, [0.01, 0.02], 0.0123),
        (17.5, [17.0, 18.0], 17.5),
    ],
)
def test_nice_threshold_never_moves_a_row(t, values, expected):
    v = np.array(values)
    r = _nice_threshold(t, v)
    assert r == expected
    assert ((v <= r) == (v.astype(np.float32) <= t)).all()


def test_bank_rules_sql_matches_tree(real_data):
    from sklearn.cluster import KMeans
    from sklearn.preprocessing import StandardScaler

    df = pd.read_csv(real_data / "bank.csv", sep=";")
    numeric = list(df.select_dtypes("number").columns)
    labels = KMeans(4, n_init=1, random_state=0).fit_predict(StandardScaler().fit_transform(df[numeric]))
    rules = explain_rules(df, labels, columns=[*numeric, "job", "poutcome"], random_state=0)
    assert rules.depth <= 3 and rules.n_sample == 4521
    assert rules.fidelity > 0.8
    _check_sql_matches(df, labels, rules)
    for seg in rules.segments:
        assert all(" and " in c or " is " in c or "<" in c or ">" in c for c in seg.conditions)
    again = explain_rules(df, labels, columns=[*numeric, "job", "poutcome"], random_state=0)
    assert again == rules
    assert RuleSet.from_dict(json.loads(json.dumps(rules.to_dict()))) == rules


def test_sample_is_used_on_big_tables(monkeypatch):
    import segcore.insight.explain as explain

    monkeypatch.setattr(explain, "SAMPLE_ROWS", 100)
    rng = np.random.default_rng(1)
    df = pd.DataFrame({"x": rng.normal(size=1000), "y": rng.normal(size=1000)})
    labels = (df["x"] > 0.3).astype(int).to_numpy() + 2 * (df["y"] > 1).to_numpy()
    rules = explain.explain_rules(df, labels, columns=["x", "y"], random_state=3)
    assert rules.n_sample == 100 and any("sample of 100" in n for n in rules.notes)
    # thresholds were rounded against all rows, so the SQL still matches the tree on every row
    _check_sql_matches(df, labels, rules)


@pytest.mark.parametrize(
    ("columns", "kwargs", "match"),
    [
        (["nope"], {}, "'nope' is not in the table"),
        ([], {}, "at least one column"),
        (["x"], {"max_depth": 0}, "from 1 to 6"),
        (["when"], {}, "None of the chosen columns"),
    ],
)
def test_errors(columns, kwargs, match):
    df = pd.DataFrame({"x": [1.0, 2.0], "when": pd.to_datetime(["2024-01-01", "2024-02-01"])})
    with pytest.raises(SpecError, match=match):
        explain_rules(df, [0, 1], columns=columns, **kwargs)


def test_attach_rules_fills_profiles(perfect):
    df, labels = perfect
    rules = explain_rules(df, labels, columns=["total_spend_12m", "city"])
    p = Profile(2, "Busan", 4, 1 / 3, None, False, (), (), "act", None)
    (q,) = attach_rules([p], rules)
    assert (q.rules, q.sql, q.rule_precision) == (("city is Busan",), "(\"city\" = 'Busan')", 1.0)
    assert p.rules == ()
