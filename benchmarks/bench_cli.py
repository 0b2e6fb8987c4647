"""Benchmark the whole CLI ``fit`` (read, roles, prepare, cluster, quality, profiles, rules, write) end to end.

Each run is a fresh process (as a user runs it), timed from start to exit, with its peak resident memory from the
kernel (``wait4``). The baseline is a bare script doing the same reading and writing with plain pandas and
scikit-learn: read_csv -> StandardScaler + OneHotEncoder -> KMeans(n_init="auto") -> to_csv of id + segment.

Targets (issue 2): CLI fit <= 2x the bare script at 200k rows; 1M rows within 20 s and 4 GiB peak.

    nice python benchmarks/bench_cli.py [--sizes 200000 1000000] [--k 6]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_cluster import make_customers  # noqa: E402

BARE_SCRIPT = """
import sys
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.compose import ColumnTransformer
from sklearn.preprocessing import OneHotEncoder, StandardScaler
source, target, k = sys.argv[1], sys.argv[2], int(sys.argv[3])
df = pd.read_csv(source)
numeric = [c for c in df.columns if c.startswith("num")]
categorical = [c for c in df.columns if c.startswith("cat")]
ct = ColumnTransformer([("num", StandardScaler(), numeric),
                        ("cat", OneHotEncoder(handle_unknown="ignore", sparse_output=False), categorical)])
X = ct.fit_transform(df)
labels = KMeans(n_clusters=k, n_init="auto", random_state=0).fit_predict(X)
pd.DataFrame({"customer_id": df["customer_id"], "segment": labels}).to_csv(target, index=False)
"""


def timed(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS in GiB of one fresh process."""
    env = {**os.environ, "OMP_WAIT_POLICY": "passive"}
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{proc.stderr.read().decode()[-2000:]}")
    return elapsed, usage.ru_maxrss / 1024**2  # ru_maxrss is in KiB on Linux


def write_data(n: int, folder: Path) -> Path:
    df, _ = make_customers(n, seed=0)
    df.insert(0, "customer_id", [f"C{i:07d}" for i in range(n)])
    path = folder / f"customers_{n}.csv"
    df.to_csv(path, index=False)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[200_000, 1_000_000])
    parser.add_argument("--k", type=int, default=6)
    parser.add_argument("--repeats", type=int, default=2, help="best of N runs per size")
    args = parser.parse_args()
    print(f"{'rows':>9} {'bare s':>8} {'segcore s':>10} {'ratio':>6} {'median ratio':>13} {'bare GiB':>9} "
          f"{'segcore GiB':>12}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        bare_script = folder / "bare.py"
        bare_script.write_text(BARE_SCRIPT)
        for n in args.sizes:
            data = write_data(n, folder)
            bare = [timed([sys.executable, str(bare_script), str(data), str(folder / "bare.csv"), str(args.k)])
                    for _ in range(args.repeats)]
            ours = [timed([sys.executable, "-m", "segcore", "fit", str(data), "--out", str(folder / "out"),
                           "--k", str(args.k)]) for _ in range(args.repeats)]
            b_time, b_mem = min(t for t, _ in bare), max(m for _, m in bare)
            s_time, s_mem = min(t for t, _ in ours), max(m for _, m in ours)
            median = float(np.median([t for t, _ in ours]) / np.median([t for t, _ in bare]))
            print(f"{n:>9,} {b_time:>8.2f} {s_time:>10.2f} {s_time / b_time:>6.2f} {median:>13.2f} {b_mem:>9.2f} "
                  f"{s_mem:>12.2f}", flush=True)
    print(f"targets: ratio <= 2.0 at 200k; at 1M segcore <= 20 s and <= 4 GiB (numpy {np.__version__})")


if __name__ == "__main__":
    main()
