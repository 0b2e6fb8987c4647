"""The Profiles page's propensity section on the sample data (its `churned` column is proposed as the outcome)."""

from __future__ import annotations

import pytest
from apptest_support import fresh, metrics, no_errors

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def profiles():
    at = fresh()
    for page in ("pages/features.py", "pages/segments.py", "pages/profiles.py"):
        at.switch_page(page).run()
        no_errors(at)
    return at


def test_the_proposed_outcome_is_predicted_and_measured_on_held_out_customers(profiles):
    assert profiles.selectbox(key="outcome_pick").value == "churned"
    shown = metrics(profiles)
    auc = float(shown["Held-out AUC"])
    low, high = (float(v) for v in shown["95% interval"].split("–"))
    assert 0.5 < low < auc < high <= 1.0
    likelihood = [m for m in profiles.metric if m.label.startswith("Likelihood: churned = 1")]
    assert len(likelihood) == int(shown["Segments"])  # one per card
    charts = profiles.get("arrow_vega_lite_chart") or profiles.get("vega_lite_chart")
    assert len(charts) >= 5  # heat map, pareto, calibration, gains, per segment
    assert profiles.selectbox(key="contact_segment").value is not None


def test_choosing_no_outcome_removes_the_section(profiles):
    profiles.selectbox(key="outcome_pick").set_value("").run()
    no_errors(profiles)
    assert "Held-out AUC" not in metrics(profiles)
    assert not [m for m in profiles.metric if m.label.startswith("Likelihood")]
