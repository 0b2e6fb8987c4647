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
