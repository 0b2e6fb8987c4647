"""Stage 2, meaning: column roles and scheme tags in en/zh/ko/ru, feature warnings, and transaction logs turned into one row per customer.

Public names load on first use, so importing one module of this stage does not import the others.
"""

from __future__ import annotations

from segcore.lazy import lazy_exports

_LAZY = {
    "infer_roles": "roles",
    "Schema": "schema",
    "ColumnRole": "schema",
    "PRESETS": "schema",
    "preset_features": "schema",
    "default_preset": "schema",
    "validate_roles": "schema",
    "parse_dates": "dates",
    "detect_transactions": "transactions",
    "TransactionColumns": "transactions",
    "to_customers": "rfm",
    "CustomerTable": "rfm",
}

__getattr__, __all__ = lazy_exports(__name__, _LAZY)
