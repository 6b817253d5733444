"""The watch: every LISTINGS_POLL_HOURS, ask the provider which shows changed in the last day and
check only the linked ones among them (each linked show at least weekly); every fact whose listed
value differs from the catalogue's becomes a proposal in the review queue.

A check and the proposals it makes commit together, with their review posts (the review queue's
outbox): a restart between proposing and posting loses nothing, and a check repeated after a
crash finds its proposals already pending, so it adds nothing twice. Failures back off, doubling
like the feeds', and are kept with their reason for `/sources list`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import logging
import random
import time
from collections.abc import Callable
from typing import Protocol

from bot.catalogue.view import View
from bot.core.messages import N_
from bot.db.connection import Database
from bot.i18n.notices import Notice
from bot.listings.diff import compare
from bot.listings.mapping import map_season
from bot.listings.provider import ListingError, Provider
from bot.listings.store import Link, Listings
from bot.metrics import count_fetch
from bot.news.models import QueueItem
from bot.news.proposals_store import Listed, Proposals
from bot.outbox.dispatcher import Dispatcher, backoff

log = logging.getLogger(__name__)

WEEK = 7 * 86400.0  # every linked show is checked at least this often
FIRST_BACKOFF = 300.0  # 5 minutes, doubling, as feeds do
IDLE_CHECK = 60.0  # seconds between looks for links made due (a new link, a backoff ended)
UNEXPECTED = N_("the check failed unexpectedly; see the bot's log")


def provider_name(key: str) -> str:
    """How a stored provider key (`tvmaze`) is named to people (`TVmaze`)."""
    return {"tvmaze": "TVmaze", "tmdb": "TMDB"}.get(key, key)


class Stores(Protocol):
    """What the watch reads and writes (the bot's `Store` has it all)."""

    database: Database
    view: View
    listings: Listings
    proposals: Proposals


class Watcher(Dispatcher):
    """The task that watches linked shows. `clock` is Unix time (tests and the sandbox move it)."""

    task_name = "seasonwatch-listings"
    retry_after_error = 5.0

    def __init__(self, store: Stores, provider: Provider, *, interval: float,
                 review_channel: int | None, clock: Callable[[], float] = time.time,
                 rand: Callable[[], float] = random.random) -> None:
        super().__init__(None, asyncio.Event())
        self.store = store
        self.provider = provider
        self.interval = interval  # seconds between asking what changed
        self.review_channel = review_channel
        self.clock = clock
        self._rand = rand
        self.next_cycle = 0.0  # at start: one look at what changed in the last day
        self.cycles = 0  # completed looks (tests wait on it)
        self.checks = 0  # shows fetched
        self.backoff = functools.partial(backoff, first=FIRST_BACKOFF, cap=max(interval, FIRST_BACKOFF),
                                         jitter=(0.9, 0.2))

    @property
    def key(self) -> str:
        """How links to this provider are stored: `tvmaze`."""
        return self.provider.name.lower()

    async def look(self) -> float:
        now = self.clock()
        if now >= self.next_cycle:
            await self.cycle(now)
            self.next_cycle = now + self.interval
        else:
            for link in await self._due(now):
                await self.check(link)
            self.cycles += 1
        return max(0.0, min(IDLE_CHECK, self.next_cycle - self.clock()))

    async def _due(self, now: float) -> list[Link]:
        async with self.store.database.lock:
            return [link for link in await self.store.listings.due(now, 1000) if link.provider == self.key]

    async def cycle(self, now: float) -> int:
        """Ask what changed in the last day and check the linked shows among them, and those due
        (weekly, a backoff ended, just linked); how many shows were fetched."""
        async with self.store.database.lock:
            links = await self.store.listings.links(self.key)
        if not links:  # nothing linked: TVmaze is not asked anything
            self.cycles += 1
            return 0
        try:
            changed = await self.provider.updated_since_day()
        except ListingError as exc:
            # Without the list, only the shows due anyway are checked; the next cycle asks again.
            log.warning("listings: asking %s what changed failed: %s", self.provider.name, exc)
            changed = set()
        # A failing show waits out its backoff even when listed as changed.
        wanted = [link for link in links if link.next_check_at <= now
                  or (link.external_id in changed and not link.failures)]
        for link in wanted:
            await self.check(link)
        self.cycles += 1
        log.info("listings: %d of %d linked shows checked (%d changed upstream)",
                 len(wanted), len(links), len(changed))
        return len(wanted)

    async def check_show(self, show_id: int) -> list[QueueItem]:
        """Check one linked show now (after `/shows import` links a show already tracked): its
        differences become proposals; the proposals queued or replaced."""
        async with self.store.database.lock:
            link = await self.store.listings.link_of(show_id, self.key)
        return [] if link is None else await self.check(link)

    async def linked(self, link: Link) -> None:
        """`/shows import`'s hook: a show just linked is checked now (its differences proposed)."""
        await self.check(link)

    async def check(self, link: Link) -> list[QueueItem]:
        """Fetch one linked show and propose what differs; failures are recorded, never raised."""
        show = self.store.view.show(link.show_id)
        now = self.clock()
        self.checks += 1
        try:
            if show is None or show.archived:  # nothing to propose for; look again in a week
                await self._record(link, [], now)
                return []
            listing = await self.provider.listing(link.external_id, season=show.season)
            mapped = map_season(listing, show.season, dt.datetime.fromtimestamp(now, dt.UTC).date())
            queued = await self._record(link, compare(self.store.view, show.id, mapped), now)
            count_fetch("listing", "ok" if queued else "unchanged")
            return queued
        except ListingError as exc:
            count_fetch("listing", "failed")
            await self._failed(link, Notice.of(exc.reason, **exc.values), now)
        except Exception:
            count_fetch("listing", "failed")
            log.exception("listings: checking show %d failed unexpectedly", link.show_id)
            await self._failed(link, Notice.of(UNEXPECTED), now)
        return []

    async def _record(self, link: Link, listed: list[Listed], now: float) -> list[QueueItem]:
        db = self.store.database
        async with db.lock, db.transaction():
            queued = await self.store.proposals.record_in_transaction(
                link.show_id, listed, headline=f"{self.provider.name} listing",
                review_channel=self.review_channel)
            await self.store.listings.checked(link.id, now, now + WEEK)
        self.store.proposals.committed(queued)
        if queued:
            log.info("listings: show %d: %d proposals queued", link.show_id, len(queued))
        return queued

    async def _failed(self, link: Link, why: Notice, now: float) -> None:
        wait = self.backoff(link.failures + 1, self._rand)
        db = self.store.database
        async with db.lock, db.transaction():
            await self.store.listings.failed(link.id, now, why.dump(), now + wait)
        log.info("listings: show %d failed (%s); next try in %.0f s", link.show_id, why.text("en"), wait)
