"""The announcer's claims on deliveries: due deliveries of this process's shards, each claimed
with a lease; a process that starts takes over its shards' claims from earlier runs at once
(Discord allows one connection per shard), and the lease frees what is left in flight after
that, resent with the same nonce or found as the earlier message so that none is sent twice."""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Sequence

from bot.alerts.store import Alerts
from bot.core.models import Delivery
from bot.outbox.shards import Shards

log = logging.getLogger(__name__)


class Claims:
    """The announcer's view of the outbox: due deliveries of its shards, claimed with a lease,
    and other processes' expired claims taken up again."""

    def __init__(self, alerts: Alerts, shards: Shards | None, lease: float) -> None:
        self.alerts = alerts
        self.shards = shards
        self.lease = lease
        self._check_at = 0.0  # when to look for expired leases next

    @property
    def _filter(self) -> tuple[int, Sequence[int]] | None:
        return (self.shards.count, self.shards.ids) if self.shards else None

    async def due(self, now: float, limit: int) -> list[Delivery]:
        """Pending deliveries of this process's shards that are due, oldest first."""
        return await self.alerts.due_deliveries(now, limit, shards=self._filter)

    async def claim(self, ids: Sequence[int], now: float) -> list[int]:
        """Take deliveries for one attempt, until the lease runs out; the ids taken."""
        return await self.alerts.start_attempt(ids, now, lease_until=now + self.lease)

    async def take_over(self) -> int:
        """Once at start, with this process's shards connected: deliveries of these shards that
        an earlier run left in flight become due at once. Discord allows one connection per
        shard, so nobody else is sending them: their lease is not worth waiting out (the nonce
        and the look for an earlier copy keep a resend from arriving twice)."""
        try:
            taken = await self.alerts.take_over_claims(time.time(), shards=self._filter)
        except Exception:  # the database gone for now: the leases run out by themselves
            log.exception("taking over deliveries left in flight failed")
            return 0
        if taken:
            log.info("taking over %d deliveries an earlier run of these shards left in flight", taken)
        return taken

    async def resume_expired(self, now: float | None = None) -> int:
        """If it is time: deliveries whose claim ran out (their process died) become due again."""
        now = time.time() if now is None else now
        if now < self._check_at:
            return 0
        resumed = await self.alerts.resume_in_flight(now, shards=self._filter)
        if resumed:
            log.info("resuming %d deliveries left in flight (a stopped process or a crash)", resumed)
        expiry = await self.alerts.next_lease_expiry(shards=self._filter)
        # Look again when the earliest claim runs out, and at least once a lease: a process
        # that restarts later may leave more.
        self._check_at = min(math.inf if expiry is None else expiry, now + self.lease)
        return resumed

    async def release(self) -> None:
        """At a clean stop: what this process still has in flight may be resumed at once."""
        try:
            released = await self.alerts.release_claims()
        except Exception:  # the database gone: the leases run out by themselves
            log.exception("releasing deliveries in flight failed")
            return
        if released:
            log.info("released %d deliveries in flight for the next start", released)

    async def next_due(self) -> float | None:
        """When the earliest pending delivery of these shards is due, if any."""
        return await self.alerts.next_delivery_time(shards=self._filter)

    def wake_by(self, timeout: float | None) -> float | None:
        """The announcer's wait (None: until woken), cut short for when `resume_expired` next
        has something to do."""
        until = max(self._check_at - time.time(), 0.0)
        return until if timeout is None or until < timeout else timeout
