"""``main``: parse the options, run the command, and turn every failure into one ``error:`` line and an exit code."""

from __future__ import annotations

import os
import sys

from segcore.cli.console import one_line
from segcore.cli.fit import run_fit
from segcore.cli.inspect import run_inspect
from segcore.cli.options import EXIT_BAD_INPUT, EXIT_STOPPED, build_parser
from segcore.cli.report import run_report
from segcore.cli.scoring import run_assign, run_sql
from segcore.cli.waves import run_waves
from segcore.errors import SegcoreError
from segcore.i18n import set_language


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    set_language(getattr(args, "lang", None) or os.environ.get("SEGCORE_LANG"))
    try:
        if args.command == "inspect":
            return run_inspect(args)
        if args.command == "fit":
            return run_fit(args)
        if args.command == "report":
            return run_report(args)
        if args.command == "waves":
            return run_waves(args)
        if args.command == "sql":
            return run_sql(args)
        return run_assign(args)
    except SegcoreError as error:
        sys.stderr.write(f"error: {one_line(str(error))}\n")
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        return reader_went_away()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError, PermissionError) as error:
        sys.stderr.write(f"error: cannot open '{error.filename}': {error.strerror}. Check the path.\n")
        return EXIT_BAD_INPUT
    except OSError as error:  # disk full, read-only file system, name too long, ...
        where = f" '{error.filename}'" if error.filename else ""
        sys.stderr.write(f"error: cannot write or read{where}: {error.strerror or error}. Check the disk and the path.\n")
        return EXIT_BAD_INPUT
    except MemoryError:
        sys.stderr.write("error: the file is too large for this machine's memory. Split it into smaller files or "
                         "keep only the columns you need, then run again.\n")
        return EXIT_BAD_INPUT
    except Exception as error:  # a fault of segcore, not of the input: one line, no traceback
        sys.stderr.write(f"error: segcore failed unexpectedly ({type(error).__name__}: {one_line(str(error))[:300]}). "
                         "This is a bug in segcore; please report it with the command you ran.\n")
        return EXIT_STOPPED


def reader_went_away() -> int:
    """``inspect x.csv | head -1``: the reader closed the pipe. Stop quietly (Python's documented recipe)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout is not a real file (tests capture it)
        pass
    return EXIT_STOPPED
