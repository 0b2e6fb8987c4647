"""Stage 3, segments: the feature spec, preparation, clustering, the k sweep and quality, pinned segments, and the Segmentation with its saved file.

Public names load on first use, so importing one module of this stage does not import the others.
"""

from __future__ import annotations

from segcore.lazy import lazy_exports

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
    "scored_wave": "rescore",
    "FactorProjection": "factorspace",
}

__getattr__, __all__ = lazy_exports(__name__, _LAZY)
