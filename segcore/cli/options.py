"""The command line's options: the parser of ``python -m segcore <command>`` and the checks on its values.

Kept apart from the command modules (what each command does), so every option and its check read as one list.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from segcore.cli.usage_words import translate_usage_message
from segcore.errors import SpecError
from segcore.i18n import LANGUAGES, _, _l
from segcore.model.spec import METHODS, k_range_text
from segcore.sql.dialects import DIALECTS

ENGINES = ("auto", "duckdb", "pandas")
ENGINE_HELP = (
    "how a transaction log becomes customers: duckdb streams it out of core (auto: for Parquet files, folders "
    "and globs, DuckDB databases and CSV files over 200 MB), pandas loads it whole"
)
# CSV logs above this size are aggregated by DuckDB without loading them (auto engine).
LARGE_CSV_BYTES = 200 * 1024**2
EXIT_OK = 0
EXIT_STOPPED = 1
EXIT_BAD_INPUT = 2


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one ``error:`` line and exit 2 like every other bad input."""

    def error(self, message: str) -> None:  # type: ignore[override]
        command = " ".join(self.prog.split()[1:])  # prog is "segcore" or "segcore fit"
        usage = f"python -m segcore {command} --help" if command else "python -m segcore --help"
        said = translate_usage_message(message)
        sys.stderr.write(_("error: {message}", message=_("{message}. Run '{usage}' for usage.", message=said,
                                                           usage=usage)) + "\n")
        raise SystemExit(EXIT_BAD_INPUT)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="segcore", description="Customer segmentation from a customer file or transaction log.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    # Every command takes --lang (messages, segment names and reports); SEGCORE_LANG sets it for a whole job.
    language = argparse.ArgumentParser(add_help=False)
    language.add_argument("--lang", choices=LANGUAGES, default=argparse.SUPPRESS,
                          help="language of messages, segment names and reports (default: $SEGCORE_LANG or en)")

    inspect = sub.add_parser("inspect", parents=[language], help="show how the file is read and what each column looks like")
    inspect.add_argument("data", help="CSV/TSV/TXT, Excel, Parquet or JSON file")
    inspect.add_argument("--sheet", help="Excel sheet name or number (1 = the first sheet)")
    inspect.add_argument("--json", action="store_true", help="print JSON instead of a table")

    fit = sub.add_parser("fit", parents=[language], help="segment customers and write assignments, profiles and a model")
    fit.add_argument("data")
    fit.add_argument("--out", required=True, help="output folder (created if missing)")
    fit.add_argument("--features", help="comma-separated columns to segment on (default: all suitable columns)")
    fit.add_argument("--k", default="auto", help=f"number of segments, or 'auto' to choose from a sweep of {k_range_text()}")
    fit.add_argument("--method", default="kmeans", choices=METHODS)
    fit.add_argument("--seed", type=int, default=0)
    fit.add_argument("--sheet", help="Excel sheet name or number (1 = the first sheet)")
    fit.add_argument("--include-sensitive", action="store_true", help="allow sensitive attributes as features")
    fit.add_argument("--factors", action="store_true",
                     help="segment on the factor scores of the chosen columns (factor analysis) instead of the columns")
    fit.add_argument(
        "--transactions",
        choices=("auto", "yes", "no"),
        default="auto",
        help="treat the file as a transaction log and segment customers (auto: when detected)",
    )
    fit.add_argument("--previous", help="a previous model.segcore whose segment ids should be kept")
    fit.add_argument("--engine", choices=ENGINES, default="auto", help=ENGINE_HELP)
    fit.add_argument("--outcome", help="a yes/no column to predict per customer (churn, converted...), or 'auto'")
    fit.add_argument("--keep-column", action="append", default=[], metavar="COL",
                     help="keep a column the propensity model would leave out as a suspected leak (repeatable)")

    report = sub.add_parser("report", parents=[language], help="write the HTML or PDF report of a saved model")
    report.add_argument("model", help="model.segcore written by 'segcore fit' or downloaded from the studio")
    report.add_argument("--out", required=True, help="report.pdf or report.html")
    report.add_argument("--data", help="the customers (or log) the model was fitted on: adds the comparison heat map "
                        "and the value concentration")
    report.add_argument("--title", help="report title (default: the model file's folder name)")
    report.add_argument("--sheet", help="Excel sheet name or number")
    report.add_argument("--no-sql", action="store_true", help="leave the SQL filters out (readers outside data teams)")

    assign = sub.add_parser("assign", parents=[language], help="score new customers with a saved model")
    assign.add_argument("model")
    assign.add_argument("data")
    assign.add_argument("--out", required=True, help="output CSV file")
    assign.add_argument("--sheet", help="Excel sheet name or number (1 = the first sheet)")
    assign.add_argument("--engine", choices=ENGINES, default="auto", help=ENGINE_HELP)
    assign.add_argument("--no-propensity", action="store_true", help="do not score the model's outcome propensity")

    waves = sub.add_parser("waves", parents=[language],
                           help="who moved between two waves: compare two assignments.csv files (earlier, later)")
    waves.add_argument("earlier")
    waves.add_argument("later")
    waves.add_argument("--id", required=True, dest="id_column", help="the customer id column both files share")
    waves.add_argument("--value", help="a value column in the later file, to count the value that moved")
    waves.add_argument("--out", required=True, help="output CSV of the from/to table")

    sql = sub.add_parser("sql", help="print one SQL query that scores a warehouse table with a saved model")
    sql.add_argument("model")
    sql.add_argument("--dialect", default="duckdb", choices=DIALECTS)
    sql.add_argument("--table", help="table to score (default: customers; with --from-log: transactions)")
    sql.add_argument("--from-log", action="store_true",
                     help="the table is a transaction log: aggregate it into customers first, as the fit did")
    sql.add_argument("--as-of", help="with --from-log: snapshot date (default: the day after the last purchase)")
    return parser


def output_folder(option: str, *, inputs: tuple[str | None, ...]) -> Path:
    """``--out`` of fit, checked before the fit: a folder (created now) that is not an input file."""
    out = Path(option)
    if out.exists() and not out.is_dir():
        same = any(path and Path(path).exists() and out.samefile(path) for path in inputs)
        if same:
            message = _l("--out '{option}' is the input file; fit writes its files into a folder. Give a folder "
                         "name instead, for example --out segments/.", option=option)
        else:
            message = _l("--out '{option}' is a file; fit writes its files into a folder. Give a folder name "
                         "instead, for example --out segments/.", option=option)
        raise SpecError(message)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise SpecError(_l(
            "The output folder '{option}' cannot be created ({reason}). Choose a folder you can write to.",
            option=option, reason=error.strerror or error,
        )) from None
    if not os.access(out, os.W_OK | os.X_OK):
        raise SpecError(_l(
            "The output folder '{option}' is not writable. Choose a folder you can write to.",
            option=option,
        ))
    return out


def output_file(option: str, *, inputs: tuple[str | None, ...]) -> Path:
    """``--out`` of assign, checked before any work: a new or writable file that is neither the model nor the data."""
    out = Path(option)
    if out.is_dir():
        raise SpecError(_l(
            "--out '{option}' is a folder; assign writes one CSV file. Give a file name such as {example}.",
            option=option, example=out / 'scored.csv',
        ))
    if out.exists() and any(path and Path(path).exists() and out.samefile(path) for path in inputs):
        raise SpecError(_l(
            "--out '{option}' is one of the input files and would be overwritten. Give a new file name for "
            "the scores.",
            option=option,
        ))
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise SpecError(_l(
            "The folder of --out '{option}' cannot be created ({reason}). Choose a folder you can write to.",
            option=option, reason=error.strerror or error,
        )) from None
    writable = os.access(out, os.W_OK) if out.exists() else os.access(out.parent, os.W_OK | os.X_OK)
    if not writable:
        raise SpecError(_l(
            "--out '{option}' cannot be written (no permission). Choose a folder you can write to.",
            option=option,
        ))
    return out


def positive_int(text: str, flag: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise SpecError(_l(
            "{flag} must be a whole number or 'auto', not '{text}'.",
            flag=flag, text=text,
        )) from None
    if value < 2:
        raise SpecError(_l(
            "{flag} must be at least 2 (a segmentation needs two or more segments), not {value!s}.",
            flag=flag, value=value,
        ))
    return value


def sheet_number(sheet: str | None) -> str | int | None:
    if sheet is None:
        return None
    return int(sheet) - 1 if sheet.isdigit() and int(sheet) >= 1 else sheet  # "--sheet 2" is the second sheet
