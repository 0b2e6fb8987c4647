"""What every reader hands back to ``load_table``, and the rules all readers share.

Each format reader (the fast and careful delimited-text readers, Excel, Parquet, JSON) returns a ``_Parsed``: the
raw table, the header as written, and every row it left out (``SkippedRows``) or warning it has, so ``io`` can
build one ``LoadReport`` whatever the format.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

# Share of data rows that may have the wrong number of fields and be skipped (reported) instead of failing.
RAGGED_TOLERANCE = 0.01
# Line numbers kept per skip reason: enough to find the problem, small enough to show.
MAX_REPORTED_LINES = 20
# Cells read as missing (after stripping spaces), beside the empty cell.
NA_TOKENS = frozenset({"", "NA", "N/A", "n/a", "#N/A", "null", "NULL", "Null", "NaN", "nan", "<NA>"})


@dataclass(frozen=True)
class SkippedRows:
    """Rows left out for one reason; ``lines`` are 1-based file line numbers (Excel: sheet rows), first 20."""

    reason: str
    count: int
    lines: tuple[int, ...]

    def to_dict(self) -> dict:
        return {"reason": str(self.reason), "count": self.count, "lines": list(self.lines)}

    @classmethod
    def from_dict(cls, d: dict) -> SkippedRows:
        return cls(d["reason"], int(d["count"]), tuple(d["lines"]))


@dataclass
class _Parsed:
    """Working state shared by the format readers (private, mutable while a file is read)."""

    df: pd.DataFrame
    raw_names: list[str]
    skipped: list[SkippedRows] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    header: bool = True
