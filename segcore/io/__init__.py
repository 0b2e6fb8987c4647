"""Stage 1, reading: any customer file (CSV/TSV/Excel/Parquet/JSON, any encoding, delimiter and number style) into a Table with a LoadReport that counts every row left out.

Public names load on first use, so importing one module of this stage does not import the others.
"""

from __future__ import annotations

from importlib import import_module

_LAZY = {
    "load_table": "load",
    "Table": "load",
    "LoadReport": "load",
    "SkippedRows": "load",
    "fingerprint": "load",
    "NA_TOKENS": "load",
}

__all__ = list(_LAZY)


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
