"""Stage 3, segments: the feature spec, preparation, clustering, the k sweep and quality, pinned segments, and the Segmentation with its saved file.

Public names load on first use, so importing one module of this stage does not import the others.
"""

from __future__ import annotations

from importlib import import_module

_LAZY = {
    "FeatureSpec": "spec",
    "PinRule": "pinned",
    "prepare": "prep",
    "fit_clusters": "cluster",
    "sweep": "sweep",
    "segment": "segmentation",
    "Segmentation": "segmentation",
    "load_segmentation": "persist",
    "save_segmentation": "persist",
}

__all__ = list(_LAZY)


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
