"""What the store hands back: a saved run as listed (RunInfo), in full (SavedRun), and a share link (ShareLink)."""

from __future__ import annotations

import base64
from dataclasses import asdict, dataclass, fields
from typing import Any


@dataclass(frozen=True)
class RunInfo:
    """A saved run as listed: who, when, how big; no payloads. ``created_at`` is UTC ISO-8601."""

    run_id: str
    title: str
    note: str
    created_at: str
    fingerprint: str
    n_customers: int
    n_segments: int
    has_rows: bool
    series: str = ""  # runs of the same customers over time (waves) share a series name; "" = none
    owner: str | None = None  # the user who saved it; None for runs saved before owners were recorded

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> RunInfo:
        return cls(**{f.name: d[f.name] for f in fields(cls) if f.name in d})


@dataclass(frozen=True, kw_only=True)
class SavedRun(RunInfo):
    """Everything saved for one run: its listing entry plus the payloads. ``rows`` is None unless the user chose to
    keep the customer rows.

    ``aggregates`` is the run's summary (``segcore.insight.summary.build_summary``); it is the one stored copy of the
    segment profiles (``profiles``) and of the counts in the listing. ``model_bytes`` is the model file without
    profiles: put them back with ``persist.load_segmentation(..., profiles=run.profiles)``.
    """

    spec: dict
    aggregates: dict
    model_bytes: bytes
    load_report: dict
    rows: bytes | None

    @property
    def profiles(self) -> list[dict]:
        return list(self.aggregates.get("profiles", []))

    @property
    def info(self) -> RunInfo:
        return RunInfo(**{f.name: getattr(self, f.name) for f in fields(RunInfo)})

    def to_dict(self) -> dict:
        """JSON-able: bytes become base64 text."""
        d = asdict(self)
        d["model_bytes"] = base64.b64encode(self.model_bytes).decode("ascii")
        d["rows"] = None if self.rows is None else base64.b64encode(self.rows).decode("ascii")
        return d

    @classmethod
    def from_dict(cls, d: dict) -> SavedRun:
        values = {f.name: d[f.name] for f in fields(cls) if f.name in d}
        values["model_bytes"] = base64.b64decode(d["model_bytes"])
        values["rows"] = None if d["rows"] is None else base64.b64decode(d["rows"])
        return cls(**values)


@dataclass(frozen=True)
class ShareLink:
    """A share link. ``token`` is only known right after ``create_share``; the database keeps just its hash,
    so links listed later have ``token=None`` and are revoked by ``share_id``."""

    share_id: str
    token: str | None
    run_id: str
    created_at: str
    expires_at: str | None
    revoked: bool

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> ShareLink:
        return cls(**{f.name: d[f.name] for f in fields(cls)})


def run_info_from_row(row: dict[str, Any]) -> RunInfo:
    return RunInfo(
        run_id=row["run_id"],
        title=row["title"],
        note=row["note"],
        created_at=row["created_at"],
        fingerprint=row["fingerprint"],
        n_customers=int(row["n_customers"]),
        n_segments=int(row["n_segments"]),
        has_rows=bool(row["has_rows"]),
        series=str(row.get("series") or ""),
        owner=row.get("owner"),
    )


def share_link_from_row(row: dict[str, Any]) -> ShareLink:
    return ShareLink(
        share_id=row["share_id"],
        token=None,
        run_id=row["run_id"],
        created_at=row["created_at"],
        expires_at=row["expires_at"],
        revoked=row["revoked_at"] is not None,
    )
