"""Synthetic transaction logs as Parquet, written by DuckDB in seconds (never in the repository: under /tmp).

One row per purchase line: customer_id (text), order_date (DATE, two years), amount (lognormal-ish money, 3%
returns), channel (4 levels) and category (7 levels); each customer has a persona that shifts spend, frequency
and channel, so there is structure to find. ``rows`` lines spread over ``customers`` customers.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def write_log(path: Path, *, rows: int, customers: int, seed: int = 0, files: int = 1) -> Path:
    """Write the log as ``files`` Parquet files in the folder ``path`` (or one file when files == 1)."""
    import duckdb

    path = Path(path)
    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = false")
    con.execute(f"SELECT setseed({(seed % 1000) / 1000})")
    query = f"""
        SELECT
            i,
            'C' || lpad(CAST(c AS VARCHAR), 8, '0') AS customer_id,
            DATE '2024-11-01' + CAST(floor(pow(random(), 1 + (c % 3)) * 730) AS INTEGER) AS order_date,
            round(CASE WHEN random() < 0.03 THEN -1 ELSE 1 END
                  * (10 + 40 * (1 + (c % 5)) * exp(random() * 2)), 2) AS amount,
            (['web', 'app', 'store', 'phone'])[1 + CAST(floor(pow(random(), 1 + c % 4) * 4) AS INTEGER)] AS channel,
            (['apparel', 'electronics', 'home', 'beauty', 'gifts', 'grocery', 'toys'])
                [1 + CAST(floor(random() * 7) AS INTEGER)] AS category
        FROM (SELECT i, CAST(floor(pow(random(), 1.3) * {customers}) AS BIGINT) AS c FROM range({rows}) t(i))
    """
    if files == 1:
        path.parent.mkdir(parents=True, exist_ok=True)
        con.execute(f"COPY (SELECT * EXCLUDE (i) FROM ({query})) TO '{path}' (FORMAT parquet, ROW_GROUP_SIZE 1000000)")
    else:
        path.mkdir(parents=True, exist_ok=True)
        con.execute(f"COPY (SELECT * EXCLUDE (i), i % {files} AS part FROM ({query})) "
                    f"TO '{path}' (FORMAT parquet, PARTITION_BY (part), OVERWRITE_OR_IGNORE)")
    con.close()
    return path


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--rows", type=int, default=20_000_000)
    parser.add_argument("--customers", type=int, default=400_000)
    args = parser.parse_args()
    print(write_log(Path(args.path), rows=args.rows, customers=args.customers))
