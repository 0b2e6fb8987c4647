"""argparse's own words in a usage mistake, put in the user's language.

argparse builds its messages with the process-wide gettext domain, which knows nothing of ``--lang``; its few
message shapes are stable, so each is matched here and said again from our catalogs. Option names, values and
choices stay exactly as argparse wrote them. A shape not listed here is shown as argparse wrote it.
"""

from __future__ import annotations

import re

from segcore.i18n import N_, _

_ARGUMENT = re.compile(r"argument (?P<argument>.+?): (?P<problem>.+)", re.DOTALL)

# (argparse's message shape, our sentence); the named groups fill the sentence's placeholders.
_SHAPES = (
    (r"invalid choice: (?P<value>.+?) \(choose from (?P<choices>.+)\)",
     N_("{value} is not one of the choices ({choices})")),
    (r"invalid int value: (?P<value>.+)", N_("{value} is not a whole number")),
    (r"invalid float value: (?P<value>.+)", N_("{value} is not a number")),
    (r"invalid (?P<kind>\w+) value: (?P<value>.+)", N_("{value} is not a valid {kind} value")),
    (r"expected one argument", N_("a value is expected after it")),
    (r"expected at most one argument", N_("at most one value is expected after it")),
    (r"expected at least one argument", N_("at least one value is expected after it")),
    (r"not allowed with argument (?P<other>.+)", N_("it cannot be used together with {other}")),
    (r"ignored explicit argument (?P<value>.+)", N_("it takes no value, but {value} was given")),
    (r"the following arguments are required: (?P<names>.+)", N_("these arguments are required: {names}")),
    (r"unrecognized arguments: (?P<names>.+)", N_("these arguments are not known: {names}")),
    (r"ambiguous option: (?P<option>\S+) could match (?P<matches>.+)",
     N_("the option {option} is ambiguous: it could mean {matches}")),
    (r"one of the arguments (?P<names>.+) is required", N_("one of these arguments is required: {names}")),
)
_COMPILED = tuple((re.compile(shape + r"\Z", re.DOTALL), sentence) for shape, sentence in _SHAPES)


def translate_usage_message(message: str) -> str:
    """argparse's ``message`` in the current language (unchanged when its shape is not one we know)."""
    argument = _ARGUMENT.fullmatch(message)
    if argument and not message.startswith("argument \"-\""):
        problem = _translate_shape(argument["problem"])
        return _("argument {argument}: {problem}", argument=argument["argument"], problem=problem)
    return _translate_shape(message)


def _translate_shape(text: str) -> str:
    for pattern, sentence in _COMPILED:
        match = pattern.match(text)
        if match:
            return _(sentence, **match.groupdict())
    return text
