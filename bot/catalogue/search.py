"""Finding shows, people and entries from what someone typed: no case, accents or spacing."""

from __future__ import annotations

import bisect
import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from bot.catalogue.render import entry_label, escape
from bot.core.errors import UnknownShow, UserError
from bot.core.facts import fold as fold  # the one folded form, re-exported for the cogs
from bot.core.facts import person_names as person_names  # named here too: search finds by them
from bot.core.facts import quote
from bot.core.messages import N_
from bot.core.models import Entry, Show
from bot.i18n import DEFAULT, LANGUAGES

T = TypeVar("T")
MAX_CHOICES = 25


def show_names(show: Show) -> list[str]:
    """Every name a show can be found by."""
    return [show.title, show.slug, *(n for n in (show.original_title,) if n), *show.aliases]


@dataclass(frozen=True)
class SearchIndex(Generic[T]):
    """Items and their folded names laid end to end, so one `str.find` scans them all."""

    items: tuple[T, ...]
    owners: tuple[int, ...]  # for each name, the index of its item
    names: tuple[str, ...]
    starts: tuple[int, ...]  # where each name begins in `text`
    text: str

    def by_name(self) -> dict[str, T]:
        """Each folded name's item, for exact look-ups."""
        found: dict[str, T] = {}
        for owner, name in zip(self.owners, self.names, strict=True):
            found.setdefault(name, self.items[owner])
        return found


def prefold(named: Iterable[tuple[T, Sequence[str]]]) -> SearchIndex[T]:
    """An index of items by their names, folded once, for searching many times."""
    items, owners, names, starts = [], [], [], []
    offset = 0
    for i, (item, item_names) in enumerate(named):
        items.append(item)
        for name in item_names:
            folded = fold(name)
            owners.append(i)
            names.append(folded)
            starts.append(offset)
            offset += len(folded) + 1  # a newline between names, which no folded query contains
    return SearchIndex(tuple(items), tuple(owners), tuple(names), tuple(starts), "\n".join(names))


def rank(query: str, named: Iterable[tuple[T, Sequence[str]]], limit: int = MAX_CHOICES) -> list[T]:
    """Items whose names contain the query: exact matches, then prefixes, then the rest."""
    return rank_folded(query, prefold(named), limit)


def rank_folded(query: str, index: SearchIndex[T], limit: int = MAX_CHOICES) -> list[T]:
    """`rank` over an index built by `prefold`."""
    wanted = fold(query)
    if not wanted:
        return list(index.items[:limit])
    tiers: dict[int, int] = {}
    position = index.text.find(wanted)
    while position != -1:
        n = bisect.bisect_right(index.starts, position) - 1
        name, owner = index.names[n], index.owners[n]
        tier = 0 if name == wanted else 1 if position == index.starts[n] else 2
        tiers[owner] = min(tier, tiers.get(owner, 3))
        position = index.text.find(wanted, index.starts[n] + len(name))
    ranked = sorted(tiers, key=lambda i: (tiers[i], i))
    return [index.items[i] for i in ranked[:limit]]


def closest(query: str, names: Iterable[str], n: int = 3) -> list[str]:
    """The names that look most like a mistyped one."""
    by_fold = {fold(name): name for name in names}
    return [by_fold[f] for f in difflib.get_close_matches(fold(query), list(by_fold), n=n, cutoff=0.4)]


# What was not found -> (the message without suggestions, the one with them).
_UNKNOWN = {
    "show": (N_("I don't know a show called `{typed}`."),
             N_("I don't know a show called `{typed}`. Did you mean {names}?")),
    "person": (N_("I don't know anyone called `{typed}`. `/cast` lists everyone known."),
               N_("I don't know anyone called `{typed}`. Did you mean {names}? "
                  "`/cast` lists everyone known.")),
    "entry": (N_("I don't know an entry called `{typed}`. Pick one from the list."),
              N_("I don't know an entry called `{typed}`. Did you mean {names}? Pick one from the list.")),
}


def _suggest(what: str, typed: str, names: Iterable[str]) -> UserError:
    """The error for a name not found, with the closest names as suggestions."""
    near = closest(typed, names)
    plain, hinted = _UNKNOWN[what]
    if not near:
        return (UnknownShow if what == "show" else UserError)(plain, typed=quote(typed))
    listed = ", ".join(f"`{quote(n, 100)}`" for n in near)
    return (UnknownShow if what == "show" else UserError)(hinted, typed=quote(typed), names=listed)


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
        listing = ", ".join(f"`{s.slug}` ({escape(s.title)})" for s in shows[:20])
        raise UnknownShow("Which show? Pick one with the `show` option: {listing}.", listing=listing)
    by_slug = next((s for s in every if s.slug == typed.strip()), None)
    if by_slug:
        return by_slug
    found = rank(typed, ((s, show_names(s)) for s in shows), limit=2)
    exact = [s for s in found if any(fold(n) == fold(typed) for n in show_names(s))]
    if exact or len(found) == 1:
        return (exact or found)[0]
    raise _suggest("show", typed, (s.title for s in shows))


def resolve_person(cast: SearchIndex[Entry], typed: str) -> Entry:
    """The cast entry for a person, from a `prefold`ed index; case, accents and spacing ignored,
    either script."""
    found = rank_folded(typed, cast, limit=2)
    exact = [e for e in found if fold(typed) in (fold(n) for n in person_names(e))]
    if exact or len(found) == 1:
        return (exact or found)[0]
    names = (str(entry.fact.fields["person"]) for entry in cast.items)
    raise _suggest("person", typed, names)


def entry_names(entry: Entry, show: Show) -> list[str]:
    """The names an entry can be found by in `entry` options: its label in every language
    (`Cast: Park Ji-hu`, `출연진: 박지후 (Park Ji-hu)`) and its key."""
    labels = (entry_label(entry.kind, entry.fact.fields, show, lang) for lang in LANGUAGES)
    return [*dict.fromkeys(labels), entry.key]


def resolve_entry(entries: Sequence[Entry], show: Show, typed: str, lang: str = DEFAULT) -> Entry:
    """The entry meant by `typed`: an id from autocomplete, or a label such as `Cast: Lomon`;
    suggestions are labelled for a reader of `lang`."""
    if re.fullmatch(r"[0-9]{1,15}", typed):
        match = next((e for e in entries if e.id == int(typed)), None)
        if match:
            return match
    found = rank(typed, ((e, entry_names(e, show)) for e in entries), limit=2)
    if len(found) == 1 or (found and fold(typed) in map(fold, entry_names(found[0], show))):
        return found[0]
    labels = (entry_label(e.kind, e.fact.fields, show, lang) for e in entries)
    raise _suggest("entry", typed, labels)
