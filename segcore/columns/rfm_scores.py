"""The classic RFM scores (quintiles 1-5) and segment names for a customer table with recency, frequency, monetary.

RFM segment map (R score down, FM = round-half-up of (F + M) / 2 across), the widely used R x F grid with
"Lost" split out of the bottom-left corner::

    R \\ FM   1                2                   3                   4                 5
    5        New customers    Potential loyalist  Potential loyalist  Champions         Champions
    4        Promising        Potential loyalist  Potential loyalist  Loyal             Loyal
    3        About to sleep   About to sleep      Need attention      Loyal             Loyal
    2        Hibernating      Hibernating         At risk             At risk           Cannot lose them
    1        Lost             Hibernating         At risk             At risk           Cannot lose them
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from segcore.errors import SpecError
from segcore.i18n import _l

# Quintiles: the classic RFM scale of 1 (worst) to 5 (best).
N_SCORES = 5
# (R score, FM score) -> segment; rows are R = 1..5, columns FM = 1..5 (see the module docstring).
RFM_GRID = (
    ("Lost", "Hibernating", "At risk", "At risk", "Cannot lose them"),
    ("Hibernating", "Hibernating", "At risk", "At risk", "Cannot lose them"),
    ("About to sleep", "About to sleep", "Need attention", "Loyal", "Loyal"),
    ("Promising", "Potential loyalist", "Potential loyalist", "Loyal", "Loyal"),
    ("New customers", "Potential loyalist", "Potential loyalist", "Champions", "Champions"),
)
RFM_SEGMENTS = tuple(dict.fromkeys(name for row in RFM_GRID for name in row))
# score column -> the column it ranks into fifths; the three written side by side ("345") are RFM_CODE
SCORE_SOURCES = {"r_score": "recency_days", "f_score": "frequency", "m_score": "monetary"}
RFM_CODE = "rfm_score"


def rfm_segment(r_score: int, f_score: int, m_score: int) -> str:
    """The classic segment name for one set of 1..5 scores (see the map in the module docstring)."""
    for name, score in (("r_score", r_score), ("f_score", f_score), ("m_score", m_score)):
        if score not in range(1, N_SCORES + 1):
            raise SpecError(_l(
                "{name} must be a whole number from 1 to {n_scores}, not {score!r}.",
                name=name, n_scores=N_SCORES, score=score,
            ))
    return RFM_GRID[r_score - 1][(f_score + m_score + 1) // 2 - 1]


def _score(values: pd.Series, *, higher_is_better: bool) -> np.ndarray:
    """Quintile scores 1..5 (5 = best) on ranks, so ties and fewer than 5 distinct values still work."""
    ranks = (values if higher_is_better else -values).rank(method="first")
    if len(ranks) == 1:
        return np.array([N_SCORES])
    return pd.qcut(ranks, N_SCORES, labels=False).to_numpy().astype(np.int64) + 1


def add_scores(table: pd.DataFrame) -> pd.DataFrame:
    r = _score(table[SCORE_SOURCES["r_score"]], higher_is_better=False)  # fewer days since the last purchase
    f = _score(table[SCORE_SOURCES["f_score"]], higher_is_better=True)
    m = _score(table[SCORE_SOURCES["m_score"]], higher_is_better=True)
    fm = (f + m + 1) // 2  # round half up
    grid = np.array(RFM_GRID, dtype=object)
    out = table.assign(**dict(zip(SCORE_SOURCES, (r, f, m), strict=True)))
    out[RFM_CODE] = pd.Series(r * 100 + f * 10 + m, index=out.index).astype("str")
    out["rfm_segment"] = pd.array(grid[r - 1, fm - 1], dtype="str")
    return out
