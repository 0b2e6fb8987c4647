"""Shared pieces of the studio's AppTest tests (tests/studio/): the app path, a fresh session, metric and error checks.

Importing this module sets SEGCORE_FAST_MAP=1 (the PCA map instead of UMAP: numba's first compile costs about a minute
per process; UMAP is tested in tests/insight/test_embed.py) and a throwaway SEGCORE_DATA_DIR, before Streamlit loads.
"""

from __future__ import annotations

import os
import tempfile

from helpers import ROOT

os.environ["SEGCORE_FAST_MAP"] = "1"
os.environ["SEGCORE_DATA_DIR"] = tempfile.mkdtemp(prefix="segcore-apptest-")

from streamlit.testing.v1 import AppTest  # noqa: E402

APP = str(ROOT / "app.py")
TIMEOUT = 240


def metrics(at: AppTest) -> dict[str, str]:
    """First value shown for each metric label."""
    shown: dict[str, str] = {}
    for m in at.metric:
        shown.setdefault(m.label, m.value)
    return shown


def no_errors(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def saved_run_id(title: str) -> str:
    """The id of the newest saved run with this title, from the studio's own store: what a run picker's value is
    (AppTest's select_index would pass the option's label, which a picker with a format_func does not take back)."""
    from segcore.store.runs import open_store

    store = open_store(f"sqlite:///{os.environ['SEGCORE_DATA_DIR']}/segcore.sqlite3")
    return next(r.run_id for r in store.list_runs() if r.title == title)


def fresh() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    no_errors(at)
    return at
