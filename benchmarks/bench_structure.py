"""Error rates of the clusterability verdict and the k rule on generated data with a known answer (issue 8).

Nulls (Gaussian clouds with random covariance, skewed spend-like single populations, uniform boxes; several sizes
and dimensions) must get structure "none". Planted well-separated groups of unequal sizes with numeric and
category columns must get "clear", the right k from the sweep's rule and an adjusted Rand index >= 0.9 for the fit.
Every case goes through segcore's own preparation first (skewed columns are judged after its transform).

    nice python benchmarks/bench_structure.py [--seeds 3] [--planted-seeds 2] [--out docs/STRUCTURE_RATES.md]
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_WAIT_POLICY", "passive")

import argparse  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import pandas as pd  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sklearn.metrics import adjusted_rand_score  # noqa: E402

from benchmarks.structure_cases import null_cases, planted_cases  # noqa: E402
from segcore.model.cluster import fit_clusters  # noqa: E402
from segcore.model.prep import prepare  # noqa: E402
from segcore.model.structure import clusterability  # noqa: E402
from segcore.model.sweep import sweep  # noqa: E402


def run_nulls(seeds: int) -> pd.DataFrame:
    rows = []
    for case in null_cases(range(seeds)):
        X = prepare(case.df, numeric=case.numeric, categorical=case.categorical).X
        t = time.perf_counter()
        verdict = clusterability(X, random_state=0).verdict
        rows.append({"case": case.name, "kind": case.name.split()[0], "verdict": verdict,
                     "seconds": time.perf_counter() - t})
        print(rows[-1], flush=True)
    return pd.DataFrame(rows)


def run_planted(seeds: int) -> pd.DataFrame:
    rows = []
    for case in planted_cases(range(seeds)):
        X = prepare(case.df, numeric=case.numeric, categorical=case.categorical).X
        t = time.perf_counter()
        result = sweep(X, k_values=range(2, 9), random_state=0)
        labels = fit_clusters(X, k=result.recommended_k, random_state=0).labels
        ari = adjusted_rand_score(case.truth, labels)
        ok = result.structure.verdict == "clear" and result.recommended_k == case.k and ari >= 0.9
        rows.append({"case": case.name, "k": case.k, "verdict": result.structure.verdict,
                     "chosen_k": result.recommended_k, "ari": ari, "ok": ok, "seconds": time.perf_counter() - t})
        print(rows[-1], flush=True)
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--planted-seeds", type=int, default=2)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    nulls = run_nulls(args.seeds)
    planted = run_planted(args.planted_seeds)
    none_rate = (nulls["verdict"] == "none").mean()
    by_kind = nulls.groupby("kind")["verdict"].apply(lambda v: (v == "none").mean())
    lines = [
        f"nulls: {len(nulls)} cases, structure 'none' in {none_rate:.1%}",
        *[f"  {kind}: {rate:.1%}" for kind, rate in by_kind.items()],
        f"planted: {len(planted)} cases, 'clear' + right k + ARI >= 0.9 in {planted['ok'].mean():.1%} "
        f"('clear' {(planted['verdict'] == 'clear').mean():.1%}, right k {(planted['chosen_k'] == planted['k']).mean():.1%}, "
        f"ARI >= 0.9 {(planted['ari'] >= 0.9).mean():.1%})",
        f"median seconds: verdict {nulls['seconds'].median():.2f}, sweep {planted['seconds'].median():.2f}",
    ]
    misses = planted.loc[~planted["ok"], ["case", "verdict", "chosen_k", "ari"]]
    text = "\n".join(lines) + ("\n\nplanted misses:\n" + misses.to_markdown(index=False) if len(misses) else "")
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
