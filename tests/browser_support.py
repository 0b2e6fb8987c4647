"""Helpers for the real-browser test: start the studio on a free port, drive Debian's chromium, take screenshots.

Kept apart from the test so the steps read as a story there.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from helpers import ROOT

CHROMIUM = "/usr/bin/chromium"
# The flags verified for headless Debian chromium in a container without a GPU or a sandbox.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# README screenshots: wide enough for the two-column card grid, small enough to keep the PNGs light.
VIEWPORT = {"width": 1400, "height": 900}
# The server is ready in ~1 s on an idle machine; 60 s covers a busy shared 2-core box.
HEALTH_TIMEOUT_S = 60.0
# Every wait in the test: a rerun with a k sweep takes a few seconds here, much longer when the cores are busy.
WAIT_MS = 60_000
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
README_SCREENSHOTS = ROOT / "docs" / "screenshots"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def studio(data_dir: Path, log_path: Path, *, address: str = "127.0.0.1", env_extra: dict | None = None):
    """The studio served by ``streamlit run app.py`` from the repo root; yields its URL, always terminates it.

    ``address="0.0.0.0"`` serves it on every interface (reach it through ``lan_address()`` to be "another machine").
    """
    port = free_port()
    env = {**os.environ, "SEGCORE_FAST_MAP": "1", "SEGCORE_DATA_DIR": str(data_dir), **(env_extra or {})}
    env.pop("SEGCORE_DATABASE_URL", None)  # the test's own SQLite store, never a configured database
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        address,
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
    ]
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_healthy(url, proc, log_path)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)


def lan_address() -> str | None:
    """This machine's address on its network (not loopback), or None when it has none."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        try:
            sock.connect(("192.0.2.1", 9))  # no packet is sent: this only picks the outgoing interface
            address = sock.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") else address


def _wait_healthy(url: str, proc: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + HEALTH_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(
                f"streamlit exited with code {proc.returncode}:\n{log_path.read_text()[-3000:]}"
            )
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read() == b"ok":
                    return
        except (OSError, urllib.error.URLError):
            pass
        time.sleep(0.25)
    raise RuntimeError(
        f"streamlit was not healthy after {HEALTH_TIMEOUT_S:.0f} s:\n{log_path.read_text()[-3000:]}"
    )


def settle(page) -> None:
    """Wait until the script (and any fragment) has finished and no spinner or progress bar is left."""
    page.wait_for_selector(IDLE, timeout=WAIT_MS)
    page.locator('[data-testid="stSpinner"]').first.wait_for(state="detached", timeout=WAIT_MS)
    page.wait_for_selector(IDLE, timeout=WAIT_MS)


def open_page(page, title: str) -> None:
    """Click a page in the sidebar navigation (keeps the session, unlike typing its URL)."""
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=title).click()
    page.wait_for_timeout(300)  # let the rerun start before waiting for it to end
    settle(page)


# The sweep and fit of 5,000 customers on a busy 2-core runner can take longer than one page's usual wait.
FIT_WAIT_MS = 5 * WAIT_MS


def open_slow(page, title: str) -> None:
    """``open_page`` for a page that fits segments (or scores a file): waits up to FIT_WAIT_MS for the run."""
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=title).click()
    page.wait_for_timeout(300)
    page.wait_for_selector(IDLE, timeout=FIT_WAIT_MS)
    settle(page)


def metric_value(page, label: str) -> str:
    """The value of the one metric in the main area labelled exactly ``label``."""
    import re

    from playwright.sync_api import expect

    metric = page.locator('[data-testid="stMain"] [data-testid="stMetric"]').filter(
        has=page.locator('[data-testid="stMetricLabel"]', has_text=re.compile(rf"^\s*{re.escape(label)}\s*$")))
    expect(metric).to_have_count(1, timeout=WAIT_MS)
    return metric.locator('[data-testid="stMetricValue"]').inner_text().strip()


def screenshot(page, name: str, *, readme: bool = True, top=None) -> None:
    """A full-page PNG in artifacts/screenshots and (``readme`` with SEGCORE_UPDATE_SCREENSHOTS=1) a viewport-sized
    one in docs/screenshots for the README.

    The README shot starts at the top of the page, or at the ``top`` locator (e.g. a section heading).

    Streamlit scrolls inside its main container, so for the full page the viewport is stretched to the content.
    """
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    README_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("() => document.querySelectorAll('*').forEach(e => { if (e.scrollTop) e.scrollTop = 0; })")
    if top is not None:
        top.evaluate("e => e.scrollIntoView({block: 'start'})")
        page.wait_for_timeout(200)
    if readme and os.environ.get("SEGCORE_UPDATE_SCREENSHOTS") == "1":  # README images change only on request
        page.screenshot(path=README_SCREENSHOTS / f"{name}.png")
    height = page.evaluate(
        'Math.max(...[...document.querySelectorAll(\'[data-testid="stMain"], [data-testid="stAppViewContainer"]\')]'
        ".map(e => e.scrollHeight), document.body.scrollHeight)"
    )
    page.set_viewport_size({"width": VIEWPORT["width"], "height": min(int(height), 12_000)})
    page.wait_for_timeout(400)  # charts re-layout to the new size
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)
    page.set_viewport_size(VIEWPORT)
    page.wait_for_timeout(200)


def save_and_share(page, *, title: str) -> str:
    """Save the studio's current run as ``title`` on the "Saved & shared" page, create a share link, return the link."""
    from playwright.sync_api import expect

    open_page(page, "Saved & shared")
    page.get_by_label("Title").fill(title)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text(f"Saved “{title}”.")).to_be_visible(timeout=WAIT_MS)
    settle(page)
    page.get_by_role("button", name="Create share link").click()
    code = page.locator('[data-testid="stCode"]').filter(has_text="?share=")
    expect(code).to_be_visible(timeout=WAIT_MS)
    return code.inner_text().strip()
