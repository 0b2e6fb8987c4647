"""The real-browser tests' shared fixtures: one studio server and one headless chromium per test module."""

from __future__ import annotations

import pytest
from browser_support import CHROMIUM, CHROMIUM_ARGS, studio


@pytest.fixture(scope="module")
def server(tmp_path_factory, request):
    """The studio on a free port, with its own data folder and log (``streamlit.log``) for this test module."""
    root = tmp_path_factory.mktemp(request.module.__name__.rsplit(".", 1)[-1])
    with studio(root / "data", root / "streamlit.log") as url:
        yield url


@pytest.fixture(scope="module")
def browser(server):
    """Debian's headless chromium through playwright, closed after the module's last test."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def pytest_collection_modifyitems(items):
    """A real-browser test gets one more try: its waits race a shared 2-core runner's timing, not our code.

    A failure that repeats still fails the run, and the report shows every rerun (pytest-rerunfailures' "R").
    """
    for item in items:
        if item.get_closest_marker("browser") and not item.get_closest_marker("flaky"):
            item.add_marker(pytest.mark.flaky(reruns=1, reruns_delay=2))
