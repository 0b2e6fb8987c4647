"""Shared fixtures: the project's sample data, and the small copies of real public data sets in tests/data."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest
from helpers import REAL_DATA, SAMPLE_DATA

# One model-sealing key for the whole run, inherited by CLI subprocesses and test servers, so a model written in one
# process loads in another (segcore.model.integrity; its own tests pass keys and data folders explicitly).
os.environ.setdefault("SEGCORE_SECRET_KEY", "segcore-test-suite-key-not-a-secret")
# The CLI speaks the system locale's language (LANG=zh_CN.UTF-8 -> Chinese); the suite reads English unless a test
# picks a language (--lang, or monkeypatching these), whatever the machine it runs on is set to.
os.environ["SEGCORE_LANG"] = "en"


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
