"""Propensity: outcome proposal, leak checks, a calibrated model measured on held-out customers, its saved form."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from segcore.columns.roles import infer_roles
from segcore.errors import ModelError, NotEnoughData, SpecError
from segcore.insight.outcome import outcome_labels, propose_outcome
from segcore.insight.propensity import contact_first, fit_propensity, segment_propensity
from segcore.insight.propensity_eval import evaluate, gains_table
from segcore.insight.propensity_scorer import from_saved


def _signal_table(n: int = 1200, *, seed: int = 0, signal: float = 1.5) -> pd.DataFrame:
    """Churn driven by few visits and a monthly contract; `noise` carries nothing."""
    rng = np.random.default_rng(seed)
    visits = rng.gamma(2.0, 3.0, n)
    contract = rng.choice(["monthly", "yearly", "two-year"], n)
    logit = -0.5 - signal * (visits - 6) / 4 + signal * (contract == "monthly")
    churn = rng.random(n) < 1 / (1 + np.exp(-logit))
    return pd.DataFrame({
        "customer_id": [f"K{i:05d}" for i in range(n)],
        "visits": visits.round(1),
        "contract": contract,
        "noise": rng.normal(size=n),
        "churn": np.where(churn, "yes", "no"),
    })


@pytest.mark.parametrize(
    ("name", "values", "expected"),
    [
        ("churn", ["yes", "no"], "churn"),
        ("Status", ["good", "bad"], "Status"),
        ("是否流失", ["是", "否"], "是否流失"),
        ("이탈", ["예", "아니요"], "이탈"),
        ("отток", ["да", "нет"], "отток"),
        ("region", ["north", "south"], None),
    ],
)
def test_outcome_is_proposed_from_names_in_four_languages(name, values, expected):
    df = pd.DataFrame({"spend": np.arange(40.0), name: values * 20})
    assert propose_outcome(df, infer_roles(df)) == expected


def test_a_status_with_three_answers_is_not_an_outcome():
    df = pd.DataFrame({"spend": np.arange(30.0), "status": ["a", "b", "c"] * 10})
    assert propose_outcome(df, infer_roles(df)) is None


@pytest.mark.parametrize(
    ("values", "positive"),
    [(["good", "bad", "good"], "bad"), (["True.", "False.", "False."], "True."), ([1, 0, 0], "1"),
     (["stayed", "churned", "stayed"], "churned"), (["A", "B", "B"], "A")],
)
def test_the_event_answer_is_one(values, positive):
    out = outcome_labels(pd.Series(values * 5))
    assert out.positive == positive
    assert out.y.sum() == sum(str(v) == positive for v in values) * 5


def test_missing_answers_are_minus_one_and_three_answers_are_refused():
    out = outcome_labels(pd.Series(["yes", None, "no"]))
    assert out.y.tolist() == [1, -1, 0]
    with pytest.raises(SpecError, match="exactly two answers"):
        outcome_labels(pd.Series(["a", "b", "c"]), name="grade")


@pytest.mark.slow
def test_a_real_signal_is_found_measured_on_held_out_customers_and_explained():
    df = _signal_table()
    model = fit_propensity(df, outcome="churn", schema=infer_roles(df))
    ev = model.evaluation
    assert ev.n_test == 300
    assert ev.auc > 0.75 and ev.auc_low > 0.5 and ev.auc_low < ev.auc < ev.auc_high
    assert model.warnings == ()
    assert {d.column for d in model.drivers[:2]} == {"visits", "contract"}
    visits = next(d for d in model.drivers if d.column == "visits")
    assert "lower" in visits.sentence
    assert "customer_id" not in model.scorer.columns and "churn" not in model.scorer.columns
    # calibrated: the mean prediction on held-out customers is near the observed rate
    assert abs(ev.calibration["predicted"].mean() - ev.calibration["observed"].mean()) < 0.05
    assert ev.gains["lift"].iloc[0] > 1.5 and ev.gains["cumulative_share_reached"].iloc[-1] == pytest.approx(1.0)
    assert model.scores.shape == (len(df),) and ((model.scores >= 0) & (model.scores <= 1)).all()


@pytest.mark.slow
def test_no_signal_is_said_plainly():
    rng = np.random.default_rng(3)
    df = pd.DataFrame({"a": rng.normal(size=600), "b": rng.choice(["x", "y"], 600),
                       "converted": rng.choice(["yes", "no"], 600)})
    model = fit_propensity(df, outcome="converted", schema=infer_roles(df))
    assert model.evaluation.auc_low <= 0.5
    assert any("No better than chance" in w for w in model.warnings)


@pytest.mark.slow
def test_leaking_columns_are_left_out_with_a_reason():
    df = _signal_table()
    df["days_since_cancel"] = np.where(df["churn"] == "yes", 3.0, 0.0) + np.random.default_rng(1).random(len(df))
    df["churn_reason"] = np.where(df["churn"] == "yes", "price", "none")
    model = fit_propensity(df, outcome="churn", schema=infer_roles(df))
    left = {s.column: s.reason for s in model.left_out}
    assert "almost perfectly" in left["days_since_cancel"] and "after the outcome" in left["churn_reason"]
    assert "days_since_cancel" not in model.scorer.columns
    assert model.evaluation.auc < 0.98
    kept = fit_propensity(df, outcome="churn", schema=infer_roles(df), keep=("days_since_cancel",))
    assert "days_since_cancel" in kept.scorer.columns


def test_too_few_events_is_refused_with_counts():
    df = _signal_table(200)
    df["churn"] = ["yes"] * 5 + ["no"] * 195
    with pytest.raises(NotEnoughData, match="5 customers with 'yes'"):
        fit_propensity(df, outcome="churn", schema=infer_roles(df))


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["logistic", "boosting"])
def test_the_plain_array_scorer_reproduces_scikit_learn_exactly(kind):
    from sklearn.calibration import CalibratedClassifierCV
    from threadpoolctl import threadpool_limits

    from segcore.insight import propensity as prop
    from segcore.insight.propensity_scorer import from_calibrated

    df = _signal_table(800)
    y = (df["churn"] == "yes").to_numpy(int)
    pre, _ = prop._preprocessor(df, infer_roles(df), ["visits", "contract", "noise"])
    X = np.asarray(pre.fit_transform(df[["visits", "contract", "noise"]]), dtype=np.float64)
    for method in ("isotonic", "sigmoid"):
        with threadpool_limits(limits=1):  # OpenMP threads on a busy shared machine are far slower than one
            model = CalibratedClassifierCV(prop._models(0)[kind], method=method, cv=3, ensemble=False).fit(X, y)
        scorer = from_calibrated(model, columns=["visits", "contract", "noise"], preprocessor=pre)
        np.testing.assert_allclose(scorer.predict(df), model.predict_proba(X)[:, 1], atol=1e-9)
        again = from_saved(scorer.meta(), pre, arrays=scorer.arrays)
        np.testing.assert_allclose(again.predict(df.head(50)), scorer.predict(df.head(50)))
    with pytest.raises(ModelError, match="needs 1 column"):
        scorer.predict(df.drop(columns=["contract"]))
    with pytest.raises(ModelError, match="damaged"):
        from_saved({**scorer.meta(), "kind": "forest"}, pre, arrays=scorer.arrays)


def test_evaluation_tables_on_known_numbers():
    y = np.array([1, 1, 0, 0, 1, 0, 0, 0, 0, 0] * 10)
    p = np.where(y == 1, 0.9, 0.1)
    ev = evaluate(y, p)
    assert ev.auc == 1.0 and ev.base_rate == 0.3
    gains = gains_table(y, p)
    assert gains["rate"].iloc[:3].tolist() == [1.0, 1.0, 1.0] and gains["lift"].iloc[0] == pytest.approx(1 / 0.3)
    assert gains["cumulative_share_reached"].iloc[2] == pytest.approx(1.0)


def test_segment_spread_and_who_to_contact_first():
    labels = np.array([0, 0, 0, 1, 1])
    scores = np.array([0.1, 0.5, 0.3, 0.9, 0.7])
    table = segment_propensity(labels, scores, names={0: "Quiet", 1: "Keen"})
    assert table["segment_name"].tolist() == ["Keen", "Quiet"]
    assert table["mean"].tolist() == pytest.approx([0.8, 0.3])
    assert table["expected"].tolist() == pytest.approx([1.6, 0.9])
    first = contact_first(labels, scores, ids=["a", "b", "c", "d", "e"], per_segment=2)
    assert first["customer"].tolist() == ["b", "c", "d", "e"]
    assert first["rank_in_segment"].tolist() == [1, 2, 1, 2]
