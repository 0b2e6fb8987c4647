"""Columns that the customer table built from a transaction log derives from its other columns.

The R, F and M scores rank recency, frequency and monetary into fifths, ``rfm_score`` writes the three scores side
by side ("345") and ``top_<kind>`` names the level with the largest ``share_`` column. Clustering on a column and
on its own ranking counts the same fact twice (recency would weigh double, and through "345" read as a number, a
hundred times the M score), so when the source is clustered on, the derived column is shown on the cards instead.
"""

from __future__ import annotations

import dataclasses

from segcore.columns.rfm import SHARE_PREFIX, TOP_LEVEL_PREFIX
from segcore.columns.rfm_scores import RFM_CODE, SCORE_SOURCES
from segcore.columns.schema import ColumnRole
from segcore.i18n import _


def demote_derived(columns: tuple[ColumnRole, ...]) -> tuple[ColumnRole, ...]:
    """``columns`` with every derived column whose source is a feature moved off the features, with the reason."""
    features = {c.name for c in columns if c.use == "feature"}
    names = {c.name for c in columns}
    shares_clustered = any(name.startswith(SHARE_PREFIX) for name in features)
    out = []
    for column in columns:
        source = SCORE_SOURCES.get(column.name)
        if column.use == "feature" and source in features:
            column = _moved(column, "profile", _(
                "Ranks {source} into fifths (1-5): clustering on both would count {source} twice, so it is shown on "
                "segment cards instead.", source=source))
        elif column.name == RFM_CODE and set(SCORE_SOURCES) <= names and column.use in ("feature", "profile"):
            column = _moved(column, "ignore", _(
                "The R, F and M scores written side by side (345 is R 3, F 4, M 5): a code, not a quantity. The three "
                "scores are shown on segment cards instead."))
        elif (column.use == "feature" and column.role == "categorical" and column.name.startswith(TOP_LEVEL_PREFIX)
              and shares_clustered):
            column = _moved(column, "profile", _(
                "Names the level with the largest share: clustering on it and on the shares would count the mix "
                "twice, so it is shown on segment cards instead."))
        out.append(column)
    return tuple(out)


def _moved(column: ColumnRole, use: str, sentence: str) -> ColumnRole:
    return dataclasses.replace(column, use=use, reason=f"{column.reason} {sentence}".strip())
