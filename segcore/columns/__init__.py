"""Stage 2, meaning: column roles and scheme tags in en/zh/ko/ru, feature warnings, and transaction logs turned into one row per customer.

Public names load on first use, so importing one module of this stage does not import the others.
"""

from __future__ import annotations

from segcore.lazy import lazy_exports

_LAZY = {
    "roles": ("infer_roles",),
    "schema": ("Schema", "ColumnRole", "PRESETS", "preset_features", "default_preset", "validate_roles"),
    "dates": ("parse_dates",),
    "transactions": ("detect_transactions", "TransactionColumns"),
    "rfm": ("to_customers", "CustomerTable"),
}

__getattr__, __all__ = lazy_exports(__name__, _LAZY)
