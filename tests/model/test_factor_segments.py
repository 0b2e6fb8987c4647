"""Segmenting on factor scores (issue 12, item 2): the segments are found in the factor space, and the saved model
scores new customers, keeps segment ids from one wave to the next and reproduces every assignment after a reload."""

from __future__ import annotations

import dataclasses
import io

import numpy as np
import pandas as pd
import pytest
from helpers import rewrite_model
from sklearn.metrics import adjusted_rand_score

from segcore.columns.roles import infer_roles
from segcore.errors import ModelError
from segcore.model.features import prepare_spec
from segcore.model.persist import dumps, load_segmentation
from segcore.model.segmentation import segment
from segcore.model.spec import FeatureSpec

COLUMNS = ("day_minutes", "day_charge", "eve_minutes", "wine", "meat", "fish", "service_calls", "complaints", "plan")
# four groups of customers, told apart by their usage, spend and service-call factors; the corners of a
# tetrahedron, so the three factors stay uncorrelated across all customers (parallel analysis can count them)
GROUP_MEANS = 1.5 * np.array([[1, 1, 1], [1, -1, -1], [-1, 1, -1], [-1, -1, 1]])


def _planted(n: int = 900, *, seed: int = 0, shift: float = 0.0) -> tuple[pd.DataFrame, np.ndarray]:
    """Eight columns made of three factors plus noise; the factors' means differ by group."""
    rng = np.random.default_rng(seed)
    group = rng.integers(0, len(GROUP_MEANS), n)
    usage, spend, calls = (GROUP_MEANS[group] + 0.35 * rng.normal(size=(n, 3))).T
    noise = lambda: 0.5 * rng.normal(size=n)  # noqa: E731
    df = pd.DataFrame({
        "customer_id": [f"C{i:05d}" for i in range(n)],
        "day_minutes": 30 * usage + noise() + 200 + shift, "day_charge": 5 * usage + noise() + 40,
        "eve_minutes": 20 * usage + noise() + 150, "wine": 40 * spend + noise() + 300, "meat": 30 * spend + noise() + 250,
        "fish": 10 * spend + noise() + 80, "service_calls": 1.2 * calls + noise() + 4,
        "complaints": 0.8 * calls + noise() + 3, "plan": rng.choice(["basic", "plus"], n),
    })
    return df, group


@pytest.fixture(scope="module")
def wave1():
    df, group = _planted()
    seg = segment(df, spec=FeatureSpec(features=COLUMNS, k=4, factors=True), schema=infer_roles(df))
    return df, group, seg


def test_segments_are_found_on_the_factor_scores(wave1):
    df, group, seg = wave1
    assert seg.projection is not None and len(seg.projection.names) == 3
    assert seg.centers.shape == (4, 3)  # four segments in a three-factor space, not the 10 prepared columns
    assert seg.projection.matrix.shape[0] == 10  # 8 numbers + the plan's two levels
    assert adjusted_rand_score(group, seg.labels) > 0.9
    assert any("factor scores instead of the columns" in note for note in seg.notes)
    assert seg.spec.factors and FeatureSpec.from_dict(seg.spec.to_dict()).factors


def test_factor_scores_are_standardised_and_named_from_their_columns(wave1):
    df, _, seg = wave1
    prepared = prepare_spec(df, spec=seg.spec, schema=seg.schema)
    assert prepared.X.shape == (len(df), 3)
    np.testing.assert_allclose(prepared.X.std(axis=0), 1.0, atol=0.02)
    np.testing.assert_allclose(prepared.X.mean(axis=0), 0.0, atol=0.02)
    named = " ".join(seg.projection.names)
    assert "wine" in named or "meat" in named
    assert "service_calls" in named or "complaints" in named


def test_assign_and_a_reloaded_model_reproduce_every_assignment(wave1):
    df, _, seg = wave1
    assert (seg.assign(df)["segment"].to_numpy() == seg.labels).all()
    loaded = load_segmentation(dumps(seg))
    assert loaded.projection.names == seg.projection.names
    np.testing.assert_array_equal(loaded.projection.matrix, seg.projection.matrix)
    assert (loaded.assign(df)["segment"].to_numpy() == seg.labels).all()
    new, _ = _planted(300, seed=5)
    assert (loaded.assign(new)["segment"].to_numpy() == seg.assign(new)["segment"].to_numpy()).all()


@pytest.mark.slow
def test_next_wave_refitted_on_factors_keeps_the_segment_ids(wave1):
    df, group, seg = wave1
    later, _ = _planted(seed=0, shift=3.0)  # the same customers a month later, a little more daytime use
    refit = segment(later, spec=seg.spec, schema=seg.schema, previous=seg)
    assert any("aligned to the previous model" in note for note in refit.notes)
    assert (refit.labels == seg.labels).mean() > 0.95  # same people, same numbers (not merely the same grouping)
    plain = segment(later, spec=dataclasses.replace(seg.spec, factors=False), schema=seg.schema, previous=seg)
    assert (plain.labels == seg.labels).mean() > 0.95  # a raw-column refit against a factor model aligns too


def test_a_model_whose_factor_arrays_do_not_fit_is_refused(wave1):
    _, _, seg = wave1

    def drop_a_row(raw: bytes) -> bytes:
        arrays = dict(np.load(io.BytesIO(raw)))
        arrays["factor_matrix"] = arrays["factor_matrix"][:-1]
        out = io.BytesIO()
        np.savez(out, **arrays)
        return out.getvalue()

    with pytest.raises(ModelError, match="factor scores"):
        load_segmentation(rewrite_model(dumps(seg), "arrays.npz", drop_a_row))
