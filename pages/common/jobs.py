"""The studio's server-wide background map jobs: UMAP runs on one worker thread, off the page's critical path.

A page shows the PCA map at once and swaps in the UMAP map when its job here has finished; jobs are kept per
content key (the data, roles and prepared matrix) and shared by every session and rerun. Kept apart from cache.py
(the cached engine calls) because these are futures a page polls, not values it waits for.
"""

from __future__ import annotations

import os
import time
from concurrent.futures import Future, ThreadPoolExecutor

import numpy as np
import streamlit as st

from segcore.insight import embed

# Browsers draw ~20k points smoothly; the map shows a seeded sample above that.
MAP_POINTS = 20_000
# Maps kept for the whole server (each up to MAP_POINTS x 2 coordinates): several data sets and column choices.
MAX_MAPS = 16
# Tests and slow machines can skip UMAP (numba compiles for ~60 s in a new process) and map with PCA.
FAST_MAP = os.environ.get("SEGCORE_FAST_MAP") == "1"


def put_bounded(jobs: dict, key: str, value, limit: int) -> None:
    """Insert into a server-wide job dict, dropping the oldest entries beyond ``limit`` (insertion order)."""
    jobs[key] = value
    while len(jobs) > limit:
        jobs.pop(next(iter(jobs)))


@st.cache_resource
def _pool() -> ThreadPoolExecutor:
    """One worker: UMAP jobs queue instead of fighting over the two cores; numba is warmed first."""
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="segcore-umap")
    if not FAST_MAP:
        pool.submit(embed.warm_up)
    return pool


class MapJob:
    """A background UMAP map: its future, when it was queued and when the worker actually started it (None while
    it waits behind the warm-up or another map), so the page can say which of the two is taking the time."""

    def __init__(self, future: Future | None = None) -> None:
        self.future: Future = future if future is not None else Future()
        self.queued = time.perf_counter()
        self.started: float | None = None
        self.rows = 0  # customers the map is fitted on (the sample), for the time estimate

    def run(self, X: np.ndarray) -> embed.Embedding:
        self.started = time.perf_counter()
        return embed.umap_2d(X, sample_size=MAP_POINTS, random_state=0)


@st.cache_resource
def _jobs() -> dict[str, MapJob]:
    return {}


def finished_map(key: str) -> embed.Embedding | None:
    """The map for this key if its background job has finished (for saved runs and reports)."""
    job = _jobs().get(key)
    if job is None or not job.future.done() or job.future.exception() is not None:
        return None
    return job.future.result()


def warm_up() -> None:
    """Start the pool (and numba's compile) as soon as the app opens, off the critical path."""
    _pool()


def umap_job(map_key: str, X: np.ndarray) -> MapJob:
    """The background UMAP job for this map, started once per content key and shared across reruns."""
    jobs = _jobs()
    if map_key not in jobs:
        if FAST_MAP:
            job = MapJob()
            job.started = job.queued
            job.future.set_result(embed.pca_2d(X, random_state=0, max_points=MAP_POINTS))
        else:
            job = MapJob()
            job.future = _pool().submit(job.run, X)
        job.rows = min(len(X), MAP_POINTS)
        put_bounded(jobs, map_key, job, MAX_MAPS)
    return jobs[map_key]
