"""``segcore waves``: who moved between two waves of assignments."""

from __future__ import annotations

from pathlib import Path

from segcore.cli.console import say
from segcore.cli.inputs import load_input
from segcore.cli.options import EXIT_OK


def run_waves(args) -> int:
    """The from/to table of two waves (e.g. last month's and this month's assignments.csv) and the headline."""
    from segcore.insight.waves import wave_changes
    from segcore.render.export import safe_csv

    earlier, later = load_input(args.earlier, None).df, load_input(args.later, None).df
    change = wave_changes(earlier, later, id_column=args.id_column, value_column=args.value)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_bytes(safe_csv(change.moves.reset_index()))
    say(change.headline())
    return EXIT_OK
