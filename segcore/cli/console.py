"""How the command line talks: one-line messages on stderr and a progress bar only on a terminal."""

from __future__ import annotations

import sys

from segcore.i18n import _


def one_line(message: str) -> str:
    return " ".join(message.split())


def say(message: str) -> None:
    sys.stderr.write(str(message) + "\n")


def note(message: object) -> None:
    """A 'note:' line in the user's language (the prefix too: it is read by people; exit codes are for scripts)."""
    say(_("note: {message}", message=message))


def warn(message: object) -> None:
    say(_("warning: {message}", message=message))


def fail(message: object) -> None:
    say(_("error: {message}", message=one_line(str(message))))


class progress_bar:
    """A tqdm bar on a terminal; silent otherwise (logs and CI stay clean)."""

    def __enter__(self):
        from tqdm import tqdm

        self._bar = tqdm(total=100, disable=not sys.stderr.isatty(), file=sys.stderr, bar_format="{l_bar}{bar}")

        def update(fraction: float, message: str) -> None:
            self._bar.set_description_str(message)
            self._bar.update(max(0, int(fraction * 100) - self._bar.n))

        return update

    def __exit__(self, *exc) -> None:
        self._bar.close()
