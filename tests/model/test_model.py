"""The whole engine in one call: segment(), assign(), ids that keep their meaning, safe save/load."""

from __future__ import annotations

import io
import json
import zipfile

import numpy as np
import pandas as pd
import pytest
from helpers import customers, rewrite_model
from sklearn.metrics import adjusted_rand_score

from segcore.columns.roles import infer_roles
from segcore.errors import ModelError, NotEnoughData, SpecError
from segcore.model.persist import dumps, load_segmentation, save_segmentation
from segcore.model.pinned import PinRule
from segcore.model.segmentation import segment
from segcore.model.spec import FeatureSpec

FEATURES = ("total_spend", "visits_90d", "tenure_months", "region")


@pytest.fixture(scope="module")
def fitted():
    df, persona = customers(600, seed=1)
    seg = segment(df, spec=FeatureSpec(features=FEATURES, profile_columns=("churned",), seed=0))
    return df, persona, seg


def test_auto_k_finds_the_three_personas(fitted):
    df, persona, seg = fitted
    assert seg.k == 3
    assert adjusted_rand_score(persona, seg.labels) > 0.9
    assert seg.quality is not None and seg.quality.grade in ("good", "fair")
    chosen = [note for note in seg.notes if note.startswith("Chosen automatically")]
    assert len(chosen) == 1 and chosen[0].count("3 segments:") == 1  # said once, not "Chose 3 segments: 3 segments:"


def test_segment_zero_is_the_most_valuable(fitted):
    df, _, seg = fitted
    means = df.groupby(seg.labels)["total_spend"].mean()
    assert list(means.sort_values(ascending=False).index) == [0, 1, 2]
    sizes = {p.segment: p.size for p in seg.profiles}
    assert sum(sizes.values()) == len(df)
    assert seg.profiles[0].value_share > seg.profiles[0].share


def test_profiles_carry_rules_and_kpis(fitted):
    _, _, seg = fitted
    for p in seg.profiles:
        assert p.name and p.action
        assert p.rules and p.sql
    assert seg.rules.fidelity > 0.85
    kpi_columns = {k.column for p in seg.profiles for k in p.kpis}
    assert "churned" in kpi_columns


@pytest.mark.slow
def test_sensitive_columns_are_left_out_unless_opted_in():
    df, _ = customers(300, seed=2)
    seg = segment(df, spec=FeatureSpec(features=(*FEATURES, "gender"), k=3))
    assert "gender" not in seg.categorical
    assert any("'gender' is a sensitive attribute" in n for n in seg.notes)
    opted = segment(df, spec=FeatureSpec(features=(*FEATURES, "gender"), k=3, include_sensitive=True))
    assert "gender" in opted.categorical


@pytest.mark.slow
def test_same_seed_same_labels_and_input_untouched():
    df, _ = customers(400, seed=3)
    before = df.copy()
    a = segment(df, spec=FeatureSpec(features=FEATURES, k=4, seed=7))
    b = segment(df, spec=FeatureSpec(features=FEATURES, k=4, seed=7))
    np.testing.assert_array_equal(a.labels, b.labels)
    pd.testing.assert_frame_equal(df, before)


def test_assign_reproduces_the_fitted_labels(fitted):
    df, _, seg = fitted
    scored = seg.assign(df)
    assert list(scored.columns) == ["customer_id", "segment", "segment_name", "distance", "far_from_segments"]
    assert (scored["segment"].to_numpy() == seg.labels).mean() > 0.99
    assert scored["far_from_segments"].mean() < 0.05


def test_assign_flags_customers_far_from_every_segment(fitted):
    df, _, seg = fitted
    odd = df.head(3).copy()
    odd["total_spend"] = 10_000_000.0
    odd["visits_90d"] = 900.0
    assert seg.assign(odd)["far_from_segments"].all()


def test_assign_names_missing_columns(fitted):
    df, _, seg = fitted
    with pytest.raises(ModelError, match="missing 1 column.*visits_90d"):
        seg.assign(df.drop(columns=["visits_90d"]))


def test_pinned_key_accounts_come_first_and_score_the_same_way():
    df, _ = customers(500, seed=4)
    pin = PinRule("Key accounts", "total_spend", "top", 20)
    seg = segment(df, spec=FeatureSpec(features=FEATURES, k=3, pins=(pin,)))
    top20 = df["total_spend"].nlargest(20).index
    assert (seg.labels[top20] == 0).all()
    assert (seg.labels == 0).sum() == 20
    key = next(p for p in seg.profiles if p.segment == 0)
    assert key.pinned and key.name == "Key accounts"
    # a new customer above the 20th account's spend joins key accounts, judged by the fitted threshold
    newcomer = df.loc[[top20[0]]].copy()
    assert seg.assign(newcomer)["segment"].iloc[0] == 0


@pytest.mark.slow
def test_refit_keeps_segment_ids_aligned_to_the_previous_model():
    df, persona = customers(600, seed=5)
    first = segment(df, spec=FeatureSpec(features=FEATURES, k=3, seed=0))
    next_month, _ = customers(600, seed=6)
    without = segment(next_month, spec=FeatureSpec(features=FEATURES, k=3, seed=11))
    aligned = segment(next_month, spec=FeatureSpec(features=FEATURES, k=3, seed=11), previous=first)
    # the same personas keep the same ids: compare by scoring next month with the first model
    expected = first.assign(next_month)["segment"].to_numpy()
    assert (aligned.labels == expected).mean() > 0.95
    assert without.k == 3


def test_save_and_load_round_trip(tmp_path, fitted):
    df, _, seg = fitted
    path = tmp_path / "model.segcore"
    save_segmentation(seg, path)
    loaded = load_segmentation(path)
    assert loaded.segment_names == seg.segment_names
    assert loaded.spec == seg.spec
    pd.testing.assert_frame_equal(loaded.assign(df), seg.assign(df))
    with pytest.raises(ModelError, match="holds no customer rows"):
        loaded.assignments()


def test_model_file_holds_no_customer_ids(fitted):
    _, _, seg = fitted
    blob = dumps(seg)
    with zipfile.ZipFile(io.BytesIO(blob)) as zf:
        text = b"".join(zf.read(name) for name in zf.namelist())
    assert b"C00001" not in text


def _rewrite_manifest(blob: bytes, change) -> bytes:
    def edit(data: bytes) -> bytes:
        manifest = json.loads(data)
        change(manifest)
        return json.dumps(manifest).encode()

    return rewrite_model(blob, "manifest.json", edit)


def test_load_refuses_unknown_versions_and_foreign_files(tmp_path, fitted):
    _, _, seg = fitted
    newer = tmp_path / "newer.segcore"
    newer.write_bytes(_rewrite_manifest(dumps(seg), lambda m: m.update(version=99)))
    with pytest.raises(ModelError, match="version 99.*reads version 4"):
        load_segmentation(newer)
    junk = tmp_path / "junk.segcore"
    junk.write_bytes(b"not a zip at all")
    with pytest.raises(ModelError, match="is not a segcore model file"):
        load_segmentation(junk)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"__object__": "os.system", "state": {}}, "does not trust \\(os.system\\)"),
        ({"__object__": "builtins.eval", "state": {}}, "does not trust \\(builtins.eval\\)"),
        ({"__type__": "subprocess.Popen"}, "type segcore does not trust"),
        ({"__reduce__": ["os.system", ["echo hi"]]}, "does not recognise"),
    ],
)
def test_load_refuses_untrusted_objects(tmp_path, fitted, entry, message):
    """A file naming any class or type outside the allow-list is refused before anything is built."""
    _, _, seg = fitted

    def inject(data: bytes) -> bytes:
        state = json.loads(data)
        state["root"]["state"]["__dict__"].append(["injected", entry])
        return json.dumps(state).encode()

    path = tmp_path / "evil.segcore"
    path.write_bytes(rewrite_model(dumps(seg), "preprocessor.json", inject))
    with pytest.raises(ModelError, match=message):
        load_segmentation(path)


def test_clear_errors_for_impossible_requests():
    df, _ = customers(60, seed=8)
    with pytest.raises(NotEnoughData, match="60 customers to cluster but you asked for 80 segments"):
        segment(df, spec=FeatureSpec(features=FEATURES, k=80, k_values=(80,)))
    with pytest.raises(SpecError, match="not in the data: spend_typo"):
        segment(df, spec=FeatureSpec(features=("spend_typo",)))
    with pytest.raises(SpecError, match="None of the chosen columns can be used"):
        segment(df, spec=FeatureSpec(features=("customer_id",)))


@pytest.mark.parametrize("method", ["gmm", "agglomerative", "hdbscan"])
def test_other_methods_fit_assign_and_persist(tmp_path, method):
    df, persona = customers(450, seed=9)
    seg = segment(df, spec=FeatureSpec(features=FEATURES, k=3, method=method))
    assert adjusted_rand_score(persona[seg.labels >= 0], seg.labels[seg.labels >= 0]) > 0.8
    save_segmentation(seg, tmp_path / "m.segcore")
    again = load_segmentation(tmp_path / "m.segcore")
    agreement = (again.assign(df)["segment"].to_numpy() == seg.labels).mean()
    assert agreement > 0.9


def test_schema_override_changes_what_is_clustered():
    df, _ = customers(300, seed=10)
    schema = infer_roles(df).with_column("region", role="text")
    seg = segment(df, spec=FeatureSpec(features=FEATURES, k=3), schema=schema)
    assert seg.categorical == ()
    assert seg.numeric == ("total_spend", "visits_90d", "tenure_months")
    assert any("'region' is a text column" in note for note in seg.notes)
