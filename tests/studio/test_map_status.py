"""The UMAP progress line (pages/common/map_status.py) in AppTest: honest about what it knows (issue 12, item 5).

No time is promised before a fit was timed in the process; after one, the estimate is the measured rate scaled to
the sample; when the fit runs late the line says so instead of sitting at "about N s". The job is a hand-made
``MapJob`` (no UMAP runs: AppTest runs use SEGCORE_FAST_MAP=1).
"""

from __future__ import annotations

import apptest_support  # noqa: F401 - sets SEGCORE_FAST_MAP and a throwaway data folder before streamlit loads
import pytest
from helpers import ROOT
from streamlit.testing.v1 import AppTest


def status_script(root: str, case: str) -> None:
    import sys
    import time

    if root not in sys.path:
        sys.path.insert(0, root)
    from pages.common import map_status
    from pages.common.jobs import MapJob
    from segcore.insight import embed, map_timing

    map_timing.forget()
    job = MapJob()
    job.rows = 20_000
    now = time.perf_counter()
    if case == "compiling":
        embed._warmed = False
        job.queued = now - 42
    elif case == "queued":
        embed._warmed = True
        job.queued = now - 7
    else:
        embed._warmed = True
        map_timing.record(4_000, 2.0)  # 0.5 s per 1,000 customers -> about 10 s for 20,000
        job.started = now - (4 if case == "on_time" else 25)
    map_status.show(job)


def run(case: str) -> AppTest:
    at = AppTest.from_function(status_script, args=(str(ROOT), case), default_timeout=60)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def shown(at: AppTest) -> str:
    return " ".join([c.value for c in at.caption] + [p.proto.text for p in at.get("progress")])


@pytest.fixture(autouse=True)
def keep_warm_flag():
    from segcore.insight import embed, map_timing

    before = embed._warmed
    yield
    embed._warmed = before
    map_timing.forget()


def test_no_promise_while_compiling():
    text = shown(run("compiling"))
    assert "still compiling UMAP for its first map (42 s so far)" in text
    assert "No time is promised" in text and "about" not in text
    assert "The PCA map below is complete" in text


def test_waiting_behind_another_map_says_so():
    assert "waits for another map to finish (7 s so far)" in shown(run("queued"))


def test_measured_estimate_scaled_to_the_sample():
    at = run("on_time")
    (bar,) = at.get("progress")
    assert "4 s of about 10 s (measured on this server: 0.5 s per 1,000 customers)" in bar.proto.text
    assert bar.proto.value == 40  # 4 of 10 s


def test_a_late_fit_is_called_late_not_almost_done():
    at = run("late")
    (bar,) = at.get("progress")
    assert "25 s, longer than the 10 s measured on this server before" in bar.proto.text
    assert bar.proto.value == 97  # never full before the map is there
