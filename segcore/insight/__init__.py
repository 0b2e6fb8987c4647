"""Stage 4, understanding: profiles, names and actions, rules, the customer map, run comparison and the aggregate-only summary.

Public names load on first use, so importing one module of this stage does not import the others.
"""

from __future__ import annotations

from segcore.lazy import lazy_exports

_LAZY = {
    "profile": ("Profile", "build_profiles"),
    "effects": ("effect_table", "value_concentration"),
    "explain": ("explain_rules", "RuleSet"),
    "embed": ("Embedding", "pca_2d", "umap_2d"),
    "summary": ("build_summary", "for_sharing"),
    "compare": ("compare_runs",),
}

__getattr__, __all__ = lazy_exports(__name__, _LAZY)
