"""Next month's file scored with a saved model: the same segments (ids and names), described on the new customers.

The other way to segment a new wave is a refit that keeps the previous ids (``segment(previous=...)``); scoring
keeps the segments themselves fixed, which is what a marketer reporting "segment 3 grew by 400" needs. The result
is a ``Segmentation`` like a fit's, so the studio, reports and the run store treat it the same way: its labels,
profiles, KPIs and propensity scores are the new customers'. The saved fit's quality and structure figures are not
carried over: they were measured on the customers the model was built on, not on these.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd

from segcore.i18n import _, format_number, format_percent
from segcore.insight.profile import build_profiles
from segcore.labels import UNASSIGNED
from segcore.model.segmentation import Segmentation


@dataclass(frozen=True)
class ScoredWave:
    """``segmentation``: the saved model over the new customers; ``n_far``: how many of them are farther from every
    segment than 99% of the model's own customers were (a sign the customers changed: refit rather than trust)."""

    segmentation: Segmentation
    n_far: int

    @property
    def far_note(self) -> str | None:
        if not self.n_far:
            return None
        return _("{n} customers ({share}) are farther from every segment than 99% of the model's own customers "
                 "were: look at them before trusting their segment, or refit.", n=format_number(self.n_far),
                 share=format_percent(self.n_far / max(self.segmentation.n_rows, 1), digits=1))


def scored_wave(seg: Segmentation, df: pd.DataFrame, *, fingerprint: str | None = None) -> ScoredWave:
    """``seg`` applied to the customers of ``df`` (ModelError when columns it needs are missing)."""
    assigned = seg.assign(df)
    labels = assigned["segment"].to_numpy(dtype=np.int64)
    features = [*seg.numeric, *seg.categorical]
    profile_columns = [c for c in seg.spec.profile_columns if c in df.columns and c not in features]
    names = {segment: name for segment, name in seg.segment_names.items() if segment != UNASSIGNED}
    profiles = build_profiles(df, labels, schema=seg.schema, features=features + profile_columns,
                              segment_names=names, pinned={i: pin.name for i, pin in enumerate(seg.pins)})
    id_column = seg.schema.id_column
    propensity = seg.propensity
    if propensity is not None:
        propensity = dataclasses.replace(propensity, scores=assigned["propensity"].to_numpy())
    wave = dataclasses.replace(
        seg,
        labels=labels,
        profiles=profiles,
        n_rows=len(df),
        ids=tuple(df[id_column].tolist()) if id_column and id_column in df.columns else None,
        fingerprint=fingerprint,
        propensity=propensity,
        quality=None,
        stability=None,
        structure=None,
        sweep=None,
        notes=(*seg.notes, _("Scored with the saved model of {when}: its segments, numbers and names are kept; the "
                             "fit's quality figures describe the customers it was built on.",
                             when=str(seg.created_at)[:10])),
    )
    scored = ScoredWave(segmentation=wave, n_far=int(assigned["far_from_segments"].sum()))
    if scored.far_note:
        scored = dataclasses.replace(scored, segmentation=dataclasses.replace(wave, notes=(*wave.notes, scored.far_note)))
    return scored
