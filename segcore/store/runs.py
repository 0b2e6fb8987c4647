"""Saved segmentations and share links: the Store API over SQLite (default) or PostgreSQL.

A saved run keeps what is needed to show it again without the original file (spec, profiles, chart data, the fitted
model's bytes, the load report) and, only when the user asks, the raw customer rows. Share links carry a random token
of which only a hash is stored. Every method opens its own short transaction, so one Store can serve all of
Streamlit's session threads and several processes can save at once.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta

from segcore.errors import StoreError
from segcore.i18n import N_, _l, lazy_gettext
from segcore.store import backend as store_sql
from segcore.store import tokens
from segcore.store.access import Viewer
from segcore.store.backend import Backend
from segcore.store.fields import (
    ID_PATTERN,
    MISSING_RUN_MESSAGE,
    check_id,
    clean_note,
    clean_series,
    clean_title,
    headline_counts,
    to_json,
)
from segcore.store.records import RunInfo, SavedRun, ShareLink, run_info_from_row, share_link_from_row

MISSING_SHARE_MESSAGE = N_(
    "That share link was not found (it may have been deleted together with its segmentation). "
    "Check the link, or create a new one."
)
RUN_INFO_COLUMNS = "run_id, title, note, created_at, fingerprint, n_customers, n_segments, has_rows, series, owner"


class Store:
    """Saved runs and share links in one database. Holds no connection: safe to share between threads."""

    def __init__(self, backend: Backend) -> None:
        self._backend = backend

    @property
    def backend(self) -> Backend:
        return self._backend

    @property
    def location(self) -> str:
        """Where the data lives, password removed (for a caption such as "Saved in data/segcore.sqlite3")."""
        return self._backend.display

    def __repr__(self) -> str:
        return f"Store({self._backend.kind}: {self.location})"

    # -- schema -------------------------------------------------------------------------------------------------
    def migrate(self) -> int:
        """Apply pending schema migrations; returns how many ran. Raises StoreError for a newer database."""
        return store_sql.migrate(self._backend)

    def schema_version(self) -> int:
        return store_sql.schema_version(self._backend)

    # -- runs ---------------------------------------------------------------------------------------------------
    def save_run(
        self,
        *,
        title: str,
        note: str,
        spec: dict,
        aggregates: dict,
        model_bytes: bytes,
        fingerprint: str,
        load_report: dict,
        rows: bytes | None = None,
        series: str = "",
        owner: str | None = None,
    ) -> RunInfo:
        """Save a run and return its listing entry.

        ``aggregates`` is the run's summary (``segcore.insight.summary.build_summary``): its profiles are the only
        stored copy, and the listing's customer and segment counts are its headline's, so they always agree with
        what the run shows. ``model_bytes`` should be the model file without profiles (``persist.dumps(seg,
        profiles=False)``). ``rows`` (e.g. parquet bytes of the customer table) is stored only when given: the
        user must opt in. ``series`` names the run's series of waves (the same customers month after month).
        ``owner`` is the signed-in user saving it: only they (or an admin) may later open, share or delete it.
        """
        customers, segments = headline_counts(aggregates)
        info = RunInfo(
            run_id=uuid.uuid4().hex,
            title=clean_title(title),
            note=clean_note(note),
            created_at=_iso(store_sql.utc_now()),
            fingerprint=str(fingerprint),
            n_customers=customers,
            n_segments=segments,
            has_rows=rows is not None,
            series=clean_series(series),
            owner=None if owner is None else str(owner),
        )
        payload = (
            to_json(spec, _l("settings")),
            to_json(aggregates, _l("chart data")),
            to_json(load_report, _l("load report")),
            bytes(model_bytes),
            None if rows is None else bytes(rows),
        )
        with store_sql.transaction(self._backend, write=True) as tx:
            tx.execute(
                f"INSERT INTO runs ({RUN_INFO_COLUMNS}, spec, aggregates, load_report, model, customer_rows)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    info.run_id,
                    info.title,
                    info.note,
                    info.created_at,
                    info.fingerprint,
                    info.n_customers,
                    info.n_segments,
                    int(info.has_rows),
                    info.series,
                    info.owner,
                    *payload,
                ),
            )
        return info

    # Every method that reads or changes a run takes ``viewer``: the signed-in user (segcore.store.access.Viewer).
    # Runs of other users then behave as if they did not exist (same message), so nobody learns their ids.
    # ``viewer=None`` is the trusted caller (CLI, scripts, share-link resolution): no owner check.
    def list_runs(self, *, viewer: Viewer | None = None) -> list[RunInfo]:
        """The saved runs ``viewer`` may see (all of them for an admin or viewer=None), newest first."""
        mine, params = _visible(viewer)
        with store_sql.transaction(self._backend) as tx:
            rows = tx.all(
                f"SELECT {RUN_INFO_COLUMNS} FROM runs WHERE {mine} ORDER BY created_at DESC, run_id", params
            )
        return [run_info_from_row(r) for r in rows]

    def runs_for_fingerprint(self, fingerprint: str, *, viewer: Viewer | None = None) -> list[RunInfo]:
        """Saved runs made from exactly this data (same content fingerprint) that ``viewer`` may see, newest first."""
        mine, params = _visible(viewer)
        with store_sql.transaction(self._backend) as tx:
            rows = tx.all(
                f"SELECT {RUN_INFO_COLUMNS} FROM runs WHERE fingerprint = ? AND {mine} ORDER BY created_at DESC, run_id",
                (str(fingerprint), *params),
            )
        return [run_info_from_row(r) for r in rows]

    def comparable_runs(self, fingerprint: str, series: str = "", *, viewer: Viewer | None = None) -> list[RunInfo]:
        """Runs that can be compared with the data loaded now: made from the same data, or in the same series of
        waves (next month's file has another fingerprint but the same customers), newest first; only those
        ``viewer`` may see."""
        series = clean_series(series)
        mine, params = _visible(viewer)
        with store_sql.transaction(self._backend) as tx:
            rows = tx.all(
                f"SELECT {RUN_INFO_COLUMNS} FROM runs WHERE (fingerprint = ? OR (series <> '' AND series = ?))"
                f" AND {mine} ORDER BY created_at DESC, run_id",
                (str(fingerprint), series, *params),
            )
        return [run_info_from_row(r) for r in rows]

    def get_run(self, run_id: str, *, viewer: Viewer | None = None) -> SavedRun:
        """The full run, payloads included. Raises StoreError when it does not exist or is not ``viewer``'s."""
        with store_sql.transaction(self._backend) as tx:
            row = tx.one(
                f"SELECT {RUN_INFO_COLUMNS}, spec, aggregates, load_report, model, customer_rows "
                "FROM runs WHERE run_id = ?",
                (check_id(run_id),),
            )
        if row is None or not _may_use(viewer, row["owner"]):
            raise StoreError(lazy_gettext(MISSING_RUN_MESSAGE))
        info = run_info_from_row(row)
        return SavedRun(
            **info.to_dict(),
            spec=json.loads(row["spec"]),
            aggregates=json.loads(row["aggregates"]),
            load_report=json.loads(row["load_report"]),
            model_bytes=bytes(row["model"]),
            rows=None if row["customer_rows"] is None else bytes(row["customer_rows"]),
        )

    def rename_run(self, run_id: str, title: str, *, viewer: Viewer | None = None) -> RunInfo:
        """Give a saved run a new title; returns the updated listing entry."""
        clean = clean_title(title)
        with store_sql.transaction(self._backend, write=True) as tx:
            _check_owner(tx, run_id, viewer)
            if tx.execute("UPDATE runs SET title = ? WHERE run_id = ?", (clean, check_id(run_id))) == 0:
                raise StoreError(lazy_gettext(MISSING_RUN_MESSAGE))
            row = tx.one(f"SELECT {RUN_INFO_COLUMNS} FROM runs WHERE run_id = ?", (run_id,))
        return run_info_from_row(row)

    def delete_run(self, run_id: str, *, viewer: Viewer | None = None) -> None:
        """Delete a run and every share link to it (those links stop working at once)."""
        with store_sql.transaction(self._backend, write=True) as tx:
            _check_owner(tx, run_id, viewer)
            tx.execute("DELETE FROM shares WHERE run_id = ?", (check_id(run_id),))
            if tx.execute("DELETE FROM runs WHERE run_id = ?", (run_id,)) == 0:
                raise StoreError(lazy_gettext(MISSING_RUN_MESSAGE))

    # -- share links --------------------------------------------------------------------------------------------
    def create_share(
        self, run_id: str, *, expires_in: timedelta | None = None, viewer: Viewer | None = None
    ) -> ShareLink:
        """A new read-only link to a run. The returned ``token`` is shown once; only its hash is stored.

        ``expires_in`` None means the link works until revoked or the run is deleted.
        """
        if expires_in is not None and expires_in <= timedelta(0):
            raise StoreError(
                _l(
                    "A share link must stay valid for some time, but the chosen duration is {expires_in}. "
                    "Pick a positive duration, or none for a link that works until you revoke it.",
                    expires_in=expires_in,
                )
            )
        now = store_sql.utc_now()
        token = tokens.new_token()
        link = ShareLink(
            share_id=uuid.uuid4().hex,
            token=token,
            run_id=check_id(run_id),
            created_at=_iso(now),
            expires_at=None if expires_in is None else _iso(now + expires_in),
            revoked=False,
        )
        with store_sql.transaction(self._backend, write=True) as tx:
            _check_owner(tx, run_id, viewer)
            tx.execute(
                "INSERT INTO shares (share_id, token_hash, run_id, created_at, expires_at, revoked_at)"
                " VALUES (?, ?, ?, ?, ?, NULL)",
                (link.share_id, tokens.hash_token(token), link.run_id, link.created_at, link.expires_at),
            )
        return link

    def resolve_share(self, token: str) -> RunInfo:
        """The run a link points to. Wrong, malformed, revoked and expired tokens all raise the same StoreError."""
        if not tokens.is_well_formed(token):
            raise StoreError(lazy_gettext(tokens.INVALID_LINK_MESSAGE))  # before any lookup: nothing to learn from timing
        with store_sql.transaction(self._backend) as tx:
            row = tx.one(
                "SELECT s.token_hash, s.expires_at, s.revoked_at, "
                + ", ".join(f"r.{c.strip()}" for c in RUN_INFO_COLUMNS.split(","))
                + " FROM shares s JOIN runs r ON r.run_id = s.run_id WHERE s.token_hash = ?",
                (tokens.hash_token(token),),
            )
        if (
            row is None
            or not tokens.token_matches(token, row["token_hash"])
            or row["revoked_at"] is not None
            or (row["expires_at"] is not None and _parse(row["expires_at"]) <= store_sql.utc_now())
        ):
            raise StoreError(lazy_gettext(tokens.INVALID_LINK_MESSAGE))
        return run_info_from_row(row)

    def revoke_share(self, token_or_id: str, *, viewer: Viewer | None = None) -> ShareLink:
        """Stop a link from working, given its token or its ``share_id``. Revoking twice is harmless."""
        if isinstance(token_or_id, str) and ID_PATTERN.fullmatch(token_or_id):
            where, key = "share_id = ?", token_or_id
        elif tokens.is_well_formed(token_or_id):
            where, key = "token_hash = ?", tokens.hash_token(token_or_id)
        else:
            raise StoreError(lazy_gettext(MISSING_SHARE_MESSAGE))
        with store_sql.transaction(self._backend, write=True) as tx:
            link = tx.one(f"SELECT run_id FROM shares WHERE {where}", (key,))
            if link is None:
                raise StoreError(lazy_gettext(MISSING_SHARE_MESSAGE))
            try:
                _check_owner(tx, link["run_id"], viewer)
            except StoreError:
                raise StoreError(lazy_gettext(MISSING_SHARE_MESSAGE)) from None
            tx.execute(
                f"UPDATE shares SET revoked_at = ? WHERE {where} AND revoked_at IS NULL",
                (_iso(store_sql.utc_now()), key),
            )
            row = tx.one(f"SELECT * FROM shares WHERE {where}", (key,))
        if row is None:
            raise StoreError(lazy_gettext(MISSING_SHARE_MESSAGE))
        return share_link_from_row(row)

    def list_shares(self, run_id: str, *, viewer: Viewer | None = None) -> list[ShareLink]:
        """Every link ever made for a run (revoked and expired included), newest first; tokens are not recoverable."""
        with store_sql.transaction(self._backend) as tx:
            _check_owner(tx, run_id, viewer)
            rows = tx.all(
                "SELECT * FROM shares WHERE run_id = ? ORDER BY created_at DESC, share_id", (run_id,)
            )
        return [share_link_from_row(r) for r in rows]


def open_store(url: str | None = None) -> Store:
    """Open (and create or upgrade) the store.

    ``url``: None or "" -> $SEGCORE_DATABASE_URL if set, else SQLite at ./data/segcore.sqlite3 (folder from
    $SEGCORE_DATA_DIR); "sqlite:///path" -> SQLite file there; "postgresql://..." -> PostgreSQL.
    Raises StoreError for an unsupported URL, an unreachable database, or one written by a newer segcore.
    """
    store = Store(store_sql.parse_url(url))
    store.migrate()
    return store


# -- helpers ------------------------------------------------------------------------------------------------------
def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="microseconds")


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _may_use(viewer: Viewer | None, owner: str | None) -> bool:
    return viewer is None or viewer.may_use(owner)


def _visible(viewer: Viewer | None) -> tuple[str, tuple]:
    """An SQL condition (and its parameters) keeping the runs ``viewer`` may see."""
    if viewer is None or viewer.is_admin:
        return "1 = 1", ()
    return "owner = ?", (viewer.user,)


def _check_owner(tx: store_sql.Tx, run_id: str, viewer: Viewer | None) -> None:
    """StoreError (the not-found message) unless the run exists and ``viewer`` may use it."""
    row = tx.one("SELECT owner FROM runs WHERE run_id = ?", (check_id(run_id),))
    if row is None or not _may_use(viewer, row["owner"]):
        raise StoreError(lazy_gettext(MISSING_RUN_MESSAGE))


__all__ = ["RunInfo", "SavedRun", "ShareLink", "Store", "open_store"]
