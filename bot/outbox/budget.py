"""The bot's global send budget: Discord lets a bot make about 50 requests a second, counted
as they arrive, and answers the next one with a 429.

Discord counts a request when it gets it: some time after the bot let it go and before the
answer comes back, by an amount the bot cannot know (its own event loop, the CPU it shares, the
network). Pacing by the moment a request is let go, as a plain token bucket does, is then only
as good as that delay is steady: a request held back a few milliseconds lands next to the ones
after it, and at the full rate that is one too many in Discord's second. Worse when several
processes split one budget: each one's late request can meet the other's full share.

So a request holds its place from the moment it is let go until a second after its answer:
by then it has certainly arrived, whatever its delay, and a request let go after that is
counted after it. `rate` places are a hard bound on what Discord counts in any second, for one
process, and for processes that each keep to their share of one budget.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

# Discord's second, and a millisecond for timers' rounding.
WINDOW = 1.001


class SendBudget:
    """Lets requests go at most `rate` to any second as Discord counts them, evenly paced.

    `async with budget.request(): await <one request>` around every request the bot makes
    outside interaction replies (which Discord does not count against the budget).
    """

    def __init__(self, rate: float, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Any] = asyncio.sleep) -> None:
        if rate <= 0:
            raise ValueError("rate must be above 0")
        self.rate = rate
        self.places = max(1, int(rate))  # a share like 12.5 keeps 12: shares never add up to more
        self._window = WINDOW
        self._interval = 1.0 / rate
        self._clock = clock
        self._sleep = sleep
        self._next = clock()  # the timetable that spreads requests over the second
        self._answered: collections.deque[float] = collections.deque()  # when, oldest first
        self._in_flight = 0
        self._lock = asyncio.Lock()  # first come, first served
        self._freed = asyncio.Event()

    @property
    def in_flight(self) -> int:
        """Requests let go and not yet answered."""
        return self._in_flight

    @contextlib.asynccontextmanager
    async def request(self) -> AsyncIterator[None]:
        """Wait for a place, hold it while the caller makes one request, and keep it for a
        second after the answer (or the error: the request may have arrived all the same)."""
        await self._take()
        try:
            yield
        finally:
            self._in_flight -= 1
            self._answered.append(self._clock())
            self._freed.set()

    async def _take(self) -> None:
        async with self._lock:
            while True:
                now = self._clock()
                wait = self._wait(now)
                if wait is None:
                    self._freed.clear()
                    await self._freed.wait()
                elif wait > 0:
                    await self._sleep(wait)
                else:
                    break
            self._in_flight += 1
            # A slightly late request keeps the timetable; one after a pause restarts it, with
            # at most one early slot rather than a burst of missed ones.
            self._next = max(self._next, now - self._interval / 2) + self._interval

    def _wait(self, now: float) -> float | None:
        """Seconds until the next request may go (0 or less: now); None: until one is answered."""
        while self._answered and self._answered[0] <= now - self._window:
            self._answered.popleft()
        if self._in_flight + len(self._answered) < self.places:
            return self._next - now
        if self._answered:
            return max(self._answered[0] + self._window, self._next) - now
        return None  # every place is in flight
