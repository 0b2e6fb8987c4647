"""How long a UMAP map takes on this machine, measured in this process, for an honest progress estimate.

The first UMAP of a process compiles numba: minutes on a shared 2-core machine, far more than the fit itself and
different on every machine and load. So nothing is promised before one fit has been timed here; afterwards the
estimate is the measured seconds per customer of the last fits, scaled to the new sample (at a fixed number of
epochs UMAP's cost grows about linearly with the rows). ``embed.warm_up`` times one fit right after the compile, so
the first map a user asks for already has a measured estimate.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass
from statistics import median

# The last few fits: recent enough to follow the machine's load, several so one odd fit does not swing the figure.
KEPT_FITS = 5


@dataclass(frozen=True)
class Estimate:
    """seconds: expected fit time for the rows asked about, None when no fit has been timed in this process.
    per_thousand: the measured seconds per 1,000 customers it is based on. fits: how many timed fits it rests on."""

    seconds: float | None
    per_thousand: float | None
    fits: int


_lock = threading.Lock()
_fits: deque[tuple[int, float]] = deque(maxlen=KEPT_FITS)


def record(rows: int, seconds: float) -> None:
    """Remember one UMAP fit of ``rows`` customers that took ``seconds`` (without numba's compile)."""
    if rows > 0 and seconds > 0:
        with _lock:
            _fits.append((int(rows), float(seconds)))


def estimate(rows: int) -> Estimate:
    """The expected fit time for ``rows`` customers from the fits timed so far in this process."""
    with _lock:
        fits = list(_fits)
    if not fits:
        return Estimate(None, None, 0)
    per_row = median(seconds / n for n, seconds in fits)
    return Estimate(per_row * max(int(rows), 1), per_row * 1000, len(fits))


def forget() -> None:
    """Drop every timed fit (tests; a benchmark measuring a cold start)."""
    with _lock:
        _fits.clear()


__all__ = ["Estimate", "estimate", "forget", "record"]
