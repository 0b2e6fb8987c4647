"""Segmenting on factor scores against segmenting on the columns (issue 12, item 2), on a real set with a known
grouping: the wholesale customers' Channel (tests/data/wholesale_customers.csv, 440 customers, six spend columns).

For each space it prints the adjusted Rand index with Channel (k=2, seeds 0-4, mean), the clustering space's
dimension, the share of customers the DuckDB scoring SQL places like ``assign`` and the CPU seconds of the fit.

    PYTHONPATH=. nice python benchmarks/bench_factors.py
"""

from __future__ import annotations

import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_rand_score

from segcore.columns.roles import infer_roles
from segcore.model.segmentation import segment
from segcore.model.spec import FeatureSpec
from segcore.sql.scoring import scoring_sql

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "wholesale_customers.csv"
COLUMNS = ("Fresh", "Milk", "Grocery", "Frozen", "Detergents_Paper", "Delicassen")
SEEDS = range(5)


def main() -> None:
    df = pd.read_csv(DATA)
    schema = infer_roles(df)
    print("| segmented on | ARI vs Channel (mean of 5 seeds) | dims | SQL = assign | CPU s per fit |")
    print("|---|---|---|---|---|")
    for factors in (False, True):
        aris, cpu, seg = [], [], None
        for seed in SEEDS:
            start = time.process_time()
            seg = segment(df, spec=FeatureSpec(features=COLUMNS, k=2, seed=seed, factors=factors), schema=schema)
            cpu.append(time.process_time() - start)
            aris.append(adjusted_rand_score(df["Channel"], seg.labels))
        con = duckdb.connect()
        con.register("customers", df)
        by_sql = con.sql(scoring_sql(seg, dialect="duckdb")).df()["segment"].astype(int).to_numpy()
        agree = float((by_sql == seg.assign(df)["segment"].to_numpy()).mean())
        space = "; ".join(seg.projection.names) if factors else "the six columns"
        print(f"| {space} | {np.mean(aris):.3f} | {seg.centers.shape[1]} | {agree:.1%} | {np.mean(cpu):.1f} |")


if __name__ == "__main__":
    main()
