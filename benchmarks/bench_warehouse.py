"""Warehouse scale: ``segcore fit`` on a big Parquet transaction log, and SQL scoring on DuckDB.

``log``: a synthetic log (benchmarks/warehouse_data.py, written under /tmp, never in the repository) goes through
``python -m segcore fit LOG --k 6`` and through a bare script (DuckDB aggregates recency / frequency / monetary,
scikit-learn KMeans, CSV out), each a fresh process timed from start to exit, with its peak resident memory from
the kernel (``wait4``). Targets (issue 10): 20M rows / 400k customers: segcore <= 2.0x the bare script and
<= 2 GiB; 100M rows / 2M customers: completes, memory recorded.

``score``: a model fitted on 50k customers scores N customers held in DuckDB with the SQL of
``segcore sql --dialect duckdb`` (CREATE TABLE AS), next to ``Segmentation.assign`` on the same rows in pandas.

    nice python benchmarks/bench_warehouse.py log --rows 20000000 --customers 400000
    nice python benchmarks/bench_warehouse.py score --rows 10000000
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))

from bench_cli import timed  # noqa: E402
from warehouse_data import write_log  # noqa: E402

BARE_SCRIPT = """
import sys
import duckdb
from sklearn.cluster import KMeans
from sklearn.preprocessing import StandardScaler
source, target, k = sys.argv[1], sys.argv[2], int(sys.argv[3])
df = duckdb.sql(f'''SELECT customer_id, DATE '2026-11-01' - MAX(order_date) AS recency, COUNT(*) AS frequency,
    SUM(amount) AS monetary FROM read_parquet('{source}') GROUP BY customer_id''').df()
X = StandardScaler().fit_transform(df[["recency", "frequency", "monetary"]].to_numpy(dtype=float))
df["segment"] = KMeans(n_clusters=k, n_init="auto", random_state=0).fit_predict(X)
df[["customer_id", "segment"]].to_csv(target, index=False)
"""


def bench_log(rows: int, customers: int, k: int, folder: Path) -> None:
    log = folder / f"log_{rows}_{customers}.parquet"
    if not log.exists():
        started = time.perf_counter()
        write_log(log, rows=rows, customers=customers)
        print(f"wrote {log} in {time.perf_counter() - started:.1f} s", flush=True)
    bare_script = folder / "bare_duckdb_kmeans.py"
    bare_script.write_text(BARE_SCRIPT)
    bare = timed([sys.executable, str(bare_script), str(log), str(folder / "bare.csv"), str(k)])
    ours = timed([sys.executable, "-m", "segcore", "fit", str(log), "--out", str(folder / "out"), "--k", str(k)])
    print(f"{'rows':>12} {'customers':>10} {'bare s':>8} {'segcore s':>10} {'ratio':>6} {'bare GiB':>9} "
          f"{'segcore GiB':>12}")  # fmt: skip
    print(f"{rows:>12,} {customers:>10,} {bare[0]:>8.1f} {ours[0]:>10.1f} {ours[0] / bare[0]:>6.2f} "
          f"{bare[1]:>9.2f} {ours[1]:>12.2f}", flush=True)  # fmt: skip


def bench_score(rows: int, folder: Path) -> None:
    import duckdb
    import numpy as np
    from helpers_for_bench import fitted_model, warehouse_customers

    from segcore.sql.scoring import scoring_sql

    model = fitted_model()
    con = duckdb.connect(str(folder / "score.duckdb"))
    warehouse_customers(con, rows)
    sql = scoring_sql(model, dialect="duckdb")
    started = time.perf_counter()
    con.execute(f"CREATE OR REPLACE TABLE scored AS {sql}")
    sql_s = time.perf_counter() - started
    frame = con.execute("SELECT * FROM customers").df()
    started = time.perf_counter()
    assigned = model.assign(frame)
    py_s = time.perf_counter() - started
    sql_labels = con.execute("SELECT segment FROM scored ORDER BY customer_id").df()["segment"].to_numpy()
    order = np.argsort(frame["customer_id"].to_numpy())
    agree = float((assigned["segment"].to_numpy()[order] == sql_labels).mean())
    print(f"{'customers':>12} {'SQL s':>8} {'SQL rows/s':>12} {'assign s':>9} {'assign rows/s':>14} {'agree':>7}")
    print(f"{rows:>12,} {sql_s:>8.1f} {rows / sql_s:>12,.0f} {py_s:>9.1f} {rows / py_s:>14,.0f} {agree:>7.4f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=("log", "score"))
    parser.add_argument("--rows", type=int, default=20_000_000)
    parser.add_argument("--customers", type=int, default=400_000)
    parser.add_argument("--k", type=int, default=6)
    parser.add_argument("--folder", help="where the synthetic data goes (default: a temporary folder under /tmp)")
    args = parser.parse_args()
    if args.folder:
        folder = Path(args.folder)
        folder.mkdir(parents=True, exist_ok=True)
        run(args, folder)
    else:
        with tempfile.TemporaryDirectory(prefix="segcore-bench-") as tmp:
            run(args, Path(tmp))


def run(args, folder: Path) -> None:
    if args.what == "log":
        bench_log(args.rows, args.customers, args.k, folder)
    else:
        bench_score(args.rows, folder)


if __name__ == "__main__":
    main()
