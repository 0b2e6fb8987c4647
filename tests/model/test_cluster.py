"""segcore.model.cluster / sweep / quality: hand-checkable fits, sampling paths, the k recommendation, grades, real data."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_blobs
from sklearn.metrics import (
    adjusted_rand_score,
    calinski_harabasz_score,
    davies_bouldin_score,
    silhouette_score,
)

import segcore.model.cluster as cluster
import segcore.model.quality as quality_module
from segcore.errors import DataError, NotEnoughData, SpecError
from segcore.model.cluster import ClusterResult, align_labels, assign_to_centers, fit_clusters, order_labels
from segcore.model.prep import prepare
from segcore.model.quality import Quality, estimated_silhouette, quality, sampled_silhouette
from segcore.model.sweep import SweepResult, compactness_scores, recommend, sweep

FOUR = np.array([[0.0, 0.0], [0.0, 1.0], [10.0, 0.0], [10.0, 1.0]])


@pytest.fixture(scope="module")
def blobs():
    X, y = make_blobs(n_samples=600, n_features=4, centers=3, cluster_std=0.6, random_state=7)
    return X.astype(np.float32), y


# ---------------------------------------------------------------- fit_clusters


def test_four_points_kmeans_known_labels_centers_inertia():
    res = fit_clusters(FOUR, k=2, random_state=0)
    assert isinstance(res, ClusterResult)
    assert res.labels[0] == res.labels[1] != res.labels[2] == res.labels[3]
    centers = res.centers[np.argsort(res.centers[:, 0])]
    np.testing.assert_allclose(centers, [[0.0, 0.5], [10.0, 0.5]])
    assert res.estimator.inertia_ == pytest.approx(1.0)  # 4 points each 0.5 from their center
    assert (res.method, res.k, res.n_fit_rows) == ("kmeans", 2, 4)


@pytest.mark.parametrize("method", ["kmeans", "gmm", "agglomerative"])
def test_methods_recover_separated_blobs(blobs, method):
    X, y = blobs
    res = fit_clusters(X, method=method, k=3, random_state=0)
    assert adjusted_rand_score(y, res.labels) == pytest.approx(1.0)
    assert res.centers.shape == (3, 4)
    for j in range(3):  # centers are per-segment means of X
        np.testing.assert_allclose(res.centers[j], X[res.labels == j].mean(axis=0), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("method", ["kmeans", "gmm", "agglomerative", "hdbscan"])
def test_same_seed_same_labels(blobs, method):
    X, _ = blobs
    a = fit_clusters(X, method=method, k=3, random_state=5)
    b = fit_clusters(X, method=method, k=3, random_state=5)
    np.testing.assert_array_equal(a.labels, b.labels)


def test_kmeans_above_init_sample_uses_sampled_start(monkeypatch, blobs):
    monkeypatch.setattr(cluster, "KMEANS_INIT_SAMPLE", 100)
    X, y = blobs
    res = fit_clusters(X, k=3, random_state=0)
    assert adjusted_rand_score(y, res.labels) == pytest.approx(1.0)
    assert res.n_fit_rows == 600  # the full Lloyd run still sees every row


def test_minibatch_path(monkeypatch, blobs):
    monkeypatch.setattr(cluster, "MINIBATCH_MIN_ROWS", 500)
    X, y = blobs
    res = fit_clusters(X, k=3, random_state=0)
    assert "mini-batch k-means on 600 rows" in res.notes
    assert adjusted_rand_score(y, res.labels) == pytest.approx(1.0)


def test_ward_sampling_path_above_cap(monkeypatch, blobs):
    monkeypatch.setattr(cluster, "AGGLOMERATIVE_MAX_ROWS", 150)
    X, y = blobs
    res = fit_clusters(X, method="agglomerative", k=3, random_state=0)
    assert res.n_fit_rows == 150
    assert any("sample of 150 of 600 rows" in n for n in res.notes)
    assert adjusted_rand_score(y, res.labels) == pytest.approx(1.0)


def test_gmm_sampling_path_and_covariance_choice(monkeypatch, blobs):
    monkeypatch.setattr(cluster, "GMM_MAX_ROWS", 200)
    X, y = blobs
    res = fit_clusters(X, method="gmm", k=3, random_state=0)
    assert res.n_fit_rows == 200 and res.estimator.covariance_type == "full"
    assert adjusted_rand_score(y, res.labels) == pytest.approx(1.0)
    wide = np.hstack([X] * 3)  # 12 features > 10 -> diagonal covariances
    assert fit_clusters(wide, method="gmm", k=3).estimator.covariance_type == "diag"


def test_hdbscan_finds_blobs_and_ignores_k(blobs):
    X, y = blobs
    res = fit_clusters(X, method="hdbscan", k=7, random_state=0)
    assert res.k == 3
    assigned = res.labels >= 0
    assert assigned.mean() > 0.8
    assert adjusted_rand_score(y[assigned], res.labels[assigned]) == pytest.approx(1.0)
    assert any("requested k was ignored" in n for n in res.notes)


def test_hdbscan_sampling_path_keeps_far_rows_unassigned(monkeypatch, blobs):
    monkeypatch.setattr(cluster, "HDBSCAN_MAX_ROWS", 300)
    X, y = blobs
    far = np.full((1, 4), 500.0, dtype=np.float32)  # an outlier beyond every segment's reach
    Xo = np.vstack([X, far])
    res = fit_clusters(Xo, method="hdbscan", k=3, random_state=1)
    assert res.n_fit_rows == 300 and res.k == 3
    assert any("sample of 300 of 601 rows" in n for n in res.notes)
    assert res.labels[-1] == -1
    assert any("marked unassigned (-1)" in n for n in res.notes)
    assigned = res.labels[:-1] >= 0
    assert adjusted_rand_score(y[assigned], res.labels[:-1][assigned]) == pytest.approx(1.0)


def test_hdbscan_on_structureless_data_says_so():
    X = np.zeros((50, 2))
    X[:, 0] = np.arange(50)  # evenly spaced: no dense groups
    with pytest.raises(SpecError, match="HDBSCAN found no distinct dense groups"):
        fit_clusters(X, method="hdbscan", k=2)


@pytest.mark.parametrize(
    ("n", "k", "error", "match"),
    [
        (
            3,
            5,
            NotEnoughData,
            "The file has 3 customers but you asked for 5 segments. Choose 2 or fewer, or add data.",
        ),
        (10, 1, NotEnoughData, "Choose at least 2 segments"),
        (2, 2, NotEnoughData, "segmenting needs at least 3"),
        (10, 2.5, SpecError, "whole number"),
    ],
)
def test_k_validation(n, k, error, match):
    with pytest.raises(error, match=match):
        fit_clusters(np.arange(n * 2, dtype=float).reshape(n, 2), k=k)


def test_unknown_method_lists_valid_ones():
    with pytest.raises(SpecError, match="Choose one of: kmeans, gmm, agglomerative, hdbscan"):
        fit_clusters(FOUR, method="dbscan", k=2)


def test_missing_values_are_a_data_error():
    X = FOUR.copy()
    X[2, 1] = np.nan
    with pytest.raises(DataError, match="first at row 3"):
        fit_clusters(X, k=2)


def test_inputs_not_mutated(blobs):
    X, _ = blobs
    before = X.copy()
    fit_clusters(X, method="agglomerative", k=3)
    np.testing.assert_array_equal(X, before)


def test_result_round_trips_through_dict():
    res = fit_clusters(FOUR, k=2)
    back = ClusterResult.from_dict(res.to_dict())
    np.testing.assert_array_equal(back.labels, res.labels)
    np.testing.assert_allclose(back.centers, res.centers)
    assert back.estimator is None


# ---------------------------------------------------------------- assign / order / align


def test_assign_to_centers_in_chunks(monkeypatch):
    monkeypatch.setattr(cluster, "ASSIGN_CHUNK", 3)  # force several chunks
    X = np.array([[0.0, 0.0], [3.0, 4.0], [9.0, 9.0], [10.0, 10.0], [1.0, 0.0]])
    labels, dist = assign_to_centers(X, np.array([[0.0, 0.0], [10.0, 10.0]]))
    assert labels.tolist() == [0, 0, 1, 1, 0]
    np.testing.assert_allclose(dist, [0.0, 5.0, np.sqrt(2), 0.0, 1.0], atol=1e-6)


def test_assign_to_centers_shape_mismatch():
    with pytest.raises(SpecError, match="3 features"):
        assign_to_centers(np.zeros((2, 3)), np.zeros((2, 2)))


def test_order_labels_by_value_then_size():
    labels = np.array([0, 0, 1, 1, 1, 2, -1, 2])
    value = np.array([1.0, 3.0, 5.0, 5.0, 5.0, 0.0, 99.0, 2.0])  # means: 0 -> 2, 1 -> 5, 2 -> 1
    assert order_labels(labels, value=value).tolist() == [1, 1, 0, 0, 0, 2, -1, 2]
    # no value: by size (1 has 3 rows; 0 and 2 tie at 2 rows -> the old smaller id first)
    assert order_labels(labels, value=None).tolist() == [1, 1, 0, 0, 0, 2, -1, 2]
    tied = np.array([5.0, 5.0, 5.0, 5.0, 5.0, 5.0, 0.0, 5.0])
    assert order_labels(labels, value=tied).tolist() == [1, 1, 0, 0, 0, 2, -1, 2]
    assert order_labels(np.array([3, 3, 7]), value=np.array([1.0, 1.0, 9.0])).tolist() == [1, 1, 0]


def test_align_labels_recovers_a_permutation():
    prev = np.array([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]])
    new = prev[[2, 0, 1]] + 0.1  # new 0 = previous 2, new 1 = previous 0, new 2 = previous 1
    assert align_labels(new, prev) == {0: 2, 1: 0, 2: 1}


def test_align_labels_gives_extra_segments_fresh_ids():
    prev = np.array([[0.0, 0.0], [10.0, 0.0]])
    new = np.array([[50.0, 50.0], [10.0, 0.5], [0.2, 0.0], [-40.0, 0.0]])
    assert align_labels(new, prev) == {0: 2, 1: 1, 2: 0, 3: 3}


# ---------------------------------------------------------------- quality


def test_quality_good_for_blobs(blobs):
    X, y = blobs
    q = quality(X, y, stability=0.95)
    assert isinstance(q, Quality) and q.grade == "good"
    assert q.silhouette == pytest.approx(silhouette_score(X, y), abs=1e-4)
    assert "clearly separated" in q.explanation and "0.95" in q.explanation


@pytest.mark.slow
def test_quality_poor_for_uniform_noise():
    X = np.random.default_rng(0).uniform(size=(1500, 8))
    labels = fit_clusters(X, k=4).labels
    q = quality(X, labels, stability=None)
    assert q.grade == "poor" and q.silhouette < 0.15
    assert "weak" in q.explanation


@pytest.mark.parametrize(
    ("stability", "grade"),
    [(None, "good"), (0.85, "good"), (0.7, "fair"), (0.45, "poor")],
)
def test_quality_grade_uses_stability(blobs, stability, grade):
    X, y = blobs
    assert quality(X, y, stability=stability).grade == grade


def test_quality_single_segment_is_poor(blobs):
    X, _ = blobs
    q = quality(X, np.zeros(len(X), dtype=int))
    assert q.grade == "poor" and np.isnan(q.silhouette)
    assert Quality.from_dict(q.to_dict()).grade == "poor"


def test_sampled_silhouette_leaves_out_unassigned(blobs):
    X, y = blobs
    lab = y.copy()
    lab[:50] = -1
    keep = lab >= 0
    assert sampled_silhouette(X, lab, sample_size=10_000) == pytest.approx(
        silhouette_score(X[keep], lab[keep]), abs=1e-4
    )


def test_silhouette_sample_grows_until_its_standard_error_is_small(monkeypatch):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(3000, 2))
    labels = (X[:, 0] > 0).astype(int)  # one population cut in two: per-row silhouettes spread widely
    monkeypatch.setattr(quality_module, "SILHOUETTE_SAMPLE", 200)
    monkeypatch.setattr(quality_module, "SILHOUETTE_MAX_SAMPLE", 2000)
    value, rows = estimated_silhouette(X, labels)
    assert rows == 2000  # 200 rows leave a standard error near 0.01, above SILHOUETTE_SE
    assert value == pytest.approx(sampled_silhouette(X, labels, sample_size=2000))
    monkeypatch.setattr(quality_module, "SILHOUETTE_SE", 1.0)
    assert estimated_silhouette(X, labels)[1] == 200
    q = quality(X, labels)
    assert q.silhouette_rows == 200 and Quality.from_dict(q.to_dict()).silhouette_rows == 200
    no_groups = quality(X, labels, structure=SimpleNamespace(verdict="none"))  # graded poor, same sample
    assert no_groups.grade == "poor" and no_groups.silhouette_rows == 200


# ---------------------------------------------------------------- sweep


@pytest.mark.slow
def test_sweep_finds_three_blobs(blobs):
    X, _ = blobs
    calls = []
    res = sweep(X, progress=lambda f, m: calls.append((f, m)))
    assert isinstance(res, SweepResult)
    assert res.recommended_k == 3
    assert res.reason.startswith("3 segments: the best-supported choice among the stable ones (silhouette 0.")
    assert res.structure.verdict == "clear"
    assert list(res.table.columns) == [
        "k",
        "silhouette",
        "calinski_harabasz",
        "davies_bouldin",
        "stability",
        "inertia",
        "gap_gain",
        "bic",
    ]
    assert res.table["k"].tolist() == list(range(2, 13))
    assert res.table.set_index("k")["gap_gain"].loc[3] > 1.0 and res.table["gap_gain"].iloc[-1] != res.table["gap_gain"].iloc[-1]
    row = res.table.set_index("k").loc[3]
    assert row["stability"] == pytest.approx(1.0)
    assert quality(X, fit_clusters(X, k=3).labels, stability=row["stability"]).grade == "good"
    assert calls[0][0] == 0.0 and calls[-1][0] == 1.0 and len(calls) == 13  # the verdict, then 11 k
    assert calls[-1][1] == "Tried 12 segments (11 of 11)"
    assert (res.table["inertia"].diff().dropna() < 0).all()


@pytest.mark.slow
def test_sweep_is_deterministic(blobs):
    X, _ = blobs
    a = sweep(X, k_values=[2, 3, 4], random_state=3)
    b = sweep(X, k_values=[2, 3, 4], random_state=3)
    pd.testing.assert_frame_equal(a.table, b.table)


def test_sweep_samples_large_data(monkeypatch, blobs):
    import segcore.model.sweep as sweep_mod

    monkeypatch.setattr(sweep_mod, "SWEEP_MAX_ROWS", 300)
    X, _ = blobs
    res = sweep(X, k_values=[2, 3])
    assert "compared segment counts on a random sample of 300 of 600 customers" in res.notes
    assert res.recommended_k == 3


def test_sweep_skips_k_too_large_and_notes_it():
    X = np.random.default_rng(1).normal(size=(6, 2))
    res = sweep(X, k_values=range(2, 9))
    assert res.table["k"].tolist() == [2, 3, 4, 5]
    assert res.notes[0] == "skipped 6, 7, 8 segments: the data has only 6 customers"


def test_sweep_rejects_k_below_two():
    with pytest.raises(SpecError, match=r"must be 2 or more; got \[1, 2\]"):
        sweep(FOUR, k_values=[1, 2])


def test_sweep_rejects_hdbscan():
    with pytest.raises(SpecError, match="nothing to sweep"):
        sweep(FOUR, method="hdbscan")


@pytest.mark.slow
def test_sweep_other_methods(blobs):
    X, _ = blobs
    assert sweep(X, k_values=[2, 3, 4], method="gmm").recommended_k == 3
    assert sweep(X, k_values=[2, 3, 4], method="agglomerative").recommended_k == 3


def test_recommend_rule_reads_the_likelihood_up_to_the_silhouette_ceiling():
    table = pd.DataFrame(
        {
            "k": [2, 3, 4, 5, 6],
            "silhouette": [0.70, 0.62, 0.64, 0.75, 0.76],
            "stability": [1.00, 0.95, 0.90, 0.93, 0.60],
            "gap_gain": [0.9, 1.0, 1.1, 1.3, 1.4],
            "bic": [-1000.0, -1010.0, -1020.0, -1040.0, -900.0],
        }
    )
    # 6 is unstable; 5 separates best, so at most 5 segments; up to 5 the likelihood prefers 2 (the extra
    # segments of 3-5 do not fit the customers better, e.g. a group split by one category's levels)
    k, reason = recommend(table)
    assert k == 2
    assert reason == (
        "2 segments: the best-supported choice among the stable ones (silhouette 0.70, stability 1.00, gap statistic "
        "gain 0.90 over one population, and the best likelihood (BIC) of them). 5 segments separate about as well, "
        "but their extra segments do not fit the customers better."
    )
    # the likelihood never goes above the ceiling, however high it is there; a smaller k that ties on separation
    # is not called a set of extra segments
    tie = table.assign(silhouette=[0.74, 0.62, 0.64, 0.75, 0.76], bic=[-1000.0, -990.0, -980.0, -970.0, 0.0])
    k, reason = recommend(tie)
    assert k == 5 and reason.endswith("and the best likelihood (BIC) of them).")
    # equal likelihood: the smaller k
    assert recommend(table.assign(bic=[-1000.0, -1000.0, -1000.0, -1000.0, 0.0]))[0] == 2
    # a k no better than one population is not eligible, whatever its likelihood
    assert recommend(table.assign(gap_gain=[-0.1, 1.0, 1.1, 1.3, 1.4]))[0] == 3


def test_recommend_rule_without_a_likelihood_column():
    """Sweeps saved before the BIC column keep the earlier rule."""
    table = pd.DataFrame(
        {
            "k": [2, 3, 4, 5],
            "silhouette": [0.50, 0.45, 0.455, 0.60],
            "stability": [0.60, 0.95, 0.90, 0.50],
            "gap_gain": [0.2, 0.5, 0.52, 0.6],
        }
    )
    k, reason = recommend(table)  # 5 and 2 are unstable; 3 and 4 tie within 0.02 -> the larger gain over the null
    assert k == 4
    assert reason == (
        "4 segments: the clearest separation among the stable choices (silhouette 0.46, stability 0.90, "
        "gap statistic gain 0.52 over one population). 3 segments separate as well but stand out less from one "
        "population."
    )
    # equal gain: the more stable; equal gain and stability: the smaller k, never the larger by default
    assert recommend(table.assign(gap_gain=[0.2, 0.5, 0.5, 0.6]))[0] == 3
    assert recommend(table.assign(gap_gain=[0.2, 0.5, 0.5, 0.6], stability=[0.6, 0.9, 0.9, 0.5]))[0] == 3
    # a k no better than one population is not eligible, however stable
    assert recommend(table.assign(gap_gain=[0.2, -0.1, 0.52, 0.6]))[0] == 4
    unstable = table.assign(stability=[0.5, 0.7, 0.6, 0.7])
    k, reason = recommend(unstable)
    assert k == 3 and "no choice was stable" in reason and "Treat the segments as rough" in reason


def test_compactness_scores_match_sklearn(blobs):
    X, y = blobs
    s = compactness_scores(X.astype(np.float64), y.astype(np.int64))
    assert s["calinski_harabasz"] == pytest.approx(calinski_harabasz_score(X, y), rel=1e-5)
    assert s["davies_bouldin"] == pytest.approx(davies_bouldin_score(X, y), rel=1e-5)


def test_sweep_result_round_trip(blobs):
    res = sweep(blobs[0], k_values=[2, 3])
    back = SweepResult.from_dict(res.to_dict())
    assert back.recommended_k == res.recommended_k
    pd.testing.assert_frame_equal(back.table, res.table)


# ---------------------------------------------------------------- real data


@pytest.mark.slow
def test_wholesale_kmeans_recovers_channel(real_data):
    df = pd.read_csv(real_data / "wholesale_customers.csv")
    spends = ["Fresh", "Milk", "Grocery", "Frozen", "Detergents_Paper", "Delicassen"]
    X = prepare(df, numeric=spends, categorical=[]).X
    res = fit_clusters(X, k=2, random_state=0)
    assert adjusted_rand_score(df["Channel"], res.labels) >= 0.4  # measured 0.514
    sw = sweep(X)
    assert sw.recommended_k == 2  # measured: silhouette 0.29, stability 0.93
