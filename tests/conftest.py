"""Shared fixtures: the project's sample data, and the small copies of real public data sets in tests/data."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from helpers import REAL_DATA, SAMPLE_DATA


@pytest.fixture(scope="session")
def real_data() -> Path:
    """Small copies and subsets of public data sets (tests/data/SOURCES.md): inside the repository, never beside it."""
    return REAL_DATA


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
