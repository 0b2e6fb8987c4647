"""Command line: ``python -m segcore inspect|fit|report|assign|waves|sql``, for automation and monthly re-segmentation.

Exit codes: 0 success; 2 bad input or bad options, with one line on stderr starting with ``error:`` and no
traceback; 1 when the reader of our output went away (``inspect ... | head -1``) or for a fault of segcore itself
(one line asking for a report, still no traceback). Progress goes to stderr as a bar when stderr is a terminal.
Options and output paths are checked before any work starts, so a mistake in ``--out`` never costs a whole fit.

One module a command (inspect, fit, report, scoring = assign + sql, waves); ``options`` holds the parser and the
checks on option values, ``inputs`` reads the input files, ``console`` writes messages and the progress bar.
"""

from segcore.cli.entry import main

__all__ = ["main"]
