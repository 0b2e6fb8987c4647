"""segcore.model.mixed: discrete columns found in the prepared matrix, and the mixed-data likelihood of a partition."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from segcore.model.mixed import classification_bic, discrete_blocks
from segcore.model.prep import prepare


def _table(n=3000, seed=0):
    rng = np.random.default_rng(seed)
    group = rng.integers(0, 2, n)
    df = pd.DataFrame({
        "spend": rng.normal(group * 8.0, 1.0),
        "visits": rng.normal(group * 8.0, 1.0),
        "channel": np.where(rng.random(n) < 0.8, np.array(["web", "store"])[group], rng.choice(["web", "store", "app"], n)),
        "member": rng.random(n) < 0.3,
    })
    return df, group


def test_blocks_follow_the_preparation_layout():
    df, _ = _table()
    prep = prepare(df, numeric=["spend", "visits", "member"], categorical=["channel"])
    names = prep.feature_names
    blocks = discrete_blocks(prep.X.astype(np.float64))
    as_names = [[names[c] for c in block] for block in blocks]
    # the yes/no column alone; the category's three one-hot columns together; the numeric columns in none
    assert as_names == [["member"], ["channel_app", "channel_store", "channel_web"]]


def test_a_level_missing_from_a_sample_keeps_its_block_together():
    X = np.array([[0.5, 1.0, 0.0, 0.0], [0.1, 0.0, 0.0, 1.0], [0.3, 1.0, 0.0, 0.0]])  # middle level absent
    # the absent level's column is all zeros (it changes no distance); the block is still one category
    assert discrete_blocks(X) == [[1, 3]]


def test_splitting_a_group_by_a_category_level_is_not_rewarded():
    df, group = _table()
    X = prepare(df, numeric=["spend", "visits"], categorical=["channel"]).X
    by_level = group * 3 + pd.factorize(df["channel"])[0]  # each true group split by its channel level
    assert classification_bic(X, group) > classification_bic(X, by_level)
    # a split along the numeric columns is: two groups beat one
    assert classification_bic(X, group) > classification_bic(X, np.zeros(len(X), dtype=np.int64))


def test_the_likelihood_is_exact_for_a_hand_checkable_partition():
    # one continuous column, two segments of two customers each; no category
    X = np.array([[0.0], [2.0], [10.0], [12.0]])
    labels = np.array([0, 0, 1, 1])
    variance = 1.0  # residuals +-1 around the means 1 and 11
    loglik = 4 * np.log(0.5) - 0.5 * 4 * (np.log(2 * np.pi * variance) + 1)
    params = 1 + 2 * 1 + 1  # mixing share, two means, one variance
    assert classification_bic(X, labels) == pytest.approx(loglik - 0.5 * params * np.log(4))


def test_rows_without_a_segment_are_left_out():
    X = np.array([[0.0], [2.0], [10.0], [12.0], [100.0]])
    assert classification_bic(X, np.array([0, 0, 1, 1, -1])) == pytest.approx(
        classification_bic(X[:4], np.array([0, 0, 1, 1]))
    )
