"""A hosted studio in a real chromium: a share link opens the shared view and nothing else; without its ?share=
the studio stays closed to another machine, and on this machine it opens as the README promises.

The server listens on every interface and the browser reaches it through this machine's network address, so the
studio sees a request from "another machine" exactly as a hosted deployment does (no test-only switch).
"""

from __future__ import annotations

import pytest
from browser_support import CHROMIUM, CHROMIUM_ARGS, WAIT_MS, lan_address, settle, studio
from helpers import SAMPLE_DATA

from segcore.insight.summary import build_summary
from segcore.store.runs import open_store

playwright_sync = pytest.importorskip("playwright.sync_api")
expect = playwright_sync.expect
pytestmark = [pytest.mark.slow, pytest.mark.browser]


def _shared_run(data_dir) -> str:
    """A run saved by another user, with a share link: the token of that link."""
    import pandas as pd

    from segcore.model.segmentation import segment
    from segcore.model.spec import FeatureSpec

    df = pd.read_csv(SAMPLE_DATA / "retail_customers.csv").head(600)
    seg = segment(df, spec=FeatureSpec(features=("visits_last_90d", "orders_12m", "total_spend_12m"), k=3))
    store = open_store(f"sqlite:///{data_dir / 'segcore.sqlite3'}")
    info = store.save_run(title="Board pack Q4", note="", spec=seg.spec.to_dict(), aggregates=build_summary(seg, df),
                          model_bytes=b"not needed by the shared view", fingerprint="fp", load_report={},
                          owner="ana@example.com")
    return store.create_share(info.run_id).token


def test_share_link_opens_only_the_shared_view_and_the_studio_needs_sign_in(tmp_path):
    lan = lan_address()
    if lan is None:
        pytest.fail("this machine has no network address besides loopback; the hosted case cannot be reached")
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    token = _shared_run(data_dir)
    with studio(data_dir, tmp_path / "streamlit.log", address="0.0.0.0") as local_url:
        hosted_url = local_url.replace("127.0.0.1", lan)
        with playwright_sync.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page()
                page.goto(f"{hosted_url}/?share={token}")
                settle(page)
                main = page.locator('[data-testid="stMain"]')
                expect(main.get_by_text("Board pack Q4")).to_be_visible(timeout=WAIT_MS)
                expect(main.get_by_text("Disclosure control:")).to_be_visible(timeout=WAIT_MS)
                # nothing leads into the studio: no page navigation, no links to its pages, no uploader
                assert page.locator('[data-testid="stSidebarNav"]').count() == 0
                for path in ("data", "features", "segments", "profiles", "share"):
                    assert page.locator(f'a[href$="/{path}"]').count() == 0, path
                assert page.locator('[data-testid="stFileUploaderDropzoneInput"]').count() == 0

                # the same address without ?share=...: closed, and the studio's pages are not served by URL either
                for address in (f"{hosted_url}/", f"{hosted_url}/share", f"{hosted_url}/data"):
                    page.goto(address)
                    settle(page)
                    expect(page.get_by_text("no sign-in set up", exact=False)).to_be_visible(timeout=WAIT_MS)
                    assert page.locator('[data-testid="stSidebarNav"]').count() == 0
                    assert page.get_by_text("Board pack Q4").count() == 0
                    assert page.locator('[data-testid="stFileUploaderDropzoneInput"]').count() == 0

                # on this machine the studio opens with no set-up (the README's first command)
                page.goto(f"{local_url}/")
                settle(page)
                expect(page.locator('[data-testid="stSidebarNav"]')).to_be_visible(timeout=WAIT_MS)
                assert page.get_by_text("no sign-in set up", exact=False).count() == 0
            finally:
                browser.close()
