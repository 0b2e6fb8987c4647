"""Propensity on real public data: segcore's calibrated model next to a bare logistic regression, same split.

For each data set, on the same stratified held-out quarter (``segcore.insight.propensity.held_out_split``):
- segcore: leak checks, logistic-or-boosting chosen by 5-fold CV, calibrated, as ``fit_propensity`` runs it;
- bare LR (same columns): scikit-learn LogisticRegression on one-hot + standardised columns, the columns segcore
  kept (so the difference is the model and its calibration, not the column choice);
- bare LR (all columns): the same on every column, leaks included (bank's ``duration`` is known only after the
  call: the figure a naive analyst would report).
Reported: held-out AUC with its 95% bootstrap interval, Brier score, expected calibration error (mean |predicted -
observed| over ten equal-sized groups, weighted by size) and fit time. The files are not in the repository.

    nice python benchmarks/bench_propensity.py --data FOLDER

FOLDER holds the full public data sets (where to get them: tests/data/SOURCES.md).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from segcore.columns.roles import infer_roles  # noqa: E402
from segcore.insight.outcome import outcome_labels  # noqa: E402
from segcore.insight.propensity import fit_propensity, held_out_split  # noqa: E402
from segcore.insight.propensity_eval import evaluate  # noqa: E402
from segcore.io.load import load_table  # noqa: E402

SETS = (("bank.csv", "y"), ("marketing_campaign.csv", "Response"))


def bare_logistic(df, columns, y, train, test):
    """LogisticRegression with the usual minimal preprocessing; returns held-out probabilities and fit seconds."""
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    numeric = [c for c in columns if df[c].dtype.kind in "biuf"]
    categorical = [c for c in columns if c not in numeric]
    pre = ColumnTransformer([
        ("num", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), numeric),
        ("cat", make_pipeline(SimpleImputer(strategy="constant", fill_value="missing"),
                              OneHotEncoder(handle_unknown="ignore")), categorical),
    ])
    model = make_pipeline(pre, LogisticRegression(max_iter=2000))
    frame = df[columns].copy()
    for c in categorical:
        frame[c] = frame[c].astype("string").astype(object)
    start = time.perf_counter()
    model.fit(frame.iloc[train], y[train])
    seconds = time.perf_counter() - start
    return model.predict_proba(frame.iloc[test])[:, 1], seconds


def ece(ev) -> float:
    table = ev.calibration
    return float(np.average((table["predicted"] - table["observed"]).abs(), weights=table["customers"]))


def row(name, ev, seconds) -> str:
    return (f"| {name} | {ev.auc:.3f} ({ev.auc_low:.3f}-{ev.auc_high:.3f}) | {ev.brier:.4f} | {ece(ev):.4f} | "
            f"{seconds:.1f} s |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    from threadpoolctl import threadpool_limits

    for file, outcome in SETS:
        df = load_table(Path(args.data) / file).df
        schema = infer_roles(df)
        start = time.perf_counter()
        model = fit_propensity(df, outcome=outcome, schema=schema, seed=args.seed)
        seconds = time.perf_counter() - start
        target = outcome_labels(df[outcome], name=outcome)
        train, test = held_out_split(target, seed=args.seed)
        y = target.y
        print(f"\n### {file}: predicting {model.event} ({len(df):,} customers, base rate {y[y >= 0].mean():.1%}, "
              f"held out {len(test):,})")
        print(f"segcore chose {model.scorer.kind} (CV AUC {model.cv_auc}), {model.scorer.calibration} calibration; "
              f"left out: {', '.join(s.column for s in model.left_out) or 'nothing'}")
        print("| model | held-out AUC (95% interval) | Brier | calibration error | fit time |")
        print("|---|---|---|---|---|")
        print(row("segcore propensity", model.evaluation, seconds))
        with threadpool_limits(limits=1):
            for label, columns in (("bare logistic regression, same columns", list(model.scorer.columns)),
                                   ("bare logistic regression, all columns",
                                    [c for c in df.columns if c != outcome and schema[c].role != "id"])):
                p, fit_seconds = bare_logistic(df, columns, y, train, test)
                print(row(label, evaluate(y[test], p, seed=args.seed), fit_seconds))
        print("drivers: " + " / ".join(d.sentence for d in model.drivers))
        for warning in model.warnings:
            print(f"warning: {warning}")


if __name__ == "__main__":
    main()
