"""Keeping segment numbers from one fit to the next (``segment(previous=...)``): "segment 3" keeps meaning the same
group month after month.

Two ways to match: by centres (raw-column fits of the same columns: the Hungarian match of the new centres to the
previous ones) and by customers (when either fit is on factor scores, whose axes are refitted each wave: the
previous model scores the new customers and each new segment takes the number it shares the most customers with).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from segcore.errors import ModelError
from segcore.i18n import _
from segcore.model.cluster import align_labels


def align_by_customers(final, center_ids, *, rows: pd.DataFrame, previous, offset: int, notes: list[str]):
    """Re-number segments by who is in them: the previous model scores these customers, and each new segment takes
    the id of the previous segment it shares the most customers with (one to one). Used when either fit is on
    factor scores, whose axes are refitted on every wave, so centres of two fits cannot be compared directly."""
    try:
        before = previous.assign(rows)["segment"].to_numpy()
    except ModelError:
        notes.append(_("The previous model used different columns, so segment ids could not be aligned to it."))
        return final, center_ids
    mapping = align_by_overlap(final, before, new_ids=center_ids, old_ids=previous.center_ids)
    next_id = max([*previous.center_ids.tolist(), offset - 1]) + 1
    remap = {}
    for old in center_ids.tolist():
        if old in mapping:
            remap[old] = mapping[old]
        else:
            remap[old], next_id = next_id, next_id + 1
    final = np.array([remap.get(int(v), int(v)) for v in final], dtype=np.int64)
    notes.append(_("Segment ids were aligned to the previous model, so matching segments keep their numbers."))
    return final, np.array([remap[int(c)] for c in center_ids], dtype=np.int64)


def align_by_overlap(new: np.ndarray, old: np.ndarray, *, new_ids, old_ids) -> dict[int, int]:
    """New segment id -> old segment id, matched one to one so the most customers keep their number (Hungarian
    assignment on the overlap counts); a new segment sharing no customer with its match keeps no old id."""
    from scipy.optimize import linear_sum_assignment

    new_ids, old_ids = [int(v) for v in new_ids], [int(v) for v in old_ids]
    overlap = np.array([[np.sum((new == a) & (old == b)) for b in old_ids] for a in new_ids], dtype=np.int64)
    rows, cols = linear_sum_assignment(-overlap)
    return {new_ids[r]: old_ids[c] for r, c in zip(rows, cols, strict=True) if overlap[r, c] > 0}


def align_by_centers(final, center_ids, *, result, previous, offset: int, notes: list[str]):
    """Re-number segments so each keeps the id of the previous model's segment it matches best."""
    centers = np.asarray(result.centers)
    if previous.centers.shape[1] != centers.shape[1]:
        notes.append(_("The previous model used different columns, so segment ids could not be aligned to it."))
        return final, center_ids
    mapping = align_labels(centers, previous.centers)  # raw centre index -> previous centre index (Hungarian)
    next_id = max([*previous.center_ids.tolist(), offset - 1]) + 1
    new_ids = []
    for i in range(len(centers)):
        match = mapping.get(i)
        if match is not None and match < len(previous.center_ids):
            new_ids.append(int(previous.center_ids[match]))
        else:
            new_ids.append(next_id)
            next_id += 1
    remap = {int(old): new for old, new in zip(center_ids, new_ids, strict=True)}
    final = np.array([remap.get(int(v), int(v)) for v in final], dtype=np.int64)
    notes.append(_("Segment ids were aligned to the previous model, so matching segments keep their numbers."))
    return final, np.array(new_ids, dtype=np.int64)
