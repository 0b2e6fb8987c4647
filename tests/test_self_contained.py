"""The repository is self-contained: tests read only what is inside it, and every data file says where it is from."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from helpers import REAL_DATA, ROOT

TESTS = ROOT / "tests"


def outside(folder: str) -> re.Pattern:
    """Ways a test has reached outside the clone: ``folder`` beside it, an absolute machine path, the repo's parent."""
    return re.compile(rf"\.\./{folder}|/work/|\b{folder}[/\\]data\b|\b{folder}_data\b|\bROOT\.parent\b")


# The data folder beside the repository on our machines; its name is built from two pieces, so that this file names
# no path outside the repository, and the guard's own test below uses a stand-in name.
OUTSIDE = outside("sha" + "red")
# Path(__file__).resolve().parents[N] leaves the repository when N reaches the file's depth below the root.
PARENTS = re.compile(r"__file__\)?(?:\.resolve\(\))?\.parents\[(\d+)\]")


def _leaves_the_repository(line: str, depth: int, pattern: re.Pattern = OUTSIDE) -> bool:
    return bool(pattern.search(line)) or any(int(n) >= depth for n in PARENTS.findall(line))


MAX_DATA_BYTES = 10 * 1024 * 1024


def test_no_test_refers_to_files_outside_the_repository():
    offenders = []
    for path in sorted(TESTS.rglob("*")):
        if path.suffix not in {".py", ".md", ".toml", ".txt", ".cfg", ".ini"} or path.name == "SOURCES.md":
            continue
        if path == Path(__file__).resolve():  # the patterns themselves; their own test is below
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            if _leaves_the_repository(line, len(path.relative_to(ROOT).parts)):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not offenders, "tests must read only tests/data or sample_data (copy a small subset in):\n" + "\n".join(
        offenders
    )


def test_the_guard_catches_the_old_paths():
    guard = outside("beside")  # the same pattern as OUTSIDE, for a stand-in folder name
    assert guard.pattern == OUTSIDE.pattern.replace("sha" + "red", "beside")
    bad = [
        'ROOT.parent / "beside" / "data"',
        "open('../beside/data/bank.csv')",
        "def f(beside_data):",
        "Path(__file__).resolve().parents[3]",
    ]
    good = ['real_data / "bank.csv"', 'ROOT / "sample_data"', "beside_fixture = 1", "Path(__file__).resolve().parents[2]"]
    # depth 3: a file in tests/<folder>/, whose parents[2] is the repository root
    assert [line for line in bad if not _leaves_the_repository(line, 3, guard)] == []
    assert [line for line in good if _leaves_the_repository(line, 3, guard)] == []


def test_every_data_file_has_its_source_and_the_folder_stays_small():
    sources = (REAL_DATA / "SOURCES.md").read_text(encoding="utf-8")
    files = [p for p in REAL_DATA.iterdir() if p.is_file() and p.name != "SOURCES.md"]
    undocumented = [p.name for p in files if f"`{p.name}`" not in sources]
    assert not undocumented, f"add these to tests/data/SOURCES.md (origin, licence, how made): {undocumented}"
    assert sum(p.stat().st_size for p in files) < MAX_DATA_BYTES


def test_every_data_file_is_committed():
    """A data file left out by .gitignore passes here and fails in a fresh clone: compare with git's list."""
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    listed = subprocess.run(
        ["git", "ls-files", "tests/data"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    on_disk = sorted(str(p.relative_to(ROOT)) for p in REAL_DATA.iterdir() if p.is_file())
    assert sorted(set(on_disk) - set(listed)) == []
