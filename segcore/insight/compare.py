"""Compare two saved segmentations: how many customers moved from which segment to which.

Customers are matched on their id when both tables have it, otherwise by row order when the tables are the same
length (the same file scored twice). Customers found in only one run are counted in a "not in A" row or a
"not in B" column, never dropped.
"""

from __future__ import annotations

import pandas as pd

from segcore.errors import StoreError
from segcore.i18n import _l

# Label of the row/column that counts customers present in only one of the two runs.
NOT_IN_A = "not in A"
NOT_IN_B = "not in B"
# How many offending ids to quote in a message: enough to find them, short enough to read.
EXAMPLES_SHOWN = 5


def compare_runs(
    a_assignments: pd.DataFrame,
    b_assignments: pd.DataFrame,
    *,
    id_column: str | None,
    segment_column: str = "segment",
) -> pd.DataFrame:
    """Cross-table of customer counts: rows are segments in run A, columns segments in run B.

    Each cell counts customers in segment ``row`` of A and segment ``column`` of B. ``attrs["matched_on"]`` is
    "id" or "row order"; ``attrs["n_matched"]`` is the number of customers found in both runs.
    Raises StoreError when a segment column is missing, ids repeat or are blank, or the runs cannot be matched.
    """
    for name, frame in (("A", a_assignments), ("B", b_assignments)):
        if segment_column not in frame.columns:
            raise StoreError(
                _l(
                    "Segmentation {name} has no {segment_column!r} column, so its segments cannot be "
                    "compared. Columns found: {columns}.",
                    name=name, segment_column=segment_column, columns=', '.join(map(str, frame.columns)),
                )
            )

    if id_column and id_column in a_assignments.columns and id_column in b_assignments.columns:
        a_ids = _checked_ids(a_assignments[id_column], "A", id_column)
        b_ids = _checked_ids(b_assignments[id_column], "B", id_column)
        if a_ids.dtype != b_ids.dtype:  # e.g. 1001 in one run and "1001" in the other: compare as text
            a_ids, b_ids = a_ids.astype(str), b_ids.astype(str)
        matched_on = "id"
    elif len(a_assignments) == len(b_assignments):
        a_ids = pd.Series(range(len(a_assignments)))
        b_ids = pd.Series(range(len(b_assignments)))
        matched_on = "row order"
    else:
        raise StoreError(
            _l(
                "The two segmentations cannot be matched customer by customer: they share no id column "
                "and have different numbers of rows (A: {rows_a:,}, B: {rows_b:,}). Choose a customer id "
                "column, or compare two runs made on the same file.",
                rows_a=len(a_assignments), rows_b=len(b_assignments),
            )
        )

    a = pd.DataFrame({"key": a_ids.to_numpy(), "a": a_assignments[segment_column].to_numpy()})
    b = pd.DataFrame({"key": b_ids.to_numpy(), "b": b_assignments[segment_column].to_numpy()})
    both = a.merge(b, on="key", how="outer", indicator=True)
    row_labels = both["a"].astype(object).where(both["_merge"] != "right_only", NOT_IN_A)
    col_labels = both["b"].astype(object).where(both["_merge"] != "left_only", NOT_IN_B)
    table = pd.crosstab(row_labels.to_numpy(), col_labels.to_numpy())
    table = table.reindex(
        index=_ordered(table.index, NOT_IN_A), columns=_ordered(table.columns, NOT_IN_B), fill_value=0
    ).astype("int64")
    table.index.name = "segment_a"
    table.columns.name = "segment_b"
    table.attrs["matched_on"] = matched_on
    table.attrs["n_matched"] = int((both["_merge"] == "both").sum())
    return table


def _checked_ids(ids: pd.Series, name: str, id_column: str) -> pd.Series:
    missing = int(ids.isna().sum())
    if missing:
        raise StoreError(
            _l(
                "{missing:,} customers in segmentation {name} have no {id_column!r}, so they cannot be "
                "matched. Fill in the ids, or compare without an id column on the same file.",
                missing=missing, name=name, id_column=id_column,
            )
        )
    repeated = ids[ids.duplicated()].unique()
    if len(repeated):
        shown = ", ".join(map(str, repeated[:EXAMPLES_SHOWN]))
        raise StoreError(
            _l(
                "{repeated:,} ids repeat in segmentation {name}'s {id_column!r} column (for example "
                "{shown}), so customers cannot be matched one to one. Use a column with one row per "
                "customer.",
                repeated=len(repeated), name=name, id_column=id_column, shown=shown,
            )
        )
    return ids.reset_index(drop=True)


def _ordered(labels: pd.Index, marker: str) -> list:
    # Segments in natural order (0, 1, 2, ... or names alphabetically), the "only in one run" bucket last.
    real = [v for v in labels if v != marker]
    try:
        real = sorted(real)
    except TypeError:  # mixed label types: keep a stable, readable order
        real = sorted(real, key=str)
    return real + ([marker] if marker in set(labels) else [])
