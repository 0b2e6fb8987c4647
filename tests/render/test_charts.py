"""Tests for segcore.render.charts and segcore.render.theme: assertions on chart.to_dict(), exports and the Streamlit config."""

from __future__ import annotations

import tomllib
from pathlib import Path
from types import SimpleNamespace

import altair as alt
import numpy as np
import pandas as pd
import pytest
from helpers import ROOT

from segcore.errors import SpecError
from segcore.render import chartkit, charts, segment_charts, theme
from segcore.render.theme import PRIMARY, SEGMENT_COLORS, UNASSIGNED_COLOR, segment_palette

NAMES = {0: "Loyal", 1: "New", 2: "Lapsed", -1: "Unassigned"}


def layers(spec: dict) -> list[dict]:
    return spec.get("layer", [spec])


def data_of(spec: dict, part: dict | None = None) -> list[dict]:
    """The rows a (layer of a) spec draws; Altair stores them under top-level "datasets"."""
    part = part or spec
    name = part.get("data", spec.get("data", {})).get("name")
    return spec["datasets"][name]


def layer_with_mark(spec: dict, mark: str) -> list[dict]:
    found = []
    for layer in layers(spec):
        m = layer["mark"]
        if (m if isinstance(m, str) else m["type"]) == mark:
            found.append(layer)
    return found


def profile(segment: int, name: str, size: int, share: float, value: float, overall: float = 40.0):
    kpi = SimpleNamespace(column="spend", label="Average spend", value=value, overall=overall, fmt="money")
    return SimpleNamespace(segment=segment, name=name, size=size, share=share, kpis=(kpi,))


@pytest.fixture
def points() -> pd.DataFrame:
    seg = np.array([2, 0, 1, -1, 0, 2, 1, 0])
    return pd.DataFrame(
        {
            "x": np.arange(8, dtype=float),
            "y": np.arange(8, dtype=float) ** 2,
            "segment": seg,
            "segment_name": [NAMES[s] for s in seg],
            "customer_id": [f"C{i:03d}" for i in range(8)],
            "spend": np.linspace(10, 80, 8),
            "unused": "x",
        }
    )


# ------------------------------------------------------------------------------------------------ theme
@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["A", "B", "C"], (["A", "B", "C"], [PRIMARY, "#f97316", "#10b981"])),
        (["A", "Unassigned", "B"], (["A", "Unassigned", "B"], [PRIMARY, UNASSIGNED_COLOR, "#f97316"])),
        (["Zeta", "Alpha"], (["Zeta", "Alpha"], [PRIMARY, "#f97316"])),  # id order, never sorted by name
        (2, ([0, 1], [PRIMARY, "#f97316"])),
    ],
)
def test_segment_palette(names, expected):
    assert segment_palette(names) == expected


def test_palette_has_twelve_distinct_non_grey_colours_and_cycles_after():
    assert len(set(SEGMENT_COLORS)) == 12 and SEGMENT_COLORS[0] == "#2563eb"
    assert UNASSIGNED_COLOR not in SEGMENT_COLORS
    _, colors = segment_palette([f"S{i}" for i in range(13)])
    assert colors[12] == SEGMENT_COLORS[0]


def test_theme_is_registered_with_font_and_no_view_stroke():
    assert theme.THEME_NAME in alt.theme.names()
    spec = chartkit.chart_spec(
        segment_charts.size_chart(pd.DataFrame({"segment_name": ["A"], "size": [3], "share": [1.0]}))
    )
    assert spec["config"]["font"] == theme.FONT
    assert spec["config"]["view"]["stroke"] is None
    assert spec["config"]["title"]["fontSize"] == theme.TITLE_SIZE
    assert spec["config"]["range"]["category"] == list(SEGMENT_COLORS)


def test_theme_never_cuts_axis_or_legend_labels():
    """Segment names are the point of a chart: no "Recently active high-val…" on an axis or in a legend."""
    long = "Recently active high-value regulars in the capital"
    spec = chartkit.chart_spec(
        segment_charts.size_chart(pd.DataFrame({"segment_name": [long, "B"], "size": [3, 1], "share": [0.75, 0.25]}))
    )
    assert spec["config"]["axis"]["labelLimit"] == 0 and spec["config"]["legend"]["labelLimit"] == 0  # 0 = none
    for chart in (segment_charts, charts):
        source = Path(chart.__file__).read_text()
        assert "labelLimit=1" not in source and "labelLimit=2" not in source  # no chart puts a pixel cap back


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        ("Distribution of visits_last_90d", ["Distribution of", "visits_last_90d"]),
        ("Short", ["Short"]),
        ("Distribution of monetary_value_last_twelve_months_in_eur",
         ["Distribution of", "monetary_value_last_twelve_", "months_in_eur"]),
        ("消费金额的分布：过去十二个月的总消费金额", ["消费金额的分布：过去十二个月的", "总消费金额"]),  # CJK counts 2
    ],
)
def test_title_lines_break_between_words_and_keep_every_character(text, lines):
    assert chartkit.title_lines(text) == lines
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")


def test_distribution_title_is_whole_in_a_narrow_column():
    df = pd.DataFrame({"visits_last_90d": [1.0, 2.0, 3.0, 4.0]})
    title = segment_charts.distribution_chart(df, "visits_last_90d").to_dict()["title"]
    assert title["text"] == ["Distribution of", "visits_last_90d"]  # two lines, not "Distribution of visits_last_9…"


def test_untitled_drops_only_the_title():
    chart = segment_charts.size_chart(pd.DataFrame({"segment_name": ["A"], "size": [3], "share": [1.0]}))
    assert "title" in chart.to_dict() and "title" not in chartkit.untitled(chart).to_dict()
    assert chartkit.untitled(chart).to_dict()["layer"] == chart.to_dict()["layer"]


def test_chart_spec_restores_previous_theme():
    before = alt.theme.active
    chartkit.chart_spec(segment_charts.size_chart(pd.DataFrame({"segment_name": ["A"], "size": [3], "share": [1.0]})))
    assert alt.theme.active == before


def test_streamlit_config_matches_theme():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"] == {"maxUploadSize": 200, "headless": True}
    assert config["client"]["showErrorDetails"] == "none"
    assert config["browser"]["gatherUsageStats"] is False
    assert config["theme"]["base"] == "light"
    assert config["theme"]["primaryColor"] == PRIMARY
    assert config["theme"]["chartCategoricalColors"] == list(SEGMENT_COLORS)
    assert config["theme"]["font"] == theme.FONT


# -------------------------------------------------------------------------------------------------- map
def test_map_has_named_brush_and_pick_selections(points):
    spec = charts.map_chart(points, tooltip=["customer_id", "spend"], id_column="customer_id").to_dict()
    params = {p["name"]: p["select"] for p in spec["params"]}
    assert params == {
        "brush": {"type": "interval", "encodings": ["x", "y"]},
        "pick": {"type": "point", "fields": ["customer_id"]},
    }
    assert spec["encoding"]["opacity"] == {
        "condition": [{"param": "brush", "value": charts.MAP_OPACITY_IN}],
        "value": charts.MAP_OPACITY_OUT,
    }
    # colours by segment id order (Loyal=0, New=1, Lapsed=2), Unassigned last and grey
    assert spec["encoding"]["color"]["scale"] == {
        "domain": ["Loyal", "New", "Lapsed", "Unassigned"],
        "range": [PRIMARY, "#f97316", "#10b981", UNASSIGNED_COLOR],
    }
    rows = data_of(spec)
    assert len(rows) == 8 and set(rows[0]) == {"x", "y", "segment_name", "segment", "customer_id", "spend"}
    tips = {t["field"]: t for t in spec["encoding"]["tooltip"]}
    assert tips["spend"]["format"] == ",.2~f" and tips["segment_name"]["title"] == "Segment"


def test_map_tooltip_escapes_awkward_column_names(points):
    frame = points.rename(columns={"spend": "Avg. spend: total"})
    spec = charts.map_chart(frame, tooltip=["Avg. spend: total"]).to_dict()
    tip = spec["encoding"]["tooltip"][1]
    assert tip == {
        "field": "Avg\\. spend: total",
        "title": "Avg. spend: total",
        "type": "quantitative",
        "format": ",.2~f",
    }
    assert "Avg. spend: total" in data_of(spec)[0]


def test_map_without_selection_and_with_default_row_id(points):
    plain = charts.map_chart(points, selectable=False).to_dict()
    assert "params" not in plain and plain["encoding"]["opacity"] == {"value": charts.MAP_OPACITY_IN}
    picked = charts.map_chart(points.drop(columns="customer_id")).to_dict()
    assert {p["name"]: p["select"].get("fields") for p in picked["params"]}["pick"] == ["row"]
    assert [r["row"] for r in data_of(picked)] == list(range(8))
    assert "row" not in points.columns  # input not mutated


def test_map_and_size_chart_share_colours(points):
    palette = segment_palette(["Loyal", "New", "Lapsed", "Unassigned"])
    sizes = pd.DataFrame(
        {
            "segment": [0, 1, 2, -1],
            "segment_name": ["Loyal", "New", "Lapsed", "Unassigned"],
            "size": [3, 2, 2, 1],
        }
    ).assign(share=lambda f: f["size"] / 8)
    map_scale = charts.map_chart(points, palette=palette).to_dict()["encoding"]["color"]["scale"]
    bars = layer_with_mark(segment_charts.size_chart(sizes).to_dict(), "bar")[0]
    assert bars["encoding"]["color"]["scale"] == map_scale
    assert map_scale["range"][:3] == list(SEGMENT_COLORS[:3])


def test_map_missing_column_is_a_plain_error(points):
    with pytest.raises(SpecError, match="'visits' is not in the table"):
        charts.map_chart(points, tooltip=["visits"])


def test_big_map_exports_beyond_altairs_row_limit():
    n = 6_000
    pts = pd.DataFrame({"x": np.arange(n), "y": 0.0, "segment": 0, "segment_name": "A"})
    chart = charts.map_chart(pts)
    with pytest.raises(alt.MaxRowsError):
        chart.to_dict()
    spec = chartkit.chart_spec(chart)
    assert len(data_of(spec)) == n and spec["mark"]["size"] == charts.MAP_POINT_SIZE_LARGE
    assert data_of(spec)[0]["x"] == 0.0  # float32 coordinates


# ------------------------------------------------------------------------------------------------ sweep
def test_sweep_marks_recommended_k_and_skips_missing_stability():
    table = pd.DataFrame(
        {
            "k": [2, 3, 4, 5],
            "silhouette": [0.30, 0.41, 0.38, 0.2],
            "stability": [0.9, 0.95, None, 0.7],
            "inertia": 1.0,
        }
    )
    spec = charts.sweep_chart(table, 3, reason="Best separation with stable segments.").to_dict()
    rule = layer_with_mark(spec, "rule")[0]
    assert data_of(spec, rule) == [{"k": 3, "label": "Recommended: 3 segments"}]
    assert rule["encoding"]["x"]["field"] == "k"
    text = layer_with_mark(spec, "text")[0]
    assert text["encoding"]["text"]["field"] == "label"
    rows = data_of(spec, layer_with_mark(spec, "line")[0])
    assert len(rows) == 7  # 4 silhouette + 3 stability (the missing one is not drawn)
    assert {r["metric"] for r in rows} == {"Separation (silhouette)", "Stability"}
    assert spec["title"] == {
        "text": "How many segments?",
        "subtitle": "Best separation with stable segments.",
    }
    assert spec["layer"][0]["encoding"]["x"]["title"] == "Number of segments"


# --------------------------------------------------------------------------------------------- heat map
def test_effect_heatmap_values_clipping_and_labels():
    effects = pd.DataFrame([[0.5, -3.0], [2.5, np.nan]], index=[0, 1], columns=["spend", "visits"])
    spec = segment_charts.effect_heatmap(effects, segment_names={0: "Loyal", 1: "New"}).to_dict()
    rows = data_of(spec, spec["layer"][0])
    assert [(r["segment_name"], r["column"], r["shade"], r["label"]) for r in rows] == [
        ("Loyal", "spend", 0.5, "+0.5"),
        ("Loyal", "visits", -2.0, "-3.0"),
        ("New", "spend", 2.0, "+2.5"),
        ("New", "visits", None, ""),
    ]
    scale = spec["layer"][0]["encoding"]["color"]["scale"]
    assert scale == {"domain": [-2.0, 0, 2.0], "range": ["#2563eb", "#ffffff", "#f97316"]}
    assert spec["layer"][0]["encoding"]["y"]["sort"] == ["Loyal", "New"]


def test_effect_heatmap_name_count_must_match():
    with pytest.raises(SpecError, match="2 segment names for 3 segments"):
        segment_charts.effect_heatmap(pd.DataFrame(np.zeros((3, 2))), segment_names=["a", "b"])


# ----------------------------------------------------------------------------------------------- pareto
def test_pareto_reference_marks_and_small_payload():
    x = np.linspace(0, 1, 5_001)
    curve = pd.DataFrame({"customer_share": x, "value_share": np.sqrt(x)})
    spec = charts.pareto_chart(curve, 0.447).to_dict()
    rule_rows = [data_of(spec, layer)[0] for layer in layer_with_mark(spec, "rule")]
    assert {"customer_share": 0.2} in rule_rows and {"value_share": 0.8} in rule_rows
    labels = [r["label"] for layer in layer_with_mark(spec, "text") for r in data_of(spec, layer)]
    assert "Top 20% of customers bring 45% of value" in labels
    area = data_of(spec, layer_with_mark(spec, "area")[0])
    assert len(area) == charts.PARETO_POINTS
    assert area[0] == {"customer_share": 0.0, "value_share": 0.0} and area[-1][
        "value_share"
    ] == pytest.approx(1.0)
    assert area[40]["value_share"] == pytest.approx(np.sqrt(0.2), abs=1e-3)


# ------------------------------------------------------------------------------------------ size and KPI
def test_size_chart_from_profiles_labels_and_order():
    profiles = [profile(1, "New", 20, 0.4, 25.0), profile(0, "Loyal", 30, 0.6, 50.0)]
    spec = segment_charts.size_chart(profiles).to_dict()
    rows = data_of(spec, spec["layer"][0])
    assert [r["label"] for r in rows] == ["20 (40%)", "30 (60%)"]
    bar = layer_with_mark(spec, "bar")[0]
    assert bar["encoding"]["y"]["sort"] == ["Loyal", "New"]
    assert bar["encoding"]["color"]["scale"]["range"] == [PRIMARY, "#f97316"]


def test_kpi_bars_with_overall_rule():
    spec = segment_charts.kpi_bars(
        [profile(0, "Loyal", 30, 0.6, 50.0), profile(1, "New", 20, 0.4, 25.0)], "spend"
    ).to_dict()
    bar = layer_with_mark(spec, "bar")[0]
    assert [(r["segment_name"], r["value"]) for r in data_of(spec, bar)] == [("Loyal", 50.0), ("New", 25.0)]
    assert bar["encoding"]["x"]["axis"]["format"] == ",.2f"
    assert data_of(spec, layer_with_mark(spec, "rule")[0])[0]["value"] == 40.0
    assert spec["title"] == "Average spend by segment"


def test_kpi_bars_unknown_kpi():
    with pytest.raises(SpecError, match="No segment has the KPI 'churn'"):
        segment_charts.kpi_bars([profile(0, "Loyal", 30, 0.6, 50.0)], "churn")


# --------------------------------------------------------------------------------------------- distributions
def test_numeric_distribution_is_prebinned_and_reports_missing():
    df = pd.DataFrame({"spend": [1.0, 2.0, 2.0, 3.0, 4.0, np.nan]})
    spec = segment_charts.distribution_chart(df, "spend", bins=3).to_dict()
    rows = data_of(spec)
    assert [(r["start"], r["end"], r["count"]) for r in rows] == [(1.0, 2.0, 1), (2.0, 3.0, 2), (3.0, 4.0, 2)]
    assert spec["title"]["subtitle"] == "1 missing value(s) not shown"
    assert spec["encoding"]["x"]["bin"] == "binned"
    assert "transform" not in spec


def test_numeric_distribution_segment_vs_all_as_shares():
    df = pd.DataFrame({"spend": [1.0, 1.0, 9.0, 9.0]}, index=[10, 10, 11, 12])  # duplicate index is fine
    spec = segment_charts.distribution_chart(df, "spend", segment=[True, False, True, True], bins=2).to_dict()
    rows = data_of(spec)
    shares = {(r["group"], r["start"]): r["share"] for r in rows}
    assert shares == {
        ("All customers", 1.0): 0.5,
        ("All customers", 5.0): 0.5,
        ("This segment", 1.0): pytest.approx(1 / 3),
        ("This segment", 5.0): pytest.approx(2 / 3),
    }


def test_categorical_distribution_groups_other_and_missing():
    df = pd.DataFrame({"plan": ["a"] * 5 + ["b"] * 3 + ["c", "d", None]})
    spec = segment_charts.distribution_chart(df, "plan", top=2).to_dict()
    rows = [(r["level"], r["count"]) for r in data_of(spec)]
    assert rows == [("a", 5), ("b", 3), ("Other (2 levels)", 2), ("(missing)", 1)]
    assert spec["encoding"]["y"]["sort"] == ["a", "b", "Other (2 levels)", "(missing)"]


def test_distribution_mask_length_checked():
    with pytest.raises(SpecError, match="mask has 2 values but the table has 3 rows"):
        segment_charts.distribution_chart(pd.DataFrame({"a": [1, 2, 3]}), "a", segment=[True, False])


def test_wholesale_distribution_and_correlation(real_data):
    df = pd.read_csv(real_data / "wholesale_customers.csv")
    spec = segment_charts.distribution_chart(df, "Fresh", segment=df["Channel"] == 2).to_dict()
    rows = data_of(spec)
    assert sum(r["count"] for r in rows if r["group"] == "All customers") == 440
    assert sum(r["count"] for r in rows if r["group"] == "This segment") == int((df["Channel"] == 2).sum())
    assert len(rows) == 2 * segment_charts.DEFAULT_BINS
    spend = ["Fresh", "Milk", "Grocery", "Frozen", "Detergents_Paper", "Delicassen"]
    corr = df[spend].corr()
    cspec = charts.correlation_chart(corr).to_dict()
    cells = {(r["row"], r["column"]): r["r"] for r in data_of(cspec, cspec["layer"][0])}
    assert cells[("Grocery", "Detergents_Paper")] == pytest.approx(
        corr.loc["Grocery", "Detergents_Paper"], abs=1e-4
    )
    assert cells[("Grocery", "Detergents_Paper")] > 0.9  # the well-known strong pair in this data set
    assert len(cells) == 36 and len(cspec["layer"]) == 2


def test_correlation_needs_square_table():
    with pytest.raises(SpecError, match="square"):
        charts.correlation_chart(pd.DataFrame(np.zeros((2, 3))))


# ----------------------------------------------------------------------------------------------- exports
@pytest.mark.slow
def test_chart_png_and_svg():
    chart = segment_charts.effect_heatmap(pd.DataFrame([[0.5, -1.0]], index=[0], columns=["a", "b"]), segment_names=["Loyal"])
    png = chartkit.chart_png(chart)
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 1_000
    svg = chartkit.chart_svg(chart)
    assert svg.startswith("<svg") and "Loyal" in svg


@pytest.mark.slow
def test_chart_html_is_standalone():
    html = chartkit.chart_html(
        segment_charts.size_chart(pd.DataFrame({"segment_name": ["A"], "size": [3], "share": [1.0]}))
    )
    assert html.lstrip().lower().startswith("<!doctype html>") and "cdn.jsdelivr" not in html
