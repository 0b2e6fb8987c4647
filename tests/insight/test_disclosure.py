"""Disclosure control of shared views: the subtraction attack, rare category levels, rounded rule thresholds."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from segcore.insight import disclosure
from segcore.insight.summary import build_summary, for_sharing
from segcore.render.report import html_report


@pytest.mark.parametrize(("n", "rounded"), [(0, 0), (2, 0), (3, 5), (12, 10), (249, 250), (1002, 1000)])
def test_counts_round_to_base_five(n, rounded):
    assert disclosure.round_count(n) == rounded


@pytest.mark.parametrize(
    ("sizes", "hidden"),
    [
        ({0: 500, 1: 400}, set()),  # nothing small: nothing hidden
        ({0: 500, 1: 400, 2: 2}, {1, 2}),  # one small segment: the smallest other one is hidden with it
        ({0: 500, 1: 400, 2: 3, 3: 4}, {1, 2, 3}),  # two small ones (7 together, under 10): one more is added
        ({0: 500, 1: 400, 2: 6, 3: 5}, {2, 3}),  # two small ones of 11 together pass the threshold as a pair
        ({0: 990, 1: 5}, {0, 1}),  # two segments, one tiny: showing the other would give the tiny one away
    ],
)
def test_complementary_suppression(sizes, hidden):
    assert disclosure.suppressed_segments(sizes) == hidden


def test_rule_thresholds_are_rounded_but_quoted_sql_is_not():
    assert disclosure.round_thresholds("spend > 1,234.5 and visits <= 7.36") == "spend > 1,200 and visits <= 7.4"
    sql = '("spend>=1234.5" > 1234.5 AND "city" = \'Zone 12345\' AND "visits" <= 0.0123)'
    assert disclosure.round_thresholds(sql, sql=True) == (
        '("spend>=1234.5" > 1200 AND "city" = \'Zone 12345\' AND "visits" <= 0.012)'
    )


@pytest.fixture(scope="module")
def outlier_run():
    """500 customers in two groups plus 2 big spenders that k-means puts in a segment of their own."""
    from segcore.model.segmentation import segment
    from segcore.model.spec import FeatureSpec

    rng = np.random.default_rng(0)
    n = 500
    group = np.r_[np.zeros(249, int), np.ones(249, int), np.full(2, 2)]
    spend = np.where(group == 0, rng.normal(200, 20, n), rng.normal(800, 50, n))
    spend[group == 2] = [20_000.0, 21_500.0]
    visits = np.where(group == 0, rng.normal(3, 0.5, n), rng.normal(12, 1, n))
    visits[group == 2] = [60, 64]
    region = np.where(rng.random(n) < 0.5, "North", "South").astype(object)
    region[[10, 11, 12]] = "Lapland"  # a level 3 of 500 customers hold
    df = pd.DataFrame(
        {"customer_id": [f"c{i}" for i in range(n)], "total_spend": spend.round(2), "visits": visits.round(1),
         "region": region}
    )
    seg = segment(df, spec=FeatureSpec(features=("total_spend", "visits"), profile_columns=("region",), k=3))
    return df, seg, build_summary(seg, df)


@pytest.mark.slow
def test_subtraction_attack_recovers_nothing_exact(outlier_run):
    df, seg, private = outlier_run
    tiny = next(p for p in private["profiles"] if p["size"] == 2)
    tiny_value = float(df.loc[seg.labels == tiny["segment"], "total_spend"].sum())
    shared = for_sharing(private)
    shown = shared["profiles"]
    assert tiny["segment"] not in {p["segment"] for p in shown}

    # the attacker's arithmetic on everything the shared JSON gives: overall minus what is shown
    count_left = shared["headline"]["customers"] - sum(p["size"] for p in shown)
    overall_mean = next(k["overall"] for k in shown[0]["kpis"] if k["column"] == "total_spend")
    value_left = overall_mean * shared["headline"]["customers"] - sum(
        next(k["value"] for k in p["kpis"] if k["column"] == "total_spend") * p["size"] for p in shown
    )
    value_share_left = 1 - sum(p["value_share"] for p in shown)
    assert count_left != 2 and count_left >= disclosure.MIN_GROUP
    assert abs(value_left - tiny_value) > 1_000  # far from the 2 customers' 41,500
    assert abs(value_share_left * overall_mean * len(df) - tiny_value) > 1_000
    # the hidden segments together pass the threshold, and their rounded total is all the view says about them
    assert shared["hidden_segments"]["count"] == 2 and shared["hidden_segments"]["customers"] >= 10
    # every count shown is a multiple of 5 (rounded), never the raw one
    assert all(p["size"] % 5 == 0 for p in shown) and shared["headline"]["customers"] % 5 == 0


@pytest.mark.slow
def test_reports_from_the_shared_view_carry_the_rounded_figures_and_the_rule(outlier_run):
    _, _, private = outlier_run
    shared = for_sharing(private)
    html = html_report(shared, title="t")
    assert "Disclosure control: every group shown counts at least 10 customers" in html
    assert "2 segments are not shown (about" in html
    for exact in ("249 customers", "251 customers", "(2 customers)", "(251 customers)"):
        assert exact not in html


@pytest.mark.slow
def test_a_level_held_by_three_of_500_customers_is_recorded_privately_and_never_shared(outlier_run):
    _, _, private = outlier_run
    assert private["rare_levels"] == {"region": ["Lapland"]}
    assert "Lapland" not in json.dumps(for_sharing(private), ensure_ascii=False)


def _level_trait(level: str, segment_share: float, overall_share: float) -> dict:
    return {"column": "region", "sentence": f"{segment_share:.0%} in {level} vs {overall_share:.1%} overall",
            "effect": 1.2, "segment_value": segment_share, "overall_value": overall_share, "kind": "category",
            "level": level}


def test_rare_levels_leave_traits_rules_and_names_of_a_shown_segment():
    profile = {
        "segment": 0, "name": "Lapland fans", "size": 100, "share": 0.2, "value_share": 0.3, "pinned": False,
        "traits": [_level_trait("Lapland", 0.03, 0.006), _level_trait("Oslo", 0.5, 0.2),
                   _level_trait("Bergen", 0.05, 0.3)],  # Bergen: 5 customers of this segment, under 10
        "kpis": [], "action": "Send the Lapland offer.", "lift": None,
        "rules": ["region is Lapland"], "sql": "(\"region\" = 'Lapland')", "rule_precision": 0.9,
    }
    summary = {"headline": {"customers": 500, "segments": 1}, "profiles": [profile],
               "effects": {"segments": [0], "columns": ["region"], "values": [[1.2]]},
               "rare_levels": {"region": ["Lapland"]}}
    shared = for_sharing(summary)
    text = json.dumps(shared)
    assert "Lapland" not in text and "Bergen" not in text
    card = shared["profiles"][0]
    assert [t["level"] for t in card["traits"]] == ["Oslo"]
    assert card["name"] == "Segment 0" and card["rules"] == [] and card["sql"] == ""


def test_levels_are_checked_from_the_traits_when_an_old_summary_has_no_rare_list():
    profile = {"segment": 0, "name": "North", "size": 100, "share": 0.2, "value_share": None, "pinned": False,
               "traits": [_level_trait("Lapland", 0.03, 0.006)], "kpis": [], "action": "", "lift": None,
               "rules": [], "sql": "", "rule_precision": None}
    summary = {"headline": {"customers": 500, "segments": 1}, "profiles": [profile],
               "effects": {"segments": [0], "columns": [], "values": [[]]}}
    assert for_sharing(summary)["profiles"][0]["traits"] == []


def test_the_shared_map_merges_small_squares_until_they_pass_the_threshold():
    cells = [{"x": x, "y": y, "segment": 0 if x < 2 else 1, "count": 4} for x in range(4) for y in range(4)]
    cells.append({"x": 3, "y": 3, "segment": 2, "count": 3})  # a square whose main segment is hidden
    summary = {"headline": {"customers": 79, "segments": 4},  # 2 (3 customers) is hidden with 3 (12)
               "profiles": [{"segment": s, "name": f"S{s}", "size": n, "share": n / 79, "traits": [], "kpis": []}
                            for s, n in ((0, 32), (1, 32), (2, 3), (3, 12))],
               "effects": {"segments": [], "columns": [], "values": []},
               "density": {"bins": 4, "method": "pca", "cells": cells}}
    density = for_sharing(summary)["density"]
    # single squares of 4 fail the threshold; 2x2 blocks hold 16 customers each and are rounded to 15
    assert density["bins"] == 2
    assert sorted((c["x"], c["y"], c["segment"], c["count"]) for c in density["cells"]) == [
        (0, 0, 0, 15), (0, 1, 0, 15), (1, 0, 1, 15), (1, 1, 1, 15)]
