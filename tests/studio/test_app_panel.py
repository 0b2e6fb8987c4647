"""The Data page recognises a state-by-year panel and turns it into one row per state."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from apptest_support import fresh, metrics, no_errors

from segcore.columns.roles import infer_roles
from segcore.io.load import fingerprint, load_table

pytestmark = pytest.mark.slow


def test_a_panel_is_offered_as_latest_period(tmp_path):
    from pages.common.state import Dataset

    rng = np.random.default_rng(0)
    rows = [{"state": s, "year": y, "population": int(rng.gamma(3, 1e6)), "median_income": rng.normal(5e4, 1e4)}
            for s in range(1, 57) for y in range(2000, 2025)]
    path = tmp_path / "states.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    table = load_table(path)
    at = fresh()
    at.session_state["dataset"] = Dataset(name="states.csv", df=table.df, report=table.report,
                                          fingerprint=fingerprint(table.df), schema=infer_roles(table.df))
    at.run()
    no_errors(at)
    assert any("**panel**" in w.value for w in at.warning)
    at.button(key="panel_latest").click().run()
    no_errors(at)
    assert metrics(at)["Rows"] == "56"
    assert any("latest year" in i.value for i in at.info)
