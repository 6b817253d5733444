"""What every background task shares: a task that looks at its table in the database, acts on
what is due, and sleeps until a commit wakes it or the next row falls due (a database-driven
dispatcher: a restart loses nothing, since the rows are the work).

The four senders (bot/outbox/sender.py: the announcer, the reminder DMs, the premiere events,
the review posts) and the news poller each subclass `Dispatcher` and say what one look does;
the announcer and the DMs hand each channel's or person's rows to short-lived `Workers`. All
share the one `backoff`; the senders also the errors worth retrying here.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import random
from collections.abc import Callable, Coroutine
from typing import Any

import aiohttp
import discord

from bot.core.messages import N_

log = logging.getLogger(__name__)

RETRY_AFTER_ERROR = 1.0  # seconds before looking again when the database failed
FIRST_RETRY = 2.0  # seconds; the first retry of a send comes after 1-2 s
MAX_RETRY = 300.0
GIVE_UP_AFTER = 24 * 3600.0
LOOKUP_AFTER = 120.0  # an attempt older than this may be past Discord's nonce memory
SEND_TIMEOUT = 60.0
HISTORY_LIMIT = 50  # recent messages looked through for an earlier copy of a send
# Errors worth trying again: Discord's 5xx, timeouts, the connection.
TRANSIENT: tuple[type[BaseException], ...] = (
    discord.DiscordServerError, discord.RateLimited, aiohttp.ClientError, TimeoutError, OSError,
)


def backoff(attempt: int, rand: Callable[[], float] = random.random,
            first: float = FIRST_RETRY, cap: float = MAX_RETRY,
            jitter: tuple[float, float] = (0.5, 0.5)) -> float:
    """Seconds to wait before retry number `attempt` (1 = first): doubling, capped, jittered to
    between `low` and `low + spread` times that for `jitter = (low, spread)`."""
    ceiling = min(cap, first * 2 ** min(attempt - 1, 30))
    low, spread = jitter
    return float(ceiling * (low + spread * rand()))


def describe(exc: BaseException) -> str:
    """A short human description of a send error."""
    if isinstance(exc, discord.HTTPException):
        text = f"{exc.status} {getattr(exc.response, 'reason', '') or ''}".strip()
        if exc.code:
            text += f" (code {exc.code}"
            text += f": {exc.text})" if exc.text else ")"
        return text[:300]
    if isinstance(exc, TimeoutError):
        return N_("timed out")  # a Msg: translated where shown
    return f"{type(exc).__name__}: {exc}"[:300]


class Dispatcher:
    """One background task: `start()` once the bot is set up, `stop()` at close, `wake()` to
    look now. A subclass implements `look()` and, if it has work left from a stopped process,
    `resume()`. With a client, the task first waits for it to be ready."""

    task_name = "seasonwatch-dispatcher"
    retry_after_error: float | None = None  # None: RETRY_AFTER_ERROR

    def __init__(self, client: Any | None, woken_by: asyncio.Event) -> None:
        self.client: Any = client
        self._woken = woken_by  # the store sets it after committing rows for this sender
        self.idle = asyncio.Event()  # set whenever nothing is due and nothing is in flight
        self._runner: asyncio.Task[None] | None = None
        self._stopping = False

    @property
    def running(self) -> bool:
        """Whether the task is started and has not ended."""
        return self._runner is not None and not self._runner.done()

    def start(self) -> None:
        """Start the task; it first waits for the client to be ready."""
        if not self.running:
            self._stopping = False
            self._runner = asyncio.create_task(self._run(), name=self.task_name)

    def wake(self) -> None:
        """Look at the table now."""
        self._woken.set()

    async def stop(self) -> None:
        """Stop looking; what the task had in hand is resumed at the next start."""
        self._stopping = True
        if self._runner is not None:
            # Python 3.11's wait_for (inside discord.py and aiosqlite) can swallow a cancel that
            # lands as its wait ends: cancel until the task has really stopped.
            while not self._runner.done():
                self._runner.cancel()
                await asyncio.wait({self._runner}, timeout=0.5)
            self._runner = None

    async def resume(self) -> None:
        """Once at start, when the client is ready: take up what a stopped process left."""

    async def look(self) -> float | None:
        """Act on what is due; the seconds until the next look (0: at once; None: when woken)."""
        raise NotImplementedError

    async def _run(self) -> None:
        if self.client is not None:
            await self.client.wait_until_ready()
        await self.resume()
        while not self._stopping:
            self._woken.clear()
            try:
                wait = await self.look()
            except Exception:
                pause = RETRY_AFTER_ERROR if self.retry_after_error is None else self.retry_after_error
                log.exception("%s: reading the database failed; trying again in %g s",
                              self.task_name, pause)
                await asyncio.sleep(pause)
                continue
            if wait is not None and wait <= 0:
                continue
            # asyncio.timeout, not wait_for: Python 3.11's wait_for can swallow a cancel that
            # arrives as the event is set, and then stop() would wait for ever.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(wait):
                    await self._woken.wait()


class Workers:
    """Short-lived tasks of a dispatcher: at most one per key (a channel, a person), so that
    its rows go out in order, and at most `limit` at once. Each one ending wakes the
    dispatcher, since rows it skipped for a busy key may now go."""

    def __init__(self, limit: int, on_done: Callable[[], None]) -> None:
        self._slots = asyncio.Semaphore(limit)
        self._busy: set[int] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._on_done = on_done

    def __len__(self) -> int:
        return len(self._tasks)

    def busy(self, key: int) -> bool:
        """Whether a task for this key is running."""
        return key in self._busy

    async def start(self, key: int, name: str, work: Callable[[], Coroutine[Any, Any, None]]) -> None:
        """Run `work()` for `key` once a slot is free (the caller checked `busy` first)."""
        await self._slots.acquire()
        self._busy.add(key)
        task = asyncio.create_task(work(), name=name)
        self._tasks.add(task)
        task.add_done_callback(functools.partial(self._finished, key))

    def _finished(self, key: int, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        self._busy.discard(key)
        self._slots.release()
        self._on_done()

    async def finish(self, grace: float) -> None:
        """Give the tasks in flight `grace` seconds, then cancel the rest: their rows stay
        claimed and are resumed (and looked for in Discord) at the next start."""
        if not self._tasks:
            return
        await asyncio.wait(set(self._tasks), timeout=grace)
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
