"""The command line: inspect, fit, assign; exit code 2 and one 'error:' line for bad input."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest
from helpers import ROOT, write_customers
from helpers import run_cli as run


def run_entry_point(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "segcore", *args], cwd=ROOT, capture_output=True, text=True)


@pytest.fixture(scope="module")
def customer_csv(tmp_path_factory):
    return write_customers(tmp_path_factory.mktemp("cli") / "customers.csv", n=500, seed=21)


@pytest.fixture(scope="module")
def fitted_dir(customer_csv, tmp_path_factory):
    out = tmp_path_factory.mktemp("fit")
    result = run("fit", str(customer_csv), "--out", str(out), "--k", "3", "--seed", "1",
                 "--features", "total_spend,visits_90d,tenure_months,region")
    assert result.returncode == 0, result.stderr
    return out, result


def test_fit_writes_assignments_profiles_and_model(customer_csv, fitted_dir):
    out, result = fitted_dir
    assignments = pd.read_csv(out / "assignments.csv", encoding="utf-8-sig")
    source = pd.read_csv(customer_csv)
    assert list(assignments.columns) == ["customer_id", "segment", "segment_name"]
    assert assignments["customer_id"].tolist() == source["customer_id"].tolist()  # input order kept
    assert sorted(assignments["segment"].unique()) == [0, 1, 2]
    profiles = json.loads((out / "profiles.json").read_text(encoding="utf-8"))
    assert [p["segment"] for p in profiles] == [0, 1, 2]
    for p in profiles:
        assert {"segment", "name", "size", "share", "traits", "rules"} <= set(p)
    assert sum(p["size"] for p in profiles) == 500
    names = dict(zip(assignments["segment"], assignments["segment_name"], strict=False))
    assert names == {p["segment"]: p["name"] for p in profiles}
    assert (out / "model.segcore").stat().st_size > 0
    assert "3 segments for 500 customers" in result.stderr


def test_assign_scores_new_data_with_the_saved_model(customer_csv, fitted_dir, tmp_path):
    out, _ = fitted_dir
    target = tmp_path / "scored.csv"
    result = run("assign", str(out / "model.segcore"), str(customer_csv), "--out", str(target))
    assert result.returncode == 0, result.stderr
    scored = pd.read_csv(target, encoding="utf-8-sig")
    fitted = pd.read_csv(out / "assignments.csv", encoding="utf-8-sig")
    assert list(scored.columns) == list(fitted.columns)
    assert (scored["segment"] == fitted["segment"]).mean() > 0.99


@pytest.mark.slow
def test_fit_on_factor_scores_and_assign_reproduces_it(customer_csv, tmp_path):
    out = tmp_path / "factors"
    result = run("fit", str(customer_csv), "--out", str(out), "--k", "3", "--factors",
                 "--features", "total_spend,visits_90d,tenure_months,region")
    assert result.returncode == 0, result.stderr
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["factors"] and all(name.startswith("F") for name in summary["factors"])
    scored = run("assign", str(out / "model.segcore"), str(customer_csv), "--out", str(tmp_path / "s.csv"))
    assert scored.returncode == 0, scored.stderr
    fitted = pd.read_csv(out / "assignments.csv", encoding="utf-8-sig")
    rescored = pd.read_csv(tmp_path / "s.csv", encoding="utf-8-sig")
    assert (rescored["segment"] == fitted["segment"]).all()


def test_inspect_json_lists_roles(customer_csv):
    """Through a real `python -m segcore`: the entry point, its exit code and stdout (other tests call main())."""
    result = run_entry_point("inspect", str(customer_csv), "--json")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["report"]["rows_read"] == 500
    roles = {c["name"]: c for c in payload["schema"]["columns"]}
    assert roles["customer_id"]["role"] == "id"
    assert roles["gender"]["sensitive"] is True


@pytest.mark.slow
def test_fit_on_a_transaction_log_segments_customers(tmp_path):
    log = pd.DataFrame({
        "customer_id": [f"K{i % 40:03d}" for i in range(400)],
        "order_date": pd.date_range("2025-01-01", periods=400, freq="D").strftime("%Y-%m-%d"),
        "amount": [(i % 40) * 3.5 + 10 for i in range(400)],
    })
    path = tmp_path / "log.csv"
    log.to_csv(path, index=False)
    result = run("fit", str(path), "--out", str(tmp_path / "o"), "--k", "3")
    assert result.returncode == 0, result.stderr
    assert "400 rows turned into 40 customers" in result.stderr
    fitted = pd.read_csv(tmp_path / "o" / "assignments.csv", encoding="utf-8-sig")
    assert len(fitted) == 40
    # next month's log is scored by the same model after the same aggregation
    scored = run("assign", str(tmp_path / "o" / "model.segcore"), str(path), "--out", str(tmp_path / "s.csv"))
    assert scored.returncode == 0, scored.stderr
    rescored = pd.read_csv(tmp_path / "s.csv", encoding="utf-8-sig")
    assert rescored["customer_id"].tolist() == fitted["customer_id"].tolist()
    assert (rescored["segment"] == fitted["segment"]).all()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("fit", "missing.csv", "--out", "x"), "cannot open 'missing.csv'"),
        (("fit", "{csv}", "--out", "{tmp}", "--k", "many"), "--k must be a whole number"),
        (("fit", "{csv}", "--out", "{tmp}", "--features", "nope"), "not in the data: nope"),
        (("fit", "{csv}", "--out", "{tmp}", "--method", "magic"), "'magic' is not one of the choices"),
        (("assign", "{csv}", "{csv}", "--out", "{tmp}/a.csv"), "is not a segcore model file"),
        (("inspect", "{empty}"), "empty"),
    ],
)
def test_bad_input_exits_2_with_one_error_line(args, message, customer_csv, tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    filled = [a.format(csv=customer_csv, tmp=tmp_path, empty=empty) for a in args]
    result = run(*filled)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:"), result.stderr
    assert message.lower() in lines[0].lower()
    assert "Traceback" not in result.stderr
