"""The machine-readable result of a fit: what ``fit --out D`` writes to D/summary.json and the model file carries.

Plain JSON, aggregates only (no customer rows): the number of segments, the clusterability verdict and its reason,
the columns segmented on, the quality grade with the stability interval, and each segment's size and stability.
"""

from __future__ import annotations

from segcore.jsonsafe import plain
from segcore.model.stability import stability_band

SUMMARY_VERSION = 1


def result_summary(seg) -> dict:
    """The summary of a ``Segmentation`` (see the module docstring); ``structure`` is "none" | "weak" | "clear"."""
    structure = getattr(seg, "structure", None)
    quality = seg.quality
    q = {
        "grade": quality.grade if quality else None,
        "silhouette": quality.silhouette if quality else None,
        "stability": quality.stability if quality else None,
        "stability_low": quality.stability_low if quality else None,
        "stability_high": quality.stability_high if quality else None,
        "explanation": quality.explanation if quality else None,
    }
    # how many customers each quality figure was estimated on (a seeded random sample of a large file)
    stability = getattr(seg, "stability", None)
    q["estimated_on"] = {
        "silhouette": getattr(quality, "silhouette_rows", None),
        "stability": stability.n_rows if stability is not None else None,
        "structure": structure.n_rows if structure is not None else None,
    }
    return plain(
        {
            "summary_version": SUMMARY_VERSION,
            "k": int(seg.k) if not getattr(seg, "tiers", False) else seg.n_segments,
            "structure": structure.verdict if structure is not None else None,
            "structure_reason": str(structure.reason) if structure is not None else None,
            "value_tiers": bool(getattr(seg, "tiers", False)),
            "method": seg.method,
            "features": [*seg.numeric, *seg.categorical],
            # segmented on these factor scores of the features (None: on the features themselves)
            "factors": list(seg.projection.names) if getattr(seg, "projection", None) is not None else None,
            "n_rows": int(seg.n_rows),
            "quality": q,
            "recommendation": seg.sweep.reason if seg.sweep is not None else None,
            "segments": [
                {
                    "segment": p.segment,
                    "name": p.name,
                    "size": p.size,
                    "share": p.share,
                    "pinned": p.pinned,
                    "stability": p.stability,
                    "stability_band": stability_band(p.stability),
                }
                for p in seg.profiles
            ],
        }
    )
