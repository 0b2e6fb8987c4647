"""Tests for segcore.render.report (HTML + PDF report) and segcore.render.density (the binned segment map)."""

from __future__ import annotations

import copy
import re
from html.parser import HTMLParser
from types import SimpleNamespace

import pandas as pd
import pytest

from segcore.errors import SpecError
from segcore.insight.summary import build_summary, for_sharing
from segcore.render import pdf_fonts, report_html, report_pdf
from segcore.render.density import density_chart, segment_colors
from segcore.render.report import find_fonts, html_report, pdf_report, safe_svg
from segcore.render.theme import SEGMENT_COLORS, UNASSIGNED_COLOR

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
# Tags the report itself writes (HTML skeleton + what vl-convert's SVG uses); anything else came from user text.
ALLOWED_TAGS = {
    "html", "head", "meta", "title", "style", "body", "main", "header", "footer", "section", "div", "span",
    "h1", "h2", "h3", "p", "b", "ul", "li", "table", "tr", "th", "td", "pre", "code",
    "svg", "g", "path", "rect", "text", "defs", "lineargradient", "stop", "clippath", "line", "circle", "tspan",
}  # fmt: skip


def fit_summary(df: pd.DataFrame, *, numeric: list[str], categorical: list[str], k: int) -> dict:
    """A real summary through the engine's own steps and ``build_summary`` (segcore.model.segmentation may still be in progress)."""
    from segcore.columns.roles import infer_roles
    from segcore.insight.embed import pca_2d
    from segcore.insight.explain import attach_rules, explain_rules
    from segcore.insight.profile import build_profiles
    from segcore.model.cluster import fit_clusters, order_labels
    from segcore.model.prep import prepare
    from segcore.model.quality import quality

    schema = infer_roles(df)
    prepared = prepare(df, numeric=numeric, categorical=categorical)
    value = df[schema.value_column].to_numpy() if schema.value_column else None
    labels = order_labels(fit_clusters(prepared.X, k=k, random_state=0).labels, value=value)
    rules = explain_rules(df, labels, columns=[*numeric, *categorical])
    profiles = attach_rules(
        build_profiles(df, labels, schema=schema, features=[*numeric, *categorical]), rules
    )
    seg = SimpleNamespace(
        schema=schema,
        numeric=tuple(numeric),
        categorical=tuple(categorical),
        spec=SimpleNamespace(profile_columns=()),
        labels=labels,
        quality=quality(prepared.X, labels),
        n_rows=len(df),
        n_segments=k,
        method="kmeans",
        rules=rules,
        profiles=profiles,
        notes=(),
    )
    return build_summary(seg, df, embedding=pca_2d(prepared.X))


def trait(column: str, sentence: str) -> dict:
    return {
        "column": column,
        "sentence": sentence,
        "effect": 1.0,
        "segment_value": 2.0,
        "overall_value": 1.0,
        "kind": "numeric",
        "level": None,
    }


def profile(segment: int, name: str, size: int, share: float, *, column: str = "spend") -> dict:
    return {
        "segment": segment,
        "name": name,
        "size": size,
        "share": share,
        "value_share": 0.5,
        "pinned": False,
        "traits": [trait(column, f"{column} is 2x the average (2.0 vs 1.0)")],
        "kpis": [
            {"column": "churn", "label": "churn rate", "value": 0.125, "overall": 0.25, "fmt": "percent"},
            {"column": "spend", "label": "avg spend", "value": 1240.0, "overall": 842.0, "fmt": "money"},
        ],
        "action": "Reward them.",
        "lift": 0.5,
        "rules": [f"{column} > 100"],
        "sql": f'"{column}" > 100',
        "rule_precision": 0.9,
        "format_version": 1,
    }


@pytest.fixture
def hand_summary() -> dict:
    """build_summary's structure with hand-checkable figures: 1,240 + 750 + 10 customers."""
    return {
        "version": 1,
        "headline": {
            "customers": 2000,
            "segments": 3,
            "method": "kmeans",
            "grade": "fair",
            "silhouette": 0.21,
            "stability": 0.8,
            "quality_explanation": "The segments overlap somewhat.",
            "rules_fidelity": 0.9,
        },
        "profiles": [
            profile(0, "Loyal", 1240, 0.62),
            profile(1, "New", 750, 0.375, column="visits"),
            profile(2, "Tiny", 10, 0.005),
        ],
        "effects": {
            "segments": [0, 1, 2],
            "columns": ["spend", "visits"],
            "values": [[1, -1], [-1, 1], [0, 0]],
        },
        "concentration": {
            "value_column": "spend",
            "top20_share": 0.8,
            "gini": 0.6,
            "curve": {"customer_share": [0.0, 0.2, 1.0], "value_share": [0.0, 0.8, 1.0]},
        },
        "density": {
            "bins": 4,
            "method": "pca",
            "cells": [
                {"x": 0, "y": 0, "segment": 0, "count": 9},
                {"x": 1, "y": 0, "segment": 1, "count": 3},
                {"x": 3, "y": 3, "segment": 2, "count": 4},
            ],
        },
        "notes": ["3 rows had no spend."],
        "features": ["spend", "visits"],
    }


def nasty(summary: dict) -> dict:
    """The same summary with script/img tags in every piece of user text: names, columns, rules, SQL, notes."""
    s = copy.deepcopy(summary)
    for p in s["profiles"]:
        p["name"] = f"{SCRIPT} {p['name']}"
        p["traits"][0]["sentence"] = f"{IMG} is high"
        p["rules"] = [f"{IMG} > 1"]
        p["sql"] = f'"{IMG}" > 1'
        p["action"] = SCRIPT
        p["kpis"][0]["label"] = IMG
    s["effects"]["columns"] = [IMG, SCRIPT]
    s["notes"] = [SCRIPT]
    s["headline"]["quality_explanation"] = IMG
    return s


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attrs: set[str] = set()
        self.ids: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attrs.update(name for name, _ in attrs)
        self.ids.extend(v for name, v in attrs if name == "id")


def parse(html: str) -> Tags:
    parser = Tags()
    parser.feed(html)
    return parser


def assert_offline_and_inert(html: str) -> None:
    lowered = html.lower()
    for needle in ("http://", "https://", 'src="//', "<script", "<link", "@import", "@font-face", "<iframe"):
        assert needle not in lowered, needle
    tags = parse(html)
    assert tags.tags <= ALLOWED_TAGS, tags.tags - ALLOWED_TAGS
    assert not [a for a in tags.attrs if a.startswith("on")]


@pytest.fixture(scope="module")
def retail_summary(sample_data) -> dict:
    df = pd.read_csv(sample_data / "retail_customers.csv").head(600)
    numeric = ["visits_last_90d", "orders_12m", "avg_basket", "total_spend_12m", "days_since_last_order"]
    return fit_summary(df, numeric=numeric, categorical=["channel_preference"], k=4)


@pytest.fixture(scope="module")
def retail_html(retail_summary) -> str:
    return html_report(retail_summary, title="Retail Q3", subtitle="Loyalty", data_summary="Read 600 rows.")


# ------------------------------------------------------------------------------------------------ HTML
@pytest.mark.slow
def test_html_real_summary_has_cards_figures_and_charts(retail_summary, retail_html):
    html = retail_html
    assert html.startswith("<!DOCTYPE html>")
    assert "<h1>Retail Q3</h1>" in html and "Read 600 rows." in html
    assert '<div class="stat"><b>600</b>customers</div>' in html
    assert '<div class="stat"><b>4</b>segments</div>' in html
    top20 = retail_summary["concentration"]["top20_share"]
    assert f"<b>{round(top20 * 100):.0f}%</b>of value from the top 20% of customers" in html
    for p in retail_summary["profiles"]:
        assert f"{p['size']:,} customers · {round(p['share'] * 100):.0f}% of customers" in html
        assert str(report_html._e(p["name"])) in html
        assert report_html._e(p["sql"]) in html
    assert html.count('<section class="card">') == len(retail_summary["profiles"]) + 1  # + the quality card
    assert html.count("<svg") == 4  # sizes, heat map, Pareto, map
    grade = retail_summary["headline"]["grade"]
    assert f">{grade.capitalize()}</span>" in html
    assert_offline_and_inert(html)


@pytest.mark.slow
def test_html_chart_ids_are_unique_across_charts(retail_html):
    ids = parse(retail_html).ids
    assert ids and len(ids) == len(set(ids))
    for ref in re.findall(r"url\(#([^)]+)\)", retail_html):
        assert ref in ids


@pytest.mark.slow
def test_html_show_sql_false_leaves_sql_out(hand_summary):
    with_sql = html_report(hand_summary, title="t")
    without = html_report(hand_summary, title="t", show_sql=False)
    assert "<pre><code>WHERE &#34;spend&#34; &gt; 100</code></pre>" in with_sql
    assert "WHERE" not in without and "<pre>" not in without
    assert "spend &gt; 100" in without  # the readable rules stay


def test_html_hand_summary_values(hand_summary):
    html = html_report(hand_summary, title="t", created_at="2026-03-05T10:00:00+00:00", data_summary="d")
    assert "March 5, 2026" in html
    assert "1,240 customers · 62% of customers · 50% of value" in html
    assert "750 customers · 38% of customers · 50% of value" in html
    assert "<b>80%</b>of value from the top 20% of customers" in html
    assert '<td>churn rate</td><td class="n">12%</td><td class="n">25%</td>' in html
    assert '<td>avg spend</td><td class="n">1,240</td><td class="n">842</td>' in html
    assert "Outcome rate: 0.50× the overall rate" in html
    assert "90% of the customers these rules select are in this segment." in html
    assert 'Separation (silhouette, -1 to 1)</td><td class="n">0.21' in html
    assert 'Stability on resampled data (0 to 1)</td><td class="n">0.80' in html
    assert "<li>3 rows had no spend.</li>" in html
    assert "Segment map" in html and html.count("<svg") == 4
    assert_offline_and_inert(html)


def test_html_report_states_the_verdict_the_interval_and_each_segments_stability(hand_summary):
    """Issue 8: the report says whether the groups are natural, how far the stability moves, and flags each segment."""
    s = copy.deepcopy(hand_summary)
    s["headline"].update(structure="weak", stability_low=0.71, stability_high=0.86)
    for p, value in zip(s["profiles"], (0.92, 0.61, 0.31), strict=True):
        p["stability"] = value
    html = html_report(s, title="t", created_at="2026-03-05T10:00:00+00:00", data_summary="d")
    assert 'Natural groups</td><td class="n">weak: the segments overlap' in html
    assert 'Stability on resampled data (0 to 1)</td><td class="n">0.80 (0.71 to 0.86 in 9 resamples of 10)' in html
    assert "1,240 customers · 62% of customers · 50% of value · stability 0.92 (stable)" in html
    assert "stability 0.61 (borders shift)" in html
    assert "stability 0.31 (dissolves: do not act on it alone)" in html
    s["headline"]["structure"] = "none"
    html = html_report(s, title="t", created_at="2026-03-05T10:00:00+00:00", data_summary="d")
    assert "none: one continuous population (segments are cuts of a continuum)" in html


@pytest.mark.slow
@pytest.mark.parametrize(
    ("min_size", "note"),
    [
        # "Tiny" (10) is under 11, so "New" (750) is hidden with it: the total minus "Loyal" gives only their sum
        (11, "2 segments are not shown (about 760 customers): segments with fewer than 11 customers are hidden"),
        (751, "2 segments are not shown (about 760 customers): segments with fewer than 751 customers are hidden"),
    ],
)
def test_html_says_when_small_segments_are_hidden(hand_summary, min_size, note):
    html = html_report(for_sharing(hand_summary, min_size=min_size), title="t")
    assert note in html
    assert ">Tiny</h3>" not in html
    assert "3 rows had no spend." not in html  # for_sharing drops notes


@pytest.mark.slow
def test_reports_when_every_segment_is_hidden(hand_summary):
    shared = for_sharing(hand_summary, min_size=5000)
    html = html_report(shared, title="t")
    assert "3 segments are not shown (about 2,000 customers): segments with fewer than 5,000 customers" in html
    assert '<section class="card">' in html and "<h3><span" not in html  # quality card only, no segment cards
    assert html.count("<svg") == 1 and "<h2>Value concentration</h2>" in html  # only the all-customer Pareto is left
    assert pdf_report(shared, title="t").startswith(b"%PDF-")


@pytest.mark.slow
def test_html_no_hidden_note_when_nothing_hidden(hand_summary):
    assert "not shown" not in html_report(hand_summary, title="t")


@pytest.mark.slow
def test_html_colours_follow_segment_ids_even_when_one_is_hidden(hand_summary):
    shared = for_sharing(hand_summary, min_size=700)  # hides "Tiny" (id 2) and, with it, "New" (id 1)
    shared["profiles"].append(profile(2, "Back", 900, 0.45))
    html = html_report(shared, title="t")
    assert f'<span class="chip" style="background:{SEGMENT_COLORS[0]}"></span>Loyal' in html
    assert f'<span class="chip" style="background:{SEGMENT_COLORS[2]}"></span>Back' in html
    assert SEGMENT_COLORS[1] not in html.split("<h2>Segments</h2>")[1].split("<h2>")[0]


def test_html_without_concentration_or_map(hand_summary):
    s = {**hand_summary, "concentration": None, "density": None}
    html = html_report(s, title="t")
    assert "top 20%" not in html and "Segment map" not in html
    assert html.count("<svg") == 2


def test_html_escapes_every_piece_of_user_text(hand_summary):
    html = html_report(nasty(hand_summary), title=SCRIPT, subtitle=IMG, data_summary=IMG)
    assert SCRIPT not in html and IMG not in html
    assert "<title>&lt;script&gt;alert(1)&lt;/script&gt;</title>" in html
    assert "&lt;img src=x onerror=alert(1)&gt; is high" in html
    assert_offline_and_inert(html)


def test_chart_svg_text_is_escaped_by_vl_convert(hand_summary):
    html = html_report(nasty(hand_summary), title="t")
    # the first chart after the heat map's heading (the chart itself carries no second title)
    heat = re.search(r"<svg.*?</svg>", html.split("<h2>How the segments compare</h2>", 1)[1], flags=re.S).group(0)
    assert ">&lt;img src=x onerror=alert(1)&gt;</text>" in heat  # column name on the axis
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Loyal</text>" in heat  # segment name on the axis
    assert "<img" not in heat and "<script" not in heat


@pytest.mark.parametrize(
    ("svg", "reason"),
    [
        ("<svg><script>alert(1)</script></svg>", "<script>"),
        ("<svg><foreignObject><div/></foreignObject></svg>", "<foreignobject>"),
        ('<svg><rect onload="alert(1)"/></svg>', "event handler"),
        ('<svg xmlns:x="http://www.w3.org/1999/xlink"><use x:href="http://evil/a.svg#a"/></svg>', "outside"),
        ('<svg><rect style="fill:url(https://evil/x)"/></svg>', "outside"),
        ("<svg><rect></svg>", "not valid SVG"),
    ],
)
def test_safe_svg_rejects_active_or_external_content(svg, reason):
    with pytest.raises(SpecError, match=re.escape(reason)):
        safe_svg(svg, prefix="c0")


def test_safe_svg_prefixes_ids_and_strips_namespaces():
    svg = (
        '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><defs><linearGradient id="g"/></defs>'
        '<rect fill="url(#g)" aria-label="&lt;img src=x onerror=alert(1)&gt;"/></svg>'
    )
    out = safe_svg(svg, prefix="c3")
    assert out == (
        '<svg><defs><linearGradient id="c3-g"/></defs>'
        '<rect fill="url(#c3-g)" aria-label="&lt;img src=x onerror=alert(1)&gt;"/></svg>'
    )


# --------------------------------------------------------------------------------------------- density
def test_density_chart_colours_squares_by_segment_id(hand_summary):
    names = {0: "Loyal", 1: "New", 2: "Tiny"}
    spec = density_chart(hand_summary["density"], names).to_dict()
    scale = spec["encoding"]["color"]["scale"]
    assert scale == {"domain": ["Loyal", "New", "Tiny"], "range": list(SEGMENT_COLORS[:3])}
    rows = spec["datasets"][spec["data"]["name"]]
    assert [(r["x"], r["y"], r["segment_name"], r["count"]) for r in rows] == [
        (0, 0, "Loyal", 9),
        (1, 0, "New", 3),
        (3, 3, "Tiny", 4),
    ]
    assert rows[0]["opacity"] == pytest.approx(1.0) and rows[1]["opacity"] < rows[2]["opacity"] < 1
    assert spec["width"] == spec["height"] == 360  # a fixed size, whatever the grid (shared maps are coarser)


@pytest.mark.parametrize("bins", [36, 12])  # 12: a shared map whose squares were merged 3 x 3
def test_density_cells_tile_the_square_at_any_grid(bins):
    """Cells are rectangles one grid unit wide on a fixed [-0.5, bins - 0.5] scale, so neighbours touch whatever
    the grid or the container width (fixed-size squares drew a coarse shared grid as sparse vertical stripes)."""
    cells = [{"x": x, "y": y, "segment": (x + y) % 2, "count": 20} for x in range(bins) for y in range(bins)]
    spec = density_chart({"bins": bins, "cells": cells}, {0: "Loyal", 1: "New"}).to_dict()
    assert spec["mark"]["type"] == "rect"
    enc = spec["encoding"]
    assert (enc["x"]["field"], enc["x2"]["field"], enc["y"]["field"], enc["y2"]["field"]) == ("x0", "x1", "y0", "y1")
    assert enc["x"]["scale"]["domain"] == enc["y"]["scale"]["domain"] == [-0.5, bins - 0.5]
    rows = spec["datasets"][spec["data"]["name"]]
    assert all(r["x1"] - r["x0"] == 1 and r["y1"] - r["y0"] == 1 for r in rows)
    covered = sum((r["x1"] - r["x0"]) * (r["y1"] - r["y0"]) for r in rows)
    assert covered == bins * bins  # a full grid covers the whole square: no gaps between cells


def test_report_charts_have_one_title_each(hand_summary):
    """A chart under a report heading does not repeat a title of its own ("Segment sizes" twice, "Segment map" twice)."""
    html = html_report(hand_summary, title="t")
    for chart_title in ("How each segment differs", "Where the value is"):
        assert chart_title not in html
    assert html.count(">Segment map<") == 1  # the heading only
    assert html.count(">Segment sizes<") == 1  # the chart's own title only (it sits under "Segments", no heading)


def test_density_chart_without_cells_raises():
    with pytest.raises(SpecError, match="no cells"):
        density_chart({"bins": 36, "cells": []}, {})


def test_segment_colors_grey_for_unassigned_and_blank_names():
    names, colors = segment_colors([profile(-1, "Unassigned", 5, 0.1), profile(3, "", 5, 0.1)])
    assert names == ["Segment 3", "Unassigned"]
    assert colors == [SEGMENT_COLORS[3], UNASSIGNED_COLOR]


# ------------------------------------------------------------------------------------------------- PDF
def pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type /Page\b", pdf))


@pytest.mark.slow
def test_pdf_real_summary_is_valid(retail_summary):
    pdf = pdf_report(retail_summary, title="Retail Q3", data_summary="Read 600 rows.", show_sql=True)
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert pdf_pages(pdf) >= 2  # cover + cards, then the charts
    assert b"DejaVu" in pdf and len(re.findall(rb"/Subtype /Image", pdf)) == 4


NON_LATIN_NAMES = ("Постоянные клиенты", "忠实客户", "충성 고객", "Ελληνικά ✓ «»")


@pytest.mark.slow
def test_pdf_never_fails_on_non_latin_names(hand_summary):
    """Cyrillic, Chinese, Korean and Greek (with symbols) in one report: segment names, a column, title, subtitle."""
    s = copy.deepcopy(hand_summary)
    assert len(s["profiles"]) == 3
    for profile, name in zip(s["profiles"], NON_LATIN_NAMES, strict=False):
        profile["name"] = name
    s["effects"]["columns"] = [NON_LATIN_NAMES[3], "visits"]
    s["density"] = None
    pdf = pdf_report(s, title=NON_LATIN_NAMES[1], subtitle=NON_LATIN_NAMES[0], show_sql=False)
    assert pdf.startswith(b"%PDF-") and pdf_pages(pdf) >= 1


@pytest.mark.slow
def test_pdf_fonts_cover_cyrillic_and_mark_missing_glyphs():
    fonts = find_fonts(dirs=report_pdf.FONT_DIRS)
    assert fonts.unicode and fonts.body == "dejavu"
    assert all(ord(ch) in fonts.covered for ch in "Постоянные Ελληνικά")
    drawer = report_pdf._Pdf(fonts)
    assert drawer.text("Привет") == "Привет"
    if not fonts.fallback:  # no CJK font on this machine: the characters become "?" rather than failing
        assert drawer.text("Привет 你好") == "Привет ??"


@pytest.mark.slow
def test_pdf_falls_back_to_helvetica_without_unicode_fonts(hand_summary, tmp_path, monkeypatch):
    monkeypatch.setattr(report_pdf, "FONT_DIRS", (str(tmp_path),))
    monkeypatch.setattr(pdf_fonts, "PACKAGED_CJK", ("no_such_font_package", {}))
    find_fonts.cache_clear()
    fonts = find_fonts(dirs=(str(tmp_path),))
    assert not fonts.unicode and fonts.body == "helvetica"
    s = copy.deepcopy(hand_summary)
    s["profiles"][0]["name"] = "Постоянные €"
    s["density"] = None
    pdf = pdf_report(s, title="Клиенты", show_sql=True)
    assert pdf.startswith(b"%PDF-") and b"Helvetica" in pdf and b"DejaVu" not in pdf
    assert report_pdf._Pdf(fonts).text("Клиенты é") == "??????? é"


@pytest.mark.slow
def test_pdf_card_moves_to_next_page_instead_of_splitting(hand_summary):
    drawer = report_pdf._Pdf(find_fonts(dirs=report_pdf.FONT_DIRS))
    doc = drawer.doc
    card = report_pdf._pdf_card(drawer, hand_summary["profiles"][0], SEGMENT_COLORS[0], show_sql=True)
    drawer.keep_together(card)  # fits on the empty first page
    assert doc.page == 1
    first_height = doc.y - doc.t_margin
    doc.set_y(doc.page_break_trigger - first_height / 2)  # only half a card of room left
    drawer.keep_together(card)
    assert doc.page == 2
    assert doc.y == pytest.approx(doc.t_margin + first_height)  # drawn whole at the top of page 2


# ----------------------------------------------------------------------------------------- real data
@pytest.mark.slow
def test_reports_on_wholesale_customers(real_data):
    df = pd.read_csv(real_data / "wholesale_customers.csv")
    numeric = ["Fresh", "Milk", "Grocery", "Frozen", "Detergents_Paper", "Delicassen"]
    summary = fit_summary(df, numeric=numeric, categorical=[], k=3)
    html = html_report(summary, title="Wholesale", data_summary="Read 440 rows x 8 columns.")
    assert '<div class="stat"><b>440</b>customers</div>' in html
    assert sum(p["size"] for p in summary["profiles"]) == 440
    assert "top 20%" not in html  # no value column was recognised, so no Pareto
    assert html.count("<svg") == 3 and ">Detergents_Paper</text>" in html
    assert_offline_and_inert(html)
    pdf = pdf_report(summary, title="Wholesale")
    assert pdf.startswith(b"%PDF-") and pdf_pages(pdf) >= 1


@pytest.mark.slow
def test_report_from_a_fitted_segmentation(sample_data):
    """End to end through segcore.model.segmentation.segment + build_summary, as the studio builds its report."""
    from segcore.model.segmentation import segment
    from segcore.model.spec import FeatureSpec

    df = pd.read_csv(sample_data / "retail_customers.csv").head(500)
    features = ("visits_last_90d", "orders_12m", "avg_basket", "total_spend_12m")
    seg = segment(df, spec=FeatureSpec(features=features, k=3))
    summary = for_sharing(build_summary(seg, df))
    html = html_report(summary, title="Model run", show_sql=False)
    assert '<div class="stat"><b>500</b>customers</div>' in html
    for p in summary["profiles"]:
        assert report_html._e(p["name"]) in html
    assert_offline_and_inert(html)
