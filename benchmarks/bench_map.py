"""Time to the first customer map and to the UMAP swap at 5k, 50k and 200k customers (issue 12, item 5).

The Segments page draws a PCA map at once and swaps in a UMAP map of a <= 20k sample computed in a background
thread. This script runs those steps in one new process, as a freshly started studio server would:

1. start-up: ``embed.warm_up()`` (numba's compile of UMAP's seeded path, then one timed 4,096-row fit), which the
   studio starts in the background as soon as it opens;
2. first map, per size: the prepared matrix (the page has it already for the clustering) -> seeded PCA of the
   sample -> map points with tooltips -> the Altair chart's spec, i.e. everything the page does before the chart;
3. swap, per size: the background job's UMAP of the same sample after the warm-up, beside ``map_timing``'s estimate
   made just before it (the progress bar's figure, to check it is honest), and the swap on a server asked for a map
   the moment it started (warm-up + fit).

Baselines in the same process: bare scikit-learn ``PCA(2).fit_transform`` of all rows for the first map, and
bare umap-learn ``UMAP(random_state=0)`` with its defaults on the same sample for the swap.

    nice python benchmarks/bench_map.py [--sizes 5000 50000 200000] [--write docs/MAP_TIMING.md]
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("OMP_WAIT_POLICY", "passive")
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import numpy as np  # noqa: E402
from bench_cluster import make_customers  # noqa: E402

from segcore.columns import roles  # noqa: E402
from segcore.insight import embed, map_timing, mapview  # noqa: E402
from segcore.model.features import prepare_spec  # noqa: E402
from segcore.model.spec import FeatureSpec  # noqa: E402
from segcore.render import chartkit, charts  # noqa: E402

# The studio's map sample (pages/common/cache.py MAP_POINTS): a browser draws ~20k points smoothly.
MAP_POINTS = 20_000


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - start


def load() -> str:
    one, five, _fifteen = os.getloadavg()
    return f"{one:.1f} (1 min) / {five:.1f} (5 min) on {os.cpu_count()} cores"


def first_map(df, X: np.ndarray, labels: np.ndarray, schema, features: list[str]) -> float:
    """Seconds from the prepared matrix to the PCA chart's spec: what the page does before drawing."""
    start = time.perf_counter()
    pca = embed.pca_2d(X, random_state=0, max_points=MAP_POINTS)
    names = {int(s): f"Segment {int(s)}" for s in np.unique(labels)}
    points = mapview.map_points(df, pca, labels=labels, names=names, schema=schema, features=features)
    chartkit.chart_spec(charts.map_chart(points, tooltip=mapview.tooltip_columns(schema, features), title=""))
    return time.perf_counter() - start


def bench_size(n: int, warm_up_s: float) -> dict:
    df, planted = make_customers(n, seed=0)
    schema = roles.infer_roles(df)
    spec = FeatureSpec(features=tuple(df.columns))
    X = prepare_spec(df, spec=spec, schema=schema).transform(df)
    features = list(df.columns)
    first_s = first_map(df, X, planted, schema, features)
    from sklearn.decomposition import PCA

    _, bare_pca_s = timed(PCA(n_components=2).fit_transform, X)
    sample = min(n, MAP_POINTS)
    expected = map_timing.estimate(sample).seconds
    umap_map, swap_s = timed(embed.umap_2d, X, sample_size=MAP_POINTS, random_state=0)
    assert umap_map.method == "umap" and len(umap_map.rows) == sample
    import umap

    rows = umap_map.rows
    _, bare_umap_s = timed(umap.UMAP(random_state=0).fit_transform, X[rows])
    return {
        "n": n, "sample": sample, "first": first_s, "bare_pca": bare_pca_s, "swap": swap_s, "expected": expected,
        "fresh": warm_up_s + swap_s, "bare_umap": bare_umap_s, "load": load(),
    }


def table(results: list[dict], warm_up_s: float, before: str) -> str:
    lines = [
        f"Machine: {platform.machine()}, {os.cpu_count()} cores (shared), Python {platform.python_version()}, "
        f"umap-learn {__import__('umap').__version__}, numba {__import__('numba').__version__}. "
        f"Load average before the run: {before}.",
        "",
        f"Start-up (once per server process, in the background): numba compile + one timed fit = {warm_up_s:.1f} s.",
        "",
        "| customers | map sample | first map (PCA) | bare PCA, all rows | UMAP swap after start-up | estimate shown "
        "before it | swap if asked at server start | bare umap-learn, same sample | load during the size |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        expected = "none yet" if r["expected"] is None else f"{r['expected']:.1f} s"
        lines.append(
            f"| {r['n']:,} | {r['sample']:,} | {r['first']:.2f} s | {r['bare_pca']:.2f} s | {r['swap']:.1f} s | "
            f"{expected} | {r['fresh']:.0f} s | {r['bare_umap']:.1f} s (x{r['swap'] / r['bare_umap']:.2f}) | "
            f"{r['load']} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[5_000, 50_000, 200_000])
    parser.add_argument("--write", type=Path, help="also write the table (markdown) to this file")
    args = parser.parse_args()
    before = load()
    _, warm_up_s = timed(embed.warm_up)
    print(f"warm-up {warm_up_s:.1f} s (load {load()})", flush=True)
    results = []
    for n in args.sizes:
        results.append(bench_size(n, warm_up_s))
        r = results[-1]
        print(f"{n:>8,}: first map {r['first']:.2f} s, swap {r['swap']:.1f} s (estimate {r['expected']}), "
              f"bare umap {r['bare_umap']:.1f} s", flush=True)
    text = table(results, warm_up_s, before)
    print(text)
    if args.write:
        args.write.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
