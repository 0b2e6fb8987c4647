"""Saving a segmentation (a fit, or a new wave scored with a saved model) as a run: one way for every page."""

from __future__ import annotations

import io

from segcore.model import persist


def customer_rows(seg, data) -> bytes:
    """The customers' segments as parquet, with the value column so the next wave can show the value that moved."""
    frame = seg.assignments()
    value_column = data.schema.value_column
    if value_column and value_column in data.df.columns and len(data.df) == len(frame):
        frame[value_column] = data.df[value_column].to_numpy()
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()


def save_run(store, seg, data, *, aggregates: dict, title: str, note: str, series: str, keep_rows: bool,
             owner: str | None):
    """Store ``seg`` of the loaded ``data`` (customer rows only when the user opted in); returns the RunInfo."""
    return store.save_run(
        title=title, note=note, spec=seg.spec.to_dict(), aggregates=aggregates,
        model_bytes=persist.dumps(seg, profiles=False), fingerprint=data.fingerprint,
        load_report=data.report.to_dict(), rows=customer_rows(seg, data) if keep_rows else None, series=series,
        owner=owner,
    )
