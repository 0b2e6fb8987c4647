"""Write docs/DEFAULT_CHOICES.md: what segcore proposes by default for every file in a data folder.

For each file: how it loads, whether it is a transaction log or a panel, the proposed id, value and outcome columns,
the default preset and the columns it would cluster on. Read it to check the defaults on real files after changing
roles, vocabulary or panel detection.

    nice python scripts/default_choices.py --data FOLDER [--out docs/DEFAULT_CHOICES.md]

FOLDER holds the full public data sets (where to get them: tests/data/SOURCES.md); tests/data holds small copies.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from segcore.columns.defaults import proposed_defaults  # noqa: E402
from segcore.columns.roles import infer_roles  # noqa: E402
from segcore.columns.schema import default_preset, preset_features  # noqa: E402
from segcore.columns.transactions import detect_transactions  # noqa: E402
from segcore.errors import SegcoreError  # noqa: E402
from segcore.io.load import load_table  # noqa: E402

SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xls", ".parquet", ".json")


def describe(path: Path) -> str:
    try:
        table = load_table(path)
    except SegcoreError as error:
        return f"| {path.name} | not loaded: {str(error)[:140]} | | | | | | |"
    df = table.df
    tx = detect_transactions(df)
    schema = infer_roles(df)
    proposals = proposed_defaults(df, schema, transaction_log=tx is not None)
    panel = proposals["panel"]
    shape = f"{len(df):,} x {df.shape[1]}"
    if tx is not None:
        kind = f"transaction log (customer `{tx.customer}`, date `{tx.date}`, amount `{tx.amount}`)"
    elif panel:
        kind = f"panel: `{panel['entity']}` over `{panel['time']}`"
    else:
        kind = "customer table"
    preset = default_preset(schema)
    features = preset_features(schema, preset)
    cell = lambda value: f"`{value}`" if value else "-"  # noqa: E731
    shown = ", ".join(features[:10]) + (f" (+{len(features) - 10})" if len(features) > 10 else "")
    return (f"| {path.name} | {shape} | {kind} | {cell(schema.id_column)} | {cell(proposals['value_column'])} | "
            f"{cell(proposals['outcome_column'])} | {preset} | {shown} |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--out", default=str(ROOT / "docs" / "DEFAULT_CHOICES.md"))
    args = parser.parse_args()
    files = sorted(p for p in Path(args.data).iterdir() if p.suffix.lower() in SUFFIXES)
    lines = [
        "# Default choices on the real data sets",
        "",
        "Written by `python scripts/default_choices.py` (do not edit by hand). For each file in the shared data folder:",
        "what segcore proposes before the user changes anything. A transaction log's columns are those of the raw",
        "log (segcore turns it into one row per customer before segmenting). Panel = an entity repeated over periods,",
        "offered as \"latest period\" or \"aggregate per entity\".",
        "",
        "| file | rows x columns | kind | id column | value column | outcome column | default preset | clusters on |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for path in files:
        print(path.name, file=sys.stderr)
        lines.append(describe(path))
    Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
