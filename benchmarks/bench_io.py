"""Benchmark: segcore.io.load.load_table against bare pandas.read_csv on big clean CSV files.

Generates 200k x 26 and 1M x 26 customer files (an id like C0000001, 10 float and 10 int columns, 5 categorical
text columns) in a temporary folder, then times each reader in its own subprocess so the peak resident memory
(``resource.getrusage``) is that reader's alone; the fastest of REPEATS runs is shown. Run: ``nice python benchmarks/bench_io.py [rows ...]``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

# The two sizes the product targets: the 2x-of-a-bare-script check (200k) and the 20 s / 4 GiB check (1M).
DEFAULT_ROWS = (200_000, 1_000_000)
# Category labels of the text columns (few distinct values, as in real segment data).
CATEGORIES = ("north", "south", "east", "west", "central")
SEED = 0
# Runs per reader, alternating; the fastest is reported (the machine is shared, so single runs are noisy).
REPEATS = 3

_CHILD = """
import json, resource, sys, time
path, how = sys.argv[1], sys.argv[2]
if how == "pandas":
    import pandas as pd
    start = time.perf_counter()
    df = pd.read_csv(path)
else:
    from segcore.io.load import load_table
    start = time.perf_counter()
    df = load_table(path, fast=(how == "load_table")).df
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
print(json.dumps({"seconds": seconds, "peak_mib": peak, "shape": list(df.shape)}))
"""


def make_csv(path: Path, rows: int) -> None:
    """Write a rows x 26 customer table (deterministic)."""
    rng = np.random.default_rng(SEED)
    columns: dict[str, object] = {"customer_id": [f"C{i:07d}" for i in range(1, rows + 1)]}
    for j in range(10):
        columns[f"spend_{j}"] = rng.normal(100, 30, rows).round(2)
    for j in range(10):
        columns[f"orders_{j}"] = rng.integers(0, 1000, rows)
    labels = np.array(CATEGORIES)
    for j in range(5):
        columns[f"segment_{j}"] = labels[rng.integers(0, len(labels), rows)]
    pd.DataFrame(columns).to_csv(path, index=False)


def measure(path: Path, how: str) -> dict:
    """Time one reader in a fresh interpreter; returns seconds, peak MiB and shape."""
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path), how], capture_output=True, text=True, check=True, cwd=root
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(sizes: tuple[int, ...]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for rows in sizes:
            path = Path(tmp) / f"customers_{rows}.csv"
            make_csv(path, rows)
            size_mb = path.stat().st_size / 1e6
            runs: dict[str, list[dict]] = {"pandas": [], "load_table": []}
            for _ in range(REPEATS):
                for how, results in runs.items():
                    results.append(measure(path, how))
            base = min(runs["pandas"], key=lambda r: r["seconds"])
            ours = min(runs["load_table"], key=lambda r: r["seconds"])
            assert ours["shape"] == base["shape"], (ours, base)
            print(
                f"{rows:>9,} rows x 26 ({size_mb:.0f} MB): pd.read_csv {base['seconds']:.2f} s "
                f"(peak {base['peak_mib']:.0f} MiB) | load_table {ours['seconds']:.2f} s "
                f"(peak {ours['peak_mib']:.0f} MiB) | ratio {ours['seconds'] / base['seconds']:.2f}x time, "
                f"{ours['peak_mib'] / base['peak_mib']:.2f}x memory",
                flush=True,
            )


if __name__ == "__main__":
    main(tuple(int(a) for a in sys.argv[1:]) or DEFAULT_ROWS)
