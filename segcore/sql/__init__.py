"""Stage 6, warehouse: segments scored as one SQL query in the warehouse, and transaction logs turned into customers
by DuckDB out of core (memory grows with customers, not with log rows).

Public names load on first use, so importing one module of this stage does not import the others.
"""

from __future__ import annotations

from segcore.lazy import lazy_exports

_LAZY = {
    "dialects": ("DIALECTS",),
    "scoring": ("scoring_query", "scoring_sql", "render"),
    "features": ("preparation",),
    "logs": ("customers_from_log",),
    "logsource": ("open_log",),
    "disk": ("read_from_disk",),
    "fromlog": ("log_query",),
}

__getattr__, __all__ = lazy_exports(__name__, _LAZY)
