"""Tests for segcore.insight.embed: exact PCA on hand-made points, seeded sampling, the UMAP fallback and the real data."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from segcore.errors import NotEnoughData, SpecError
from segcore.insight import embed, map_timing
from segcore.insight.embed import Embedding, pca_2d, umap_2d

# Four points on a cross: the long arm (y, +-2) is the first principal component, the short arm (x, +-1) the second.
CROSS = np.array([[1.0, 0.0], [-1.0, 0.0], [0.0, 2.0], [0.0, -2.0]])


class FakeUMAP:
    """Stands in for umap.UMAP so the sampling logic is tested without the minute-long numba compile."""

    def __init__(self, **kwargs):
        self.kwargs = kwargs
        self.fitted_on: np.ndarray | None = None
        self.transformed = 0

    def fit(self, X):
        self.fitted_on = np.asarray(X).copy()
        return self

    def fit_transform(self, X):
        self.fit(X)
        return np.asarray(X)[:, :2] * 10.0

    def transform(self, X):
        self.transformed += 1
        return np.asarray(X)[:, :2]


@pytest.fixture
def fake_umap(monkeypatch):
    made: list[FakeUMAP] = []

    def make(**kwargs):
        made.append(FakeUMAP(**kwargs))
        return made[-1]

    monkeypatch.setattr(embed, "_make_umap", make)
    return made


def blobs(n: int = 1000, d: int = 5, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=(n, d)).astype(np.float32)


# ------------------------------------------------------------------------------------------------- PCA
def test_pca_cross_gives_hand_checked_coordinates():
    e = pca_2d(CROSS)
    np.testing.assert_allclose(e.coords[:, 0], [0, 0, 2, -2], atol=1e-5)
    np.testing.assert_allclose(np.abs(e.coords[:, 1]), [1, 1, 0, 0], atol=1e-5)
    assert e.coords[0, 1] == pytest.approx(1.0, abs=1e-5)  # sign fixed: the largest |value| is positive
    assert e.coords.dtype == np.float32
    assert e.method == "pca"
    assert e.rows.tolist() == [0, 1, 2, 3]
    assert e.notes == ()
    assert not e.sampled


def test_pca_is_deterministic_and_does_not_mutate_input():
    X = blobs()
    before = X.copy()
    a, b = pca_2d(X, random_state=3), pca_2d(X, random_state=3)
    np.testing.assert_array_equal(a.coords, b.coords)
    np.testing.assert_array_equal(X, before)


def test_pca_sample_rows_are_sorted_seeded_subset_with_a_note():
    X = blobs(1000)
    a = pca_2d(X, max_points=100, random_state=1)
    b = pca_2d(X, max_points=100, random_state=1)
    c = pca_2d(X, max_points=100, random_state=2)
    assert len(a.rows) == 100 and len(np.unique(a.rows)) == 100
    assert np.all(np.diff(a.rows) > 0) and a.rows.min() >= 0 and a.rows.max() < 1000
    np.testing.assert_array_equal(a.rows, b.rows)
    assert not np.array_equal(a.rows, c.rows)
    assert a.notes == ("Map shows a random sample of 100 of 1,000 customers.",)
    assert a.sampled and a.n_total == 1000
    # the coordinates are the PCA of exactly the sampled rows
    np.testing.assert_allclose(a.coords, pca_2d(X[a.rows]).coords, atol=1e-5)


def test_pca_max_points_above_n_keeps_all_rows():
    e = pca_2d(blobs(50), max_points=20_000)
    assert e.rows.tolist() == list(range(50)) and e.notes == ()


def test_single_feature_is_padded_and_noted():
    e = pca_2d(np.array([[1.0], [2.0], [4.0]]))
    assert e.coords.shape == (3, 2)
    np.testing.assert_array_equal(e.coords[:, 1], [0, 0, 0])
    assert "one feature" in e.notes[0]


@pytest.mark.parametrize(
    ("X", "error", "match"),
    [
        (np.array([[1.0, np.nan], [2.0, 3.0], [np.inf, 1.0]]), SpecError, "2 customer row"),
        (np.array([1.0, 2.0, 3.0]), SpecError, "1 dimension"),
        (np.empty((0, 3)), NotEnoughData, "no customers"),
        (np.empty((4, 0)), SpecError, "at least one feature"),
    ],
)
def test_bad_input_raises_plain_errors(X, error, match):
    with pytest.raises(error, match=match):
        pca_2d(X)


def test_embedding_round_trips_through_json():
    e = pca_2d(blobs(300), max_points=40)
    back = Embedding.from_dict(json.loads(json.dumps(e.to_dict())))
    np.testing.assert_array_equal(back.coords, e.coords)
    np.testing.assert_array_equal(back.rows, e.rows)
    assert (back.method, back.notes, back.n_total) == (e.method, e.notes, 300)
    assert e.to_dict()["format_version"] == embed.FORMAT_VERSION


def test_pca_on_wholesale_separates_the_two_channels(real_data):
    """The real Horeca/Retail split shows on the first axis (AUC ~0.95): the map is meaningful, not noise."""
    from sklearn.metrics import roc_auc_score

    df = pd.read_csv(real_data / "wholesale_customers.csv")
    spend = ["Fresh", "Milk", "Grocery", "Frozen", "Detergents_Paper", "Delicassen"]
    X = np.log1p(df[spend].to_numpy(float))
    X = (X - X.mean(0)) / X.std(0)
    e = pca_2d(X)
    assert e.coords.shape == (440, 2)
    auc = roc_auc_score(df["Channel"] == 2, e.coords[:, 0])
    assert max(auc, 1 - auc) > 0.9


# ------------------------------------------------------------------------------------------------- UMAP
def test_umap_samples_above_sample_size(fake_umap):
    X = blobs(1000)
    e = umap_2d(X, sample_size=100, random_state=5)
    assert e.method == "umap" and len(e.rows) == 100 and np.all(np.diff(e.rows) > 0)
    assert e.notes == ("Map shows a random sample of 100 of 1,000 customers.",)
    np.testing.assert_array_equal(fake_umap[0].fitted_on, X[e.rows])  # fitted on the sample, nothing else
    np.testing.assert_allclose(e.coords, X[e.rows][:, :2] * 10.0)
    assert fake_umap[0].kwargs == {"n_neighbors": 15, "min_dist": 0.1, "random_state": 5, "n_epochs": 200}
    again = umap_2d(X, sample_size=100, random_state=5)
    np.testing.assert_array_equal(again.rows, e.rows)


def test_umap_unseeded_says_it_is_not_reproducible(fake_umap):
    e = umap_2d(blobs(200), random_state=None)
    assert len(e.rows) == 200
    assert any("all processor cores" in n for n in e.notes)
    assert fake_umap[0].kwargs["random_state"] is None


@pytest.mark.parametrize(("n", "n_neighbors"), [(10, 15), (16, 15), (4, 3)])
def test_umap_falls_back_to_pca_on_tiny_data(fake_umap, n, n_neighbors):
    X = blobs(n)
    e = umap_2d(X, n_neighbors=n_neighbors)
    assert e.method == "pca" and fake_umap == []
    assert e.notes == (
        f"Only {n:,} customers: too few for UMAP (needs at least {n_neighbors + 2}), so the map uses PCA instead.",
    )
    np.testing.assert_allclose(e.coords, pca_2d(X).coords)


@pytest.mark.parametrize(
    ("kwargs", "match"), [({"n_neighbors": 1}, "n_neighbors=1"), ({"min_dist": 2.0}, "between 0 and 1")]
)
def test_umap_rejects_bad_options(kwargs, match):
    with pytest.raises(SpecError, match=match):
        umap_2d(blobs(50), **kwargs)


def test_warm_up_compiles_the_seeded_path_once_and_times_one_fit(fake_umap, monkeypatch):
    monkeypatch.setattr(embed, "_warmed", False)
    map_timing.forget()
    embed.warm_up()
    embed.warm_up()
    assert len(fake_umap) == 2  # the compiling fit (+ transform), then one timed fit; nothing on the second call
    assert all(u.fitted_on.shape == (embed.WARM_UP_ROWS, embed.WARM_UP_COLS) for u in fake_umap)
    assert fake_umap[0].transformed == 1
    assert all(u.kwargs["random_state"] is not None for u in fake_umap)  # the studio's maps are seeded
    assert embed.is_warm()
    assert map_timing.estimate(embed.WARM_UP_ROWS).fits == 1  # the first real map already has a measured estimate


def test_only_fits_after_the_compile_are_timed(fake_umap, monkeypatch):
    map_timing.forget()
    monkeypatch.setattr(embed, "_warmed", False)
    umap_2d(blobs(300))  # compiles numba in a real process: its time says nothing about the next fit
    assert map_timing.estimate(300).seconds is None
    monkeypatch.setattr(embed, "_warmed", True)
    umap_2d(blobs(300))
    assert map_timing.estimate(300).fits == 1
    map_timing.forget()


def test_estimate_scales_the_measured_rate_and_follows_the_median():
    map_timing.forget()
    assert map_timing.estimate(20_000) == map_timing.Estimate(None, None, 0)  # nothing promised before a timed fit
    map_timing.record(4_000, 2.0)  # 0.5 s per 1,000
    map_timing.record(10_000, 5.0)  # 0.5 s per 1,000
    map_timing.record(2_000, 40.0)  # one fit during a load spike: 20 s per 1,000
    e = map_timing.estimate(20_000)
    assert (e.seconds, e.per_thousand, e.fits) == (pytest.approx(10.0), pytest.approx(0.5), 3)
    for _ in range(map_timing.KEPT_FITS):
        map_timing.record(1_000, 3.0)  # the machine got busier: only the last fits count
    assert map_timing.estimate(20_000).seconds == pytest.approx(60.0)
    map_timing.forget()


@pytest.mark.slow
def test_make_umap_seeded_is_single_threaded():
    pytest.importorskip("umap")
    seeded = embed._make_umap(n_neighbors=10, min_dist=0.2, random_state=1, n_epochs=200)
    fast = embed._make_umap(n_neighbors=10, min_dist=0.2, random_state=None, n_epochs=200)
    assert (seeded.n_jobs, fast.n_jobs) == (1, -1)
    assert (seeded.n_neighbors, seeded.min_dist, seeded.n_epochs) == (10, 0.2, 200)


@pytest.mark.slow
def test_real_umap_is_deterministic_for_a_seed():
    """One real UMAP run pair (~30-60 s on a cold process: numba compiles on first use)."""
    rng = np.random.default_rng(0)
    centers = np.array([[0, 0, 0, 0, 0], [8, 8, 0, 0, 0], [0, 8, 8, 8, 0]], dtype=float)
    X = np.vstack([c + rng.normal(size=(100, 5)) for c in centers]).astype(np.float32)
    a = umap_2d(X, random_state=42, n_epochs=100)
    b = umap_2d(X, random_state=42, n_epochs=100)
    assert a.method == "umap" and a.coords.shape == (300, 2) and a.coords.dtype == np.float32
    np.testing.assert_array_equal(a.coords, b.coords)
    # the three well-separated blobs stay apart: each point's nearest blob centre in 2-D is its own
    means = np.stack([a.coords[i * 100 : (i + 1) * 100].mean(0) for i in range(3)])
    nearest = np.argmin(((a.coords[:, None, :] - means[None]) ** 2).sum(-1), axis=1)
    assert (nearest == np.repeat(np.arange(3), 100)).mean() > 0.98
