"""A corpus of hostile and odd input files, generated at test time from a few lines each.

Each ``Case`` is a file (or files) plus the command line to run and what must happen: either one ``error:`` line
holding every expected phrase (what is wrong, where, what to do), or success with every expected note (rows skipped,
values changed) shown by both ``inspect`` and ``fit``. The CLI corpus test and the studio tests both read it.
"""

from __future__ import annotations

import io
import json
import struct
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

# Rows in the base customer table: enough for 3 segments, small enough that 100 fits take a minute or two.
N_ROWS = 60


@dataclass(frozen=True)
class Case:
    """One input. ``inspect``/``fit``: None = must succeed; a tuple = must fail with all these phrases."""

    name: str
    make: Callable[[], dict[str, bytes]]  # file name -> bytes; the first file is the data file
    inspect: tuple[str, ...] | None = None
    fit: tuple[str, ...] | None = None
    notes: tuple[str, ...] = ()  # phrases that must be in the notes of both inspect and fit when they succeed
    fit_args: tuple[str, ...] = ("--k", "3")
    argv: tuple[str, ...] | None = None  # a whole command line instead of inspect + fit ({dir} = the case folder)
    studio: bool = True  # also run through the studio's load/prepare path
    tags: tuple[str, ...] = field(default_factory=tuple)


def base(n: int = N_ROWS, seed: int = 0) -> pd.DataFrame:
    """Customers in three clear groups (so fit works whenever the file is read right)."""
    rng = np.random.default_rng(seed)
    group = np.arange(n) % 3
    return pd.DataFrame(
        {
            "customer_id": [f"C{i:04d}" for i in range(n)],
            "spend": (np.array([100.0, 900.0, 3000.0])[group] * rng.lognormal(0, 0.1, n)).round(2),
            "visits": (np.array([2.0, 10.0, 25.0])[group] * rng.lognormal(0, 0.1, n)).round(1),
            "region": np.array(["North", "South", "West"])[group],
        }
    )


def csv_bytes(df: pd.DataFrame, **options) -> bytes:
    encoding = options.pop("encoding", "utf-8")
    return df.to_csv(index=False, **options).encode(encoding)


def one(name: str, data: bytes | str | Callable[[], bytes | str]) -> Callable[[], dict[str, bytes]]:
    """A one-file case; pass a function for big files so they are built only when the case runs."""

    def make() -> dict[str, bytes]:
        content = data() if callable(data) else data
        return {name: content.encode("utf-8") if isinstance(content, str) else content}

    return make


def with_column(values: list[str], name: str = "amount", n: int = N_ROWS) -> bytes:
    df = base(n)
    df[name] = [values[i % len(values)] for i in range(n)]
    return csv_bytes(df)


def transaction_log(n_customers: int = 40, per_customer: int = 6, future_share: float = 0.0) -> bytes:
    rng = np.random.default_rng(5)
    rows = []
    start = pd.Timestamp("2024-01-01")
    for c in range(n_customers):
        for _ in range(per_customer):
            day = start + pd.Timedelta(days=int(rng.integers(0, 365)))
            rows.append({"customer_id": f"K{c:03d}", "order_date": day.date().isoformat(),
                         "amount": round(float(rng.lognormal(3 + c % 3, 0.3)), 2)})  # fmt: skip
    df = pd.DataFrame(rows)
    if future_share:
        future = rng.random(len(df)) < future_share
        df.loc[future, "order_date"] = (pd.Timestamp("2029-06-01") + pd.to_timedelta(
            rng.integers(0, 30, future.sum()), unit="D")).strftime("%Y-%m-%d")  # fmt: skip
    return csv_bytes(df)


def ragged(n: int = 1000, bad: int = 5) -> bytes:
    lines = ["customer_id,spend,visits,region"]
    df = base(n)
    for i, row in enumerate(df.itertuples(index=False)):
        extra = ",oops,again" if i % (n // bad) == min(7, n // bad - 1) else ""
        lines.append(f"{row.customer_id},{row.spend},{row.visits},{row.region}{extra}")
    return ("\n".join(lines) + "\n").encode()


def cr_split_ids() -> bytes:
    df = base()
    text = df.to_csv(index=False, lineterminator="\n")
    lines = text.split("\n")
    lines[5] = lines[5].replace("C0004", "C00\r04")  # a bare CR inside an unquoted id splits the record
    return "\n".join(lines).encode()


def injection_ids() -> bytes:
    df = base()
    df.loc[3, "customer_id"] = "C0003\r=cmd|' /C calc'!A0"
    df.loc[4, "customer_id"] = " \t@SUM(1+1)*cmd|' /C calc'!A0"
    df.loc[5, "customer_id"] = "\n+HYPERLINK(\"http://x\")"
    df.loc[6, "customer_id"] = "-2+3"
    df.loc[7, "region"] = "=1+1"
    return csv_bytes(df)


def excel(df: pd.DataFrame, sheets: int = 1) -> bytes:
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        for s in range(sheets):
            df.to_excel(writer, sheet_name=f"Sheet{s + 1}", index=False)
    return buf.getvalue()


def zip_claiming(size: int) -> bytes:
    """A workbook whose directory says a part unpacks to ``size`` bytes (a zip bomb's signature, without the bomb)."""
    data = bytearray(excel(base()))
    cd = data.rfind(b"PK\x01\x02")
    while cd >= 0:
        struct.pack_into("<I", data, cd + 24, size)  # central directory: uncompressed size
        cd = data.rfind(b"PK\x01\x02", 0, cd)
    return bytes(data)


def parquet(table) -> bytes:
    import pyarrow.parquet as pq

    buf = io.BytesIO()
    pq.write_table(table, buf)
    return buf.getvalue()


def nested_parquet() -> bytes:
    import pyarrow as pa

    df = base()
    n = len(df)
    return parquet(pa.table({
        "customer_id": df["customer_id"], "spend": df["spend"], "visits": df["visits"],
        "tags": [["a", "b"][: i % 3] for i in range(n)],
        "address": [{"city": ["Oslo", "Lima", "Pune"][i % 3], "zip": i} for i in range(n)],
        "prefs": pa.array([[("email", i % 2)] for i in range(n)], type=pa.map_(pa.string(), pa.int64())),
    }))  # fmt: skip


def nested_numbers_parquet() -> bytes:
    """Lists of numbers, a struct holding a list and a struct, and a map: the file reader and DuckDB's log
    detection (a Parquet path goes out of core) must both leave them out, not hash them. The id column is plainly
    named "id", so the log detection does not stop early at a unique "customer_id"."""
    import pyarrow as pa

    df = base()
    n = len(df)
    return parquet(pa.table({
        "id": df["customer_id"], "spend": df["spend"], "visits": df["visits"],
        "scores": [[i % 5, 2] for i in range(n)],
        "profile": [{"ages": [30 + i % 7], "home": {"city": "Oslo"}} for i in range(n)],
        "counts": pa.array([[("web", i % 3)] for i in range(n)], type=pa.map_(pa.string(), pa.int64())),
    }))  # fmt: skip


def header_only_parquet() -> bytes:
    import pyarrow as pa

    return parquet(pa.table({"customer_id": pa.array([], pa.string()), "spend": pa.array([], pa.float64())}))


def ole(payload: bytes) -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + payload + b"\x00" * 1024


def dates(fmt: str) -> bytes:
    df = base()
    days = pd.Timestamp("2023-01-15") + pd.to_timedelta(np.arange(N_ROWS) * 9, unit="D")
    df["signup"] = [d.strftime(fmt) for d in days]
    return csv_bytes(df)


def encoded(encoding: str, header: tuple[str, ...], region: tuple[str, ...], sep: str = ",") -> bytes:
    df = base()
    df.columns = list(header)
    df[header[3]] = [region[i % 3] for i in range(len(df))]
    return df.to_csv(index=False, sep=sep).encode(encoding)


def _cases() -> list[Case]:
    b = base()
    plain = csv_bytes(b)
    cases = [
        # --- encodings and byte-order marks
        Case("utf8_bom", one("bom.csv", b"\xef\xbb\xbf" + plain)),
        Case("double_bom", one("bom2.csv", b"\xef\xbb\xbf\xef\xbb\xbf" + plain)),
        Case("utf16_le_bom", one("u16.csv", plain.decode().encode("utf-16"))),
        Case("utf16_be_bom", one("u16be.csv", b"\xfe\xff" + plain.decode().encode("utf-16-be"))),
        Case("utf16_le_no_bom", one("u16nobom.csv", plain.decode().encode("utf-16-le"))),
        Case("gbk_chinese", one("zh.csv", encoded("gbk", ("客户编号", "消费金额", "访问次数", "地区"), ("华北", "华南", "西部")))),
        Case("cp1251_russian", one("ru.csv", encoded("cp1251", ("клиент_id", "сумма", "визиты", "регион"),
                                                     ("Москва", "Казань", "Омск"), sep=";"))),  # fmt: skip
        Case("cp949_korean", one("ko.csv", encoded("cp949", ("고객번호", "구매금액", "방문수", "지역"), ("서울", "부산", "대구")))),
        Case("stray_invalid_bytes", one("stray.csv", plain.replace(b"North", "Zürich".encode()).replace(
            b"South", b"South\xff", 1)), notes=("not valid utf-8",)),
        Case("cp1252_euro_money", one("eur.csv", with_column(["€12", "€1.5", "€300"]).decode().replace(
            "North", "Zürich").replace("South", "Málaga").replace("West", "Gällivare").encode("cp1252")),
             notes=("read as numbers",)),
        # --- delimiters
        Case("semicolon_decimal_comma", one("semi.csv", csv_bytes(b, sep=";", decimal=","))),
        Case("tab", one("tab.tsv", csv_bytes(b, sep="\t"))),
        Case("pipe", one("pipe.txt", csv_bytes(b, sep="|"))),
        Case("whitespace_aligned", one("aligned.txt", b.to_string(index=False))),
        Case("single_text_column", one("words.txt", "\n".join(["name"] + [f"person {i} likes tea" for i in range(30)])),
             inspect=("single text column", "delimiter"), fit=("single text column",)),
        # --- quotes and line structure
        Case("unclosed_quote", one("quote.csv", plain.decode().replace("C0010,", 'C0010,"', 1)),
             inspect=("quote", "line 12"), fit=("quote", "line 12")),
        Case("lines_wrapped_in_quotes", one("wrapped.csv", "\n".join(
            '"' + line.replace('"', '""') + '"' for line in csv_bytes(b, quoting=1).decode().splitlines())),
             notes=("wrapped in quotes",)),  # fmt: skip
        Case("quoted_newlines", one("notes.csv", csv_bytes(b.assign(note=["line one\nline two"] * N_ROWS)))),
        Case("ragged_5_of_1000", one("ragged.csv", ragged()), notes=("5 rows were skipped", "line")),
        Case("ragged_most_rows", one("ragged2.csv", ragged(100, 50)),
             inspect=("do not have the", "line"), fit=("do not have the",)),
        Case("id_split_by_bare_cr", one("cr.csv", cr_split_ids()), notes=("skipped", "line 6")),
        Case("crlf_and_old_mac", one("mac.csv", plain.replace(b"\n", b"\r"))),
        # --- NUL bytes, binary, empty
        Case("three_nul_bytes", one("nul.csv", plain.replace(b"C0003", b"C\x00\x00\x000003")),
             inspect=("3 nul bytes", "line 5"), fit=("3 nul bytes", "line 5")),
        Case("binary_garbage", one("junk.csv", bytes(range(256)) * 20),
             inspect=("binary",), fit=("binary",)),
        Case("empty_file", one("empty.csv", b""), inspect=("empty",), fit=("empty",)),
        Case("only_blank_space", one("blank.csv", b" \n\n \t\n"), inspect=("blank space",), fit=("blank space",)),
        Case("header_only_csv", one("hdr.csv", "customer_id,spend,visits\n"),
             inspect=("no data rows",), fit=("no data rows",)),
        Case("header_then_blank_lines", one("hdr2.csv", "customer_id,spend,visits\n\n\n\n"),
             inspect=("no data rows",), fit=("no data rows",)),
        Case("header_only_parquet", one("hdr.parquet", header_only_parquet()),
             inspect=("no data rows",), fit=("no data rows",)),
        Case("header_only_excel", one("hdr.xlsx", excel(b.iloc[:0])), inspect=("no data rows",), fit=("no data rows",)),
        # --- huge cells, lines, column counts
        Case("cell_200k_chars", one("cell.csv", plain.decode().replace("North", "x" * 200_000, 1)),
             inspect=("line 2", "column 4", "131,072"), fit=("line 2", "column 4")),
        Case("line_20mb_unquoted_cell", one("bigcell.csv", lambda: plain.decode().replace("North", "y" * (20 << 20), 1)),
             inspect=("line 2", "characters long"), fit=("line 2", "characters long"), studio=False),
        Case("line_of_15m_empty_columns", one("wide15m.csv", lambda: "a," * 15_000_000 + "\n1\n"),
             inspect=("15,000,001 columns", "at most 10,000"), fit=("15,000,001 columns",), studio=False),
        Case("12000_columns", one("wide12k.csv", ",".join(f"c{i}" for i in range(12_000)) + "\n"
                                  + ",".join("1" for _ in range(12_000)) + "\n"),
             inspect=("12,000 columns", "at most 10,000"), fit=("12,000 columns",)),  # fmt: skip
        Case("4000_columns_named_a", one("a4000.csv", ",".join(["a"] * 4000) + "\n" + "\n".join(
            ",".join(str((r * 7 + c) % 11) for c in range(4000)) for r in range(30)) + "\n"),
             notes=("renamed",), fit_args=("--k", "2", "--features", "a,a_2,a_3")),  # fmt: skip
        # --- numbers written the way people write them
        Case("money_dollars", one("usd.csv", with_column(["$1,234.50", "$12", "$980.00"])), notes=("read as numbers",)),
        Case("money_euro_prefix", one("eur2.csv", with_column(["€12", "€7.5", "€1,200"])), notes=("read as numbers",)),
        Case("money_rouble_suffix", one("rub.csv", csv_bytes(base().assign(
            amount=["1 234,50 ₽", "99,90 ₽", "12 000 ₽"] * (N_ROWS // 3)), sep=";")), notes=("read as numbers",)),
        Case("percent", one("pct.csv", with_column(["45%", "12.5%", "100%"], "open_rate")), notes=("percent",)),
        Case("thousands_quoted", one("thou.csv", with_column(["1,234", "12,000", "980"])), notes=("thousands separator",)),
        Case("mixed_currencies", one("mixcur.csv", with_column(["$12", "€12", "£3"])), notes=("mixes currencies",)),
        Case("percent_and_plain", one("mixpct.csv", with_column(["45%", "0.3", "12%"])), notes=("mixes percentages",)),
        Case("inf_strings", one("inf.csv", with_column(["12", "inf", "30", "-inf"])), notes=("treated as missing",)),
        Case("infinity_spellings", one("inf2.csv", with_column(["Infinity", "-Infinity", "4.5", "∞", "7"])),
             notes=("treated as missing",)),
        Case("value_1e308", one("big.csv", with_column(["12", "1e308", "30"])), notes=("treated as missing",)),
        Case("value_1e999", one("big2.csv", with_column(["12", "1e999", "30", "-1e999"])), notes=("treated as missing",)),
        Case("spreadsheet_errors", one("div0.csv", with_column(["12", "#DIV/0!", "30", "#NUM!"])),
             notes=("treated as missing",)),
        Case("nan_spellings", one("nan.csv", with_column(["12", "NA", "N/A", "null", "", "NaN", "30"]))),
        Case("all_missing_extra_column", one("allna.csv", csv_bytes(b.assign(empty=np.nan)))),
        Case("negative_and_signed", one("neg.csv", with_column(["-12", "+30", "-0.5"]))),
        # --- dates in many formats and extremes
        Case("dates_iso", one("d1.csv", dates("%Y-%m-%d"))),
        Case("dates_day_first", one("d2.csv", dates("%d/%m/%Y"))),
        Case("dates_month_first", one("d3.csv", dates("%m/%d/%Y"))),
        Case("dates_dotted", one("d4.csv", dates("%d.%m.%Y"))),
        Case("dates_chinese", one("d5.csv", dates("%Y年%m月%d日"))),
        Case("dates_with_time", one("d6.csv", dates("%Y-%m-%dT%H:%M:%S"))),
        Case("dates_extremes", one("d7.csv", csv_bytes(b.assign(signup=["0001-01-01", "9999-12-31", "2024-02-29",
                                                                        "1900-01-01"] * (N_ROWS // 4))))),
        Case("log_normal", one("log.csv", transaction_log()), notes=("turned into 40 customers",)),
        Case("log_future_dated", one("logf.csv", transaction_log(future_share=0.2)), notes=("after",)),
        Case("log_one_customer", one("log1.csv", transaction_log(n_customers=1, per_customer=300)),
             fit=("only 1 customer",)),
        # --- nested data
        Case("parquet_nested", one("nested.parquet", nested_parquet()), notes=("lists or maps",)),
        Case("parquet_nested_numbers", one("numbers.parquet", nested_numbers_parquet()), notes=("lists or maps",)),
        Case("json_nested_50000", one("deep.json", "[" * 50_000 + "]" * 50_000),
             inspect=("nested", "levels"), fit=("nested",)),
        Case("json_records_nested_dicts", one("rec.json", json.dumps(
            [{"id": r.customer_id, "money": {"spend": r.spend, "visits": r.visits}} for r in b.itertuples()]))),
        Case("json_lines_one_bad", one("lines.jsonl", "\n".join(
            [json.dumps({"id": f"C{i}", "spend": i * 3.5, "visits": i % 7}) for i in range(200)] + ["{oops"]) + "\n"),
             notes=("invalid json line",)),  # fmt: skip
        Case("json_invalid", one("bad.json", '[{"id": 1, "spend": }]'), inspect=("not valid json", "line 1"),
             fit=("not valid json",)),
        Case("json_single_value", one("one.json", "42"), inspect=("single json value",), fit=("single json value",)),
        # --- Excel and other binary formats
        Case("excel_ok", one("ok.xlsx", excel(b))),
        Case("excel_corrupt", one("bad.xlsx", excel(b)[:1500]), inspect=("damaged",), fit=("damaged",)),
        Case("excel_encrypted", one("enc.xlsx", ole("EncryptedPackage".encode("utf-16-le"))),
             inspect=("password",), fit=("password",)),
        Case("excel_old_xls", one("old.xls", ole(b"Workbook")), inspect=("97-2003",), fit=("97-2003",)),
        Case("zip_not_workbook", one("z.xlsx", _zip({"data.csv": plain})), inspect=("zip",), fit=("zip",)),
        Case("excel_zip_bomb_directory", one("bomb.xlsx", zip_claiming(3 << 30)), inspect=("unpack", "gib"),
             fit=("unpack",)),
        Case("excel_wrong_sheet", one("sheets.xlsx", excel(b, sheets=2)), inspect=("no sheet", "sheet1, sheet2"),
             fit=("no sheet",), argv=("inspect", "{data}", "--sheet", "Summary")),
        Case("excel_second_sheet", one("sheets2.xlsx", excel(b, sheets=2)),
             argv=("fit", "{data}", "--sheet", "2", "--out", "{dir}/out", "--k", "3")),  # fmt: skip
        Case("xlsx_name_holding_csv", one("text.xlsx", plain), notes=("plain text",)),
        Case("png_image", one("pic.csv", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100), inspect=("png",), fit=("png",)),
        Case("pdf_document", one("doc.csv", b"%PDF-1.7\n" + b"x" * 100), inspect=("pdf",), fit=("pdf",)),
        Case("gzip_archive", one("data.csv.gz", b"\x1f\x8b\x08" + b"\x00" * 100), inspect=("gzip",), fit=("gzip",)),
        # --- column names
        Case("duplicate_names", one("dup.csv", plain.replace(b"visits", b"spend", 1)), notes=("renamed",)),
        Case("empty_names", one("noname.csv", plain.replace(b"region", b"", 1)), notes=("renamed",)),
        Case("formula_names", one("formula.csv", plain.replace(b"region", b"=HYPERLINK(\"http://x\")", 1))),
        Case("script_names", one("script.csv", plain.replace(b"region", b"<script>alert(1)</script>", 1))),
        Case("no_header_numbers_only", one("nohead.csv", "\n".join(
            f"{i},{i * 3.5},{i % 7}" for i in range(1, 61))), notes=("no header row",)),  # fmt: skip
        # --- content that cannot be segmented, and ids
        Case("one_row", one("row1.csv", csv_bytes(b.iloc[:1])), fit=("only 1 customer",), fit_args=()),
        Case("two_rows", one("row2.csv", csv_bytes(b.iloc[:2])), fit=("only 2 customers",), fit_args=()),
        Case("all_constant", one("const.csv", csv_bytes(b.assign(spend=5.0, visits=1.0, region="North"))),
             fit=("same value",)),
        Case("all_missing", one("allmiss.csv", csv_bytes(b[["customer_id"]].assign(spend=np.nan, visits=np.nan))),
             fit=("empty",)),
        Case("only_ids", one("ids.csv", csv_bytes(b[["customer_id"]].assign(order_id=[f"O{i}" for i in range(N_ROWS)]))),
             fit=("identif",)),
        Case("ids_all_same", one("sameid.csv", csv_bytes(b.assign(customer_id="C0001"))), notes=("same",)),
        Case("injection_ids", one("inject.csv", injection_ids())),
        # --- options
        Case("k_not_a_number", one("k.csv", plain), argv=("fit", "{data}", "--out", "{dir}/o", "--k", "many"),
             fit=("--k must be a whole number",)),
        Case("k_one", one("k1.csv", plain), argv=("fit", "{data}", "--out", "{dir}/o", "--k", "1"), fit=("at least 2",)),
        Case("k_more_than_rows", one("k99.csv", plain), argv=("fit", "{data}", "--out", "{dir}/o", "--k", "90"),
             fit=("90",)),
        Case("features_unknown", one("f.csv", plain), argv=("fit", "{data}", "--out", "{dir}/o", "--features", "nope"),
             fit=("nope",)),
        Case("method_unknown", one("m.csv", plain), argv=("fit", "{data}", "--out", "{dir}/o", "--method", "magic"),
             fit=("is not one of the choices", "python -m segcore fit --help")),
        Case("seed_not_a_number", one("s.csv", plain), argv=("fit", "{data}", "--out", "{dir}/o", "--seed", "x"),
             fit=("--seed", "python -m segcore fit --help")),
        Case("sheet_on_csv", one("sheet.csv", plain), argv=("inspect", "{data}", "--sheet", "2"),
             inspect=("--sheet", "excel")),
        Case("transactions_yes_on_customers", one("tx.csv", plain),
             argv=("fit", "{data}", "--out", "{dir}/o", "--transactions", "yes"), fit=("transaction log",)),
        Case("previous_not_a_model", one("prev.csv", plain),
             argv=("fit", "{data}", "--out", "{dir}/o", "--previous", "{data}"), fit=("not a segcore model",)),
        Case("out_is_the_input", one("same.csv", ragged(200, 1)), argv=("fit", "{data}", "--out", "{data}"),
             fit=("is the input file",)),
        Case("out_under_a_file", one("under.csv", plain), argv=("fit", "{data}", "--out", "{data}/sub"),
             fit=("cannot be created",)),
        Case("assign_out_is_folder", one("af.csv", plain), argv=("assign", "{data}", "{data}", "--out", "{dir}"),
             fit=("is a folder",)),
        Case("assign_model_is_csv", one("am.csv", plain), argv=("assign", "{data}", "{data}", "--out", "{dir}/s.csv"),
             fit=("not a segcore model",)),
        Case("missing_file", one("here.csv", plain), argv=("inspect", "{dir}/nothere.csv"),
             inspect=("cannot open", "nothere.csv")),
        Case("folder_as_data", one("f2.csv", plain), argv=("inspect", "{dir}"), inspect=("folder",)),
        Case("unknown_command", one("u.csv", plain), argv=("frobnicate", "{data}"),
             inspect=("is not one of the choices", "python -m segcore --help")),
        Case("no_command", one("n.csv", plain), argv=(), inspect=("required", "python -m segcore --help")),
    ]
    return cases


def _zip(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    return buf.getvalue()


CASES = _cases()
