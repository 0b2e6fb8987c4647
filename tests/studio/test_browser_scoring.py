"""Next month's file scored with a downloaded model file in a real chromium (issue 12, item 3): segment wave 1,
download its model file from Profiles, upload wave 2, score it with that file on the Share page, download the
assignments and save the scored file as the next wave."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from browser_support import FIT_WAIT_MS, IDLE, VIEWPORT, WAIT_MS, metric_value, open_page, open_slow, settle
from helpers import SAMPLE_DATA

playwright_sync = pytest.importorskip("playwright.sync_api")
expect = playwright_sync.expect

def _upload(page, path) -> None:
    open_page(page, "1 · Data")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(path)
    expect(page.locator('[data-testid="stAlertContentSuccess"]')).to_contain_text(path.name, timeout=WAIT_MS)
    settle(page)


@pytest.mark.browser
@pytest.mark.slow
def test_a_new_file_is_scored_with_a_downloaded_model_file(server, browser, tmp_path):
    first = pd.read_csv(SAMPLE_DATA / "retail_customers.csv")
    second = first.iloc[300:].reset_index(drop=True)
    paths = tmp_path / "shop_2025_01.csv", tmp_path / "shop_2025_02.csv"
    first.to_csv(paths[0], index=False)
    second.to_csv(paths[1], index=False)
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    try:
        page = context.new_page()
        page.goto(server)
        page.wait_for_selector(IDLE, timeout=FIT_WAIT_MS)
        settle(page)
        _upload(page, paths[0])
        open_page(page, "2 · Features")
        open_slow(page, "3 · Segments")
        open_slow(page, "4 · Profiles")
        with page.expect_download(timeout=WAIT_MS) as model_download:
            page.get_by_role("button", name="Model file").click()
        model_path = tmp_path / "model.segcore"
        model_download.value.save_as(model_path)

        _upload(page, paths[1])
        open_slow(page, "Saved & shared")
        expect(page.get_by_role("heading", name="Score the customers loaded now with a saved model")).to_be_visible(
            timeout=WAIT_MS)
        page.locator('[data-testid="stButtonGroup"]').get_by_text("A model file (.segcore)").click()
        settle(page)
        uploaders = page.locator('[data-testid="stFileUploaderDropzoneInput"]')
        uploaders.last.set_input_files(model_path)
        page.wait_for_timeout(300)
        page.wait_for_selector(IDLE, timeout=FIT_WAIT_MS)
        settle(page)
        assert metric_value(page, "Customers scored") == "4,700"

        with page.expect_download(timeout=WAIT_MS) as csv_download:
            page.get_by_role("button", name="Assignments (CSV)").last.click()
        scored_path = tmp_path / "scored.csv"
        csv_download.value.save_as(scored_path)
        scored = pd.read_csv(scored_path, encoding="utf-8-sig")
        assert len(scored) == 4_700 and scored["customer_id"].tolist() == second["customer_id"].tolist()
        assert {"segment", "segment_name"} <= set(scored.columns)
        per_segment = scored["segment"].value_counts()
        assert per_segment.sum() == 4_700 and len(per_segment) >= 2

        page.get_by_role("button", name="Save the new wave").click()
        expect(page.get_by_text(re.compile(r"Saved “shop_2025_02\.csv: scored with the model file” \(4,700"))).to_be_visible(
            timeout=WAIT_MS)
    finally:
        context.close()
