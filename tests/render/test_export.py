"""Downloads: CSV injection neutralised, non-English text intact in CSV and Excel, profiles as JSON."""

from __future__ import annotations

import csv
import io
import json
import re

import numpy as np
import openpyxl
import pandas as pd
import pytest

from segcore.errors import SpecError
from segcore.insight.profile import Kpi, Profile, Trait
from segcore.render.export import neutralise, profiles_json, safe_csv, to_excel


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ('=HYPERLINK("http://evil.example","click")', '\'=HYPERLINK("http://evil.example","click")'),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1", "'\t'=1"),  # a program splitting on tabs or CR sees "'=1", never "=1"
        ("\r=1", "'\r'=1"),
        ("id\r=cmd|' /C calc'!A0", "id\r'=cmd|' /C calc'!A0"),
        ("note\n-5", "note\n-5"),
        ("-5", "-5"),  # a plain number cannot be a formula
        ("Seoul", "Seoul"),
        ("a=b", "a=b"),
        (42, 42),
    ],
)
def test_neutralise(cell, expected):
    assert neutralise(cell) == expected


def _read_csv(data: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", keep_default_na=False)


def test_safe_csv_neutralises_injection_and_keeps_numbers():
    df = pd.DataFrame(
        {
            "note": ['=HYPERLINK("http://x","y")', "+cmd", "-2+3", "@SUM(A1)"],
            "balance": [-120, 5, -3, 0],
            "ratio": [-0.5, 1.25, np.nan, 2.0],
        }
    )
    data = safe_csv(df)
    assert data.startswith(b"\xef\xbb\xbf")
    back = _read_csv(data)
    assert list(back["note"]) == ['\'=HYPERLINK("http://x","y")', "'+cmd", "'-2+3", "'@SUM(A1)"]
    assert list(back["balance"]) == [-120, 5, -3, 0]
    assert back["balance"].dtype.kind == "i"
    assert "-0.5" in data.decode("utf-8-sig").splitlines()[1]
    pd.testing.assert_frame_equal(df, df.copy())  # input untouched


def test_safe_csv_header_is_neutralised_too():
    back = _read_csv(safe_csv(pd.DataFrame({"=cmd": [1]})))
    assert list(back.columns) == ["'=cmd"]


def test_safe_csv_round_trips_normal_and_non_english_text():
    df = pd.DataFrame(
        {
            "city": ["서울", "Москва", "北京", "São Paulo"],
            "segment": ["高价值客户", "Лояльные", 'a, "b"', "x\ny"],
            "n": [1, 2, 3, 4],
        }
    )
    back = _read_csv(safe_csv(df))
    pd.testing.assert_frame_equal(back, df, check_dtype=False)
    assert "Москва".encode() in safe_csv(df)


def test_to_excel_keeps_text_as_text_and_unicode():
    df = pd.DataFrame(
        {
            "name": ["=1+1", "北京", "Москва", "+cmd"],
            "spend": [1.5, -2.0, 3.0, 0.0],
            "when": pd.date_range("2024-01-01", periods=4, tz="UTC"),
        }
    )
    data = to_excel(df, sheet_name="segments")
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb["segments"]
    assert [c.value for c in ws[1]] == ["name", "spend", "when"]
    assert ws["A2"].value == "=1+1" and ws["A2"].data_type == "s"
    assert ws["A3"].value == "北京" and ws["A4"].value == "Москва"
    assert ws["B3"].value == -2.0
    back = pd.read_excel(io.BytesIO(data), sheet_name="segments")
    assert list(back["name"]) == ["=1+1", "北京", "Москва", "+cmd"]
    assert back["when"].iloc[0] == pd.Timestamp("2024-01-01")


@pytest.mark.parametrize(
    ("name", "sheet"), [("a/b:c", "a_b_c"), ("x" * 40, "x" * 31), ("세그먼트", "세그먼트")]
)
def test_to_excel_sheet_names(name, sheet):
    wb = openpyxl.load_workbook(io.BytesIO(to_excel(pd.DataFrame({"a": [1]}), sheet_name=name)))
    assert wb.sheetnames == [sheet]


def test_to_excel_empty_sheet_name_is_an_error():
    with pytest.raises(SpecError, match="sheet name is empty"):
        to_excel(pd.DataFrame({"a": [1]}), sheet_name="''")


def test_profiles_json_keeps_text_readable_and_round_trips():
    p = Profile(
        segment=0,
        name="高价值客户",
        size=np.int64(10),
        share=np.float64(0.25),
        value_share=None,
        pinned=False,
        traits=(
            Trait("город", "level", 1, np.float64(0.9), 0.58, 0.21, "%", 0.58, 0.21, "Москва", True),
        ),
        kpis=(Kpi("spend", "avg spend", np.float32(1.5), float("nan"), "money"),),
        action="Retain",
        lift=None,
    )
    text = profiles_json([p])
    assert "高价值客户" in text and "58% in Москва vs 21% overall" in text and "\\u" not in text
    assert text.startswith("[\n  {")
    (d,) = json.loads(text)
    assert d["size"] == 10 and d["kpis"][0]["overall"] is None
    q = Profile.from_dict(d)
    assert q.name == p.name and q.traits == p.traits and q.kpis[0].value == 1.5


INJECTIONS = [
    "C0003\r=cmd|' /C calc'!A0",  # a bare CR: programs that split lines on CR see "=cmd..." start a row
    " \t@SUM(1+1)*cmd|' /C calc'!A0",  # formula after whitespace and a tab
    "\x01=1+1",  # after a control character
    "ok\n+HYPERLINK(\"http://x\")",  # after a line feed inside the cell
    "x\t-2+3",  # after a tab inside the cell
    "-5",  # a plain number stays as it is
    "Москва",
]


def test_safe_csv_round_trips_one_record_per_customer_with_no_formula():
    df = pd.DataFrame({"customer_id": INJECTIONS, "segment": range(len(INJECTIONS)), "note": ["=1"] * len(INJECTIONS)})
    text = safe_csv(df).decode("utf-8-sig")
    records = list(csv.reader(io.StringIO(text, newline="")))
    assert len(records) == len(INJECTIONS) + 1
    ids = [row[0] for row in records[1:]]
    assert [i.replace("'", "") for i in ids] == [i.replace("'", "") for i in INJECTIONS]
    assert ids[-2:] == ["-5", "Москва"]
    formula = re.compile(r"^[\s\x00-\x1f\"]*[=+\-@]")
    for line in re.split(r"\r\n|\r|\n", text):  # as a program splitting on every line break and comma sees it
        for piece in re.split(r"[,\t]", line):
            assert not formula.match(piece) or re.fullmatch(r'"?-5"?', piece.strip()), repr(piece)
    assert '"C0003\r\'=cmd' in text  # quoted, and the line after the CR starts with the neutralising quote


def test_excel_export_holds_the_injection_ids_as_text_never_formulas():
    df = pd.DataFrame({"customer_id": INJECTIONS, "segment": range(len(INJECTIONS))})
    workbook = openpyxl.load_workbook(io.BytesIO(to_excel(df)))
    sheet = workbook.active
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert len(cells) == len(INJECTIONS)
    assert all(cell.data_type == "s" for cell in cells[:5])
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)
    kept = [cell.value.replace("_x000D_", "\r") for cell in cells]  # xlsxwriter stores CR escaped
    assert kept[0] == INJECTIONS[0] and kept[3:] == INJECTIONS[3:]


@pytest.mark.parametrize(
    "frame",
    [
        pd.DataFrame({"customer_id": INJECTIONS, "segment": range(len(INJECTIONS)), "note": ["=1"] * len(INJECTIONS)}),
        pd.DataFrame({"id": ["C1", 'say "hi"', "a,b", "", "서울\r\nx"], "segment": [0, -1, 2, 3, 12]}),
        pd.DataFrame({'na"me': pd.Series(["x", "y"], dtype="str"), "n": np.array([1, 2], dtype=np.int32)}),
        pd.DataFrame({"id": ["a", None], "segment": [0, 1]}),  # missing text: pandas writes it
        pd.DataFrame({"id": ["a", 3], "segment": [0, 1]}),  # a number in a text column
        pd.DataFrame({"id": ["a", "b"], "score": [0.5, 1.25]}),  # floats: pandas writes them
        pd.DataFrame({"id": ["a", "b"], "flag": [True, False]}),
        pd.DataFrame({"id": pd.Categorical(["a", "b"]), "segment": [0, 1]}),
    ],
)
def test_safe_csv_writes_what_pandas_writes(frame):
    from segcore.render.export import _safe_frame

    expected = _safe_frame(frame).to_csv(index=False, quoting=csv.QUOTE_NONNUMERIC).encode("utf-8-sig")
    assert safe_csv(frame) == expected
