"""Right defaults on real-looking files: value, outcome and panel proposals; codes, plans and row indexes."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from helpers import ROOT, run_cli

from segcore.columns.defaults import proposed_defaults
from segcore.columns.panel import detect_panel, panel_to_entities
from segcore.columns.roles import infer_roles
from segcore.io.load import load_table

DATA = ROOT / "tests" / "data"


def churn_table(n: int = 300, seed: int = 0) -> pd.DataFrame:
    """The shape of the telecom churn file: yes/no plans, minutes and charges, state codes, churn True./False."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "state_code": rng.integers(1, 51, n),
        "area_code": rng.choice([408, 415, 510], n),
        "international_plan": rng.choice(["yes", "no"], n),
        "voice_mail_plan": rng.choice(["yes", "no"], n),
        "total_day_minutes": rng.gamma(5, 36, n).round(1),
        "total_day_charge": rng.gamma(5, 6, n).round(2),
        "customer_service_calls": rng.poisson(1.5, n),
        "churn": rng.choice(["True.", "False."], n, p=[0.15, 0.85]),
    })


def test_yes_no_plan_columns_are_not_value_and_codes_are_not_measures():
    schema = infer_roles(churn_table())
    for plan in ("international_plan", "voice_mail_plan"):
        assert schema[plan].scheme != "value" and "not money" in schema[plan].reason
    assert schema["state_code"].role == "categorical" and schema["area_code"].role == "categorical"
    assert schema["total_day_minutes"].role == "numeric"
    assert proposed_defaults(churn_table(), schema)["outcome_column"] == "churn"


def test_a_korean_purchase_total_is_the_value_column():
    rng = np.random.default_rng(1)
    df = pd.DataFrame({"고객번호": [f"K{i}" for i in range(200)], "연간구매액": rng.gamma(2, 3e5, 200).round(),
                       "방문횟수": rng.poisson(5, 200)})
    assert infer_roles(df).value_column == "연간구매액"


def test_the_bank_file_proposes_balance_and_y():
    table = load_table(DATA / "bank.csv")
    schema = infer_roles(table.df)
    assert proposed_defaults(table.df, schema) == {"value_column": "balance", "outcome_column": "y", "panel": None}


def test_a_credit_status_good_bad_is_the_outcome():
    rng = np.random.default_rng(2)
    df = pd.DataFrame({"Income": rng.gamma(2, 2e4, 100), "Status": rng.choice(["good", "bad"], 100)})
    assert proposed_defaults(df, infer_roles(df))["outcome_column"] == "Status"


def test_an_export_row_index_is_never_a_feature():
    rng = np.random.default_rng(3)
    df = pd.DataFrame({"X": rng.permutation(np.arange(9000, 9100)), "Unnamed: 0": rng.permutation(100),
                       "spend": rng.gamma(2, 50, 100)})
    schema = infer_roles(df)
    assert schema["X"].use == "ignore" and schema["Unnamed: 0"].use == "ignore"


def state_panel() -> pd.DataFrame:
    rng = np.random.default_rng(4)
    rows = [{"state": s, "year": y, "population": int(rng.gamma(3, 1e6)), "median_income": rng.normal(5e4, 1e4)}
            for s in range(1, 57) for y in range(2000, 2025)]
    return pd.DataFrame(rows)


def test_a_state_by_year_panel_is_recognised_and_reduced_two_ways():
    df = state_panel()
    schema = infer_roles(df)
    assert schema["state"].role == "categorical"
    assert proposed_defaults(df, schema)["panel"] == {"entity": "state", "time": "year", "n_entities": 56,
                                                      "n_periods": 25}
    panel = detect_panel(df, schema)
    latest, note = panel_to_entities(df, panel, how="latest")
    assert len(latest) == 56 and (latest["year"] == 2024).all() and "latest year" in note
    means, note = panel_to_entities(df, panel, how="aggregate")
    assert means["periods"].eq(25).all()
    assert means.loc[means["state"] == 3, "population"].item() == pytest.approx(
        df.loc[df["state"] == 3, "population"].mean())


def test_a_plain_customer_table_and_a_log_are_not_panels():
    df = churn_table()
    assert detect_panel(df, infer_roles(df)) is None
    log = pd.DataFrame({"customer": np.repeat(np.arange(50), 4), "date": pd.date_range("2024-01-01", periods=200,
                        freq="h"), "amount": np.arange(200.0)})
    assert detect_panel(log, infer_roles(log)) is None


def test_inspect_json_reports_the_proposals(tmp_path):
    path = tmp_path / "panel.csv"
    state_panel().to_csv(path, index=False)
    result = run_cli("inspect", str(path), "--json")  # in this process: the same main(), no interpreter start-up
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["panel"]["entity"] == "state" and payload["outcome_column"] is None
    assert "value_column" in payload and "schema" in payload
