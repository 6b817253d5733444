"""What a listings database says about a show, in no provider's own shapes, and what a provider
must answer. TVmaze is one `Provider` (bot/listings/tvmaze.py); TMDB would be one more module
with the same methods."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Protocol

from bot.core.errors import UserError


class ListingError(UserError):
    """A listing could not be read (timeout, an error status, a show gone, an answer of the wrong
    shape, too large); the message is a catalogue message saying why, never a traceback."""

    def __init__(self, reason: str, /, **values: Any) -> None:
        super().__init__(reason, **values)
        self.reason = reason


@dataclass(frozen=True)
class Alias:
    """Another name of the show, and the country (ISO 3166-1 alpha-2) that uses it, if known."""

    name: str
    country: str | None


@dataclass(frozen=True)
class Season:
    """One season as listed: its number, premiere day and episode order when known."""

    number: int
    premiere: dt.date | None
    episode_order: int | None
    id: str  # the provider's own id of the season (its episodes are fetched by it)
    runtime: int | None = None  # minutes, from its episodes when they say; else None


@dataclass(frozen=True)
class CastMember:
    """A person of the show's cast and the character they play (None: not given)."""

    person: str
    character: str | None


@dataclass(frozen=True)
class Match:
    """One search result: enough to tell shows of the same name apart."""

    provider: str
    external_id: str
    page_url: str
    title: str
    year: int | None  # the year it premiered
    network: str | None  # the network, else the streaming service
    country: str | None


@dataclass(frozen=True)
class Listing:
    """A show as a listings database has it, with its seasons and its (show-wide) cast."""

    provider: str  # shown as the facts' source name: "TVmaze"
    external_id: str
    page_url: str
    title: str
    country: str | None  # the show's own country (its network's, else guessed from its language)
    network: str | None
    aliases: tuple[Alias, ...]
    seasons: tuple[Season, ...]
    cast: tuple[CastMember, ...]
    runtime: int | None  # the show's usual episode length in minutes

    def season(self, number: int) -> Season | None:
        """The season with this number, if listed."""
        return next((s for s in self.seasons if s.number == number), None)

    @property
    def latest_season(self) -> int | None:
        """The highest season number listed, if any."""
        return max((s.number for s in self.seasons), default=None)

    @property
    def original_title(self) -> str | None:
        """The name the show goes by in its own country (지금 우리 학교는), if it differs."""
        if self.country is None:
            return None
        own = next((a.name for a in self.aliases if a.country == self.country), None)
        return own if own and own != self.title else None

    @property
    def other_aliases(self) -> tuple[str, ...]:
        """Every other alias, once each, without the title and the original title."""
        taken = {self.title, self.original_title}
        return tuple(dict.fromkeys(a.name for a in self.aliases if a.name not in taken))


class Provider(Protocol):
    """A listings database. Every method raises ListingError (never anything else) on failure."""

    name: str

    async def search(self, query: str) -> list[Match]:
        """The best matches for a title, best first."""
        ...

    async def listing(self, external_id: str, season: int | None = None) -> Listing:
        """The show with its seasons, cast and aliases, and the runtime of `season` (None: the
        latest listed) read from its episodes."""
        ...

    async def updated_since_day(self) -> set[str]:
        """The ids of the shows changed in the last day."""
        ...
