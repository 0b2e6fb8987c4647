"""Stage 6, keeping: saved runs in SQLite or PostgreSQL, share tokens and access checks.

Public names load on first use, so importing one module of this stage does not import the others.
"""

from __future__ import annotations

from segcore.lazy import lazy_exports

_LAZY = {
    "runs": ("open_store", "Store"),
    "records": ("SavedRun", "RunInfo", "ShareLink"),
}

__getattr__, __all__ = lazy_exports(__name__, _LAZY)
