"""Segment label conventions shared by every stage: the id and name of customers who are in no segment.

HDBSCAN leaves outliers out and ``Segmentation.assign`` flags customers far from every segment; both get
``UNASSIGNED``. It is never counted as a segment (``Segmentation.n_segments``), always drawn grey and listed last.
"""

from __future__ import annotations

from segcore.i18n.translate import N_

UNASSIGNED = -1
# Translated where it is shown: ``_(UNASSIGNED_NAME)``.
UNASSIGNED_NAME = N_("Unassigned")


def is_assigned(segment: int) -> bool:
    """True for a real segment id, False for ``UNASSIGNED``."""
    return int(segment) != UNASSIGNED
