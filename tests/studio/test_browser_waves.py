"""Next month's file in a real chromium (issue 12): upload wave 1, save it with its customer rows, upload wave 2,
save it; Compare follows the customers from one wave to the next (it used to say "Save two runs of the data
loaded now")."""

from __future__ import annotations

import pandas as pd
import pytest
from browser_support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    FIT_WAIT_MS,
    IDLE,
    VIEWPORT,
    WAIT_MS,
    metric_value,
    open_page,
    open_slow,
    settle,
)
from helpers import SAMPLE_DATA

playwright_sync = pytest.importorskip("playwright.sync_api")
expect = playwright_sync.expect


def _waves(folder):
    first = pd.read_csv(SAMPLE_DATA / "retail_customers.csv")
    second = first.iloc[200:].reset_index(drop=True)
    joined = second.head(100).copy()
    joined["customer_id"] = [f"N{i:05d}" for i in range(100)]
    second = pd.concat([second, joined], ignore_index=True)
    paths = folder / "customers_2025_01.csv", folder / "customers_2025_02.csv"
    first.to_csv(paths[0], index=False)
    second.to_csv(paths[1], index=False)
    return paths


def _load_segment_save(page, path, title: str) -> None:
    open_page(page, "1 · Data")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(path)
    expect(page.locator('[data-testid="stAlertContentSuccess"]')).to_contain_text(path.name, timeout=WAIT_MS)
    settle(page)
    open_page(page, "2 · Features")
    expect(page.get_by_role("heading", name="What to segment on")).to_be_visible(timeout=WAIT_MS)
    open_slow(page, "3 · Segments")
    expect(page.get_by_role("heading", name="Customer map")).to_be_visible(timeout=WAIT_MS)
    open_slow(page, "Saved & shared")
    page.get_by_label("Title").fill(title)
    page.get_by_text("Also store the customer rows").click()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text(f"Saved “{title}”.")).to_be_visible(timeout=WAIT_MS)
    settle(page)


@pytest.mark.browser
@pytest.mark.slow
def test_two_waves_in_chromium(server, tmp_path):
    first, second = _waves(tmp_path)
    with playwright_sync.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(viewport=VIEWPORT).new_page()
            page.goto(server)
            page.wait_for_selector(IDLE, timeout=FIT_WAIT_MS)
            settle(page)
            _load_segment_save(page, first, "January")
            _load_segment_save(page, second, "February")
            expect(page.get_by_role("heading", name="Compare two runs")).to_be_visible(timeout=WAIT_MS)
            assert page.get_by_text("Save two runs of the data loaded now").count() == 0
            assert metric_value(page, "New") == "100" and metric_value(page, "Lost") == "200"
            stayed, moved = (int(metric_value(page, k).replace(",", "")) for k in ("Stayed", "Moved"))
            assert stayed + moved == 4_800
        finally:
            browser.close()
