"""Stage 6, warehouse: segments scored as one SQL query in the warehouse, and transaction logs turned into customers
by DuckDB out of core (memory grows with customers, not with log rows).

Public names load on first use, so importing one module of this stage does not import the others.
"""

from __future__ import annotations

from segcore.lazy import lazy_exports

_LAZY = {
    "DIALECTS": "dialects",
    "scoring_query": "scoring",
    "scoring_sql": "scoring",
    "render": "scoring",
    "prepared_columns": "features",
    "customers_from_log": "logs",
    "open_log": "logsource",
    "read_from_disk": "disk",
    "log_query": "fromlog",
}

__getattr__, __all__ = lazy_exports(__name__, _LAZY)
