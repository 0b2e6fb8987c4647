"""The studio in a real chromium: upload, features, segments (with a brush on the map), profiles, share and revoke.

What AppTest cannot do is done here: the real file input, the Vega map and its brush selection, the share link
opened in a second browser. The server runs with SEGCORE_FAST_MAP=1, so the map is drawn with PCA instead of
UMAP: numba compiles for about a minute in a new process, which would double the test's time on CI; the UMAP path
is tested in tests/insight/test_embed.py. Screenshots go to artifacts/screenshots (full pages) and docs/screenshots (README).
"""

from __future__ import annotations

import re
import shutil

import pytest
from browser_support import (
    IDLE,
    VIEWPORT,
    WAIT_MS,
    open_page,
    save_and_share,
    screenshot,
    settle,
)
from helpers import SAMPLE_DATA

from segcore.insight.disclosure import round_count
from segcore.store.tokens import INVALID_LINK_MESSAGE

playwright_sync = pytest.importorskip("playwright.sync_api")
expect = playwright_sync.expect

# The retail sample under another name: its expected values are known from test_app.py (5,000 rows, 5 segments).
UPLOAD_NAME = "my_customers (copy).csv"  # markdown characters: escaped, never shown as \( or \_
ROWS = 5_000
SEGMENTS = 5
CUSTOMER_ID = re.compile(r"\bC\d{5}\b")
TITLE = "Browser test segments"




def metric_values(page, label: str, count: int | None = None) -> list[str]:
    """The values of every st.metric with this label, in page order (after waiting for ``count`` of them)."""
    metrics = page.locator('[data-testid="stMain"] [data-testid="stMetric"]')
    if count is not None:
        label_re = re.compile(rf"^\s*{re.escape(label)}\s*$")
        labelled = metrics.filter(has=page.locator('[data-testid="stMetricLabel"]', has_text=label_re))
        expect(labelled).to_have_count(count, timeout=WAIT_MS)
    values = []
    for i in range(metrics.count()):
        m = metrics.nth(i)
        if m.locator('[data-testid="stMetricLabel"]').inner_text().strip() == label:
            values.append(m.locator('[data-testid="stMetricValue"]').inner_text().strip())
    return values


def visible_text(locator) -> str:
    """The element's text without icons (a Material icon is an aria-hidden ligature such as "link_off")."""
    return locator.evaluate(
        "e => { const c = e.cloneNode(true); c.querySelectorAll('[aria-hidden=\"true\"]')"
        ".forEach(i => i.remove()); document.body.appendChild(c); const t = c.innerText; c.remove(); return t.trim(); }"
    )


def no_error_boxes(page) -> None:
    """No exception or error box, and no backslash from an escaped markdown character shown as text."""
    main = page.locator('[data-testid="stMain"]')
    assert main.locator('[data-testid="stException"]').count() == 0, main.inner_text()[:2000]
    assert main.locator('[data-testid="stAlertContentError"]').count() == 0, main.inner_text()[:2000]
    text = main.inner_text()
    assert "\\" not in text, (
        f"a markdown escape shows as text: {text[max(0, text.find(chr(92)) - 80) :][:200]}"
    )


@pytest.mark.browser
@pytest.mark.slow
def test_studio_end_to_end_in_chromium(server, browser, tmp_path):
    upload = tmp_path / UPLOAD_NAME
    shutil.copy(SAMPLE_DATA / "retail_customers.csv", upload)
    ids = set(CUSTOMER_ID.findall(upload.read_text()))
    assert len(ids) == ROWS

    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.goto(server)
    settle(page)
    expect(page.get_by_text("Retail customers (B2C, 5,000)").first).to_be_visible(timeout=WAIT_MS)

    # 1 · Data: the real file input.
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(upload)
    loaded = page.locator('[data-testid="stAlertContentSuccess"]')
    expect(loaded).to_contain_text(UPLOAD_NAME, timeout=WAIT_MS)
    expect(loaded).to_contain_text(f"Read {ROWS:,} rows x 20 columns from {UPLOAD_NAME}", timeout=WAIT_MS)
    settle(page)
    assert metric_values(page, "Rows", 1) == [f"{ROWS:,}"]
    no_error_boxes(page)
    screenshot(page, "data")

    # 2 · Features: the value preset picks its columns and draws their distributions.
    open_page(page, "2 · Features")
    expect(page.get_by_role("heading", name="What to segment on")).to_be_visible(timeout=WAIT_MS)
    expect(page.locator('[data-testid="stVegaLiteChart"]').first).to_be_visible(timeout=WAIT_MS)
    no_error_boxes(page)
    screenshot(page, "features")

    # 3 · Segments: the recommended k, the map and a brush drag on it.
    open_page(page, "3 · Segments")
    expect(page.get_by_role("heading", name="Customer map")).to_be_visible(timeout=WAIT_MS)
    assert metric_values(page, "Segments", 1) == [str(SEGMENTS)]
    assert metric_values(page, "Customers", 1) == [f"{ROWS:,}"]
    verdict = page.get_by_text(re.compile(r"^(Clear groups|Weak groups|No natural segments)"))
    expect(verdict.first).to_be_visible(timeout=WAIT_MS)
    expect(page.get_by_text(re.compile(r"in nine resamples out of ten between")).first).to_be_visible(timeout=WAIT_MS)
    customer_map = page.locator(".st-key-segment_map [data-testid='stVegaLiteChart']")
    if customer_map.count() == 0:  # no key class on this Streamlit version: the map is the second chart
        customer_map = page.locator('[data-testid="stVegaLiteChart"]').nth(1)
    customer_map.scroll_into_view_if_needed()
    expect(customer_map.locator("canvas, svg").first).to_be_visible(timeout=WAIT_MS)
    no_error_boxes(page)
    box = customer_map.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.15, box["y"] + box["height"] * 0.15)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.75, steps=10)
    page.mouse.up()
    selected = page.get_by_text(re.compile(r"[\d,]+ customers selected\."))
    expect(selected).to_be_visible(timeout=WAIT_MS)
    count = int(re.match(r"([\d,]+)", selected.inner_text()).group(1).replace(",", ""))
    assert 0 < count <= ROWS
    settle(page)
    no_error_boxes(page)
    screenshot(page, "segments", top=page.get_by_role("heading", name="Customer map"))

    # 4 · Profiles: one card per segment, sizes adding up to every customer.
    open_page(page, "4 · Profiles")
    expect(page.get_by_role("heading", name="Segment profiles")).to_be_visible(timeout=WAIT_MS)
    names = page.locator('[data-testid="stMain"] [data-testid="stTextInput"] input')
    expect(names).to_have_count(SEGMENTS, timeout=WAIT_MS)
    card_names = [names.nth(i).input_value() for i in range(SEGMENTS)]
    assert len(set(card_names)) == SEGMENTS and all(card_names)
    customers = metric_values(page, "Customers", SEGMENTS + 1)
    assert customers[0] == f"{ROWS:,}"  # the headline, then one per card
    sizes = [int(v.replace(",", "")) for v in customers[1:]]
    assert len(sizes) == SEGMENTS and sum(sizes) == ROWS
    card_stability = page.get_by_text(re.compile(r"^Stability [0-9.]+: "))
    expect(card_stability).to_have_count(SEGMENTS, timeout=WAIT_MS)  # every card says how stable its segment is
    no_error_boxes(page)
    screenshot(page, "profiles")

    # Share: save the run, create a link, read it from the code block.
    link = save_and_share(page, title=TITLE)
    assert link.startswith(f"{server}/?share=")
    settle(page)
    no_error_boxes(page)
    screenshot(page, "share", readme=False)

    # The link in a new browser context (no shared cookies or session): aggregates only.
    viewer_context = browser.new_context(viewport=VIEWPORT)
    viewer = viewer_context.new_page()
    viewer.goto(link)
    settle(viewer)
    expect(viewer.get_by_role("heading", name=TITLE)).to_be_visible(timeout=WAIT_MS)
    shown = metric_values(viewer, "Customers", SEGMENTS + 1)  # the headline, then one per card
    settle(viewer)
    headings = viewer.locator('[data-testid="stMain"] h3')
    shared_names = [h.inner_text().strip() for h in headings.all()]
    assert set(card_names) <= set(shared_names), (card_names, shared_names)
    assert shown[0] == f"{ROWS:,}"
    # the shared view rounds counts to the disclosure-control base (segcore.insight.disclosure)
    assert [int(v.replace(",", "")) for v in shown[1:]] == [round_count(n) for n in sizes]
    text = viewer.locator("body").inner_text()
    leaked = set(CUSTOMER_ID.findall(text)) & ids
    assert not leaked, f"the shared view shows customer ids: {sorted(leaked)[:5]}"
    assert viewer.locator('[data-testid="stSidebarNav"]').count() == 0  # no way into the studio
    assert re.search(r"^(Clear groups|Weak groups|No natural segments)", text, re.MULTILINE)
    assert "in nine resamples out of ten between" in text
    assert len(re.findall(r"^Stability [0-9.]+: ", text, re.MULTILINE)) == SEGMENTS
    no_error_boxes(viewer)
    screenshot(viewer, "shared")

    # Revoke it in the studio; the shared page then says only that the link is not valid.
    page.get_by_text("Share links (1)").click()
    page.get_by_role("button", name="Revoke").click()
    settle(page)
    expect(page.get_by_text("revoked")).to_be_visible(timeout=WAIT_MS)
    viewer.reload()
    settle(viewer)
    error = viewer.locator('[data-testid="stAlertContentError"] [data-testid="stMarkdownContainer"]')
    expect(error).to_have_text(INVALID_LINK_MESSAGE, timeout=WAIT_MS)
    main = viewer.locator('[data-testid="stMain"]')
    assert visible_text(main) == INVALID_LINK_MESSAGE
    assert main.locator('[data-testid="stMetric"], [data-testid="stVegaLiteChart"], h1, h3').count() == 0
    assert viewer.wait_for_selector(IDLE)
    viewer_context.close()
    context.close()
