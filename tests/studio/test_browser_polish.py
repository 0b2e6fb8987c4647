"""The studio's finish in a real chromium (issue 12, item 6): what a marketer sees, measured on the rendered page.

Nothing leaves the machine (every request the browser makes goes to the studio's own server, page icon and fonts
included); no raw list of page files while the first run starts; no empty band above the title; chart labels and
legends in full; one title per chart; download buttons that show their whole label; no empty card slot; and the
shared view's map drawn as touching squares, like the HTML report's. Screenshots go to artifacts/screenshots.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from browser_support import VIEWPORT, WAIT_MS, open_page, save_and_share, screenshot, settle

playwright_sync = pytest.importorskip("playwright.sync_api")
expect = playwright_sync.expect

# The first fit of a page (k sweep, stability, propensity) takes minutes when the shared runner is busy.
FIT_MS = 300_000
SEGMENTS = 5  # the retail demo the studio opens on (tests/studio/test_app.py)
TITLE = "Polish check"
# Every file of pages/ as Streamlit's legacy multipage mode would list it, by its generated label.
RAW_PAGE_LABELS = {"app", "data", "features", "segments", "profiles", "share", "shared view"}
# Records every label the sidebar navigation ever shows, from the very first paint (before any script ran);
# the last line of a link, after its icon's ligature name.
NAV_RECORDER = """
window.__navLabels = new Set();
new MutationObserver(() => {
  document.querySelectorAll('[data-testid="stSidebarNav"] a').forEach(a => window.__navLabels.add(a.innerText.trim().split('\\n').pop().trim()));
}).observe(document, {childList: true, subtree: true, characterData: true});
"""


def outside_requests(requests: list[str], server: str) -> list[str]:
    own = urlsplit(server).netloc
    return [u for u in requests if urlsplit(u).scheme in ("http", "https", "ws", "wss") and urlsplit(u).netloc != own]


def svg_texts(chart) -> list[str]:
    """The texts a chart drew (SVG <text> has no innerText: read textContent)."""
    texts = chart.locator("svg text").evaluate_all("ts => ts.map(t => t.textContent || '')")
    return [t.strip() for t in texts if t.strip()]


def cut_labels(page) -> list[str]:
    """Texts drawn in the page's SVG charts that Vega shortened with an ellipsis."""
    return [t for t in svg_texts(page.locator('[data-testid="stVegaLiteChart"]')) if t.endswith("…")]


def cut_buttons(page) -> list[str]:
    """Download buttons whose label does not fit (CSS cuts it with an ellipsis)."""
    return page.locator('[data-testid="stDownloadButton"] button').evaluate_all(
        "bs => bs.filter(b => [...b.querySelectorAll('p, div, span')].some(e => e.scrollWidth > e.clientWidth + 1))"
        ".map(b => b.innerText)"
    )


@pytest.mark.browser
@pytest.mark.slow
def test_studio_is_finished_and_self_contained(server, browser):
    """One session through every page (the server and chromium come from tests/studio/conftest.py)."""
    requests: list[str] = []
    context = browser.new_context(viewport=VIEWPORT)
    try:
        context.add_init_script(NAV_RECORDER)
        context.on("request", lambda r: requests.append(r.url))
        page = context.new_page()
        page.goto(server)
        settle(page)
        expect(page.get_by_role("heading", name="Your customers")).to_be_visible(timeout=WAIT_MS)

        seen = set(page.evaluate("[...window.__navLabels]"))
        assert "1 · Data" in seen and not seen & RAW_PAGE_LABELS, seen  # never the raw file list
        icon = page.locator('link[rel*="icon"]').first.get_attribute("href")
        assert icon is not None and urlsplit(icon).netloc in ("", urlsplit(server).netloc), icon  # served here
        title_top = page.locator('[data-testid="stMain"] h1').first.bounding_box()["y"]
        assert title_top < 110, f"{title_top:.0f} px of empty band above the title"
        screenshot(page, "polish_data", readme=False)

        open_page(page, "2 · Features")  # Segments needs the Features step first
        expect(page.locator('[data-testid="stVegaLiteChart"]').first).to_be_visible(timeout=FIT_MS)
        assert not cut_labels(page), cut_labels(page)
        open_page(page, "3 · Segments")
        expect(page.get_by_role("heading", name="Customer map")).to_be_visible(timeout=FIT_MS)
        settle(page)
        sizes_heading = page.get_by_role("heading", name="Segment sizes")
        expect(sizes_heading).to_have_count(1)
        sizes_chart = page.locator('[data-testid="stVegaLiteChart"]').last
        sizes_chart.scroll_into_view_if_needed()
        expect(sizes_chart.locator("svg").first).to_be_visible(timeout=WAIT_MS)
        texts = svg_texts(sizes_chart)
        assert "Segment sizes" not in texts, texts  # the heading names the chart; no second title in it
        assert sum(1 for t in texts if re.match(r"^[\d,]+ \(\d+%\)$", t)) == SEGMENTS, texts
        assert not cut_labels(page), cut_labels(page)
        screenshot(page, "polish_segments", readme=False)

        open_page(page, "4 · Profiles")
        expect(page.get_by_role("heading", name="Downloads")).to_be_visible(timeout=FIT_MS)
        settle(page)
        main = page.locator('[data-testid="stMain"]')
        assert main.locator('[data-testid="stException"]').count() == 0, main.inner_text()[:2000]
        buttons = page.locator('[data-testid="stDownloadButton"] button')
        for label in ("Assignments (CSV)", "Assignments (Excel)"):  # waits: a busy runner paints them late
            expect(buttons.filter(has_text=label).first).to_be_visible(timeout=WAIT_MS)
        assert not cut_buttons(page), cut_buttons(page)
        assert not cut_labels(page), cut_labels(page)
        names = page.locator('[data-testid="stMain"] [data-testid="stTextInput"]')
        expect(names).to_have_count(SEGMENTS, timeout=WAIT_MS)
        widths = [names.nth(i).bounding_box()["width"] for i in range(SEGMENTS)]
        assert widths[-1] > 1.6 * widths[0], widths  # the odd last card spans the row: no empty slot beside it
        screenshot(page, "polish_profiles", readme=False)

        link = save_and_share(page, title=TITLE)

        viewer = context.new_page()
        viewer.goto(link)
        settle(viewer)
        expect(viewer.get_by_role("heading", name="Customer map")).to_be_visible(timeout=WAIT_MS)
        density = viewer.locator('[data-testid="stVegaLiteChart"]').last
        density.scroll_into_view_if_needed()
        cells = density.locator("svg g.mark-rect path")  # the map's cells (Vega draws rect marks as paths)
        expect(cells.first).to_be_visible(timeout=WAIT_MS)
        screenshot(viewer, "polish_shared_view", readme=False)
        box = density.locator("svg").first.bounding_box()
        assert box["width"] < 1.6 * box["height"], box  # drawn at its square size, not stretched to stripes
        sizes = cells.evaluate_all("ps => ps.map(p => { const b = p.getBBox(); return [b.width, b.height]; })")
        widths = {round(w) for w, _h in sizes}
        assert len(widths) == 1 and all(abs(w - h) < 1.5 for w, h in sizes), sizes[:5]  # one square size
        assert 8 <= 360 / sizes[0][0] <= 40, sizes[0]  # a 9- to 36-cell grid edge to edge over the 360-px square
    finally:
        context.close()
    assert not outside_requests(requests, server), sorted(set(outside_requests(requests, server)))[:10]
