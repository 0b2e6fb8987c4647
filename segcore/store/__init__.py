"""Stage 6, keeping: saved runs in SQLite or PostgreSQL, share tokens and access checks.

Public names load on first use, so importing one module of this stage does not import the others.
"""

from __future__ import annotations

from importlib import import_module

_LAZY = {
    "open_store": "runs",
    "Store": "runs",
    "SavedRun": "records",
    "RunInfo": "records",
    "ShareLink": "records",
}

__all__ = list(_LAZY)


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
