"""The poller: one request per active source every FEED_POLL_MINUTES, spread out with jitter,
failures backed off and, after a day of them, the source paused with the reason."""

from __future__ import annotations

import asyncio
import functools
import logging
import random
import time
from collections.abc import Callable
from typing import Protocol

from bot.catalogue.view import View
from bot.i18n.notices import Notice
from bot.metrics import count_fetch
from bot.news.fetch import Fetcher, FetchFailed
from bot.news.match import ShowNames, candidates, people_named, show_index
from bot.news.models import Candidate, Source
from bot.news.parse import NotAFeed, parse_feed
from bot.news.store import News
from bot.outbox.dispatcher import Dispatcher, backoff

log = logging.getLogger(__name__)


class Stores(Protocol):
    """The stores the poller reads and writes (the bot's `Store` has them all)."""

    news: News
    view: View

FIRST_BACKOFF = 300.0  # 5 minutes, doubling
MAX_BACKOFF = 6 * 3600.0
PAUSE_AFTER = 24 * 3600.0
CONCURRENCY = 10  # fetches at once
IDLE_CHECK = 30.0  # seconds between looks when nothing is due soon


# After `failures` failures in a row (1 = the first): 5 minutes doubling to 6 hours, ±10%.
source_backoff = functools.partial(backoff, first=FIRST_BACKOFF, cap=MAX_BACKOFF, jitter=(0.9, 0.2))


class Poller(Dispatcher):
    """The task that polls every source in turn. `clock` is Unix time (tests move it on)."""

    task_name = "seasonwatch-poller"
    retry_after_error = 5.0

    def __init__(
        self,
        store: Stores,
        fetcher: Fetcher,
        *,
        interval: float,
        review_channel: int | None,
        clock: Callable[[], float] = time.time,
        rand: Callable[[], float] = random.random,
    ) -> None:
        super().__init__(None, asyncio.Event())  # started once connected: nothing to wait for
        self.store = store
        self.fetcher = fetcher
        self.interval = interval  # seconds
        self.review_channel = review_channel
        self.clock = clock
        self._rand = rand
        self._slots = asyncio.Semaphore(CONCURRENCY)
        self._parsing = asyncio.Semaphore(1)
        self.cycles = 0  # completed looks at the due sources (tests wait on it)

    async def stop(self) -> None:
        """Stop polling and close the connections."""
        await super().stop()
        await self.fetcher.close()

    def next_time(self) -> float:
        """When a source just polled is next due: the interval, jittered by ±10%."""
        return self.clock() + self.interval * (0.9 + 0.2 * self._rand())

    async def resume(self) -> None:
        try:
            await self._spread()
        except Exception:  # polling goes on; only the spreading is lost
            log.exception("poller: spreading the sources out failed")

    async def look(self) -> float:
        await self.poll_due()
        next_at = await self.store.news.next_poll_time()
        return IDLE_CHECK if next_at is None else min(IDLE_CHECK, max(0.0, next_at - self.clock()))

    async def _spread(self) -> None:
        """After a restart, overdue sources are spread over one interval, not fetched at once."""
        now = self.clock()
        overdue = [s for s in await self.store.news.sources() if s.active and s.next_poll_at <= now]
        await self.store.news.reschedule_sources({s.id: now + self._rand() * self.interval for s in overdue})

    async def poll_due(self) -> int:
        """Poll every source that is due now; how many items were queued."""
        due = await self.store.news.due_sources(self.clock(), 1000)
        shows = self.shows()
        counts = await asyncio.gather(*(self._guarded(s, shows) for s in due))
        self.cycles += 1
        return sum(counts)

    def shows(self) -> list[ShowNames]:
        """Every tracked show's names and cast, folded, for matching this cycle's items."""
        return [show_index(s, self.store.view.entries(s.id, "cast")) for s in self.store.view.shows()]

    async def _guarded(self, source: Source, shows: list[ShowNames]) -> int:
        async with self._slots:
            try:
                return await self.poll(source, shows)
            except Exception:
                log.exception("poller: source %d failed unexpectedly", source.id)
                return 0

    async def poll(self, source: Source, shows: list[ShowNames]) -> int:
        """Fetch one source and record what it holds; how many items were queued."""
        try:
            got = await self.fetcher.fetch(source.url, etag=source.etag, last_modified=source.last_modified)
            if got.body is None:
                count_fetch("feed", "unchanged")
                await self.store.news.source_unchanged(source.id, self.next_time())
                return 0
            # feedparser is pure Python (~0.4 ms an item): in a thread, one at a time, so the
            # event loop shares the GIL with one parser only and replies barely wait.
            async with self._parsing:
                feed = await asyncio.to_thread(parse_feed, got.body, got.headers, got.url)
        except (FetchFailed, NotAFeed) as exc:
            count_fetch("feed", "failed")
            await self._failed(source, exc)
            return 0
        count_fetch("feed", "ok")
        found = [
            Candidate(item, match.show.id, tuple(people_named(item.text, match)))
            for item in feed.items
            for match in candidates(item.text, shows, attached=source.show_id, keywords=source.keywords)
        ]
        queued = await self.store.news.source_fetched(
            source,
            keys=[i.key for i in feed.items],
            found=found,
            etag=got.etag,
            last_modified=got.last_modified,
            next_poll_at=self.next_time(),
            review_channel=self.review_channel,
            now=self.clock(),
        )
        if queued:
            log.info("source %d: %d new items queued", source.id, len(queued))
        return len(queued)

    async def _failed(self, source: Source, exc: FetchFailed | NotAFeed) -> None:
        reason = explain(exc)
        now = self.clock()
        after = await self.store.news.source_failed(
            source.id,
            why(exc).dump(),  # worded in the reader's language by /sources list
            next_poll_at=now + source_backoff(source.failures + 1, self._rand),
            now=now,
            pause_after=PAUSE_AFTER,
        )
        if after is not None and not after.active:
            log.warning("source %d paused after a day of failures: %s", source.id, reason)
        else:
            log.info("source %d failed (%s); backing off", source.id, reason)


def why(exc: FetchFailed | NotAFeed) -> Notice:
    """Why a fetch failed, as a notice: stored, then worded for whoever reads /sources list."""
    if isinstance(exc, FetchFailed):
        return Notice.of(exc.reason, **exc.values)
    return Notice.of(str(exc.args[0]))


def explain(exc: FetchFailed | NotAFeed, lang: str = "en") -> str:
    """Why a fetch failed, in words of `lang`."""
    return why(exc).text(lang)
