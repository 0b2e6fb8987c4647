"""Generated customer tables with a known answer, for the clusterability verdict and the k rule.

Nulls (one population, the verdict must be "none"): Gaussian clouds with a random covariance, skewed spend-like
single populations (correlated log-normal spend/orders and a gamma recency), uniform boxes with random side
lengths, and mixed tables (a Gaussian cloud next to two category columns drawn independently of it and of each other:
levels that follow nothing are not segments). Planted (the verdict must be "clear", with the right k and ARI >= 0.9): k = 2..6 well-separated groups of
unequal sizes, numeric columns plus category columns that lean to each group.

Every case is a DataFrame with its numeric and categorical column lists, so it goes through segcore's preparation
exactly as a customer file would.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

NULL_KINDS = ("gaussian", "skewed", "uniform", "mixed")
SIZES = (400, 2_000, 10_000)
DIMS = (2, 5, 12)


@dataclass(frozen=True)
class Case:
    name: str
    df: pd.DataFrame
    numeric: list[str]
    categorical: list[str]
    k: int  # 1 for a null
    truth: np.ndarray | None = None


def _random_covariance(rng: np.random.Generator, d: int) -> np.ndarray:
    q, _ = np.linalg.qr(rng.normal(size=(d, d)))
    eigen = np.exp(rng.uniform(np.log(0.05), np.log(1.0), size=d))  # condition numbers up to 20
    return (q * eigen) @ q.T


def null_case(kind: str, n: int, d: int, seed: int) -> Case:
    rng = np.random.default_rng(seed)
    if kind == "gaussian":
        x = rng.multivariate_normal(rng.normal(0, 5, d), _random_covariance(rng, d), size=n)
    elif kind == "uniform":
        x = rng.uniform(0, 1, size=(n, d)) * np.exp(rng.uniform(0, 2, size=d))
    elif kind == "skewed":
        z = rng.multivariate_normal(np.zeros(d), _random_covariance(rng, d), size=n)
        z /= z.std(axis=0)
        cols = []
        for j in range(d):
            if j % 3 == 0:
                cols.append(np.exp(4 + 0.8 * z[:, j]))  # spend
            elif j % 3 == 1:
                cols.append(rng.poisson(np.exp(1.2 + 0.5 * z[:, j])).astype(float))  # orders
            else:
                cols.append(rng.gamma(2.0, 20.0, size=n) * np.exp(0.3 * z[:, j]))  # days since last order
        x = np.column_stack(cols)
    elif kind == "mixed":
        x = rng.multivariate_normal(rng.normal(0, 5, d), _random_covariance(rng, d), size=n)
    else:
        raise ValueError(kind)
    names = [f"x{j}" for j in range(d)]
    df = pd.DataFrame(x, columns=names)
    categorical = []
    if kind == "mixed":
        for c in range(2):
            df[f"cat{c}"] = rng.choice([f"L{c}_{v}" for v in range(4)], size=n, p=rng.dirichlet(np.full(4, 2.0)))
            categorical.append(f"cat{c}")
    return Case(f"{kind} n={n} d={d} seed={seed}", df, names, categorical, 1)


def planted_case(k: int, n: int, d: int, seed: int, *, n_categorical: int = 2, separation: float = 7.0) -> Case:
    """k groups of unequal sizes (shares from a Dirichlet, smallest >= 5%) whose centres are at least
    ``separation`` within-group standard deviations apart; category columns pick their group's level 80% of the time.
    """
    rng = np.random.default_rng(seed)
    while True:
        shares = rng.dirichlet(np.full(k, 2.0))
        if shares.min() >= 0.05:
            break
    truth = rng.choice(k, size=n, p=shares)
    centres = _spread_centres(rng, k, d, separation)
    x = centres[truth] + rng.normal(size=(n, d))
    df = pd.DataFrame(x, columns=[f"x{j}" for j in range(d)])
    for c in range(n_categorical):
        levels = np.array([f"L{c}_{v}" for v in range(k + 1)], dtype=object)
        favourite = rng.permutation(k + 1)[:k]
        pick = np.where(rng.random(n) < 0.8, favourite[truth], rng.integers(0, k + 1, size=n))
        df[f"cat{c}"] = levels[pick]
    numeric = [f"x{j}" for j in range(d)]
    categorical = [f"cat{c}" for c in range(n_categorical)]
    return Case(f"planted k={k} n={n} d={d} seed={seed}", df, numeric, categorical, k, truth)


def _spread_centres(rng: np.random.Generator, k: int, d: int, separation: float) -> np.ndarray:
    for _ in range(1000):
        centres = rng.uniform(-separation * k / 2, separation * k / 2, size=(k, d))
        gaps = np.sqrt(((centres[:, None] - centres[None]) ** 2).sum(axis=2))
        if k == 1 or gaps[np.triu_indices(k, 1)].min() >= separation:
            return centres
    raise RuntimeError("could not place the centres")


def null_cases(seeds: range) -> list[Case]:
    return [null_case(kind, n, d, s) for kind in NULL_KINDS for n in SIZES for d in DIMS for s in seeds]


def planted_cases(seeds: range) -> list[Case]:
    return [
        planted_case(k, n, d, 1000 * k + s)
        for k in (2, 3, 4, 6)
        for n in SIZES
        for d in (2, 5, 12)
        for s in seeds
    ]
