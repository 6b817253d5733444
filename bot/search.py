"""Finding shows, people and entries from what someone typed: no case, accents or spacing."""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable, Sequence
from typing import TypeVar

from bot.errors import UnknownShow, UserError
from bot.models import Entry, Show
from bot.render import entry_label

T = TypeVar("T")
MAX_CHOICES = 25


def fold(text: str) -> str:
    """Text reduced for matching: accents, case, spaces and punctuation removed."""
    decomposed = unicodedata.normalize("NFKD", text)
    kept = (c for c in decomposed if unicodedata.category(c)[0] in "LN")
    return "".join(kept).casefold()


def show_names(show: Show) -> list[str]:
    """Every name a show can be found by."""
    return [show.title, show.slug, *(n for n in (show.original_title,) if n), *show.aliases]


def rank(query: str, named: Iterable[tuple[T, Sequence[str]]], limit: int = MAX_CHOICES) -> list[T]:
    """Items whose names contain the query (prefix matches first), at most `limit`."""
    wanted = fold(query)
    scored = []
    for order, (item, names) in enumerate(named):
        folded = [fold(n) for n in names]
        if any(f == wanted for f in folded):
            score = 0
        elif any(f.startswith(wanted) for f in folded):
            score = 1
        elif any(wanted in f for f in folded):
            score = 2
        else:
            continue
        scored.append((score, order, item))
    scored.sort(key=lambda s: (s[0], s[1]))
    return [item for _, _, item in scored[:limit]]


def closest(query: str, names: Iterable[str], n: int = 3) -> list[str]:
    """The names that look most like a mistyped one."""
    by_fold = {fold(name): name for name in names}
    return [by_fold[f] for f in difflib.get_close_matches(fold(query), list(by_fold), n=n, cutoff=0.4)]


def _suggest(what: str, typed: str, names: Iterable[str]) -> str:
    near = closest(typed, names)
    hint = f" Did you mean {', '.join(f'`{n}`' for n in near)}?" if near else ""
    return f"I don't know {what} `{typed[:100]}`.{hint}"


def resolve_show(shows: Sequence[Show], typed: str | None, every: Sequence[Show]) -> Show:
    """The show meant by `typed` (a slug from autocomplete, or a name); the only one if none typed.

    `shows` are those on offer (not archived); `every` includes archived ones, which stay
    readable by their slug.
    """
    if not typed:
        if len(shows) == 1:
            return shows[0]
        if not shows:
            raise UnknownShow("No shows are tracked yet.")
        listing = ", ".join(f"`{s.slug}` ({s.title})" for s in shows[:20])
        raise UnknownShow(f"Which show? Pick one with the `show` option: {listing}.")
    by_slug = next((s for s in every if s.slug == typed.strip()), None)
    if by_slug:
        return by_slug
    found = rank(typed, ((s, show_names(s)) for s in shows), limit=2)
    exact = [s for s in found if any(fold(n) == fold(typed) for n in show_names(s))]
    if exact or len(found) == 1:
        return (exact or found)[0]
    raise UnknownShow(_suggest("a show called", typed, (s.title for s in shows)))


def resolve_person(entries: Sequence[Entry], typed: str) -> Entry:
    """The cast entry for a person, matched without regard to case, accents or spacing."""
    cast = [e for e in entries if e.kind == "cast"]
    named = [(e, [str(e.fact.fields["person"])]) for e in cast]
    found = rank(typed, named, limit=2)
    exact = [e for e in found if fold(str(e.fact.fields["person"])) == fold(typed)]
    if exact or len(found) == 1:
        return (exact or found)[0]
    raise UserError(_suggest("anyone called", typed, (str(e.fact.fields["person"]) for e in cast))
                    + " `/cast` lists everyone known.")


def entry_names(entry: Entry, show: Show) -> list[str]:
    """The names an entry can be found by in `entry` options."""
    return [entry_label(entry.kind, entry.fact.fields, show), entry.key]


def resolve_entry(entries: Sequence[Entry], show: Show, typed: str) -> Entry:
    """The entry meant by `typed`: an id from autocomplete, or a label such as `Cast: Lomon`."""
    if typed.isdigit():
        match = next((e for e in entries if e.id == int(typed)), None)
        if match:
            return match
    found = rank(typed, ((e, entry_names(e, show)) for e in entries), limit=2)
    if len(found) == 1 or (found and fold(entry_names(found[0], show)[0]) == fold(typed)):
        return found[0]
    labels = (entry_names(e, show)[0] for e in entries)
    raise UserError(_suggest("an entry called", typed, labels) + " Pick one from the list.")
