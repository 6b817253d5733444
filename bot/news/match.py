"""Which shows a feed item is about, and which of their cast it names: folded like search, so
case, accents, spacing and punctuation do not matter, in either script."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.catalogue.search import person_names, show_names
from bot.core.facts import fold
from bot.core.models import Entry, Show

log = logging.getLogger(__name__)

# A folded name shorter than this (an alias such as "AOU") would be found inside ordinary words.
MIN_NAME = 4


@dataclass(frozen=True)
class ShowNames:
    """A show's folded names and its cast's, built once per poll cycle."""

    show: Show
    names: tuple[str, ...]
    people: tuple[tuple[str, tuple[str, ...]], ...]  # (display name, folded names)


def show_index(show: Show, cast: Iterable[Entry]) -> ShowNames:
    """What matching needs of one show."""
    names = tuple({f for f in map(fold, show_names(show)) if len(f) >= MIN_NAME})
    people = tuple(
        (str(e.fact.fields["person"]), tuple(f for f in map(fold, person_names(e)) if len(f) >= MIN_NAME))
        for e in cast
    )
    return ShowNames(show, names, people)


def keyword_list(text: str | None) -> tuple[str, ...]:
    """Comma-separated keywords as given (blank ones dropped)."""
    return tuple(k.strip() for k in (text or "").split(",") if k.strip())


def candidates(
    text: str, shows: Sequence[ShowNames], *, attached: int | None, keywords: Sequence[str]
) -> list[ShowNames]:
    """The shows an item with this text is a candidate for: those it names, or the source's own
    show; with keywords, only if it mentions one of them too."""
    folded = fold(text)
    if keywords and not any(fold(k) and fold(k) in folded for k in keywords):
        return []
    return [s for s in shows if s.show.id == attached or any(name in folded for name in s.names)]


def people_named(text: str, show: ShowNames) -> list[str]:
    """The show's cast members the text names (each once, in cast order)."""
    folded = fold(text)
    return [name for name, folds in show.people if any(f in folded for f in folds)]
