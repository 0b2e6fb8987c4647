"""Paths every test folder uses, and small generated customer tables with known structure (model, CLI, app tests).

Importable from any folder under tests/ (pyproject puts tests/ on pythonpath): `from helpers import ROOT, customers`.
"""

from __future__ import annotations

import contextlib
import contextvars
import io
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_DATA = ROOT / "sample_data"
REAL_DATA = ROOT / "tests" / "data"  # small copies of public data sets; see SOURCES.md there

# Three personas with clearly different behaviour: a correct segmentation must find them.
PERSONAS = {
    "vip": {"spend": 2500.0, "visits": 20.0, "tenure": 60.0, "region": "North", "churn": 0.03},
    "bargain": {"spend": 300.0, "visits": 12.0, "tenure": 30.0, "region": "South", "churn": 0.15},
    "lapsed": {"spend": 120.0, "visits": 1.5, "tenure": 8.0, "region": "West", "churn": 0.6},
}


def customers(n: int = 600, *, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    """A customer table and its hidden persona index (0 = vip, 1 = bargain, 2 = lapsed)."""
    rng = np.random.default_rng(seed)
    persona = rng.integers(0, len(PERSONAS), size=n)
    spec = list(PERSONAS.values())
    spend = np.array([spec[p]["spend"] for p in persona]) * rng.lognormal(0, 0.25, n)
    visits = np.array([spec[p]["visits"] for p in persona]) * rng.lognormal(0, 0.2, n)
    tenure = np.array([spec[p]["tenure"] for p in persona]) * rng.lognormal(0, 0.2, n)
    region = np.array([spec[p]["region"] for p in persona], dtype=object)
    flip = rng.random(n) < 0.1
    region[flip] = rng.choice(["North", "South", "West"], size=int(flip.sum()))
    churn = (rng.random(n) < np.array([spec[p]["churn"] for p in persona])).astype(int)
    df = pd.DataFrame(
        {
            "customer_id": [f"C{i:05d}" for i in range(n)],
            "total_spend": spend.round(2),
            "visits_90d": visits.round(1),
            "tenure_months": tenure.round(1),
            "region": region,
            "gender": rng.choice(["female", "male"], size=n),
            "churned": churn,
        }
    )
    return df, persona


def rewrite_model(blob: bytes, member: str, change) -> bytes:
    """A model file with one part changed by ``change(bytes) -> bytes`` and sealed again with the test key, so
    the crafted content reaches the parser (an unsealed edit is refused earlier, by the seal check)."""
    import io
    import zipfile

    from segcore.model import integrity
    from segcore.model.persist import write_archive

    with zipfile.ZipFile(io.BytesIO(blob)) as zf:
        members = {n: zf.read(n) for n in zf.namelist() if n != integrity.SEAL_NAME}
    members[member] = change(members.get(member, b""))
    return write_archive(members)


def run_cli(*args: str) -> subprocess.CompletedProcess:
    """``python -m segcore ARGS`` run in this process through ``segcore.cli.main``: the same code and the same exit
    code, stdout and stderr, without a fresh interpreter's seconds of imports per call. The language the CLI sets is
    kept inside a copied context. tests/cli/test_cli.py keeps one real subprocess for the ``python -m`` entry point.
    """
    from segcore.cli import main

    out, err = io.StringIO(), io.StringIO()

    def call() -> int:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                return main(list(args))
            except SystemExit as stop:  # argparse usage errors and --help
                return stop.code if isinstance(stop.code, int) else 1

    code = contextvars.copy_context().run(call)
    return subprocess.CompletedProcess(["segcore", *args], code, out.getvalue(), err.getvalue())


def ten_category_log() -> pd.DataFrame:
    """A 20-row log over ten product categories: more levels than the top 8 kept, so the rest pool into "other"."""
    levels = [f"Cat {i}" for i in range(10)]
    return pd.DataFrame(
        {
            "customer_id": ["a", "b"] * 10,
            "date": ["2024-01-01"] * 20,
            "amount": [float(i + 1) for i in range(20)],
            "product_category": levels * 2,
        }
    )


def write_customers(path: Path, *, n: int, seed: int) -> Path:
    """``customers(n, seed)`` written as a CSV file at ``path`` (for the CLI tests)."""
    df, _ = customers(n, seed=seed)
    df.to_csv(path, index=False)
    return path
