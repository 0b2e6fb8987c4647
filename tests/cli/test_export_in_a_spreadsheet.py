"""The exported segment file opened by a real spreadsheet: LibreOffice Calc imports ``assignments.csv`` with formula
evaluation switched on (the most dangerous import a user can make) and the workbook it writes is read back with
openpyxl. A control file shows the same import does turn ``=...`` cells into formulas, so the check can fail.

CI installs LibreOffice Calc (``libreoffice-calc-nogui``); a missing ``soffice`` is a failure, not a skip.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from bad_input_corpus import N_ROWS, injection_ids
from helpers import ROOT

# Comma, double quote, UTF-8, from line 1, ..., token 13 "evaluate formulas" on.
CSV_IMPORT = "CSV:44,34,76,1,,0,false,true,false,false,false,-1,true"


def _open_in_calc(csv_path: Path, tmp_path: Path) -> list[list[openpyxl.cell.Cell]]:
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice Calc (soffice) is missing; CI installs libreoffice-calc-nogui"
    subprocess.run(
        [soffice, "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path / 'lo_profile'}",
         "--convert-to", "xlsx", "--infilter=" + CSV_IMPORT, "--outdir", str(tmp_path / "calc"), str(csv_path)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    workbook = openpyxl.load_workbook(tmp_path / "calc" / (csv_path.stem + ".xlsx"))
    return [list(row) for row in workbook.active.iter_rows()]


@pytest.mark.slow
def test_calc_evaluates_formulas_in_a_plain_csv(tmp_path):
    control = tmp_path / "control.csv"
    control.write_text('customer_id,segment\nC1,0\n=1+1,1\n"=2+2",2\n', encoding="utf-8")
    cells = [cell for row in _open_in_calc(control, tmp_path) for cell in row]
    assert sum(cell.data_type == "f" for cell in cells) == 2


@pytest.mark.slow
def test_assignments_with_injection_ids_open_in_calc_as_text_one_row_per_customer(tmp_path):
    source = tmp_path / "customers.csv"
    source.write_bytes(injection_ids())
    out = tmp_path / "out"
    fit = subprocess.run([sys.executable, "-m", "segcore", "fit", str(source), "--out", str(out), "--k", "3"],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)  # fmt: skip
    assert fit.returncode == 0, fit.stderr
    rows = _open_in_calc(out / "assignments.csv", tmp_path)
    assert [cell.value for cell in rows[0]] == ["customer_id", "segment", "segment_name"]
    assert len(rows) == N_ROWS + 1  # exactly one row per customer: no id split into a second row
    assert not [cell.coordinate for row in rows for cell in row if cell.data_type == "f"]
    ids = [row[0].value for row in rows[1:]]
    assert len(set(ids)) == N_ROWS and all(isinstance(i, str) for i in ids)
    dangerous = [i for i in ids if i.lstrip(" \t\r\n'").startswith(("=", "+", "-", "@"))]
    assert len(dangerous) == 4 and all(i.startswith("'") for i in dangerous), dangerous
    assert {row[1].value for row in rows[1:]} == {0, 1, 2}
