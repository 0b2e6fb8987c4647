"""segcore: customer segmentation engine (loading, roles, clustering, profiles, rules, reuse).

Plain Python on pandas, numpy, scikit-learn and umap-learn; it never imports streamlit. The public names below are
loaded on first use, so ``import segcore`` (and the CLI's start-up) does not pay for scikit-learn until needed.
"""

from __future__ import annotations

from importlib import import_module

from segcore.errors import DataError, ModelError, NotEnoughData, SegcoreError, SpecError, StoreError

_LAZY = {
    "load_table": "segcore.io",
    "Table": "segcore.io",
    "LoadReport": "segcore.io",
    "fingerprint": "segcore.io",
    "infer_roles": "segcore.roles",
    "Schema": "segcore.roles",
    "detect_transactions": "segcore.transactions",
    "to_customers": "segcore.transactions",
    "FeatureSpec": "segcore.spec",
    "PinRule": "segcore.pinned",
    "segment": "segcore.model",
    "Segmentation": "segcore.model",
    "Profile": "segcore.profile",
    "open_store": "segcore.store",
    "html_report": "segcore.report",
    "pdf_report": "segcore.report",
}

__all__ = [
    "DataError",
    "ModelError",
    "NotEnoughData",
    "SegcoreError",
    "SpecError",
    "StoreError",
    *_LAZY,
]


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'segcore' has no attribute {name!r}")
