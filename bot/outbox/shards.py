"""Shards across processes: which guilds a process serves (the announcer's claims on deliveries
are in bot/alerts/claims.py).

Discord puts a guild on shard `(guild_id >> 22) % shard_count`. A process started with
SHARD_COUNT and SHARD_IDS delivers only to channels of guilds on its shards, at its share of
the global send budget (bot/outbox/budget.py counts each request as Discord does, so the shares add up
to no more than the whole). Every claim on a delivery carries a lease: a process killed mid-send
leaves its deliveries "sending", and whoever serves those shards next takes them up again,
resending with the same nonce (or finding the earlier message), so that none is sent twice even
while processes restart. Discord allows one connection per shard, so a process that starts
takes over its shards' claims from earlier runs at once; the lease frees what is left in flight
after that (a claim of a process still handing its shards over when this one started).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

log = logging.getLogger(__name__)

LEASE = 90.0  # seconds a claim on a delivery holds (DELIVERY_LEASE)


@dataclass(frozen=True)
class Shards:
    """The shards one process holds: `ids` out of `count`."""

    count: int
    ids: tuple[int, ...]

    def __str__(self) -> str:
        return f"{','.join(map(str, self.ids))} of {self.count}"

    def of_guild(self, guild_id: int) -> int:
        """The shard Discord puts a guild on."""
        return (guild_id >> 22) % self.count

    def holds(self, guild_id: int | None) -> bool:
        """Whether a guild is on one of these shards (direct messages come to shard 0)."""
        return (0 if guild_id is None else self.of_guild(guild_id)) in self.ids

    def share(self, rate: float) -> float:
        """These shards' part of a global budget, so that all processes together keep to it."""
        return rate * len(self.ids) / self.count
