"""A saved run keeps its profiles once (in the summary) and lists the counts its headline shows.

Regression: with HDBSCAN on the retail sample the headline said 9 segments and the saved list 10, because the list
counted the "Unassigned" profile as a segment.
"""

from __future__ import annotations

import pytest
from helpers import SAMPLE_DATA

from segcore.columns.roles import infer_roles
from segcore.columns.schema import default_preset, preset_features
from segcore.errors import ModelError
from segcore.insight.summary import build_summary
from segcore.io.load import load_table
from segcore.labels import UNASSIGNED
from segcore.model.persist import dumps, load_segmentation
from segcore.model.segmentation import segment
from segcore.model.spec import FeatureSpec
from segcore.store.runs import open_store


@pytest.mark.slow
def test_hdbscan_on_the_retail_sample_lists_the_segment_count_its_headline_shows(tmp_path):
    df = load_table(SAMPLE_DATA / "retail_customers.csv").df
    schema = infer_roles(df)
    spec = FeatureSpec(features=tuple(preset_features(schema, default_preset(schema))), method="hdbscan")
    seg = segment(df, spec=spec, schema=schema)
    assigned = [p for p in seg.profiles if p.segment != UNASSIGNED]
    assert len(assigned) < len(seg.profiles), "the sample must leave some customers unassigned for this check"

    summary = build_summary(seg, df)
    store = open_store(f"sqlite:///{tmp_path / 'runs.sqlite3'}")
    info = store.save_run(
        title="retail, HDBSCAN", note="", spec=seg.spec.to_dict(), aggregates=summary,
        model_bytes=dumps(seg, profiles=False), fingerprint="retail", load_report={},
    )  # fmt: skip

    assert info.n_segments == summary["headline"]["segments"] == seg.n_segments == len(assigned)
    assert info.n_customers == summary["headline"]["customers"] == len(df)
    run = store.get_run(info.run_id)
    assert run.profiles == [p.to_dict() for p in seg.profiles]
    reopened = load_segmentation(run.model_bytes, profiles=run.profiles)
    assert reopened.n_segments == info.n_segments
    assert reopened.assign(df.head(50))["segment_name"].tolist() == seg.assign(df.head(50))["segment_name"].tolist()
    with pytest.raises(ModelError, match="without its segment profiles"):
        load_segmentation(run.model_bytes)  # the stored model holds no second copy
