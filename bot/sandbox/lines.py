"""The sandbox's input: one line a person types, read into a verb, a command path and options.

`as editor`, `click Next`, `channel #announcements`, `locale ko`, `submit title: …`, `commands`,
`wait 30`, `help`, `quit`, or a slash command with `name: value` options.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field


class LineError(ValueError):
    """A line the sandbox cannot make sense of; the message says why."""


@dataclass(frozen=True)
class Line:
    """One parsed line: `verb` is command, as, click, choose, channel, locale, submit, commands,
    wait, help or quit."""

    verb: str
    arg: str = ""  # the command path ("edit cast"), a person, a label or a channel
    options: dict[str, str] = field(default_factory=dict)


_EXAMPLES = {"as": "as editor", "click": "click Next", "channel": "channel #announcements",
             "locale": "locale ko"}
# `locale` words to the Discord locale a client in that language sends.
LOCALES = {"ko": "ko", "en": "en-US"}
_GENERIC_NAME = re.compile(r"(?<!\S)([\w-]+):(?!//)")
_PATH = re.compile(r"[\w-]+(?:\s+[\w-]+)*")


def split_options(text: str, names: Collection[str] | None = None) -> tuple[str, dict[str, str]]:
    """Split `edit cast person:X Y note:Z` into ("edit cast", {"person": "X Y", "note": "Z"}).

    A value runs until the next ` name:`; with `names` only those names start an option, so a
    value may contain `see also: x`. Values may be quoted ("...") to keep spaces at the ends.
    """
    if names is None:
        starts = list(_GENERIC_NAME.finditer(text))
    else:
        wanted = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
        starts = list(re.finditer(rf"(?<!\S)({wanted}):", text)) if wanted else []
    head = text[: starts[0].start()] if starts else text
    options: dict[str, str] = {}
    for here, after in zip(starts, [*starts[1:], None][: len(starts)], strict=True):
        name = here.group(1)
        value = text[here.end() : after.start() if after else len(text)].strip()
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1]
        if name in options:
            raise LineError(f"option {name!r} is given twice")
        if not value:
            raise LineError(f"option {name!r} has no value (write {name}:something)")
        options[name] = value
    return " ".join(head.split()), options


def parse_line(text: str, option_names: Callable[[str], Collection[str] | None] | None = None) -> Line:
    """Parse one typed line; `option_names(path)` gives a command's registered option names."""
    line = text.strip()
    verb, _, rest = line.partition(" ")
    rest = rest.strip()
    if line.startswith("/"):
        path, options = split_options(line[1:])
        if option_names is not None and (names := option_names(path)) is not None:
            # Only registered names start options, unless that hides a mistyped one.
            known_path, known = split_options(line[1:], names)
            if known_path == path:
                options = known
        if not path:
            raise LineError("no command after / (try /status, or type help)")
        if not _PATH.fullmatch(path):
            raise LineError(f"/{path}: options are written name:value, e.g. /cast person:Park Ji-hu")
        return Line("command", path.lower(), options)
    verb = verb.lower()
    if verb == "wait":
        if not re.fullmatch(r"[0-9]{1,2}(\.[0-9]+)?", rest):
            raise LineError("wait how long? (e.g. wait 8, in seconds, at most 60)")
        return Line("wait", rest)
    if verb in ("help", "?", "commands", "quit", "exit"):
        return Line("quit" if verb == "exit" else "help" if verb == "?" else verb)
    if verb in ("as", "click", "channel", "locale"):
        if not rest:
            raise LineError(f"{verb} what? (e.g. {_EXAMPLES[verb]})")
        return Line(verb, rest)
    if verb == "choose":
        if not re.fullmatch(r"none|[0-9]{1,2}(?:[ ,]+[0-9]{1,2})*", rest):
            raise LineError("choose which? the numbers of a menu's options, e.g. choose 1 2 5 (or none)")
        return Line("choose", rest)
    if verb == "submit":
        _, options = split_options(rest)
        if not options:
            raise LineError("submit what? (e.g. submit reason:typo)")
        return Line("submit", rest, options)
    raise LineError(f"don't know {line!r}: slash commands start with / (type help)")
