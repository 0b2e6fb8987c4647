"""Where the background UMAP map is, said honestly: a time estimate only once a map has been timed on this server.

The PCA map is drawn at once and stays usable; this line sits above it until the UMAP map is swapped in. Estimates
come from ``segcore.insight.map_timing`` (fits measured in this process, under the machine's current load), never
from a fixed figure: the old "about 57 s" was wrong on every machine but one.
"""

from __future__ import annotations

import time

import streamlit as st

from pages.common.jobs import MapJob
from segcore.i18n import _, format_number
from segcore.insight import embed, map_timing

# The bar never reaches the end before the map is there; the rest of the way is the swap itself.
MAX_SHOWN_PROGRESS = 0.97


def show(job: MapJob) -> None:
    """One progress line for a running (or queued) UMAP job."""
    now = time.perf_counter()
    meanwhile = _("The PCA map below is complete: use it meanwhile.")
    n = format_number(job.rows)
    if job.started is None:
        waited = round(now - job.queued)
        if not embed.is_warm():
            st.caption(_("Preparing the UMAP map: this server is still compiling UMAP for its first map ({seconds} s "
                         "so far). No time is promised until one map has been timed here.", seconds=waited)
                       + " " + meanwhile)
        else:
            st.caption(_("The UMAP map waits for another map to finish ({seconds} s so far).", seconds=waited)
                       + " " + meanwhile)
        return
    elapsed = now - job.started
    estimate = map_timing.estimate(job.rows)
    if estimate.seconds is None:
        st.caption(_("Computing the UMAP map of {n} customers: {seconds} s so far. No map has been timed on this "
                     "server yet, so there is no estimate.", n=n, seconds=round(elapsed)) + " " + meanwhile)
        return
    expected = max(1, round(estimate.seconds))
    if elapsed <= estimate.seconds:
        text = _("Computing the UMAP map of {n} customers: {elapsed} s of about {expected} s (measured on this "
                 "server: {rate} s per 1,000 customers).", n=n, elapsed=round(elapsed), expected=expected,
                 rate=format_number(estimate.per_thousand, digits=1))
    else:
        text = _("Computing the UMAP map of {n} customers: {elapsed} s, longer than the {expected} s measured on this "
                 "server before; the machine is busier now.", n=n, elapsed=round(elapsed), expected=expected)
    st.progress(min(elapsed / estimate.seconds, MAX_SHOWN_PROGRESS), text=text + " " + meanwhile)


__all__ = ["show"]
