"""Next month's file against a saved run (issue 12): save wave 1 with its customer rows, load wave 2, save it, and
Compare follows the customers from one wave to the next instead of asking for two runs of the data loaded now."""

from __future__ import annotations

import pandas as pd
import pytest
from apptest_support import fresh, metrics, no_errors, saved_run_id
from helpers import SAMPLE_DATA

from segcore.columns.roles import infer_roles
from segcore.io.load import fingerprint, load_table

pytestmark = pytest.mark.slow


def _save(at, title: str) -> None:
    at.switch_page("pages/share.py").run()
    no_errors(at)
    at.text_input[0].set_value(title)
    next(c for c in at.checkbox if c.label.startswith("Also store the customer rows")).check()
    at.form_submit_button[0].click().run()
    no_errors(at)
    assert any(s.value.startswith("Saved") for s in at.success)


def _second_wave(tmp_path):
    """The sample customers a month later: 200 left, 100 joined, the rest spent differently."""
    wave = pd.read_csv(SAMPLE_DATA / "retail_customers.csv").iloc[200:].reset_index(drop=True)
    joined = wave.head(100).copy()
    joined["customer_id"] = [f"N{i:05d}" for i in range(100)]
    wave = pd.concat([wave, joined], ignore_index=True)
    wave["total_spend_12m"] = wave["total_spend_12m"] * 1.1
    path = tmp_path / "retail_customers_2.csv"
    wave.to_csv(path, index=False)
    table = load_table(path)
    return table, wave


def test_two_waves_are_compared_customer_by_customer(tmp_path):
    from pages.common.state import Dataset

    at = fresh()
    at.switch_page("pages/features.py").run()
    at.switch_page("pages/segments.py").run()
    no_errors(at)
    _save(at, "Wave 1 draft")
    _save(at, "Wave 1")  # Compare now shows the two wave-1 runs: the pair the user saw must not stick after wave 2
    assert at.selectbox(key="cmp_b").value != at.selectbox(key="cmp_a").value

    table, wave = _second_wave(tmp_path)
    schema = infer_roles(table.df)
    at.session_state["dataset"] = Dataset(name="retail_customers_2.csv", df=table.df, report=table.report,
                                          fingerprint=fingerprint(table.df), schema=schema)
    at.session_state["spec_choices"] = None
    at.switch_page("pages/features.py").run()
    at.switch_page("pages/segments.py").run()
    no_errors(at)
    picker = at.selectbox(key="previous_run")  # offered because wave 1 is in the same series
    assert picker.options[1].startswith("Wave 1")
    picker.set_value(saved_run_id("Wave 1")).run()
    no_errors(at)
    assert any("aligned to the previous model" in m.value for m in at.markdown)
    _save(at, "Wave 2")

    at.switch_page("pages/share.py").run()
    no_errors(at)
    assert not any("Save two runs" in c.value for c in at.caption)
    shown = metrics(at)
    assert shown["New"] == "100" and shown["Lost"] == "200"
    stayed, moved = (int(shown[k].replace(",", "")) for k in ("Stayed", "Moved"))
    assert stayed + moved == len(wave) - 100
    assert stayed > 4 * moved  # segment numbers kept from wave 1: most customers are where they were
    charts = at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")
    assert charts  # the from/to heat map
