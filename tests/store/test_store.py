"""Store: saved runs, migrations, share links and concurrency, on SQLite and PostgreSQL; plus compare_runs."""

from __future__ import annotations

import hashlib
import io
import multiprocessing
import re
import sqlite3
import threading
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pg
import pytest

from segcore.errors import StoreError
from segcore.insight.compare import NOT_IN_A, NOT_IN_B, compare_runs
from segcore.store import backend as store_sql
from segcore.store import tokens
from segcore.store.access import Viewer
from segcore.store.records import SavedRun
from segcore.store.runs import Store, open_store

INVALID = tokens.INVALID_LINK_MESSAGE
TRICKY_TITLE = "<script>alert('x')</script> Kunden Müller & Söhne — 東京 😀 \"quoted\""


@pytest.fixture(scope="session")
def pg_base_url():
    if pg.find_bin_dir() is None:
        pytest.fail(pg.INSTALL_HINT)
    with pg.postgres_server() as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.sqlite3'}"
    return pg.fresh_database(request.getfixturevalue("pg_base_url"))


@pytest.fixture
def store(db_url) -> Store:
    return open_store(db_url)


@pytest.fixture
def clock(monkeypatch):
    """A controllable UTC clock: ``clock.now`` is what the store sees; advance it with ``clock.now += ...``."""

    class Clock:
        now = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)

    monkeypatch.setattr(store_sql, "utc_now", lambda: Clock.now)
    return Clock


def save(store: Store, title: str = "Q1 customers", **overrides):
    values = dict(
        title=title,
        note="",
        spec={"features": ["recency", "monetary"], "k": 2},
        aggregates={
            "headline": {"customers": 42, "segments": 2},
            "profiles": [{"segment": 0, "size": 30}, {"segment": 1, "size": 12}],
        },
        model_bytes=b"model",
        fingerprint="fp-1",
        load_report={"rows_read": 42},
    )
    values.update(overrides)
    return store.save_run(**values)


def raw(store: Store, sql: str, params=()) -> list[dict]:
    with store_sql.transaction(store.backend) as tx:
        return tx.all(sql, params)


# -- saved runs ---------------------------------------------------------------------------------------------------
def test_round_trip_of_every_field(store, real_data, clock):
    customers = pd.read_csv(real_data / "wholesale_customers.csv")
    buffer = io.BytesIO()
    customers.to_parquet(buffer, index=False)
    model = bytes(range(256)) * 4096 + b"\x00" * 10  # every byte value, 1 MB
    spec = {"features": ["Fresh", "Milk"], "weights": {"Fresh": 1.5}, "k": None, "name": "Ünïcode ✓"}
    profiles = [
        {"segment": 0, "name": "Cafés & hôtels", "size": 298, "share": 0.677, "traits": ["<b>big</b>"]},
        {"segment": 1, "name": "Retail", "size": 142, "share": 0.323, "traits": []},
    ]
    aggregates = {
        "headline": {"customers": 440, "segments": 2},
        "profiles": profiles,
        "map": {"x": [0.5, -1.25], "y": [1e-9, 3.0]},
        "missing": None,
    }
    load_report = {"source": "wholesale_customers.csv", "rows_read": 440, "warnings": ["ligne 3: « vide »"]}

    info = store.save_run(
        title=TRICKY_TITLE,
        note="line one\nline two — ok",
        spec=spec,
        aggregates=aggregates,
        model_bytes=model,
        fingerprint="b2f0c1",
        load_report=load_report,
        rows=buffer.getvalue(),
    )

    assert re.fullmatch(r"[0-9a-f]{32}", info.run_id)
    assert (info.title, info.note, info.fingerprint) == (TRICKY_TITLE, "line one\nline two — ok", "b2f0c1")
    assert (info.n_customers, info.n_segments, info.has_rows) == (440, 2, True)
    assert info.created_at == "2025-03-01T09:30:00.000000+00:00"
    run = store.get_run(info.run_id)
    assert run.info == info
    assert (run.spec, run.profiles, run.aggregates, run.load_report) == (
        spec,
        profiles,
        aggregates,
        load_report,
    )
    assert run.model_bytes == model
    pd.testing.assert_frame_equal(pd.read_parquet(io.BytesIO(run.rows)), customers)
    assert store.list_runs() == [info]
    assert SavedRun.from_dict(run.to_dict()) == run


def test_rows_are_only_kept_when_given_and_numpy_values_become_plain_json(store):
    info = save(
        store,
        aggregates={
            "headline": {"customers": np.int64(7), "segments": np.int64(1)},
            "counts": np.array([3, 4]),
            "mean": np.float32(0.5),
        },
    )
    run = store.get_run(info.run_id)
    assert (info.has_rows, run.rows) == (False, None)
    assert run.aggregates == {"headline": {"customers": 7, "segments": 1}, "counts": [3, 4], "mean": 0.5}
    assert (info.n_customers, info.n_segments) == (7, 1)


def test_listing_counts_are_the_summary_headline_and_profiles_are_stored_once(store):
    """Unassigned customers are a profile but not a segment: the listing says what the run's headline says."""
    profiles = [{"segment": 0, "size": 30}, {"segment": 1, "size": 12}, {"segment": -1, "size": 8}]
    info = save(store, aggregates={"headline": {"customers": 50, "segments": 2}, "profiles": profiles})
    assert (info.n_customers, info.n_segments) == (50, 2)
    assert store.get_run(info.run_id).profiles == profiles
    row = raw(store, "SELECT * FROM runs WHERE run_id = ?", (info.run_id,))[0]
    assert "profiles" not in row  # one copy, in the aggregates


def test_a_summary_without_headline_is_refused(store):
    with pytest.raises(StoreError, match="headline"):
        save(store, aggregates={"profiles": []})


def test_list_rename_delete_and_fingerprint_lookup(store, clock):
    first = save(store, "First", fingerprint="fp-a")
    clock.now += timedelta(minutes=1)
    second = save(store, "Second", fingerprint="fp-b")
    clock.now += timedelta(minutes=1)
    third = save(store, "Third", fingerprint="fp-a")

    assert [r.title for r in store.list_runs()] == ["Third", "Second", "First"]
    assert [r.run_id for r in store.runs_for_fingerprint("fp-a")] == [third.run_id, first.run_id]
    assert store.runs_for_fingerprint("fp-unknown") == []

    renamed = store.rename_run(second.run_id, "  Second,\n  renamed <i>now</i> ")
    assert renamed.title == "Second, renamed <i>now</i>"
    assert renamed.created_at == second.created_at
    assert store.get_run(second.run_id).title == "Second, renamed <i>now</i>"

    store.delete_run(first.run_id)
    assert [r.run_id for r in store.list_runs()] == [third.run_id, second.run_id]
    with pytest.raises(StoreError, match="no longer exists"):
        store.get_run(first.run_id)
    with pytest.raises(StoreError, match="no longer exists"):
        store.delete_run(first.run_id)
    with pytest.raises(StoreError, match="no longer exists"):
        store.rename_run(first.run_id, "Back")


@pytest.mark.parametrize("bad_id", ["", "nope", "../../etc/passwd", "0" * 31, "A" * 32, "' OR 1=1 --", None])
def test_ids_that_cannot_exist_are_reported_as_missing(store, bad_id):
    with pytest.raises(StoreError, match="That saved segmentation no longer exists"):
        store.get_run(bad_id)


@pytest.mark.parametrize(
    ("title", "message"),
    [("", "Give the saved segmentation a title"), ("  \n ", "Give the saved"), ("x" * 201, "201 characters")],
)
def test_bad_titles_are_rejected_with_a_hint(store, title, message):
    with pytest.raises(StoreError, match=message):
        save(store, title)
    assert store.list_runs() == []


def test_values_that_are_not_json_are_a_store_error_and_nothing_is_saved(store):
    with pytest.raises(StoreError, match="chart data contain a value that cannot be stored"):
        save(store, aggregates={"headline": {"customers": 1, "segments": 1}, "f": object()})
    assert store.list_runs() == []


# -- schema and migrations ----------------------------------------------------------------------------------------
def test_migrations_are_recorded_in_order_and_idempotent(store, db_url):
    versions = [r["version"] for r in raw(store, "SELECT version FROM schema_version ORDER BY version")]
    assert versions == list(range(1, store_sql.LATEST_VERSION + 1))
    info = save(store)
    assert store.migrate() == 0
    again = open_store(db_url)
    assert again.schema_version() == store_sql.LATEST_VERSION
    assert len(raw(again, "SELECT version FROM schema_version")) == store_sql.LATEST_VERSION
    assert again.list_runs() == [info]


def test_an_older_database_is_upgraded_step_by_step(db_url, monkeypatch):
    backend = store_sql.parse_url(db_url)
    monkeypatch.setattr(store_sql, "MIGRATIONS", store_sql.MIGRATIONS[:1])
    monkeypatch.setattr(store_sql, "LATEST_VERSION", 1)
    assert store_sql.migrate(backend) == 1
    monkeypatch.undo()
    assert store_sql.schema_version(backend) == 1
    store = open_store(db_url)
    assert store.schema_version() == store_sql.LATEST_VERSION == 5
    assert store.create_share(save(store).run_id).token  # the table from migration 2 now exists
    assert "profiles" not in raw(store, "SELECT * FROM runs")[0]  # migration 3 dropped the second copy


def test_a_database_from_a_newer_segcore_is_refused(store, db_url):
    newer = store_sql.LATEST_VERSION + 1
    with store_sql.transaction(store.backend, write=True) as tx:
        tx.execute("INSERT INTO schema_version (version, applied_at) VALUES (?, ?)", (newer, "2099-01-01"))
    with pytest.raises(StoreError, match=rf"newer version of segcore \(schema version {newer}; .* up to {store_sql.LATEST_VERSION}\)"):
        open_store(db_url)


# -- share links --------------------------------------------------------------------------------------------------
def test_share_link_round_trip_and_only_a_hash_is_stored(store, db_url):
    info = save(store)
    link = store.create_share(info.run_id)
    assert tokens.is_well_formed(link.token) and len(link.token) >= 43
    assert (link.run_id, link.expires_at, link.revoked) == (info.run_id, None, False)
    assert store.resolve_share(link.token) == info

    stored = raw(store, "SELECT * FROM shares")
    assert len(stored) == 1
    assert stored[0]["token_hash"] == hashlib.sha256(link.token.encode()).hexdigest() != link.token
    assert link.token not in repr(stored) + repr(raw(store, "SELECT * FROM runs"))
    if db_url.startswith("sqlite"):
        path = store.backend.target
        on_disk = b"".join(Path(p).read_bytes() for p in (path, path + "-wal") if Path(p).exists())
        assert hashlib.sha256(link.token.encode()).hexdigest().encode() in on_disk
        assert link.token.encode() not in on_disk

    listed = store.list_shares(info.run_id)
    assert [(s.share_id, s.token, s.revoked) for s in listed] == [(link.share_id, None, False)]


def test_expired_revoked_and_wrong_tokens_give_the_same_message(store, clock):
    run_id = save(store).run_id
    expiring = store.create_share(run_id, expires_in=timedelta(days=7))
    revoked = store.create_share(run_id)
    kept = store.create_share(run_id)
    assert expiring.expires_at == "2025-03-08T09:30:00.000000+00:00"

    clock.now += timedelta(days=6, hours=23)
    assert store.resolve_share(expiring.token).run_id == run_id
    store.revoke_share(revoked.token)
    clock.now += timedelta(hours=1)

    tampered = kept.token[:-1] + ("A" if kept.token[-1] != "A" else "B")
    messages = set()
    for token in (expiring.token, revoked.token, tokens.new_token(), tampered):
        with pytest.raises(StoreError) as caught:
            store.resolve_share(token)
        messages.add(str(caught.value))
    assert messages == {INVALID}
    assert store.resolve_share(kept.token).run_id == run_id
    assert {s.share_id: s.revoked for s in store.list_shares(run_id)} == {
        expiring.share_id: False,
        revoked.share_id: True,
        kept.share_id: False,
    }


@pytest.mark.parametrize(
    "token",
    [
        "",
        "short",
        "a" * 42,
        "a" * 44,
        "a" * 42 + "!",
        "a" * 42 + "=",
        "é" * 43,
        "a" * 21 + " " + "a" * 21,
        None,
        12,
    ],
)
def test_malformed_tokens_are_rejected_before_any_lookup(store, monkeypatch, token):
    def no_database(self):
        raise RuntimeError("the database must not be touched")

    monkeypatch.setattr(store_sql.Backend, "connect", no_database)
    with pytest.raises(StoreError) as caught:
        store.resolve_share(token)
    assert str(caught.value) == INVALID


def test_revoke_by_id_or_token_is_idempotent(store):
    run_id = save(store).run_id
    by_id, by_token = store.create_share(run_id), store.create_share(run_id)
    assert store.revoke_share(by_id.share_id).revoked is True
    assert store.revoke_share(by_token.token).share_id == by_token.share_id
    assert store.revoke_share(by_token.token).revoked is True  # twice: harmless
    assert all(s.revoked for s in store.list_shares(run_id))
    for gone in (by_id.token, by_token.token):
        with pytest.raises(StoreError, match="This link is not valid"):
            store.resolve_share(gone)
    for unknown in ("f" * 32, tokens.new_token(), "garbage"):
        with pytest.raises(StoreError, match="That share link was not found"):
            store.revoke_share(unknown)


def test_deleting_a_run_deletes_its_share_links(store):
    doomed, other = save(store, "Doomed"), save(store, "Other")
    link, other_link = store.create_share(doomed.run_id), store.create_share(other.run_id)
    store.delete_run(doomed.run_id)
    with pytest.raises(StoreError, match="This link is not valid"):
        store.resolve_share(link.token)
    assert [r["run_id"] for r in raw(store, "SELECT run_id FROM shares")] == [other.run_id]
    assert store.resolve_share(other_link.token) == other
    with pytest.raises(StoreError, match="no longer exists"):
        store.list_shares(doomed.run_id)


@pytest.mark.parametrize("expires_in", [timedelta(0), timedelta(seconds=-5)])
def test_share_links_must_expire_in_the_future(store, expires_in):
    with pytest.raises(StoreError, match="Pick a positive duration"):
        store.create_share(save(store).run_id, expires_in=expires_in)


def test_cannot_share_a_missing_run(store):
    with pytest.raises(StoreError, match="no longer exists"):
        store.create_share("0" * 32)


# -- opening the store --------------------------------------------------------------------------------------------
def test_default_location_is_data_folder_or_env(tmp_path, monkeypatch):
    monkeypatch.delenv(store_sql.DATABASE_URL_ENV, raising=False)
    monkeypatch.delenv(store_sql.DATA_DIR_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    assert open_store().location == str(tmp_path / "data" / "segcore.sqlite3")
    assert (tmp_path / "data" / "segcore.sqlite3").is_file()

    monkeypatch.setenv(store_sql.DATA_DIR_ENV, str(tmp_path / "elsewhere" / "deep"))
    assert open_store("").location == str(tmp_path / "elsewhere" / "deep" / "segcore.sqlite3")

    monkeypatch.setenv(store_sql.DATABASE_URL_ENV, f"sqlite:///{tmp_path / 'from_env.db'}")
    assert open_store(None).location == str(tmp_path / "from_env.db")
    assert open_store(f"sqlite:///{tmp_path / 'explicit.db'}").location == str(tmp_path / "explicit.db")


def test_sqlite_runs_in_wal_mode(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 's.db'}")
    with sqlite3.connect(store.backend.target) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://root:hunter2@db/segments", r"'mysql://root:\*\*\*@db/segments' is not supported"),
        ("sqlite:///:memory:", "in-memory database would forget"),
        ("sqlite:///", "names no file"),
    ],
)
def test_unsupported_urls_are_explained(url, message):
    with pytest.raises(StoreError, match=message) as caught:
        open_store(url)
    assert "hunter2" not in str(caught.value)


def test_unreachable_server_and_broken_file_are_store_errors(tmp_path):
    url = f"postgresql://someone:hunter2@127.0.0.1:{pg.free_port()}/segments"
    with pytest.raises(
        StoreError, match=r"postgresql://someone:\*\*\*@127.0.0.1:\d+/segments could not be used"
    ):
        open_store(url)
    not_a_db = tmp_path / "notes.sqlite3"
    not_a_db.write_bytes(b"this is a text file, not a database " * 100)
    with pytest.raises(StoreError, match="could not be used"):
        open_store(f"sqlite:///{not_a_db}")


# -- concurrency --------------------------------------------------------------------------------------------------
def test_one_store_is_safe_to_share_between_threads(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'threads.db'}")
    barrier = threading.Barrier(6)

    def work(i: int) -> str:
        barrier.wait()
        info = save(store, f"thread {i}", model_bytes=bytes([i]) * 1000)
        assert store.get_run(info.run_id).model_bytes == bytes([i]) * 1000
        store.list_runs()
        return info.run_id

    with ThreadPoolExecutor(6) as pool:
        ids = list(pool.map(work, range(6)))
    assert sorted(r.run_id for r in store.list_runs()) == sorted(ids)


SAVES_PER_PROCESS = 10
PROCESSES = 4


def _model_bytes(worker: int, i: int) -> bytes:
    return hashlib.sha256(f"{worker}-{i}".encode()).digest() * 2048  # 64 KB, different per save


def _save_and_read(url: str, worker: int) -> list[tuple[str, str]]:
    """Runs in a spawned process: its own Store on the shared database, saves interleaved with reads."""
    store = open_store(url)
    saved = []
    for i in range(SAVES_PER_PROCESS):
        model = _model_bytes(worker, i)
        info = save(store, f"worker {worker} run {i}", model_bytes=model, fingerprint=f"w{worker}")
        if store.get_run(info.run_id).model_bytes != model:
            raise RuntimeError(f"run {info.run_id} read back different bytes")
        store.list_runs()
        saved.append((info.run_id, hashlib.sha256(model).hexdigest()))
    return saved


@pytest.mark.slow
def test_several_processes_save_and_read_at_once(db_url):
    open_store(db_url)  # schema first, so workers race on data rather than on DDL (they also migrate: no-op)
    with ProcessPoolExecutor(PROCESSES, mp_context=multiprocessing.get_context("spawn")) as pool:
        results = list(pool.map(_save_and_read, [db_url] * PROCESSES, range(PROCESSES)))

    store = open_store(db_url)
    saved = [item for worker in results for item in worker]
    assert len(saved) == PROCESSES * SAVES_PER_PROCESS == len({run_id for run_id, _ in saved})
    assert sorted(r.run_id for r in store.list_runs()) == sorted(run_id for run_id, _ in saved)
    for run_id, checksum in saved:
        assert hashlib.sha256(store.get_run(run_id).model_bytes).hexdigest() == checksum
    for worker in range(PROCESSES):
        assert len(store.runs_for_fingerprint(f"w{worker}")) == SAVES_PER_PROCESS
    if db_url.startswith("sqlite"):
        assert raw(store, "PRAGMA integrity_check") == [{"integrity_check": "ok"}]


@pytest.mark.slow
def test_fresh_database_migrated_by_racing_processes(db_url):
    with ProcessPoolExecutor(3, mp_context=multiprocessing.get_context("spawn")) as pool:
        versions = list(pool.map(_open_and_version, [db_url] * 3))
    assert versions == [store_sql.LATEST_VERSION] * 3
    assert len(raw(open_store(db_url), "SELECT version FROM schema_version")) == store_sql.LATEST_VERSION


def _open_and_version(url: str) -> int:
    return open_store(url).schema_version()


# -- compare_runs -------------------------------------------------------------------------------------------------
def test_compare_runs_matches_on_ids_and_counts_customers_in_one_run_only():
    a = pd.DataFrame({"customer": ["c1", "c2", "c3", "c4", "c5"], "segment": [0, 0, 1, 1, 2]})
    b = pd.DataFrame({"customer": ["c5", "c4", "c3", "c2", "c6"], "segment": [1, 1, 1, 0, 0]})
    table = compare_runs(a, b, id_column="customer")
    expected = pd.DataFrame(
        [[1, 0, 1], [0, 2, 0], [0, 1, 0], [1, 0, 0]],
        index=pd.Index([0, 1, 2, NOT_IN_A], name="segment_a"),
        columns=pd.Index([0, 1, NOT_IN_B], name="segment_b"),
    )
    pd.testing.assert_frame_equal(table, expected, check_index_type=False, check_column_type=False)
    assert table.attrs == {"matched_on": "id", "n_matched": 4}
    assert int(table.to_numpy().sum()) == 6  # every customer of either run is counted once


def test_compare_runs_uses_row_order_without_ids_and_text_vs_number_ids_match():
    a = pd.DataFrame({"segment": [0, 1, 1, 0]})
    b = pd.DataFrame({"segment": [1, 1, 0, 0]})
    table = compare_runs(a, b, id_column=None)
    assert table.to_numpy().tolist() == [[1, 1], [1, 1]]
    assert table.attrs["matched_on"] == "row order"

    numeric = pd.DataFrame({"id": [1, 2], "segment": [0, 1]})
    text = pd.DataFrame({"id": ["2", "1"], "segment": [0, 1]})
    assert compare_runs(numeric, text, id_column="id").to_numpy().tolist() == [[0, 1], [1, 0]]


@pytest.mark.parametrize(
    ("a", "b", "message"),
    [
        ({"segment": [0, 1]}, {"segment": [0, 1, 1]}, r"different numbers of rows \(A: 2, B: 3\)"),
        ({"id": [1, 1, 2], "segment": [0, 1, 1]}, {"id": [1, 2, 3], "segment": [0, 1, 1]}, "ids repeat in segmentation A"),
        ({"id": [1.0, None], "segment": [0, 1]}, {"id": [1.0, 2.0], "segment": [0, 1]}, "1 customers in segmentation A have no 'id'"),
        ({"id": [1, 2], "cluster": [0, 1]}, {"id": [1, 2], "segment": [0, 1]}, "Segmentation A has no 'segment' column"),
    ],
)  # fmt: skip
def test_compare_runs_explains_what_cannot_be_matched(a, b, message):
    with pytest.raises(StoreError, match=message):
        compare_runs(pd.DataFrame(a), pd.DataFrame(b), id_column="id")


def test_compare_runs_on_real_data_same_file_two_segmentations(real_data):
    df = pd.read_csv(real_data / "wholesale_customers.csv")
    a = pd.DataFrame({"row": range(len(df)), "segment": df["Channel"] - 1})
    b = pd.DataFrame({"row": range(len(df))[::-1], "segment": (df["Region"] - 1).to_numpy()[::-1]})
    table = compare_runs(a, b, id_column="row")
    assert table.to_numpy().sum() == len(df) == table.attrs["n_matched"]
    assert table.to_numpy().tolist() == pd.crosstab(df["Channel"], df["Region"]).to_numpy().tolist()


def test_waves_of_a_series_are_comparable_across_fingerprints(store, clock):
    wave1 = save(store, "January", fingerprint="fp-jan", series="  Monthly   customers ")
    clock.now += timedelta(minutes=1)
    other = save(store, "Unrelated", fingerprint="fp-x")
    clock.now += timedelta(minutes=1)
    wave2 = save(store, "February", fingerprint="fp-feb", series="Monthly customers")
    assert store.get_run(wave2.run_id).series == "Monthly customers" == wave1.series
    assert [r.title for r in store.comparable_runs("fp-feb", "Monthly customers")] == ["February", "January"]
    assert [r.run_id for r in store.comparable_runs("fp-x", "")] == [other.run_id]  # no series: same data only
    assert store.list_runs()[0].series == "Monthly customers" and other.series == ""


# -- owners -------------------------------------------------------------------------------------------------------
ANA, BEN, ADMIN = Viewer("ana@example.com"), Viewer("ben@example.com"), Viewer("boss@example.com", is_admin=True)


def test_a_run_belongs_to_who_saved_it_and_others_cannot_see_or_touch_it(store):
    mine = save(store, "Ana's run", owner=ANA.user)
    theirs = save(store, "Ben's run", owner=BEN.user)
    assert raw(store, "SELECT owner FROM runs WHERE run_id = ?", (mine.run_id,)) == [{"owner": "ana@example.com"}]
    assert [r.title for r in store.list_runs(viewer=ANA)] == ["Ana's run"]
    assert {r.title for r in store.list_runs(viewer=ADMIN)} == {"Ana's run", "Ben's run"}
    assert [r.run_id for r in store.runs_for_fingerprint("fp-1", viewer=BEN)] == [theirs.run_id]
    assert [r.run_id for r in store.comparable_runs("fp-1", viewer=BEN)] == [theirs.run_id]
    assert store.get_run(mine.run_id, viewer=ANA).owner == ANA.user
    # Ben, knowing Ana's run id, gets the same answer as for a run that does not exist
    for attempt in (
        lambda: store.get_run(mine.run_id, viewer=BEN),
        lambda: store.delete_run(mine.run_id, viewer=BEN),
        lambda: store.rename_run(mine.run_id, "taken over", viewer=BEN),
        lambda: store.create_share(mine.run_id, viewer=BEN),
        lambda: store.list_shares(mine.run_id, viewer=BEN),
    ):
        with pytest.raises(StoreError, match="no longer exists"):
            attempt()
    link = store.create_share(mine.run_id, viewer=ANA)
    with pytest.raises(StoreError, match="share link was not found"):
        store.revoke_share(link.share_id, viewer=BEN)
    assert store.resolve_share(link.token).run_id == mine.run_id  # the link itself still works for readers
    assert store.get_run(mine.run_id, viewer=ANA).title == "Ana's run"
    # an admin may manage anyone's run
    store.revoke_share(link.share_id, viewer=ADMIN)
    store.delete_run(theirs.run_id, viewer=ADMIN)
    assert [r.title for r in store.list_runs()] == ["Ana's run"]


def test_runs_saved_before_owners_were_recorded_are_the_admins_alone(store):
    legacy = save(store, "from before")  # owner NULL, as after migration 3 on an old database
    assert store.list_runs(viewer=ANA) == []
    with pytest.raises(StoreError, match="no longer exists"):
        store.get_run(legacy.run_id, viewer=ANA)
    assert store.get_run(legacy.run_id, viewer=ADMIN).owner is None
