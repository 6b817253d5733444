"""Discord's rules for registered command names and texts, in every language.

Discord refuses a whole `PUT .../commands` with a 50035 if any name, localized or not, breaks
its naming rule (`^[-_'\\p{L}\\p{N}\\p{sc=Deva}\\p{sc=Thai}]{1,32}$`, lower case where the script
has case), if two siblings share a name in any language, or if a description or choice name
passes 100 characters. discord.py checks only the default names, so the stand-in checks the
rest, and says where, which Discord does not.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from typing import Any

NAME_MAX, TEXT_MAX = 32, 100
_SCRIPTS = ((0x0900, 0x097F), (0xA8E0, 0xA8FF), (0x0E00, 0x0E7F))  # Devanagari, Thai


def _allowed(ch: str) -> bool:
    if ch in "-_'" or unicodedata.category(ch)[0] in "LN":
        return True
    return any(low <= ord(ch) <= high for low, high in _SCRIPTS)


def name_problem(name: str) -> str | None:
    """Why Discord would refuse this command or option name, or None."""
    if not 1 <= len(name) <= NAME_MAX:
        return f"{name!r} is not 1-{NAME_MAX} characters"
    bad = [ch for ch in name if not _allowed(ch)]
    if bad:
        return f"{name!r} has characters outside Discord's naming rule: {bad!r}"
    if name != name.lower():
        return f"{name!r} must be lower case"
    return None


def _texts(item: dict[str, Any], key: str) -> Iterator[tuple[str, str]]:
    """(locale, text) for a field and each of its localizations; `-` is the default."""
    if item.get(key) is not None:
        yield "-", str(item[key])
    for locale, text in (item.get(f"{key}_localizations") or {}).items():
        yield locale, str(text)


def _siblings(items: list[dict[str, Any]], where: str) -> Iterator[str]:
    """Two siblings may not share a name in any language (a missing localization is the name)."""
    locales = {loc for item in items for loc, _ in _texts(item, "name")} - {"-"}
    for locale in ["-", *sorted(locales)]:
        seen: dict[str, str] = {}
        for item in items:
            name = (item.get("name_localizations") or {}).get(locale, item["name"])
            if name in seen:
                yield f"{where}: {item['name']!r} and {seen[name]!r} are both {name!r} in {locale}"
            seen[name] = item["name"]


def _item(item: dict[str, Any], where: str) -> Iterator[str]:
    path = f"{where} {item.get('name')}".strip()
    for locale, name in _texts(item, "name"):
        problem = name_problem(name)  # commands and options alike; choices are texts
        if problem:
            yield f"/{path} name ({locale}): {problem}"
    for locale, text in _texts(item, "description"):
        if len(text) > TEXT_MAX:
            yield f"/{path} description ({locale}) is {len(text)} characters"
    for choice in item.get("choices") or []:
        for locale, text in _texts(choice, "name"):
            if not 1 <= len(text) <= TEXT_MAX:
                yield f"/{path} choice {choice['name']!r} ({locale}) is {len(text)} characters"
    options = item.get("options") or []
    yield from _siblings(options, f"/{path}")
    for option in options:
        yield from _item(option, path)


def command_problems(commands: list[dict[str, Any]]) -> list[str]:
    """Everything in a command registration that Discord would refuse, each with where it is."""
    problems: list[str] = []
    for kind in {c.get("type", 1) for c in commands}:
        problems += _siblings([c for c in commands if c.get("type", 1) == kind], "top level")
    for command in commands:
        problems += _item(command, "")
    return problems
