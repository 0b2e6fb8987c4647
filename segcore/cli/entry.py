"""``main``: parse the options, run the command, and turn every failure into one ``error:`` line and an exit code."""

from __future__ import annotations

import os
import sys

from segcore.cli.console import fail, one_line
from segcore.cli.fit import run_fit
from segcore.cli.inspect import run_inspect
from segcore.cli.options import EXIT_BAD_INPUT, EXIT_STOPPED, build_parser
from segcore.cli.report import run_report
from segcore.cli.scoring import run_assign, run_sql
from segcore.cli.waves import run_waves
from segcore.errors import SegcoreError
from segcore.i18n import _, choose_language, set_language


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    set_language(_language(None, argv))  # usage mistakes are reported before the options are parsed
    args = build_parser().parse_args(argv)
    set_language(_language(getattr(args, "lang", None), argv))
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
        fail(error)
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        return reader_went_away()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError, PermissionError) as error:
        fail(_("cannot open '{path}': {reason}. Check the path.", path=error.filename, reason=error.strerror))
        return EXIT_BAD_INPUT
    except OSError as error:  # disk full, read-only file system, name too long, ...
        reason = error.strerror or error
        fail(_("cannot write or read '{path}': {reason}. Check the disk and the path.", path=error.filename,
               reason=reason) if error.filename else _("cannot write or read: {reason}. Check the disk and the path.",
                                                        reason=reason))
        return EXIT_BAD_INPUT
    except MemoryError:
        fail(_("the file is too large for this machine's memory. Split it into smaller files or keep only the "
               "columns you need, then run again."))
        return EXIT_BAD_INPUT
    except Exception as error:  # a fault of segcore, not of the input: one line, no traceback
        fail(_("segcore failed unexpectedly ({kind}: {detail}). This is a bug in segcore; please report it with the "
               "command you ran.", kind=type(error).__name__, detail=one_line(str(error))[:300]))
        return EXIT_STOPPED


def reader_went_away() -> int:
    """``inspect x.csv | head -1``: the reader closed the pipe. Stop quietly (Python's documented recipe)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout is not a real file (tests capture it)
        pass
    return EXIT_STOPPED


def _language(parsed: str | None, argv: list[str]):
    """--lang, then $SEGCORE_LANG, then the system locale (LC_ALL, LC_MESSAGES, LANG: "zh_CN.UTF-8" -> zh), else en."""
    flag = parsed
    for i, arg in enumerate(argv):
        if flag is None and arg == "--lang" and i + 1 < len(argv):
            flag = argv[i + 1]
        elif flag is None and arg.startswith("--lang="):
            flag = arg.split("=", 1)[1]
    return choose_language(flag, os.environ.get("SEGCORE_LANG"),
                           *(os.environ.get(v) for v in ("LC_ALL", "LC_MESSAGES", "LANG")))
