"""The one exactly-once send, which the announcer, the reminder DMs, the review posts and the
premiere events each run with only what differs for them.

A job is claimed in the database before its request (so that no two attempts overlap), looked
for in Discord when its last attempt is older than Discord's memory of nonces (an attempt that
arrived just before a crash), and sent with a nonce derived from the job within the global send
budget. Then the error decides: a 5xx, a time-out, a dropped connection or a 429 discord.py gave
up on is tried again with `backoff`, up to a day after the job was queued; anything else Discord
refuses is the kind's to judge (`refused`): pause what asked for it, drop it, or fail it.
"""

from __future__ import annotations

import asyncio
import collections
import datetime as dt
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import discord

from bot.metrics import count_send
from bot.outbox.budget import SendBudget
from bot.outbox.dispatcher import (
    FIRST_RETRY,
    GIVE_UP_AFTER,
    HISTORY_LIMIT,
    LOOKUP_AFTER,
    SEND_TIMEOUT,
    TRANSIENT,
    Dispatcher,
    backoff,
    describe,
)

log = logging.getLogger(__name__)

Job = TypeVar("Job")
K = TypeVar("K")
V = TypeVar("V")
T = TypeVar("T")


@dataclass(frozen=True)
class Tries:
    """How a job's attempts went so far: what looking for an earlier copy, the backoff and the
    give-up rule go by."""

    attempts: int  # as read with the job
    last_at: float | None  # when it was last tried (Unix time; for a batch, the earliest)
    created_at: str | None  # when it was queued (ISO); None: never given up on


def epoch(iso: str) -> float:
    """Unix time of an ISO timestamp as the store writes them."""
    return dt.datetime.fromisoformat(iso).timestamp()


def given_up(created_at: str | None, now: float) -> bool:
    """The one give-up rule: a job still failing a day after it was queued is failed."""
    return created_at is not None and now - epoch(created_at) > GIVE_UP_AFTER


class ExactlyOnce(Dispatcher, Generic[Job]):
    """A dispatcher whose jobs are each sent exactly once: `deliver(job)` for each job due.

    A subclass supplies what differs: `tries` (how the job went so far), `claim` (take it in the
    database and render it; None: nothing to send), `find_sent` (record an earlier copy found in
    Discord; what is left to send), `send` (the request under the budget, and recording it),
    `refused` (what a 4xx means for this kind), `retry_at` and `failed` (recording either).
    `kind` names its sends in bot/metrics.py: announcement, dm, review, event."""

    kind = "send"

    def __init__(self, client: Any, woken_by: asyncio.Event, budget: SendBudget, *,
                 first_retry: float = FIRST_RETRY, lookup_after: float = LOOKUP_AFTER,
                 rand: Callable[[], float] = random.random) -> None:
        super().__init__(client, woken_by)
        self.budget = budget
        self.first_retry = first_retry
        self.lookup_after = lookup_after
        self._rand = rand

    # -- what a kind supplies ------------------------------------------------------------------

    def tries(self, job: Job) -> Tries:
        """How the job's attempts went so far."""
        raise NotImplementedError

    async def claim(self, job: Job, now: float) -> Job | None:
        """Take the job in hand for one attempt, ready to send; None: nothing to send."""
        raise NotImplementedError

    async def find_sent(self, job: Job) -> Job | None:
        """Record what an earlier attempt already sent; what is left to send (None: nothing)."""
        return job

    async def send(self, job: Job) -> None:
        """Send the job (through `request`) and record it sent."""
        raise NotImplementedError

    async def refused(self, job: Job, exc: discord.HTTPException) -> None:
        """Discord refused the job for good (a 4xx but a 429): what that means for this kind."""
        raise NotImplementedError

    async def retry_at(self, job: Job, at: float, error: str) -> None:
        """Record the job to try again at `at` (Unix time)."""
        raise NotImplementedError

    async def failed(self, job: Job, error: str) -> None:
        """Record the job given up on."""
        raise NotImplementedError

    # -- the routine ---------------------------------------------------------------------------

    async def deliver(self, job: Job) -> None:
        """One attempt at a job, whatever happens recorded in the database."""
        try:
            await self._attempt(job)
        except Exception as exc:  # a bug or the database: try again later, as the job was read
            log.exception("%s: %r failed unexpectedly", self.task_name, job)
            count_send(self.kind, "retried")
            await self.retry_at(job, time.time() + self.delay(job), f"internal error: {exc!r}")

    async def _attempt(self, job: Job) -> None:
        now = time.time()
        last = self.tries(job).last_at  # as read before the claim, which moves it on
        stale = last is not None and now - last > self.lookup_after
        claimed = await self.claim(job, now)
        if claimed is None:
            return
        left: Job = claimed
        try:
            if stale:
                unsent = await self.find_sent(left)
                if unsent is None:
                    return
                left = unsent
            await self.send(left)
            count_send(self.kind, "sent")
        except TRANSIENT as exc:
            await self.retry(left, describe(exc))
        except discord.HTTPException as exc:
            if exc.status == 429:  # discord.py gave up after its own retries: it will pass
                await self.retry(left, describe(exc))
            else:
                count_send(self.kind, "refused")
                await self.refused(left, exc)

    async def retry(self, job: Job, error: str) -> None:
        """Try the job again after a backoff, or fail it if it has been failing for a day."""
        if given_up(self.tries(job).created_at, time.time()):
            count_send(self.kind, "given_up")
            await self.failed(job, f"gave up after 24 hours; last error: {error}")
        else:
            count_send(self.kind, "retried")
            await self.retry_at(job, time.time() + self.delay(job), error)

    def delay(self, job: Job) -> float:
        """Seconds before the next attempt at a job."""
        return backoff(self.tries(job).attempts + 1, self._rand, self.first_retry)

    # -- helpers for the kinds -----------------------------------------------------------------

    async def request(self, call: Awaitable[T]) -> T:
        """One request to Discord within the send budget and the time-out."""
        async with self.budget.request():
            return await asyncio.wait_for(call, SEND_TIMEOUT)

    async def own_messages(self, channel: Any, what: str) -> list[Any]:
        """The bot's recent messages in a channel, where an earlier copy of a send would be;
        none if Discord does not let the bot read them."""
        try:
            async with self.budget.request():
                messages = [m async for m in channel.history(limit=HISTORY_LIMIT)]
        except discord.HTTPException as exc:
            log.warning("looking for %s failed: %s", what, exc)
            return []
        user = self.client.user
        return [m for m in messages if user is not None and m.author.id == user.id]


class Recent(Generic[K, V]):
    """The `size` values last asked for, each loaded once while it is kept (an LRU cache)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._values: collections.OrderedDict[K, V] = collections.OrderedDict()

    async def get(self, key: K, load: Callable[[K], Awaitable[V | None]]) -> V | None:
        """The value for `key`, loaded if it is not kept; None (not kept) if there is none."""
        value = self._values.get(key)
        if value is None:
            value = await load(key)
            if value is None:
                return None
            self._values[key] = value
            if len(self._values) > self.size:
                self._values.popitem(last=False)
        self._values.move_to_end(key)
        return value
