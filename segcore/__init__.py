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
    "infer_roles": "segcore.columns",
    "Schema": "segcore.columns",
    "detect_transactions": "segcore.columns",
    "to_customers": "segcore.columns",
    "FeatureSpec": "segcore.model",
    "PinRule": "segcore.model",
    "segment": "segcore.model",
    "Segmentation": "segcore.model",
    "Profile": "segcore.insight",
    "open_store": "segcore.store",
    "html_report": "segcore.render",
    "pdf_report": "segcore.render",
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
