"""Whether the bot is well, for operators: its gateway shards, its database, its outbox and its
failing sources, gathered when asked (`/healthz`) and judged in one place (`Report.healthy`).

The discord client comes in as a callable (`gateway_of(client)`, bound by bot/services.py), so
this package never imports the bot: tests judge a report from any shards they like.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import math
import time
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from bot.db.connection import Database
from bot.i18n.notices import Notice
from bot.listings.store import Link
from bot.news.models import Source
from bot.outbox.backlog import Queue, backlog

log = logging.getLogger(__name__)

# A reachable database answers a trivial query in milliseconds; a server gone may leave a
# connection attempt hanging much longer than a health check should take.
DATABASE_TIMEOUT = 2.0
T = TypeVar("T")


@dataclass(frozen=True)
class Shard:
    """One gateway connection as the client sees it."""

    id: int
    up: bool  # the websocket is open
    latency: float | None = None  # heartbeat round trip, seconds; None before the first


@dataclass(frozen=True)
class Gateway:
    """The client's shards (those this process runs) and the servers it sees."""

    shards: Sequence[Shard]
    guilds: int = 0


def gateway_of(client: Any) -> Gateway:
    """What a discord.py client says of its gateway: per shard for an AutoShardedClient, else
    its one connection (shard `client.shard_id`, 0 when unsharded)."""
    closed = client.is_closed()
    guilds = len(client.guilds)
    shards = getattr(client, "shards", None)
    if isinstance(shards, dict):  # AutoShardedClient: ShardInfo by id, of connected shards only
        # A shard this process should run but never connected is not in `shards`: it is down.
        wanted = getattr(client, "shard_ids", None) or range(getattr(client, "shard_count", None) or 0)
        ids = sorted(set(wanted) | set(shards))
        return Gateway([_shard(i, shards.get(i), closed) for i in ids], guilds)
    ws = client.ws
    up = ws is not None and ws.open and not closed
    return Gateway([Shard(client.shard_id or 0, up, _seconds(client.latency) if ws else None)], guilds)


def _shard(shard_id: int, info: Any, closed: bool) -> Shard:
    if info is None:
        return Shard(shard_id, False)
    return Shard(shard_id, not closed and not info.is_closed(), _seconds(info.latency))


def _seconds(value: float) -> float | None:
    """A latency discord.py reports, None while it has none (inf, nan)."""
    return value if math.isfinite(value) else None


@dataclass(frozen=True)
class Failing:
    """A news feed, or a show's listing, whose last fetches failed."""

    id: int
    name: str
    url: str
    failures: int
    failing_since: float | None
    paused: bool
    error: str
    kind: str = "feed"  # or "listing": a linked show is a source too


@dataclass(frozen=True)
class Report:
    """One look at the bot's health. `healthy` is the verdict: the database answers and every
    shard's gateway is open. A backlog or a failing source is shown but is not a fault of the
    bot's: a feed being down or a burst of announcements still leaves the bot serving."""

    gateway: Gateway
    database_ok: bool
    database_error: str | None = None
    queues: Sequence[Queue] | None = None  # None: not read (no database, or too slow to read)
    failing: Sequence[Failing] | None = None
    checked_at: float = field(default_factory=time.time)

    @property
    def healthy(self) -> bool:
        shards = self.gateway.shards
        return self.database_ok and bool(shards) and all(s.up for s in shards)

    def oldest_pending(self) -> float | None:
        """Seconds the oldest waiting send has waited, over every kind."""
        ages = [a for q in self.queues or () if (a := q.oldest_age(self.checked_at)) is not None]
        return max(ages, default=None)

    def as_json(self) -> dict[str, Any]:
        """What /healthz answers."""
        queues = self.queues
        return {
            "status": "ok" if self.healthy else "unhealthy",
            "checked_at": _iso(self.checked_at),
            "gateway": {
                "shards": [{"id": s.id, "up": s.up,
                            "latency_ms": None if s.latency is None else round(s.latency * 1000, 1)}
                           for s in self.gateway.shards],
                "guilds": self.gateway.guilds,
            },
            "database": {"reachable": self.database_ok, "error": self.database_error},
            "outbox": None if queues is None else {
                "backlog": {q.kind: q.pending for q in queues},
                "pending": sum(q.pending for q in queues),
                "oldest_pending_seconds": _round(self.oldest_pending()),
            },
            "failing_sources": None if self.failing is None else [
                {"kind": f.kind, "id": f.id, "name": f.name, "url": f.url, "failures": f.failures,
                 "failing_since": None if f.failing_since is None else _iso(f.failing_since),
                 "paused": f.paused, "error": f.error}
                for f in self.failing],
        }


def _iso(when: float) -> str:
    return dt.datetime.fromtimestamp(when, dt.UTC).isoformat(timespec="seconds")


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


class Stores(Protocol):
    """What the health check reads through the store."""

    database: Database

    @property
    def news(self) -> Any: ...  # bot.news.store.News: `sources()`

    @property
    def listings(self) -> Any: ...  # bot.listings.store.Listings: `links()`


class Health:
    """Gathers a `Report` when asked: `await health.check()`."""

    def __init__(self, store: Stores, gateway: Callable[[], Gateway], *,
                 database_timeout: float = DATABASE_TIMEOUT,
                 clock: Callable[[], float] = time.time) -> None:
        self.store = store
        self.gateway = gateway
        self.database_timeout = database_timeout
        self.clock = clock

    async def check(self) -> Report:
        """The gateway as the client has it now, and the database read within the time-out.

        Only `SELECT 1` decides whether the database answers; it takes no lock (the store's
        reads and writes may hold `Database.lock` for a while: a writer waiting on SQLite, a
        reload). The backlog and the failing sources are read after it, each within the
        time-out too, and shown as unknown (null) when they take longer: the bot is no less
        healthy for it."""
        gateway = self.gateway()
        now = self.clock()
        try:
            async with asyncio.timeout(self.database_timeout):
                await self.store.database.value("SELECT 1")
        except Exception as exc:  # whatever the driver raises: the database is not answering
            why = self._why(exc)
            log.warning("health check: the database did not answer (%s)", why)
            return Report(gateway, False, why, checked_at=now)
        queues, failing = await asyncio.gather(self._at_most("the outbox backlog", self._queues()),
                                               self._at_most("the failing sources", self._failing()))
        return Report(gateway, True, None, queues, failing, checked_at=now)

    async def _queues(self) -> Sequence[Queue]:
        return await backlog(self.store.database)

    async def _failing(self) -> Sequence[Failing]:
        return (failing_sources(await self.store.news.sources())
                + failing_links(await self.store.listings.links()))

    async def _at_most(self, what: str, read: Coroutine[Any, Any, T]) -> T | None:
        """What `read` returns within the time-out, else None (shown as unknown)."""
        try:
            async with asyncio.timeout(self.database_timeout):
                return await read
        except Exception as exc:
            log.warning("health check: %s could not be read (%s)", what, self._why(exc))
            return None

    def _why(self, exc: Exception) -> str:
        # The type only: a driver's message may name the server, or worse, its password.
        if isinstance(exc, TimeoutError):
            return f"no answer within {self.database_timeout:g} s"
        return type(exc).__name__


def failing_sources(sources: Sequence[Source]) -> list[Failing]:
    """The news sources whose last fetch failed (paused ones included), with why in English."""
    return [Failing(s.id, s.name, s.url, s.failures, s.failing_since, not s.active,
                    Notice.load(s.last_error).text("en") if s.last_error else "")
            for s in sources if s.failures > 0]


def failing_links(links: Sequence[Link]) -> list[Failing]:
    """The shows whose listing could not be read at the last check, with why in English."""
    return [Failing(link.id, f"{link.provider} {link.external_id}", link.page_url, link.failures,
                    link.failing_since, False,
                    Notice.load(link.last_error).text("en") if link.last_error else "", kind="listing")
            for link in links if link.failures > 0]
