"""The studio through Streamlit's AppTest: every page on the sample data, asserting on the values shown.

UMAP is replaced by the PCA map here (SEGCORE_FAST_MAP=1, set by apptest_support): the map's UMAP path is tested in
tests/insight/test_embed.py; the browser test drives the real page.
"""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from apptest_support import APP, TIMEOUT, AppTest, fresh, metrics, no_errors
from helpers import SAMPLE_DATA


@pytest.fixture(scope="module")
def flow():
    """One session walked through data -> features -> segments -> profiles on the retail sample."""
    at = fresh()
    at.switch_page("pages/features.py").run()
    no_errors(at)
    at.switch_page("pages/segments.py").run()
    no_errors(at)
    return at


def test_data_page_opens_on_the_sample_data():
    at = fresh()
    shown = metrics(at)
    expected = pd.read_csv(SAMPLE_DATA / "retail_customers.csv")
    assert shown["Rows"] == f"{len(expected):,}"
    assert shown["Columns"] == str(expected.shape[1])
    assert shown["Encoding"] == "utf-8" and shown["Delimiter"] == "comma"
    assert "Retail customers" in at.success[0].value
    editor = at.data_editor(key="role_editor") if hasattr(at, "data_editor") else None
    assert editor is not None


@pytest.mark.slow
def test_features_page_starts_from_the_value_preset(flow):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.switch_page("pages/features.py").run()
    no_errors(at)
    chosen = at.multiselect[0].value
    assert {"orders_12m", "total_spend_12m", "visits_last_90d"} <= set(chosen)
    assert "customer_id" not in chosen and "gender" not in chosen  # ids and sensitive columns stay out
    kpis = at.multiselect[1].value
    assert {"nps", "csat", "churned"} <= set(kpis)


@pytest.mark.slow
def test_segments_page_shows_the_recommended_segmentation(flow):
    shown = metrics(flow)
    assert shown["Segments"] == "5"
    assert shown["Customers"] == "5,000"
    assert float(shown["Separation (silhouette)"]) > 0.35
    assert float(shown["Stability"]) > 0.8
    assert any("GOOD" in m.value for m in flow.markdown)
    charts = flow.get("arrow_vega_lite_chart") or flow.get("vega_lite_chart")
    assert len(charts) >= 3  # sweep, map, sizes
    specs = [json.loads(c.proto.spec) for c in charts]
    sizes = [sp for sp in specs if any(layer.get("encoding", {}).get("x", {}).get("field") == "size"
                                       for layer in sp.get("layer", []))]
    assert len(sizes) == 1 and "title" not in sizes[0]  # the "Segment sizes" heading names it: one title per chart
    assert any(h.value == "Segment sizes" for h in flow.subheader)
    notes = [m.value.replace("\\", "") for m in flow.markdown if m.value.startswith("- ")]  # unescaped
    assert any("Chosen automatically — 5 segments:" in n for n in notes)
    assert not any(n.count("segments:") > 1 for n in notes)  # not "Chose 5 segments: 5 segments:"
    assert any(c.value.startswith("5 segments") for c in flow.caption)
    verdicts = [m.value for m in (*flow.success, *flow.info, *flow.warning)]
    assert any(v.startswith(("Clear groups", "Weak groups", "No natural segments")) for v in verdicts)
    interval = next(c.value for c in flow.caption if c.value.startswith("Stability "))
    low, high = (float(v) for v in re.findall(r"between ([0-9.]+) and ([0-9.]+)", interval)[0])
    assert low <= float(shown["Stability"]) <= high


@pytest.mark.slow
def test_changing_k_refits_without_recomputing_the_map(flow):
    flow.selectbox(key="k_choice").set_value(3).run()
    no_errors(flow)
    assert metrics(flow)["Segments"] == "3"
    flow.selectbox(key="k_choice").set_value("Auto").run()
    assert metrics(flow)["Segments"] == "5"


@pytest.mark.slow
def test_profiles_page_shows_one_card_per_segment(flow):
    flow.switch_page("pages/profiles.py").run()
    no_errors(flow)
    names = [t.value for t in flow.text_input if t.key and t.key.startswith("name_")]
    assert len(names) == 5 and len(set(names)) == 5
    sizes = [int(m.value.replace(",", "")) for m in flow.metric if m.label == "Customers"][1:]
    assert sum(sizes) == 5000
    actions = [i.value for i in flow.info if not i.value.startswith("Weak groups")]
    assert len(actions) == 5 and all(a for a in actions)
    per_segment = [c.value for c in flow.caption if re.match(r"Stability [0-9.]+: ", c.value)]
    per_segment += [w.value for w in flow.warning if re.match(r"Stability [0-9.]+: ", w.value)]
    assert len(per_segment) == 5  # every card says how stable its segment is
    assert any(c.value.startswith("Stability ") and "between" in c.value for c in flow.caption)
    sql = [c.value for c in flow.code if not c.value.startswith("SELECT")]
    assert len(sql) >= 5 and all(re.search(r'"\w+" (<=|>)', s) for s in sql if s != "-- no simple rule")
    labels = [b.label for b in flow.get("download_button")]
    assert {"Assignments (CSV)", "Assignments (Excel)", "Profiles (JSON)", "Model file"} <= set(labels)


@pytest.mark.slow
def test_profiles_page_offers_warehouse_sql_that_agrees_with_the_model(flow):
    import duckdb

    flow.switch_page("pages/profiles.py").run()
    flow.selectbox(key="warehouse_dialect").set_value("duckdb").run()
    no_errors(flow)
    query = next(c.value for c in flow.code if c.value.startswith("SELECT"))
    con = duckdb.connect()
    con.register("customers", pd.read_csv(SAMPLE_DATA / "retail_customers.csv"))
    scored = con.sql(query.rstrip(";")).df()
    assert len(scored) == 5000 and scored["segment"].nunique() == 5
    flow.selectbox(key="warehouse_dialect").set_value("snowflake").run()
    assert any(c.value.startswith("SELECT") and "segment_name" in c.value for c in flow.code)


@pytest.mark.slow
def test_data_page_opens_a_parquet_folder_log_from_disk(tmp_path):
    log = pd.read_csv(SAMPLE_DATA / "transactions.csv")
    for i, part in enumerate((log.iloc[:20000], log.iloc[20000:])):
        (tmp_path / f"part={i}").mkdir()
        part.to_parquet(tmp_path / f"part={i}" / "orders.parquet")
    at = fresh()
    at.text_input(key="disk_path").set_value(str(tmp_path)).run()
    at.button(key="open_disk_path").click().run()
    no_errors(at)
    assert metrics(at)["Rows"] == "3,939"  # customers, aggregated by DuckDB
    at.text_input(key="disk_path").set_value(str(tmp_path / "missing.parquet")).run()
    at.button(key="open_disk_path").click().run()
    assert "does not exist" in at.error[0].value and metrics(at)["Rows"] == "3,939"


@pytest.mark.slow
def test_renaming_a_segment_is_used_everywhere(flow):
    flow.switch_page("pages/profiles.py").run()
    flow.text_input(key="name_0").set_value("Top fans").run()
    no_errors(flow)
    assert flow.text_input(key="name_0").value == "Top fans"
    assert flow.selectbox(key="segment_filter").format_func(0) == "Top fans"


def test_bad_upload_shows_a_clear_error_and_keeps_working():
    at = fresh()
    at.file_uploader(key="uploader").set_value(("broken.csv", b"", "text/csv")).run()
    assert not at.exception
    assert len(at.error) == 1
    message = at.error[0].value
    assert "empty" in message.lower()
    assert metrics(at)["Rows"] == "5,000"  # the previous data stays loaded


def test_upload_of_a_non_english_semicolon_file():
    at = fresh()
    data = (SAMPLE_DATA / "klienty_cp1251.csv").read_bytes()
    at.file_uploader(key="uploader").set_value(("klienty.csv", data, "text/csv")).run()
    no_errors(at)
    shown = metrics(at)
    assert shown["Encoding"] == "cp1251" and shown["Delimiter"] == "semicolon"
    assert shown["Rows"] == "400"


@pytest.mark.slow
def test_transaction_log_becomes_one_row_per_customer():
    at = fresh()
    at.button(key="sample_Transaction log (100k rows)").click().run()
    no_errors(at)
    assert any("transaction log" in w.value for w in at.warning)
    convert = next(b for b in at.button if b.label.startswith("Turn it into one row per customer"))
    convert.click().run()
    no_errors(at)
    raw = pd.read_csv(SAMPLE_DATA / "transactions.csv")
    customers = raw["customer_id"].dropna().nunique()
    assert metrics(at)["Rows"] == f"{customers:,}"
    assert any(c.value.startswith("Recency, frequency and monetary") for c in at.caption)


def test_pages_that_need_an_earlier_step_say_so():
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.switch_page("pages/profiles.py").run()
    no_errors(at)
    assert any("needs the" in i.value for i in at.info)
    assert at.get("page_link")


@pytest.mark.slow
def test_allowing_a_sensitive_column_reruns_the_sweep_on_the_new_matrix():
    """The sweep is cached per prepared matrix: opting in to 'gender' must not reuse the sweep without it."""
    at = fresh()
    at.switch_page("pages/features.py").run()
    at.multiselect[0].set_value([*at.multiselect[0].value, "gender"]).run()
    at.switch_page("pages/segments.py").run()
    without = next(c.value for c in at.caption if c.value.startswith("5 segments"))
    at.switch_page("pages/features.py").run()
    at.toggle[0].set_value(True).run()
    at.switch_page("pages/segments.py").run()
    no_errors(at)
    # a stale sweep (without gender) would still recommend 5; with gender in the matrix the engine picks another k
    assert metrics(at)["Segments"] != "5"
    assert not any(c.value == without for c in at.caption)


def test_server_wide_job_dicts_stay_bounded():
    """Fits and maps are shared by every session of a long-running server: the oldest go first."""
    from pages.common.jobs import put_bounded

    jobs: dict = {}
    for i in range(20):
        put_bounded(jobs, f"k{i}", i, 16)
    assert list(jobs) == [f"k{i}" for i in range(4, 20)]
