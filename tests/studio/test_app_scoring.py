"""Next month's file scored with a saved run's model in the studio (issue 12, item 3): the same segments and
names, the assignments to download, saved as the next wave, and Compare following the customers."""

from __future__ import annotations

import pandas as pd
import pytest
from apptest_support import fresh, metrics, no_errors, saved_run_id
from helpers import SAMPLE_DATA

from segcore.columns.roles import infer_roles
from segcore.io.load import fingerprint, load_table

pytestmark = pytest.mark.slow


def _second_wave(tmp_path):
    """The sample customers a month later: 200 left, 100 joined."""
    wave = pd.read_csv(SAMPLE_DATA / "retail_customers.csv").iloc[200:].reset_index(drop=True)
    joined = wave.head(100).copy()
    joined["customer_id"] = [f"N{i:05d}" for i in range(100)]
    wave = pd.concat([wave, joined], ignore_index=True)
    path = tmp_path / "retail_customers_2.csv"
    wave.to_csv(path, index=False)
    return load_table(path)


def test_a_new_file_is_scored_with_a_saved_run_and_saved_as_the_next_wave(tmp_path):
    from pages.common.state import Dataset

    at = fresh()
    at.switch_page("pages/features.py").run()
    at.switch_page("pages/segments.py").run()
    at.switch_page("pages/share.py").run()
    at.text_input[0].set_value("January")
    next(c for c in at.checkbox if c.label.startswith("Also store the customer rows")).check()
    at.form_submit_button[0].click().run()
    no_errors(at)

    table = _second_wave(tmp_path)
    at.session_state["dataset"] = Dataset(name="retail_customers_2.csv", df=table.df, report=table.report,
                                          fingerprint=fingerprint(table.df), schema=infer_roles(table.df))
    at.session_state["spec_choices"] = None
    at.switch_page("pages/share.py").run()
    no_errors(at)
    picker = at.selectbox(key="score_run")
    assert picker.options[1].startswith("January")
    picker.set_value(saved_run_id("January")).run()
    no_errors(at)
    shown = metrics(at)
    assert shown["Customers scored"] == "4,900"
    per_segment = at.dataframe[0].value
    assert per_segment["Customers"].sum() == 4900
    assert per_segment["Segment"].tolist() == sorted(per_segment["Segment"].tolist())
    downloads = [b for b in at.get("download_button") if b.label == "Assignments (CSV)"]
    assert downloads

    at.checkbox(key="score_rows").check()
    next(b for b in at.button if b.label == "Save the new wave").click().run()
    no_errors(at)
    assert any(s.value.startswith("Saved") and "4,900 customers" in s.value for s in at.success)
    shown = metrics(at)
    assert shown["New"] == "100" and shown["Lost"] == "200"
    stayed, moved = (int(shown[k].replace(",", "")) for k in ("Stayed", "Moved"))
    assert stayed + moved == 4800 and moved == 0  # the same model, the same customers' same columns: nobody moved
