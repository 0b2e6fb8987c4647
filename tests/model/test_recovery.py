"""segcore's automatic preparation + fixed-k fit recovers a known real grouping at least as well as a bare
StandardScaler + KMeans(n_init=10) on the same columns (issue 8; the full table is docs/RECOVERY.md)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_recovery import bare_labels, features_for, segcore_labels  # noqa: E402

DATA = ROOT / "tests" / "data"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "options", "truth", "leave_out"),
    [
        ("wholesale_customers.csv", {}, "Channel", ("Channel", "Region")),  # measured 0.51 vs 0.18
        ("bank.csv", {"sep": ";"}, "y", ("y",)),  # measured 0.11 vs 0.08
    ],
)
def test_segcore_recovers_a_known_grouping_as_well_as_bare_kmeans(name, options, truth, leave_out):
    df = pd.read_csv(DATA / name, **options)
    y = df[truth].astype(str).to_numpy()
    k = len(np.unique(y))
    features, schema = features_for(df, leave_out)
    ours = np.mean([adjusted_rand_score(y, segcore_labels(df, features, schema, k, s)) for s in range(3)])
    bare = np.mean([adjusted_rand_score(y, bare_labels(df, features, k, s)) for s in range(3)])
    assert ours >= bare, (ours, bare)
