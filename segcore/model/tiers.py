"""Value tiers: the honest alternative when customers form one continuous population.

When the clusterability verdict is "none", automatic segmentation does not invent groups. Marketers still need to
prioritise, and the usual way is to cut the value column at fixed shares: the top 20% (who typically bring most of
the value), the next 30% and the lower 50%. The tiers are pinned threshold rules on the value column, so new
customers are scored by the same thresholds, and they are always presented as cuts of a continuum, not segments.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from segcore.i18n import N_, _
from segcore.insight.sentences import humanize
from segcore.model.pinned import PinRule

# (share of customers from the top, name) from the most to the least valuable; the last tier is "everyone else".
TIER_SHARES = (0.2, 0.3)
TIERS_NOTE = N_(
    "No natural segments: the customers form one continuous population, so instead of inventing segments these are "
    "value tiers by {column} (top 20%, next 30%, lower 50%): cuts of a continuum, not groups. Ask for a number of "
    "segments to cut it differently."
)


def value_tier_rules(df: pd.DataFrame, value_column: str) -> tuple[tuple[PinRule, ...], str] | None:
    """Pinned rules for the top two tiers, and the name of the lower tier; None when the column cannot be cut."""
    v = pd.to_numeric(df[value_column], errors="coerce").to_numpy(dtype=float)
    v = v[np.isfinite(v)]
    if len(v) < 10 or np.unique(v).size < 3:
        return None
    label = humanize(value_column)
    top = float(np.quantile(v, 1 - TIER_SHARES[0]))
    middle = float(np.quantile(v, 1 - TIER_SHARES[0] - TIER_SHARES[1]))
    if not middle < top:
        return None
    rules = (
        PinRule(_("Top 20% by {column}", column=label), value_column, ">=", top),
        PinRule(_("Next 30% by {column}", column=label), value_column, ">=", middle),
    )
    return rules, _("Lower 50% by {column}", column=label)
