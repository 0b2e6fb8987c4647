"""The warehouses segcore writes SQL for (sqlglot dialect names), kept apart so the CLI lists them without
importing sqlglot."""

DIALECTS = ("duckdb", "postgres", "spark", "bigquery", "snowflake")
