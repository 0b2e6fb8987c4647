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
