"""What a listing states about one season, as the catalogue's own facts (DESIGN.md § Listings).

Never more than the listing says, and nothing where it says nothing:

| listing                                   | entry                                   | confidence  |
| ----------------------------------------- | --------------------------------------- | ----------- |
| the season is listed                      | status `announced` (Renewed)            | reported    |
| premiere date today or in the future      | status `release_date_set` + release day | reported    |
| premiere date in the past                 | status `released` + release day         | confirmed   |
| episode order; runtime                    | episodes count; runtime                 | reported    |
| show cast, season 1                       | cast, billing main                      | reported    |
| show cast, a later season                 | cast, state returning                   | speculation |

Each fact is a `bot.core.models.Fact` checked by `check_fact`, keyed as the catalogue keys it
(`entry_key`), so it compares with the entry the catalogue holds and opens in the `/edit`
preview as it is. Its source is the provider ("TVmaze") with the show's page there.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from bot.core.errors import InvalidInput
from bot.core.facts import YEARS, check_fact, check_name, entry_key, fold
from bot.core.models import Basis, Entry, Fact, Show
from bot.listings.provider import Listing, Season

log = logging.getLogger(__name__)

MAX_ALIASES = 20
Sourced = Callable[[str], Basis]  # a confidence -> the listing's basis with it


@dataclass(frozen=True)
class MappedFact:
    """One fact a listing states: the entry (kind and key) it belongs in, and what it says."""

    kind: str
    key: str
    fact: Fact

    def same_as(self, entry: Entry | None) -> bool:
        """Whether the catalogue's entry already says this (confidence and source aside: a listing
        never lowers what an editor confirmed, and its as-of day moves every check)."""
        return entry is not None and _said(self.kind, entry.fact) == _said(self.kind, self.fact)


def _said(kind: str, fact: Fact) -> dict[str, object]:
    # The values a listing speaks to; a note, native name or billing an editor added are theirs.
    spoken = {"status": ("stage", "when"), "release": ("when",), "episodes": ("count", "runtime"),
              "cast": ("person", "character", "billing", "state")}[kind]
    fields = {name: fact.fields.get(name) for name in spoken}
    if kind == "cast":
        fields["person"] = fold(str(fields["person"]))
    return fields


def map_season(listing: Listing, number: int, today: dt.date) -> list[MappedFact]:
    """Every fact the listing states about season `number` (none if it is not listed)."""
    season = listing.season(number)
    if season is None:
        return []
    as_of = today.isoformat()

    def basis(confidence: str) -> Basis:
        return Basis(confidence, listing.provider, listing.page_url, as_of)

    found = [_fact("status", {"stage": "announced", "when": None}, basis("reported"))]
    found += _premiere(season, today, basis)
    found += _episodes(listing, season, basis("reported"))
    found += _cast(listing, number, basis)
    return [fact for fact in found if fact is not None]


def _premiere(season: Season, today: dt.date, make: Sourced) -> list[MappedFact | None]:
    day = season.premiere
    if day is None or not YEARS[0] <= day.year <= YEARS[1]:
        return []
    if day >= today:  # premiering today is not yet released (DESIGN: only a past premiere is)
        return [_fact("status", {"stage": "release_date_set", "when": None}, make("reported")),
                _fact("release", {"when": day.isoformat()}, make("reported"))]
    return [_fact("status", {"stage": "released", "when": day.isoformat()}, make("confirmed")),
            _fact("release", {"when": day.isoformat()}, make("confirmed"))]


def _episodes(listing: Listing, season: Season, basis: Basis) -> list[MappedFact | None]:
    values = {"count": season.episode_order, "runtime": season.runtime or listing.runtime}
    # A value the catalogue would refuse (an order of 120 episodes) leaves out only itself.
    known = {name: value for name, value in values.items()
             if value is not None and _checked("episodes", _episodes_fact({name: value}, basis))}
    if not known:
        return []
    return [_checked("episodes", _episodes_fact(known, basis))]


def _episodes_fact(known: Mapping[str, object], basis: Basis) -> Fact:
    return Fact(known, basis.confidence, basis.source_name, basis.source_url, basis.as_of,
                {name: basis for name in known})


def _cast(listing: Listing, number: int, make: Sourced) -> list[MappedFact | None]:
    # TVmaze's cast is the show's: for a later season it only suggests who returns.
    first = number == 1
    extra = {"billing": "main"} if first else {"state": "returning"}
    confidence = "reported" if first else "speculation"
    found: list[MappedFact | None] = []
    seen: set[str] = set()
    for member in listing.cast:
        if fold(member.person) in seen:  # one actor in two roles: one entry, the first role
            continue
        seen.add(fold(member.person))
        found.append(_fact("cast", {"person": member.person, "character": member.character, **extra},
                           make(confidence)))
    return found


def _fact(kind: str, fields: dict[str, object], basis: Basis) -> MappedFact | None:
    return _checked(kind, Fact(fields, basis.confidence, basis.source_name, basis.source_url, basis.as_of))


def _checked(kind: str, fact: Fact) -> MappedFact | None:
    """The fact as the catalogue would store it; None for one it would refuse (a name of only
    punctuation): the rest of the listing still maps."""
    try:
        fact = check_fact(kind, fact)
    except InvalidInput as exc:
        log.info("listing fact left out (%s): %s", kind, exc)
        return None
    return MappedFact(kind, entry_key(kind, fact.fields), fact)


# -- the show itself -------------------------------------------------------------------------------

def slug_for(listing: Listing) -> str:
    """A slug from the title (`sweet-home`), else from the listing's id (`tvmaze-12345`)."""
    ascii_title = unicodedata.normalize("NFKD", listing.title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:40].strip("-")
    return slug or f"{listing.provider.lower()}-{listing.external_id}"[:40]


def show_for(listing: Listing, season: int, slug: str | None = None) -> Show:
    """The show a listing describes (not yet stored: id 0), following `season`; names the catalogue
    would refuse are left out."""
    aliases = []
    for name in listing.other_aliases:
        try:
            aliases.append(check_name(name, "aliases"))
        except InvalidInput:
            continue
    return Show(0, slug or slug_for(listing), listing.title, listing.original_title, listing.network,
                season, tuple(aliases[:MAX_ALIASES]), False)


def without_names(show: Show, taken: set[str]) -> Show:
    """The show without the aliases and original title another show is already found by."""
    original = show.original_title if show.original_title and fold(show.original_title) not in taken else None
    return replace(show, original_title=original,
                   aliases=tuple(a for a in show.aliases if fold(a) not in taken))
