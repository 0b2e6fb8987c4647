"""Stage 3, segments: the feature spec, preparation, clustering, the k sweep and quality, pinned segments, and the Segmentation with its saved file.

Public names load on first use, so importing one module of this stage does not import the others.
"""

from __future__ import annotations

from segcore.lazy import lazy_exports

_LAZY = {
    "spec": ("FeatureSpec",),
    "pinned": ("PinRule",),
    "prep": ("prepare",),
    "cluster": ("fit_clusters",),
    "sweep": ("sweep",),
    "segmentation": ("segment", "Segmentation"),
    "persist": ("load_segmentation", "save_segmentation"),
    "rescore": ("scored_wave",),
    "factorspace": ("FactorProjection",),
}

__getattr__, __all__ = lazy_exports(__name__, _LAZY)
