"""`segcore fit --outcome` adds a propensity per customer; `segcore assign` scores it again from the saved model."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from helpers import customers
from helpers import run_cli as run

pytestmark = pytest.mark.slow




@pytest.fixture(scope="module")
def fitted(tmp_path_factory):
    df, _ = customers(800, seed=5)
    folder = tmp_path_factory.mktemp("prop")
    df.to_csv(folder / "customers.csv", index=False)
    out = folder / "out"
    result = run("fit", str(folder / "customers.csv"), "--out", str(out), "--k", "3",
                 "--features", "total_spend,visits_90d,tenure_months", "--outcome", "auto")
    assert result.returncode == 0, result.stderr
    return folder, out, result


def test_fit_with_an_outcome_writes_propensity_evaluation_and_contact_lists(fitted):
    folder, out, result = fitted
    assert "predicting 'churned'" in result.stderr and "held-out AUC" in result.stderr
    assignments = pd.read_csv(out / "assignments.csv", encoding="utf-8-sig")
    assert list(assignments.columns) == ["customer_id", "segment", "segment_name", "propensity"]
    assert assignments["propensity"].between(0, 1).all()
    report = json.loads((out / "propensity.json").read_text(encoding="utf-8"))
    assert report["outcome"] == "churned" and report["positive"] == "1"
    # churn differs strongly by persona (3% / 15% / 60%): a real model ranks far better than chance
    assert report["evaluation"]["auc_interval"][0] > 0.6
    assert {s["segment"] for s in report["segments"]} == {0, 1, 2}
    first = pd.read_csv(out / "contact_first.csv", encoding="utf-8-sig")
    assert first.groupby("segment")["propensity"].apply(lambda s: s.is_monotonic_decreasing).all()
    assert (first.groupby("segment").size() == 20).all()


def test_assign_scores_the_same_propensity_from_the_saved_model(fitted, tmp_path):
    folder, out, _ = fitted
    target = tmp_path / "scored.csv"
    result = run("assign", str(out / "model.segcore"), str(folder / "customers.csv"), "--out", str(target))
    assert result.returncode == 0, result.stderr
    scored = pd.read_csv(target, encoding="utf-8-sig")
    fitted_rows = pd.read_csv(out / "assignments.csv", encoding="utf-8-sig")
    pd.testing.assert_series_equal(scored["propensity"], fitted_rows["propensity"])
    result = run("assign", str(out / "model.segcore"), str(folder / "customers.csv"), "--out", str(target),
                 "--no-propensity")
    assert "propensity" not in pd.read_csv(target, encoding="utf-8-sig").columns


def test_an_unknown_outcome_is_one_error_line(fitted, tmp_path):
    folder, _, _ = fitted
    result = run("fit", str(folder / "customers.csv"), "--out", str(tmp_path), "--outcome", "nope")
    assert result.returncode == 2 and result.stderr.startswith("error:") and "'nope'" in result.stderr


def test_waves_counts_who_moved_between_two_assignment_files(tmp_path):
    pd.DataFrame({"cid": ["a", "b", "c"], "segment": [0, 0, 1]}).to_csv(tmp_path / "jan.csv", index=False)
    pd.DataFrame({"cid": ["a", "b", "d"], "segment": [0, 1, 1]}).to_csv(tmp_path / "feb.csv", index=False)
    result = run("waves", str(tmp_path / "jan.csv"), str(tmp_path / "feb.csv"), "--id", "cid",
                 "--out", str(tmp_path / "moves.csv"))
    assert result.returncode == 0, result.stderr
    assert "1 customers stayed in their segment, 1 moved to another, 1 are new and 1 were lost" in result.stderr
    moves = pd.read_csv(tmp_path / "moves.csv", encoding="utf-8-sig")
    assert moves.shape == (3, 4)  # segments 0, 1 and "not in A" by 0, 1 and "not in B"
