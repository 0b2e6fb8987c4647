"""Rebuild the subsets in this folder from the full public files (see SOURCES.md for where each one comes from).

Usage: python tests/data/make_subsets.py FOLDER_WITH_THE_FULL_FILES

The tests read only this folder. Small files are copied byte for byte; the large ones are cut down here the same way
every time (no randomness), so anyone with the originals can check the subsets.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent

VERBATIM = (
    "wholesale_customers.csv",
    "wholesale_customers_variant_semicolon.csv",
    "wholesale_customers_variant_annotated_mixedenc.csv",
    "bank.csv",
    "bank-names.txt",
    "CDNOW_sample.txt",
    "online_retail_sample5k_semicolon.csv",
    "completejourney_demographics.csv",
    "completejourney_campaigns.csv",
)
CDNOW_CUSTOMERS = 2_500  # customer ids 00001-02500: the log is sorted by customer, so whole histories are kept
RETAIL_40K_ROWS = 4_000  # the 40k sample is in random order: its first 4,000 rows are a random sample too
RETAIL_II_COUNTRIES = ("Belgium", "Canada", "Italy", "Lebanon", "Portugal")  # both sheets, overlap kept
COMPLETEJOURNEY_HOUSEHOLD_DIGIT = 3  # households whose id ends in 3 (2223 holds the basket id written 4.0128e+10)
BANK_FULL_LINES = 2_001  # header + 2,000 quoted rows, then the original cut-off last line


def cdnow_master(source: Path) -> None:
    lines = (source / "CDNOW_master.txt").read_bytes().splitlines(keepends=True)
    kept = [lines[0]] + [line for line in lines[1:] if int(line.split()[0]) <= CDNOW_CUSTOMERS]
    (HERE / "CDNOW_master_first2500.txt").write_bytes(b"".join(kept))


def bank_full_mangled(source: Path) -> None:
    lines = (source / "bank-full_variant_mangled_quotes.csv").read_bytes().splitlines(keepends=True)
    (HERE / "bank-full_variant_mangled_quotes_first2000.csv").write_bytes(b"".join(lines[:BANK_FULL_LINES] + lines[-1:]))


def completejourney_transactions(source: Path) -> None:
    lines = (source / "completejourney_transactions_sample.csv").read_bytes().splitlines(keepends=True)
    kept = [lines[0]] + [line for line in lines[1:] if int(line.split(b",")[0]) % 10 == COMPLETEJOURNEY_HOUSEHOLD_DIGIT]
    (HERE / "completejourney_transactions_households_ending_3.csv").write_bytes(b"".join(kept))


def online_retail_40k(source: Path) -> None:
    df = pd.read_excel(source / "online_retail_sample40k.xlsx").head(RETAIL_40K_ROWS)
    df.to_excel(HERE / "online_retail_sample4k.xlsx", index=False)


def online_retail_ii(source: Path) -> None:
    sheets = pd.read_excel(source / "online_retail_II_10countries.xlsx", sheet_name=None)
    with pd.ExcelWriter(HERE / "online_retail_II_5countries.xlsx") as writer:
        for name, df in sheets.items():
            df[df["Country"].isin(RETAIL_II_COUNTRIES)].to_excel(writer, sheet_name=name, index=False)


def main(source: Path) -> None:
    for name in VERBATIM:
        shutil.copyfile(source / name, HERE / name)
    for make in (cdnow_master, bank_full_mangled, completejourney_transactions, online_retail_40k, online_retail_ii):
        make(source)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
