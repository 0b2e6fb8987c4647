"""Stage 4, understanding: profiles, names and actions, rules, the customer map, run comparison and the aggregate-only summary.

Public names load on first use, so importing one module of this stage does not import the others.
"""

from __future__ import annotations

from segcore.lazy import lazy_exports

_LAZY = {
    "Profile": "profile",
    "build_profiles": "profile",
    "effect_table": "effects",
    "value_concentration": "effects",
    "explain_rules": "explain",
    "RuleSet": "explain",
    "Embedding": "embed",
    "pca_2d": "embed",
    "umap_2d": "embed",
    "build_summary": "summary",
    "for_sharing": "summary",
    "compare_runs": "compare",
}

__getattr__, __all__ = lazy_exports(__name__, _LAZY)
