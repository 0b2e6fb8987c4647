"""Plain JSON values from results that carry numpy numbers and arrays (profiles, rules, sweeps, manifests)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from segcore.i18n import Message


def plain(value: Any) -> Any:
    """A JSON-safe copy: numpy scalars and arrays become Python numbers and lists, dict keys become text, and
    NaN or infinite floats become None (JSON has no such numbers, and other readers choke on them)."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return plain(value.tolist())
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, Message):  # a lazy message is stored as text, in the language current when saved
        return str(value)
    return value
