#!/usr/bin/env bash
# The README's test command: install the runtime and test dependencies, then run the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install -q -r requirements-dev.txt
export OMP_WAIT_POLICY=passive
python -m pytest "$@"
