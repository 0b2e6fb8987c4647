"""Segment label conventions shared by every stage: the id and name of customers who are in no segment.

HDBSCAN leaves outliers out and ``Segmentation.assign`` flags customers far from every segment; both get
``UNASSIGNED``. It is never counted as a segment (``Segmentation.n_segments``), always drawn grey and listed last.
"""

from __future__ import annotations

from segcore.i18n.translate import N_, gettext

UNASSIGNED = -1
# The English name; ``unassigned_name()`` gives it in the current language (files, charts and SQL use that one).
UNASSIGNED_NAME = N_("Unassigned")


def unassigned_name() -> str:
    """"Unassigned" in the current language (未分配 / 미배정 / Без сегмента)."""
    return gettext(UNASSIGNED_NAME)


def is_unassigned_name(name: object) -> bool:
    """True for the unassigned name in English or in the current language (names made before a language switch)."""
    return str(name) in (UNASSIGNED_NAME, unassigned_name())


def is_assigned(segment: int) -> bool:
    """True for a real segment id, False for ``UNASSIGNED``."""
    return int(segment) != UNASSIGNED
