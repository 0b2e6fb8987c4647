"""A throwaway PostgreSQL server for the store tests: initdb into a temp dir, start on a free loopback port, stop.

PostgreSQL refuses to run as root, so when the tests run as root the server runs as the ``postgres`` system user
(created by the Debian/Ubuntu package) through ``runuser``. Missing binaries are a failure, not a skip: CI installs
postgresql, and a silently skipped backend would hide bugs.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# Where Debian/Ubuntu put the server binaries (one folder per major version), then the usual PATH locations.
BIN_GLOBS = ("/usr/lib/postgresql/*/bin", "/usr/local/bin", "/usr/bin", "/usr/local/pgsql/bin")
# The superuser created by initdb; trust auth on loopback only, so no password is needed.
SUPERUSER = "segcore"
# Seconds pg_ctl waits for the server to accept connections; the shared 2-core box can be slow.
START_TIMEOUT_S = 60
INSTALL_HINT = (
    "PostgreSQL server binaries (initdb, pg_ctl) were not found. Install them, e.g. `apt-get install -y postgresql` "
    "(CI installs it); the store tests run against both SQLite and PostgreSQL."
)


def find_bin_dir() -> Path | None:
    """The folder holding initdb and pg_ctl, newest major version first, or None."""
    candidates = []
    for pattern in BIN_GLOBS:
        candidates.extend(sorted(glob.glob(pattern), reverse=True))
    for folder in candidates:
        if (Path(folder) / "initdb").exists() and (Path(folder) / "pg_ctl").exists():
            return Path(folder)
    which = shutil.which("initdb")
    return Path(which).parent if which and shutil.which("pg_ctl") else None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_server_user(cmd: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return cmd
    if shutil.which("runuser"):
        return ["runuser", "-u", "postgres", "--", *cmd]
    return ["su", "postgres", "-s", "/bin/sh", "-c", " ".join(cmd)]


def _run(cmd: list[str]) -> None:
    result = subprocess.run(_as_server_user(cmd), capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")


@contextmanager
def postgres_server() -> Iterator[str]:
    """Start a fresh server and yield its base URL (database ``postgres``); stopped and deleted on exit."""
    bin_dir = find_bin_dir()
    if bin_dir is None:
        raise RuntimeError(INSTALL_HINT)
    # Not pytest's tmp_path: its parents are root-only (0700), and the server may run as the postgres user.
    base = Path(tempfile.mkdtemp(prefix="segcore-pg-"))
    data, sockets, log = base / "data", base / "sock", base / "server.log"
    sockets.mkdir()
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
        shutil.chown(sockets, "postgres", "postgres")
    port = free_port()
    started = False
    try:
        _run(
            [str(bin_dir / "initdb"), "-D", str(data), "-U", SUPERUSER, "--auth=trust", "-E", "UTF8",
             "--locale=C", "--no-sync"]
        )  # fmt: skip
        options = f"-c listen_addresses=127.0.0.1 -p {port} -k {sockets} -c fsync=off -c max_connections=100"
        _run([str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options, "-w", "-t",
              str(START_TIMEOUT_S), "start"])  # fmt: skip
        started = True
        yield f"postgresql://{SUPERUSER}@127.0.0.1:{port}/postgres"
    except RuntimeError as e:
        tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
        raise RuntimeError(f"{e}\nserver log:\n{tail}") from e
    finally:
        if started:
            subprocess.run(
                _as_server_user([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]),
                capture_output=True,
            )
        shutil.rmtree(base, ignore_errors=True)


def fresh_database(base_url: str) -> str:
    """Create an empty database on the server and return its URL (each test gets its own)."""
    import psycopg

    name = f"t_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(base_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return base_url.rsplit("/", 1)[0] + f"/{name}"
