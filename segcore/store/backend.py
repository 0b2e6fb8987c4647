"""The SQL layer under the store: one code path for SQLite and PostgreSQL, plus the schema migrations.

Plain DB-API with a tiny dialect shim (placeholders, the binary column type, how a write transaction starts). Every
call opens its own short-lived connection, so a Store can be shared by Streamlit's session threads and by several
processes: SQLite runs in WAL mode with a generous busy timeout and takes the write lock up front (BEGIN
IMMEDIATE); PostgreSQL relies on its transactions plus an advisory lock while migrating.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit, urlunsplit

from segcore.errors import StoreError
from segcore.i18n import _l

# Environment variables: where the default SQLite file lives, and a full database URL that overrides it.
DATA_DIR_ENV = "SEGCORE_DATA_DIR"
DATABASE_URL_ENV = "SEGCORE_DATABASE_URL"
# The default database: a single file next to the app, so a laptop install needs no server.
DEFAULT_DATA_DIR = "data"
DEFAULT_SQLITE_NAME = "segcore.sqlite3"
# How long a writer waits for another writer before giving up. Saves are short, so 30 s only runs out when
# something is badly stuck; a shorter wait would fail saves when several people save at the same moment.
BUSY_TIMEOUT_S = 30.0
# How long to wait for a PostgreSQL server to answer before telling the user it is unreachable.
CONNECT_TIMEOUT_S = 10
# Arbitrary constant key of the PostgreSQL advisory lock that serialises concurrent migrations.
MIGRATION_LOCK_KEY = 7_302_114_551

# Numbered migrations, applied in order, each once, inside one transaction. Never edit a released step: append.
# "{blob}" is the dialect's binary type. Timestamps are UTC ISO-8601 text (sortable, identical in both databases).
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (  # 1: saved runs. Bytes columns come last so listing runs never reads the large payloads.
        """CREATE TABLE runs (
            run_id TEXT PRIMARY KEY,
            title TEXT NOT NULL,
            note TEXT NOT NULL,
            created_at TEXT NOT NULL,
            fingerprint TEXT NOT NULL,
            n_customers INTEGER NOT NULL,
            n_segments INTEGER NOT NULL,
            has_rows INTEGER NOT NULL,
            spec TEXT NOT NULL,
            profiles TEXT NOT NULL,
            aggregates TEXT NOT NULL,
            load_report TEXT NOT NULL,
            model {blob} NOT NULL,
            customer_rows {blob}
        )""",
        "CREATE INDEX runs_fingerprint ON runs (fingerprint)",
        "CREATE INDEX runs_created_at ON runs (created_at)",
    ),
    (  # 2: share links. Only the SHA-256 of each token is kept, so a leaked database holds no working link.
        """CREATE TABLE shares (
            share_id TEXT PRIMARY KEY,
            token_hash TEXT NOT NULL UNIQUE,
            run_id TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
            created_at TEXT NOT NULL,
            expires_at TEXT,
            revoked_at TEXT
        )""",
        "CREATE INDEX shares_run_id ON shares (run_id)",
    ),
    (  # 3: profiles are kept once, inside the aggregates (the run's summary); the separate copy goes.
        "ALTER TABLE runs DROP COLUMN profiles",
    ),
    (  # 4: waves. Runs of the same customers month after month share a series, so they can be compared.
        "ALTER TABLE runs ADD COLUMN series TEXT NOT NULL DEFAULT ''",
        "CREATE INDEX runs_series ON runs (series)",
    ),
    (  # 5: who saved each run (the signed-in user); NULL for runs saved before, which only admins can open.
        "ALTER TABLE runs ADD COLUMN owner TEXT",
        "CREATE INDEX runs_owner ON runs (owner)",
    ),
)
LATEST_VERSION = len(MIGRATIONS)


@dataclass(frozen=True)
class Backend:
    """Where the data lives and how to talk to it. ``target`` is a file path (SQLite) or a libpq URL (PostgreSQL)."""

    kind: Literal["sqlite", "postgresql"]
    target: str

    @property
    def display(self) -> str:
        """The location as shown in messages, with any password removed."""
        return self.target if self.kind == "sqlite" else redact_url(self.target)

    @property
    def blob_type(self) -> str:
        return "BLOB" if self.kind == "sqlite" else "BYTEA"

    @property
    def begin_write(self) -> str:
        # SQLite: take the write lock now, not at the first write, so two writers never deadlock on an upgrade.
        return "BEGIN IMMEDIATE" if self.kind == "sqlite" else "BEGIN"

    def sql(self, text: str) -> str:
        """Our statements use ``?`` placeholders; psycopg wants ``%s``."""
        return text if self.kind == "sqlite" else text.replace("?", "%s")

    def operational_errors(self) -> tuple[type[BaseException], ...]:
        """Errors caused by the environment (locked, unreachable, not a database), shown to the user as StoreError."""
        if self.kind == "sqlite":
            return (sqlite3.OperationalError,)
        import psycopg

        return (psycopg.OperationalError,)

    def connect(self) -> Any:
        """A new DB-API connection in autocommit mode: transactions are started explicitly with BEGIN."""
        if self.kind == "sqlite":
            conn = sqlite3.connect(self.target, timeout=BUSY_TIMEOUT_S, isolation_level=None)
            conn.execute("PRAGMA foreign_keys = ON")
            return conn
        import psycopg  # lazy: SQLite users never pay for it

        return psycopg.connect(self.target, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S)


def redact_url(url: str) -> str:
    """``url`` without its password, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    netloc = f"{parts.username}:***@{host}" if parts.username else f"***@{host}"
    return urlunsplit(parts._replace(netloc=netloc))


def default_sqlite_path(env: dict[str, str] | None = None) -> Path:
    """./data/segcore.sqlite3, or segcore.sqlite3 inside $SEGCORE_DATA_DIR when that is set."""
    env = os.environ if env is None else env
    folder = env.get(DATA_DIR_ENV) or DEFAULT_DATA_DIR
    return Path(folder) / DEFAULT_SQLITE_NAME


def parse_url(url: str | None) -> Backend:
    """Turn a database URL (or None / "" for the default, honouring $SEGCORE_DATABASE_URL) into a Backend."""
    if not url:
        url = os.environ.get(DATABASE_URL_ENV) or ""
    if not url:
        return _sqlite_backend(default_sqlite_path())
    if url.startswith(("postgresql://", "postgres://")):
        return Backend("postgresql", url)
    if url.startswith("sqlite:///"):
        path = url[len("sqlite:///") :]
        if not path or path == ":memory:":
            raise StoreError(
                _l(
                    "The database URL {url!r} names no file (an in-memory database would forget every saved "
                    "run). Use sqlite:///path/to/segcore.sqlite3.",
                    url=url,
                )
            )
        return _sqlite_backend(Path(path))
    raise StoreError(
        _l(
            "The database URL {redact_url!r} is not supported. Use sqlite:///path/to/file.sqlite3 or "
            "postgresql://user:password@host:5432/database (check SEGCORE_DATABASE_URL).",
            redact_url=redact_url(url),
        )
    )


def _sqlite_backend(path: Path) -> Backend:
    path = path.expanduser().resolve()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise StoreError(
            _l(
                "Could not create the folder {parent} for the saved segmentations ({strerror}). Choose a "
                "writable folder with {data_dir_env}.",
                parent=path.parent, strerror=e.strerror, data_dir_env=DATA_DIR_ENV,
            )
        ) from e
    return Backend("sqlite", str(path))


class Tx:
    """One open transaction: run statements with ``?`` placeholders and get rows back as dicts."""

    def __init__(self, backend: Backend, conn: Any) -> None:
        self._backend = backend
        self._cur = conn.cursor()

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run a statement; returns the number of rows it changed."""
        self._cur.execute(self._backend.sql(sql), tuple(params))
        return self._cur.rowcount

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        self._cur.execute(self._backend.sql(sql), tuple(params))
        names = [d[0] for d in self._cur.description]
        return [dict(zip(names, row, strict=True)) for row in self._cur.fetchall()]

    def one(self, sql: str, params: Sequence[Any] = ()) -> dict[str, Any] | None:
        rows = self.all(sql, params)
        return rows[0] if rows else None


@contextmanager
def transaction(backend: Backend, *, write: bool = False) -> Iterator[Tx]:
    """A short transaction on a fresh connection: committed when the block ends, rolled back if it raises.

    Environment failures (database locked for longer than the busy timeout, server unreachable, file not a
    database) become a StoreError that says where and what to do; other errors propagate unchanged.
    """
    errors = backend.operational_errors() + ((sqlite3.DatabaseError,) if backend.kind == "sqlite" else ())
    try:
        conn = backend.connect()
    except errors as e:
        raise _unavailable(backend, e) from e
    try:
        cur = conn.cursor()
        cur.execute(backend.begin_write if write else "BEGIN")
        try:
            yield Tx(backend, conn)
        except BaseException:
            cur.execute("ROLLBACK")
            raise
        cur.execute("COMMIT")
    except errors as e:
        raise _unavailable(backend, e) from e
    finally:
        conn.close()


def _unavailable(backend: Backend, error: BaseException) -> StoreError:
    reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    if "locked" in reason or "busy" in reason:
        hint = _l("Other people are saving at the same moment; try again in a minute.")
    else:
        hint = _l("Check that it exists and is reachable, or point {variable} at another database.",
                  variable=DATABASE_URL_ENV)
    return StoreError(
        _l(
            "The saved-segmentations database at {display} could not be used ({reason}). {hint}",
            display=backend.display, reason=reason, hint=hint,
        )
    )


def utc_now() -> datetime:
    """The current time in UTC (a module function so tests can move the clock)."""
    return datetime.now(UTC)


def schema_version(backend: Backend) -> int:
    """The highest migration applied to the database (0 for an empty database)."""
    with transaction(backend) as tx:
        return _read_version(tx, backend)


def migrate(backend: Backend) -> int:
    """Bring the schema up to date; returns how many migrations were applied (0 when already current).

    Safe to run from several processes at once: the migration holds the write lock (SQLite) or an advisory lock
    (PostgreSQL), so the second process waits and then finds nothing left to do.
    """
    if backend.kind == "sqlite":
        # WAL lets readers carry on while one process writes; the setting is stored in the file.
        with _autocommit(backend) as conn:
            conn.execute("PRAGMA journal_mode = WAL")
    with transaction(backend, write=True) as tx:
        if backend.kind == "postgresql":
            tx.all("SELECT pg_advisory_xact_lock(?)", (MIGRATION_LOCK_KEY,))
        tx.execute(
            "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)"
        )
        current = _read_version(tx, backend)
        for version in range(current + 1, LATEST_VERSION + 1):
            for statement in MIGRATIONS[version - 1]:
                tx.execute(statement.format(blob=backend.blob_type))
            tx.execute(
                "INSERT INTO schema_version (version, applied_at) VALUES (?, ?)",
                (version, utc_now().isoformat()),
            )
        return LATEST_VERSION - current


@contextmanager
def _autocommit(backend: Backend) -> Iterator[Any]:
    errors = backend.operational_errors() + (sqlite3.DatabaseError,)
    try:
        conn = backend.connect()
    except errors as e:
        raise _unavailable(backend, e) from e
    try:
        yield conn
    except errors as e:
        raise _unavailable(backend, e) from e
    finally:
        conn.close()


def _read_version(tx: Tx, backend: Backend) -> int:
    if backend.kind == "sqlite":
        exists = tx.one("SELECT 1 AS x FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'")
    else:
        exists = tx.one("SELECT to_regclass('schema_version') IS NOT NULL AS x")
        exists = exists if exists and exists["x"] else None
    if not exists:
        return 0
    row = tx.one("SELECT MAX(version) AS v FROM schema_version")
    version = int(row["v"]) if row and row["v"] is not None else 0
    if version > LATEST_VERSION:
        raise StoreError(
            _l(
                "The saved-segmentations database at {display} was written by a newer version of segcore "
                "(schema version {version}; this version understands up to {latest_version}). Upgrade "
                "segcore, or point {database_url_env} at another database.",
                display=backend.display, version=version, latest_version=LATEST_VERSION,
                database_url_env=DATABASE_URL_ENV,
            )
        )
    return version
