"""Two waves of the same customers: who moved, who is new or lost, and the per-segment changes."""

from __future__ import annotations

import pandas as pd
import pytest

from segcore.errors import SpecError
from segcore.insight.waves import moves_long, wave_changes


def test_moves_new_lost_value_and_kpis_are_counted_exactly():
    earlier = pd.DataFrame({"cid": ["a", "b", "c", "d"], "segment": [0, 0, 1, 1], "spend": [10.0, 20, 30, 40]})
    later = pd.DataFrame({"cid": ["a", "b", "c", "e"], "segment": [0, 1, 1, 0], "spend": [12.0, 25, 35, 5]})
    change = wave_changes(earlier, later, id_column="cid", value_column="spend")
    assert (change.stayed, change.moved, change.new, change.lost) == (2, 1, 1, 1)
    assert change.moves.loc[0, 1] == 1 and change.moves.loc[0, 0] == 1 and change.moves.loc[1, 1] == 1
    assert change.value_moves.loc[0, 1] == 25.0 and change.value_moves.loc["not in A", 0] == 5.0
    kpis = change.kpis.set_index("segment")
    assert kpis.loc[0, "customers_earlier"] == 2 and kpis.loc[0, "customers_later"] == 2
    assert kpis.loc[1, "mean_value_change"] == pytest.approx(30.0 - 35.0)
    assert "1 moved to another" in change.headline()
    long = moves_long(change.moves, names_a={0: "Keen", 1: "Quiet"}, names_b={0: "Keen", 1: "Quiet"})
    assert long.loc[(long["from"] == "Keen") & (long["to"] == "Quiet"), "customers"].item() == 1


def test_waves_without_the_id_column_are_refused():
    with pytest.raises(SpecError, match="same customer id column"):
        wave_changes(pd.DataFrame({"segment": [0]}), pd.DataFrame({"cid": [1], "segment": [0]}), id_column="cid")
