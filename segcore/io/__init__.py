"""Stage 1, reading: any customer file (CSV/TSV/Excel/Parquet/JSON, any encoding, delimiter and number style) into a Table with a LoadReport that counts every row left out.

Public names load on first use, so importing one module of this stage does not import the others.
"""

from __future__ import annotations

from segcore.lazy import lazy_exports

_LAZY = {
    "load": ("load_table", "Table", "LoadReport", "SkippedRows", "fingerprint", "NA_TOKENS"),
}

__getattr__, __all__ = lazy_exports(__name__, _LAZY)
