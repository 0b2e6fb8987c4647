"""The Features page's factor view on the sample data."""

from __future__ import annotations

import pytest
from apptest_support import fresh, no_errors

pytestmark = pytest.mark.slow


def test_the_factor_view_names_factors_and_draws_loadings():
    at = fresh()
    at.switch_page("pages/features.py").run()
    no_errors(at)
    charts_before = len(at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart"))
    at.toggle(key="factor_view").set_value(True).run()
    no_errors(at)
    assert any(c.value.startswith("Parallel analysis:") for c in at.caption)
    factors = [m.value for m in at.markdown if m.value.startswith("- F1")]
    assert factors and "%" in factors[0]
    assert len(at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")) == charts_before + 1


def test_segmenting_on_factor_scores_flows_to_the_cards_and_the_warehouse_sql():
    at = fresh()
    at.switch_page("pages/features.py").run()
    at.toggle(key="on_factors").set_value(True).run()
    no_errors(at)
    assert any(c.value.startswith("Parallel analysis:") for c in at.caption)  # the factors it will use are shown
    at.switch_page("pages/segments.py").run()
    no_errors(at)
    assert any("factor scores instead of the columns" in m.value for m in at.markdown)
    at.switch_page("pages/profiles.py").run()
    no_errors(at)
    assert len([c for c in at.caption if c.value.startswith("Segment ")]) >= 2  # one card per segment
    sql = next(c.value for c in at.code if "segment_name" in c.value)
    assert "segcore_g0" in sql  # the factor-score step of the scoring query
    at.switch_page("pages/features.py").run()
    assert at.toggle(key="on_factors").value  # the choice holds when the page is drawn again
