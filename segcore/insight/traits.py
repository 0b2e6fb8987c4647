"""Trait: one way a segment differs from everyone, as a structured fact (the numbers, never the words).

A trait a statistician would sign compares medians or rates, never a ratio of means (a near-zero mean turns any
difference into "160x the average"), and carries an effect size so a column in euros and a column in visits compete
on one scale (the statistics are in ``segcore.insight.effects``):

- numeric columns: the segment's median against everyone's, with the effect as a standardised difference derived
  from the probability that a customer of the segment exceeds one of the rest (Mann-Whitney's AUC, robust to skew
  and outliers): ``d = sqrt(2) * Phi^-1(AUC)``, which equals Cohen's d for two normal groups with equal spread.
  ``share`` is the share of the segment above (or, for a lower segment, below) the overall median.
- yes/no columns and category levels: the share of the segment against everyone's, with Cohen's h (the
  arcsine-transformed difference of the segment's rate and the rest's) as the effect.

All effects live on Cohen's scale (0.2 small, 0.5 medium, 0.8 large), so one threshold ranks and filters them all.
``segcore.insight.sentences.render_trait`` is the ONE function that turns a fact into words; translations render
the same facts.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Literal

from segcore.insight.sentences import render_trait


@dataclass(frozen=True)
class Trait:
    """One way a segment differs from everyone (see the module docstring for the statistics).

    kind "numeric": ``segment_value``/``overall_value`` are medians in ``unit``; ``share`` is the share of the
    segment above (direction +1) or below (-1) the overall median and ``overall_share`` the same share among everyone.
    kind "flag" (yes/no) and "level" (one category ``level``): the values are shares 0-1 of the segment and of everyone
    having it; ``share`` equals ``segment_value``. ``effect`` is signed, on Cohen's scale.
    """

    column: str
    kind: Literal["numeric", "flag", "level"]
    direction: int
    effect: float
    segment_value: float
    overall_value: float
    unit: str = ""
    share: float = float("nan")
    overall_share: float = float("nan")
    level: str | None = None
    geographic: bool = False

    @property
    def sentence(self) -> str:
        return render_trait(self)

    def to_dict(self) -> dict:
        d = {f.name: getattr(self, f.name) for f in fields(self)}
        d["sentence"] = self.sentence  # for readers of saved runs and reports that show text only
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Trait:
        """Reads this format and the older one (sentence + mean-based values, kinds numeric/category)."""
        known = {f.name for f in fields(cls)}
        d = {k: v for k, v in d.items() if k in known}
        effect = float(d.get("effect") or 0.0)
        d.setdefault("direction", 1 if effect >= 0 else -1)
        if d.get("kind") == "category":
            d["kind"] = "flag" if d.get("level") == "yes" else "level"
        for key in ("effect", "segment_value", "overall_value", "share", "overall_share"):
            if key in d:
                d[key] = float("nan") if d[key] is None else float(d[key])
        return cls(**d)
