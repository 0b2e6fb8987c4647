"""How much memory DuckDB may take before it spills to disk, from what this machine (or its container) has.

A fixed 1 GB made a 2M-customer log spill 23 GB of partial sums to /tmp: 419 s and a 4.1 GiB peak. With a quarter
of a 24 GiB machine it took 136 s and peaked at 2.8 GiB; a 400k-customer log needs under 1 GiB either way.
"""

from __future__ import annotations

import os
from pathlib import Path

GB = 1024**3
# A quarter of the memory leaves room for the studio, the fit after the aggregation and other programs.
SHARE = 0.25
FLOOR_BYTES = 1 * GB
CEILING_BYTES = 8 * GB
# A GROUP BY that still runs out gets twice the memory, up to half the machine (at least 8 GiB, as before).
RETRY_SHARE = 0.5
RETRY_FLOOR_BYTES = 8 * GB
# Where Linux states a container's memory limit (cgroup v2, then v1); "max" or a huge number means none.
CGROUP_LIMITS = (Path("/sys/fs/cgroup/memory.max"), Path("/sys/fs/cgroup/memory/memory.limit_in_bytes"))


def memory_limit() -> str:
    """``SEGCORE_DUCKDB_MEMORY`` when set (DuckDB's units: "3GB", "3GiB"), else a quarter of the memory, 1-8 GiB."""
    chosen = os.environ.get("SEGCORE_DUCKDB_MEMORY")
    if chosen:
        return chosen
    total = machine_memory()
    share = FLOOR_BYTES if total is None else int(total * SHARE)
    return f"{min(max(share, FLOOR_BYTES), CEILING_BYTES) // 2**20}MiB"


def retry_ceiling_gib() -> float:
    """The most memory a repeated GROUP BY may ask for: half the memory, at least 8 GiB; always twice the start."""
    total = machine_memory()
    return max(RETRY_FLOOR_BYTES, int((total or 0) * RETRY_SHARE)) / GB


def machine_memory() -> int | None:
    """Physical memory in bytes, or the container's limit when that is lower; None when neither can be read."""
    try:
        physical = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):  # no sysconf (Windows)
        physical = None
    limits = [n for n in (_cgroup_limit(p) for p in CGROUP_LIMITS) if n is not None]
    known = [n for n in (physical, *limits) if n]
    return min(known) if known else None


def _cgroup_limit(path: Path) -> int | None:
    try:
        text = path.read_text().strip()
    except OSError:
        return None
    return int(text) if text.isdigit() and int(text) < 2**60 else None
