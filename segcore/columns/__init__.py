"""Stage 2, meaning: column roles and scheme tags in en/zh/ko/ru, feature warnings, and transaction logs turned into one row per customer.

Public names load on first use, so importing one module of this stage does not import the others.
"""

from __future__ import annotations

from importlib import import_module

_LAZY = {
    "infer_roles": "roles",
    "Schema": "roles",
    "ColumnRole": "roles",
    "PRESETS": "roles",
    "preset_features": "roles",
    "default_preset": "roles",
    "validate_roles": "roles",
    "detect_transactions": "transactions",
    "to_customers": "transactions",
    "TransactionColumns": "transactions",
    "CustomerTable": "transactions",
}

__all__ = list(_LAZY)


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
