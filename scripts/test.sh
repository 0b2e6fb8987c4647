#!/usr/bin/env bash
# The README's test command: install the runtime and test dependencies, then run the whole suite. pyproject's addopts
# select the quick subset for a bare `pytest`; -m "" here lifts that filter, so slow, browser and PostgreSQL tests run.
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install -q -r requirements-dev.txt
export OMP_WAIT_POLICY=passive
python -m pytest -m "" "$@"
