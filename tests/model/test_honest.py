"""Honest segments: the clusterability verdict, Hennig stability, the k rule, value tiers and the summary file."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from benchmarks.structure_cases import null_case, planted_case  # noqa: E402
from segcore.columns.roles import infer_roles  # noqa: E402
from segcore.model.cluster import fit_clusters  # noqa: E402
from segcore.model.persist import dumps, load_segmentation  # noqa: E402
from segcore.model.prep import prepare  # noqa: E402
from segcore.model.results import result_summary  # noqa: E402
from segcore.model.segmentation import segment  # noqa: E402
from segcore.model.spec import FeatureSpec  # noqa: E402
from segcore.model.stability import bootstrap_stability, stability_band  # noqa: E402
from segcore.model.structure import clusterability  # noqa: E402
from segcore.model.sweep import sweep  # noqa: E402


def _prepared(case):
    return prepare(case.df, numeric=case.numeric, categorical=case.categorical).X


@pytest.mark.slow
@pytest.mark.parametrize(
    "case",
    [
        null_case("gaussian", 1500, 5, 11),
        null_case("skewed", 1500, 3, 12),
        null_case("uniform", 1500, 2, 13),
        null_case("uniform", 600, 8, 14),
        null_case("mixed", 1500, 3, 15),
    ],
    ids=lambda c: c.name,
)
def test_single_populations_have_no_structure(case):
    s = clusterability(_prepared(case), random_state=0)
    assert s.verdict == "none", s.reason
    assert "one continuous population" in s.reason


@pytest.mark.slow
@pytest.mark.parametrize(
    "case",
    [
        planted_case(3, 1500, 4, 21),
        planted_case(4, 1500, 4, 22),
        planted_case(2, 800, 3, 23),
        # two numeric columns next to two category columns: the customers whose category does not follow their group
        # form tight sub-groups of identical codes, which must not become segments of their own
        planted_case(3, 10_000, 2, 3000),
        planted_case(4, 2_000, 2, 4000),
    ],
    ids=lambda c: c.name,
)
def test_planted_groups_are_clear_with_the_right_k(case):
    X = _prepared(case)
    result = sweep(X, k_values=range(2, 8), random_state=0)
    assert result.structure.verdict == "clear", result.structure.reason
    assert result.recommended_k == case.k, result.table
    labels = fit_clusters(X, k=result.recommended_k, random_state=0).labels
    assert adjusted_rand_score(case.truth, labels) >= 0.9
    assert "stability" in result.reason and "silhouette" in result.reason and "gap statistic" in result.reason
    assert "BIC" in result.reason
    assert str(result.structure.reason).startswith(f"Clear groups: {case.k} segments")  # the verdict names the same k


@pytest.mark.slow
def test_stability_moves_little_between_seeds_and_intervals_contain_the_others():
    rng = np.random.default_rng(42)
    truth = rng.integers(0, 3, 6000)
    X = np.array([[0, 0, 0, 0], [2.2, 0, 0, 0], [0, 2.2, 0, 0]])[truth] + rng.normal(size=(6000, 4))
    runs = []
    for seed in range(5):  # three overlapping groups cut into four: the hard case for a stable figure
        labels = KMeans(4, n_init=10, random_state=seed).fit(X).labels_
        runs.append(bootstrap_stability(X, labels, random_state=seed))
    overall = [r.overall for r in runs]
    assert max(overall) - min(overall) <= 0.05, overall
    assert all(r.low <= v <= r.high for r in runs for v in overall)
    assert all(len(r.per_segment) == 4 for r in runs)
    assert min(min(r.per_segment) for r in runs) < 0.75  # the cut-through segments are not called stable


def test_stability_bands_follow_hennig():
    assert [stability_band(v) for v in (0.9, 0.75, 0.6, 0.49, None)] == [
        "stable", "stable", "unclear", "dissolves", ""
    ]


def test_well_separated_segments_are_stable_each():
    case = planted_case(3, 1200, 3, 5)
    X = _prepared(case)
    s = bootstrap_stability(X, case.truth, bootstraps=15, random_state=0)
    assert s.overall >= 0.95 and all(v >= 0.9 for v in s.per_segment) and s.low <= s.overall <= s.high


def test_small_fits_run_on_one_blas_thread(monkeypatch):
    """The bootstrap's and the verdict's hundreds of small k-means fits run with BLAS on one thread (a second BLAS
    thread spinning on 2,000-row products cost 15x the CPU), and BLAS gets its threads back afterwards."""
    from threadpoolctl import threadpool_info

    import segcore.model.smallkmeans as small
    import segcore.model.stability as stability_module
    import segcore.model.structure as structure_module

    def blas_threads():
        return {i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"}

    before = blas_threads()
    seen = []

    def watched(*args, **kwargs):
        seen.append(blas_threads())
        return small.kmeans(*args, **kwargs)

    monkeypatch.setattr(stability_module, "kmeans", watched)
    monkeypatch.setattr(structure_module, "kmeans", watched)
    case = planted_case(3, 600, 3, 5)
    X = _prepared(case)
    bootstrap_stability(X, case.truth, bootstraps=3, random_state=0)
    clusterability(X, k_max=3)
    assert len(seen) > 5 and all(threads == {1} for threads in seen)
    assert blas_threads() == before


@pytest.mark.slow
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_final_fit_is_never_worse_than_bare_kmeans_n_init_10(seed):
    rng = np.random.default_rng(seed)
    X = (rng.normal(size=(3000, 6)) + rng.integers(0, 5, size=(3000, 1)) * rng.normal(size=6)).astype(np.float32)
    for k in (3, 5, 8):
        ours = fit_clusters(X, k=k, random_state=seed)
        inertia = float(((X - ours.centers[ours.labels]) ** 2).sum())
        bare = KMeans(k, n_init=10, random_state=seed).fit(X).inertia_
        assert inertia <= bare * 1.001


@pytest.fixture(scope="module")
def continuum_seg():
    case = null_case("skewed", 1500, 3, 7)
    df = case.df.rename(columns={"x0": "total_spend", "x1": "orders", "x2": "days_since_last_order"})
    schema = infer_roles(df)
    return df, segment(df, spec=FeatureSpec(features=tuple(schema.names(use="feature"))), schema=schema)


@pytest.mark.slow
def test_one_population_gets_value_tiers_not_segments(continuum_seg):
    df, seg = continuum_seg
    assert seg.structure.verdict == "none" and seg.tiers
    assert [p.name for p in seg.profiles] == [
        "Top 20% by total spend", "Next 30% by total spend", "Lower 50% by total spend"
    ]
    assert [round(p.share, 1) for p in seg.profiles] == [0.2, 0.3, 0.5]
    assert any("cuts of a continuum" in n for n in seg.notes)
    assert not any(p.pinned for p in seg.profiles)
    scored = seg.assign(df.head(50))
    assert (scored["segment"].to_numpy() == seg.labels[:50]).all()
    # a user may still force k: then the segments are graded as cuts of a continuum
    forced = segment(df, spec=FeatureSpec(features=seg.spec.features, k=3), schema=seg.schema)
    assert forced.k == 3 and not forced.tiers and forced.quality.grade == "poor"
    assert forced.quality.explanation.startswith("No natural segments")


@pytest.mark.slow
def test_summary_json_and_the_model_carry_the_verdict(continuum_seg):
    _, seg = continuum_seg
    summary = result_summary(seg)
    assert summary["structure"] == "none" and summary["value_tiers"] is True
    assert summary["k"] == 3 and summary["features"] == list(seg.spec.features)
    # how many customers each figure was estimated on: value tiers get no grade, the verdict ran on 800
    assert summary["quality"]["estimated_on"] == {"silhouette": None, "stability": None, "structure": 800}
    json.dumps(summary, allow_nan=False)
    back = load_segmentation(dumps(seg))
    assert back.structure.verdict == "none" and back.tiers
    assert result_summary(back)["structure_reason"] == summary["structure_reason"]


@pytest.mark.slow
def test_clear_segments_report_stability_per_segment():
    case = planted_case(3, 1500, 3, 9)
    schema = infer_roles(case.df)
    seg = segment(case.df, spec=FeatureSpec(features=tuple(schema.names(use="feature")), k=3), schema=schema)
    assert seg.structure.verdict == "clear" and seg.k == 3
    assert all(p.stability is not None and p.stability >= 0.9 for p in seg.profiles)
    q = seg.quality
    assert q.stability_low <= q.stability <= q.stability_high
    summary = result_summary(seg)
    assert {"k", "structure", "structure_reason", "features", "quality", "segments"} <= set(summary)
    assert set(summary["quality"]) >= {"grade", "silhouette", "stability", "stability_low", "stability_high"}
    assert all(s["stability_band"] == "stable" for s in summary["segments"])
    back = load_segmentation(dumps(seg))
    assert back.quality.stability_low == q.stability_low
    assert [p.stability for p in back.profiles] == [p.stability for p in seg.profiles]
