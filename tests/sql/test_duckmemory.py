"""DuckDB's memory limit follows the machine (a quarter of it, 1-8 GB), the container's limit when lower, and the
SEGCORE_DUCKDB_MEMORY setting when given; the log connection uses it."""

from __future__ import annotations

from helpers import SAMPLE_DATA

from segcore.sql import duckmemory
from segcore.sql.logsource import open_log

GB = 1024**3


def test_a_quarter_of_the_memory_between_one_and_eight_gb(monkeypatch):
    monkeypatch.delenv("SEGCORE_DUCKDB_MEMORY", raising=False)
    for total, want in ((24 * GB, "6144MiB"), (64 * GB, "8192MiB"), (2 * GB, "1024MiB"), (None, "1024MiB")):
        monkeypatch.setattr(duckmemory, "machine_memory", lambda total=total: total)
        assert duckmemory.memory_limit() == want, total


def test_the_setting_wins(monkeypatch):
    monkeypatch.setenv("SEGCORE_DUCKDB_MEMORY", "3GB")
    assert duckmemory.memory_limit() == "3GB"


def test_a_container_limit_lower_than_the_machine_counts(tmp_path, monkeypatch):
    v2, v1 = tmp_path / "memory.max", tmp_path / "limit_in_bytes"
    monkeypatch.setattr(duckmemory, "CGROUP_LIMITS", (v2, v1))
    v2.write_text("max\n")  # no limit
    v1.write_text(str(2 * GB))
    assert duckmemory.machine_memory() == 2 * GB
    v1.write_text("9223372036854771712")  # cgroup v1's "no limit"
    assert duckmemory.machine_memory() > 2 * GB


def test_the_log_connection_uses_it(monkeypatch):
    import duckdb

    def setting(con) -> str:
        return con.execute("SELECT current_setting('memory_limit')").fetchone()[0]

    monkeypatch.delenv("SEGCORE_DUCKDB_MEMORY", raising=False)
    monkeypatch.setattr(duckmemory, "machine_memory", lambda: 12 * GB)
    src = open_log(str(SAMPLE_DATA / "transactions.csv"))
    try:
        assert setting(src.connection) == setting(duckdb.connect(config={"memory_limit": "3GiB"}))
    finally:
        src.close()


def test_a_repeated_group_by_may_always_double_its_start(monkeypatch):
    monkeypatch.delenv("SEGCORE_DUCKDB_MEMORY", raising=False)
    for total in (2 * GB, 4 * GB, 24 * GB, 40 * GB, 256 * GB, None):
        monkeypatch.setattr(duckmemory, "machine_memory", lambda total=total: total)
        start_gib = int(duckmemory.memory_limit().removesuffix("MiB")) / 1024
        assert 2 * start_gib <= duckmemory.retry_ceiling_gib(), total
    monkeypatch.setattr(duckmemory, "machine_memory", lambda: 24 * GB)
    assert duckmemory.retry_ceiling_gib() == 12
