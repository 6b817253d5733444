"""Random faults for soak tests: 5xx, 429, latency and gateway trouble, from a fixed seed.

    chaos = Chaos(standin, seed=7)
    task = asyncio.create_task(chaos.run(seconds=20))
    ...
    await task; print(chaos.counts)  # Counter of what was injected

REST faults go to the routes in `routes` (by default those announcements use: posting and
crossposting messages), so that an interaction's own answer, which Discord gives no second
chance either, is not what fails. Gateway faults (dropped connection, op 7, op 9) are spaced
at least `gateway_gap` seconds apart so that the bot has reconnected before the next one.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections import Counter
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .driver import StandIn

log = logging.getLogger(__name__)

ANNOUNCE_ROUTES = (
    ("POST", "/channels/{channel_id}/messages"),
    ("POST", "/channels/{channel_id}/messages/{message_id}/crosspost"),
)
SERVER_ERRORS = (500, 502, 503, 504)
GATEWAY_FAULTS = ("drop", "op 7", "op 9 resumable", "op 9")


class Chaos:
    """Injects a random fault every `every` seconds (on average) while `run` lasts."""

    def __init__(
        self,
        standin: StandIn,
        *,
        seed: int,
        every: float = 0.25,
        gateway_gap: float = 3.0,
        routes: tuple[tuple[str, str], ...] = ANNOUNCE_ROUTES,
    ) -> None:
        self.standin = standin
        self.random = random.Random(seed)
        self.every = every
        self.gateway_gap = gateway_gap
        self.routes = routes
        self.counts: Counter[str] = Counter()
        self.gateway_faults: list[float] = []  # monotonic times of dropped connections, op 7, op 9
        self._last_gateway = 0.0

    @property
    def injected(self) -> int:
        """Faults injected so far (REST faults counted when they are armed)."""
        return sum(self.counts.values())

    def connected(self) -> bool:
        """Whether the bot holds a live, valid gateway session right now."""
        session = self.standin.gateway.current
        return session is not None and session.valid and session.ws is not None and not session.ws.closed

    async def run(self, seconds: float) -> None:
        """Inject faults for `seconds`, then clear what is still armed."""
        end = time.monotonic() + seconds
        try:
            while time.monotonic() < end:
                await asyncio.sleep(self.random.expovariate(1 / self.every))
                await self._one()
        finally:
            self.standin.faults.clear()

    async def _one(self) -> None:
        roll = self.random.random()
        gateway_ok = time.monotonic() - self._last_gateway >= self.gateway_gap and self.connected()
        if roll < 0.25 and gateway_ok:
            await self._gateway_fault()
        elif roll < 0.55:
            self._rest_fault(self.random.choice(SERVER_ERRORS))
        elif roll < 0.85:
            self._rest_fault(429)
        else:
            await self._latency_burst()

    def _rest_fault(self, status: int) -> None:
        method, route = self.random.choice(self.routes)
        count = self.random.randint(1, 3)
        retry_after = round(self.random.uniform(0.05, 0.6), 3)
        self.standin.faults.add(method, route, status=status, count=count, retry_after=retry_after)
        self.counts["429" if status == 429 else "5xx"] += count

    async def _latency_burst(self) -> None:
        self.standin.faults.latency = self.random.uniform(0.05, 0.3)
        self.counts["latency bursts"] += 1
        await asyncio.sleep(self.random.uniform(0.2, 1.0))
        self.standin.faults.latency = 0.0

    async def _gateway_fault(self) -> None:
        self._last_gateway = time.monotonic()
        # In turn rather than at random, so that even a short soak has every kind.
        kind = GATEWAY_FAULTS[len(self.gateway_faults) % len(GATEWAY_FAULTS)]
        self.gateway_faults.append(self._last_gateway)
        log.info("chaos: %s", kind)
        self.counts[kind] += 1
        if kind == "drop":
            await self.standin.drop_connection()
        elif kind == "op 7":
            await self.standin.send_reconnect()
        else:
            await self.standin.send_invalid_session(resumable=kind == "op 9 resumable")
