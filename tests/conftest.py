"""Shared fixtures: paths to the project's sample data and to the real public datasets in ../shared/data."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from helpers import ROOT, SAMPLE_DATA

SHARED_DATA = ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real datasets; CI has them beside the clone, so a missing folder is an error, not a skip."""
    assert SHARED_DATA.is_dir(), f"expected the shared datasets at {SHARED_DATA}"
    return SHARED_DATA


@pytest.fixture(scope="session")
def sample_data() -> Path:
    return SAMPLE_DATA


@pytest.fixture(scope="session")
def sample_generator():
    """sample_data/generate.py as a module (it is a script, not a package): hidden persona labels, column lists."""
    spec = importlib.util.spec_from_file_location("sample_generate", SAMPLE_DATA / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
