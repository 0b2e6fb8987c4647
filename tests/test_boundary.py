"""The engine must import and run without Streamlit (the studio is a thin layer on top)."""

import subprocess
import sys

from helpers import ROOT


def test_segcore_never_imports_streamlit():
    code = "import segcore, segcore.cli, sys; assert 'streamlit' not in sys.modules, 'streamlit was imported'"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
