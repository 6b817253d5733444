"""Alerts: which channels get which announcements (subscriptions), and the outbox of
announcements to send (deliveries), which the announcer drains.

Every method takes the lock, reads included: the connection is shared, so a read made while a
write transaction is open would see its uncommitted deliveries.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
import time
from collections.abc import Iterable, Sequence
from typing import Any

from bot.alerts.premieres_store import Premieres
from bot.catalogue.view import View
from bot.core.errors import InvalidInput
from bot.core.models import CONFIDENCE_RANK, MIN_CONFIDENCES, TOPICS, Change, Delivery, Show, Subscription
from bot.db.connection import Database
from bot.db.rows import now_iso, read_delivery, read_subscription
from bot.i18n import LANGUAGES
from bot.i18n.notices import Notice

log = logging.getLogger(__name__)

# (SHARD_COUNT, this process's shard ids), or None for every shard.
ShardFilter = tuple[int, Sequence[int]] | None


class Alerts:
    """Subscriptions and the outbox of deliveries."""

    def __init__(self, db: Database, view: View, premieres: Premieres) -> None:
        self._db = db
        self._view = view
        self._premieres = premieres  # events a removed subscription asked for are cancelled
        # Set after a commit that may have queued deliveries; the announcer waits on it.
        self.deliveries_queued = asyncio.Event()
        # Who claims deliveries: this process, this run. Its updates to a delivery in flight
        # count only while the claim is its own (a claim taken over after its lease is not).
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"

    # -- queueing, inside the writer's transaction -----------------------------------------------

    async def change_written(self, change: Change, show: Show | None) -> None:
        """A change to announce: its deliveries join the outbox in the change's transaction."""
        if not change.silent:
            await self.queue_change(change)

    def change_committed(self, change: Change) -> None:
        """Wake the announcer once the change (and its deliveries) committed."""
        if not change.silent:
            self.deliveries_queued.set()

    async def queue_change(self, change: Change) -> None:
        """Queue one delivery per channel whose active subscriptions match a change."""
        show = self._view.show(change.show_id)
        fact = change.after or change.before
        if fact is None or (show is not None and show.archived):
            return
        await self.queue("change_id", change.id, change.created_at, change.show_id, change.kind,
                         fact.confidence)

    async def queue(self, column: str, ref: int, created_at: str, show_id: int, topic: str,
                    confidence: str) -> None:
        """One delivery row per matching channel, for a change or a prediction event."""
        await self._db.execute(self._db.dialect.fan_out(column),
                               (ref, time.time(), created_at, show_id, topic,
                                CONFIDENCE_RANK[confidence]))

    # -- subscriptions ---------------------------------------------------------------------------

    async def subscribe(self, guild_id: int, channel_id: int, *, show_id: int | None,
                        topics: Iterable[str] = TOPICS, min_confidence: str = "speculation",
                        role_id: int | None = None, publish: bool = False,
                        created_by: int, language: str = "en",
                        events: bool = False) -> tuple[Subscription, bool]:
        """Create, or update and resume, a channel's subscription; True if it is new."""
        given = set(topics)  # checked where they were typed (/alerts subscribe's parse_topics)
        chosen = tuple(t for t in TOPICS if t in given)
        if min_confidence not in MIN_CONFIDENCES:
            raise InvalidInput("min_confidence", "one of {values}.", values=", ".join(MIN_CONFIDENCES))
        if show_id is not None and self._view.show(show_id) is None:
            raise InvalidInput("show", "no such show.")
        if language not in LANGUAGES:
            raise InvalidInput("language", "one of {values}.", values=", ".join(LANGUAGES))
        stamp = now_iso()
        values = (guild_id, ",".join(chosen), min_confidence, role_id, int(publish), language,
                  int(events), stamp)
        async with self._db.lock, self._db.transaction():
            sub_id = await self._db.value(
                "SELECT id FROM subscription WHERE channel_id = ? AND coalesce(show_id, 0) = ?",
                (channel_id, show_id or 0))
            new = sub_id is None
            if sub_id is not None:
                await self._db.execute(
                    "UPDATE subscription SET guild_id = ?, topics = ?, min_confidence = ?, "
                    "role_id = ?, publish = ?, language = ?, events = ?, updated_at = ?, state = 'active', "
                    "paused_reason = NULL, warning = NULL WHERE id = ?", (*values, sub_id))
            else:
                sub_id = await self._db.insert(
                    "INSERT INTO subscription (guild_id, topics, min_confidence, role_id, "
                    "publish, language, events, updated_at, channel_id, show_id, created_by, "
                    "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                    (*values, channel_id, show_id, created_by, stamp))
            found = await self._db.fetchone("SELECT * FROM subscription WHERE id = ?", (sub_id,))
            rechecked = not events and not new and await self._premieres.recheck_in_transaction(guild_id)
        if rechecked:
            self._premieres.queued.set()
        assert found is not None
        return read_subscription(found), new

    async def unsubscribe(self, guild_id: int, channel_id: int, show_id: int | None = None) -> int:
        """Remove a channel's subscription to one show (None: all of them); how many went."""
        sql = "DELETE FROM subscription WHERE guild_id = ? AND channel_id = ?"
        params: list[Any] = [guild_id, channel_id]
        if show_id is not None:
            sql += " AND show_id = ?"
            params.append(show_id)
        async with self._db.lock, self._db.transaction():
            removed = await self._db.execute(sql, params)  # its deliveries go with it (cascade)
            rechecked = removed and await self._premieres.recheck_in_transaction(guild_id)
        if rechecked:
            self._premieres.queued.set()
        return removed

    async def subscriptions(self, guild_id: int) -> list[Subscription]:
        """Every subscription of a server, by channel then show."""
        sql = "SELECT * FROM subscription WHERE guild_id = ? ORDER BY channel_id, coalesce(show_id, 0)"
        async with self._db.lock:
            return [read_subscription(row) for row in await self._db.fetchall(sql, (guild_id,))]

    async def subscriptions_by_id(self, ids: Iterable[int]) -> dict[int, Subscription]:
        """Some subscriptions by id (missing ones were removed)."""
        wanted = sorted(set(ids))
        if not wanted:
            return {}
        sql = f"SELECT * FROM subscription WHERE id IN ({self._db.dialect.marks(len(wanted))})"
        async with self._db.lock:
            return {row["id"]: read_subscription(row) for row in await self._db.fetchall(sql, wanted)}

    async def pause_subscriptions(self, ids: Iterable[int], reason: Notice) -> int:
        """Pause active subscriptions with a reason and skip their pending deliveries."""
        wanted = list(ids)
        return await self._pause(f"id IN ({self._db.dialect.marks(len(wanted))})", wanted, reason)

    async def pause_channel(self, channel_id: int, reason: Notice) -> int:
        """Pause every active subscription of a channel (deleted, or permissions gone)."""
        return await self._pause("channel_id = ?", [channel_id], reason)

    async def _pause(self, condition: str, params: list[int], reason: Notice) -> int:
        if not params:
            return 0
        async with self._db.lock, self._db.transaction():
            await self._db.execute(
                "UPDATE delivery SET state = 'skipped', last_error = ? WHERE state = 'pending' "
                f"AND subscription_id IN (SELECT id FROM subscription WHERE {condition} "
                "AND state = 'active')", [f"not sent: {reason.text()}", *params])
            return await self._db.execute(
                "UPDATE subscription SET state = 'paused', paused_reason = ?, updated_at = ? "
                f"WHERE {condition} AND state = 'active'", [reason.dump(), now_iso(), *params])

    async def remove_channel(self, channel_id: int) -> int:
        """Remove every subscription of a deleted channel, unsent deliveries too; how many.
        Premiere events only its subscriptions asked for are then cancelled."""
        async with self._db.lock, self._db.transaction():
            guilds = await self._db.fetchall(
                "SELECT DISTINCT guild_id FROM subscription WHERE channel_id = ?", (channel_id,))
            removed = await self._db.execute("DELETE FROM subscription WHERE channel_id = ?",
                                             (channel_id,))
            rechecked = [await self._premieres.recheck_in_transaction(row[0]) for row in guilds]
        if any(rechecked):
            self._premieres.queued.set()
        return removed

    async def remove_guild(self, guild_id: int) -> int:
        """Remove every subscription of a server the bot was removed from; how many."""
        async with self._db.lock:
            # Deliveries go with their subscription (ON DELETE CASCADE): none is ever sent.
            return await self._db.execute("DELETE FROM subscription WHERE guild_id = ?", (guild_id,))

    async def set_subscription_warning(self, subscription_id: int, warning: Notice | None) -> None:
        """Record (or clear) a warning shown in /alerts list, such as a failed crosspost."""
        async with self._db.lock:
            await self._db.execute("UPDATE subscription SET warning = ? WHERE id = ?",
                                   (warning.dump() if warning else None, subscription_id))

    # -- the outbox ------------------------------------------------------------------------------

    def _on_shards(self, shards: ShardFilter) -> tuple[str, list[int]]:
        """SQL (on subscription `s`) keeping guilds on the given shards, and its parameters."""
        if shards is None:
            return "", []
        count, ids = shards
        return (f" AND ((s.guild_id >> 22) % ?) IN ({self._db.dialect.marks(len(ids))})",
                [count, *ids])

    async def due_deliveries(self, now: float, limit: int = 500, *,
                             shards: ShardFilter = None) -> list[Delivery]:
        """Pending deliveries of active subscriptions that are due, oldest first (only those of
        guilds on `shards`, if given)."""
        where, params = self._on_shards(shards)
        sql = ("SELECT d.* FROM delivery d JOIN subscription s ON s.id = d.subscription_id "
               f"WHERE d.state = 'pending' AND d.next_attempt_at <= ? AND s.state = 'active'{where} "
               "ORDER BY d.next_attempt_at, d.id LIMIT ?")
        async with self._db.lock:
            return [read_delivery(row) for row in await self._db.fetchall(sql, [now, *params, limit])]

    async def next_delivery_time(self, *, shards: ShardFilter = None) -> float | None:
        """When the earliest pending delivery of an active subscription is due, if any."""
        return await self._earliest("next_attempt_at", "d.state = 'pending' AND s.state = 'active'", shards)

    async def next_lease_expiry(self, *, shards: ShardFilter = None) -> float | None:
        """When the earliest claim on a delivery in flight runs out, if any is in flight."""
        return await self._earliest("lease_until", "d.state = 'sending'", shards)

    async def _earliest(self, column: str, condition: str, shards: ShardFilter) -> float | None:
        """The least `column` of the deliveries meeting `condition` (on delivery `d` and its
        subscription `s`) of guilds on `shards`, if any."""
        where, params = self._on_shards(shards)
        sql = (f"SELECT min(d.{column}) FROM delivery d JOIN subscription s "
               f"ON s.id = d.subscription_id WHERE {condition}{where}")
        async with self._db.lock:
            earliest = await self._db.value(sql, params)
        return None if earliest is None else float(earliest)

    async def batch_deliveries(self, batch: int) -> list[Delivery]:
        """The unsent deliveries of a batch (those once sent together as one message)."""
        sql = "SELECT * FROM delivery WHERE batch = ? AND state IN ('pending', 'sending') ORDER BY id"
        async with self._db.lock:
            return [read_delivery(row) for row in await self._db.fetchall(sql, (batch,))]

    async def deliveries(self, *, change_id: int | None = None, state: str | None = None,
                         event_id: int | None = None, limit: int = 100) -> list[Delivery]:
        """Deliveries of one change (or prediction event) and/or in one state, by id."""
        # The casts type a bare parameter for PostgreSQL (SQLite reads them alike).
        sql = ("SELECT * FROM delivery WHERE (CAST(? AS BIGINT) IS NULL OR change_id = ?) "
               "AND (CAST(? AS BIGINT) IS NULL OR event_id = ?) "
               "AND (CAST(? AS TEXT) IS NULL OR state = ?) ORDER BY id LIMIT ?")
        params = (change_id, change_id, event_id, event_id, state, state, limit)
        async with self._db.lock:
            return [read_delivery(row) for row in await self._db.fetchall(sql, params)]

    async def start_attempt(self, ids: Sequence[int], now: float, *,
                            lease_until: float | None = None) -> list[int]:
        """Claim pending deliveries as one batch in flight, before the request, until
        `lease_until` (None: no lease, anyone may resume them); the ids claimed."""
        if not ids:
            return []
        params = [min(ids), now, self.owner, lease_until, *ids]
        async with self._db.lock:
            rows = await self._db.fetchall(self._db.dialect.claim(len(ids)), params)
        return sorted(row[0] for row in rows)

    async def mark_delivered(self, ids: Sequence[int], message_id: int) -> None:
        """Deliveries that are in the channel, in this message."""
        await self._update(ids, "state = 'delivered', message_id = ?, last_error = NULL", [message_id])

    async def retry_later(self, ids: Sequence[int], at: float, error: str) -> None:
        """Deliveries to try again at `at` (Unix time) after a transient error."""
        await self._update(ids, "state = 'pending', next_attempt_at = ?, last_error = ?", [at, error])

    async def skip_deliveries(self, ids: Sequence[int], reason: str) -> None:
        """Deliveries that will not be sent (their subscription was paused)."""
        await self._update(ids, "state = 'skipped', last_error = ?", [f"not sent: {reason}"])

    async def mark_failed(self, ids: Sequence[int], error: str) -> None:
        """Deliveries given up on (listed in /alerts list)."""
        await self._update(ids, "state = 'failed', last_error = ?", [error])

    async def _update(self, ids: Sequence[int], assignments: str, params: list[Any]) -> None:
        if not ids:
            return
        # A delivery in flight is changed only by the process whose claim it is.
        sql = (f"UPDATE delivery SET {assignments} WHERE id IN ({self._db.dialect.marks(len(ids))}) "
               "AND (state = 'pending' OR (state = 'sending' AND claimed_by = ?))")
        async with self._db.lock:
            await self._db.execute(sql, [*params, *ids, self.owner])

    async def release_claims(self) -> int:
        """At a clean stop: this process's deliveries in flight may be resumed at once by the
        next to start (their lease ends now); how many."""
        async with self._db.lock:
            return await self._db.execute(
                "UPDATE delivery SET lease_until = NULL WHERE state = 'sending' AND claimed_by = ?",
                (self.owner,))

    async def resume_in_flight(self, now: float, *, shards: ShardFilter = None) -> int:
        """Deliveries left in flight by a stop or crash become due again once their lease ran
        out (of guilds on `shards`, if given); how many."""
        return await self._resume("(lease_until IS NULL OR lease_until <= ?)", [now], now, shards)

    async def take_over_claims(self, now: float, *, shards: ShardFilter = None) -> int:
        """At start: every claim of another process (an earlier run) on deliveries of guilds on
        `shards` becomes due again at once, lease or not; how many. Discord lets one process
        hold a shard, so whoever claimed them before this one started has lost its shards."""
        return await self._resume("(claimed_by IS NULL OR claimed_by <> ?)", [self.owner], now, shards)

    async def _resume(self, stale: str, stale_params: list[Any], now: float,
                      shards: ShardFilter) -> int:
        where, params = self._on_shards(shards)
        async with self._db.lock:
            return await self._db.execute(
                "UPDATE delivery SET state = 'pending', next_attempt_at = ?, claimed_by = NULL, "
                f"lease_until = NULL WHERE state = 'sending' AND {stale} AND subscription_id IN "
                f"(SELECT s.id FROM subscription s WHERE 1 = 1{where})", [now, *stale_params, *params])

    async def delivery_counts(self, guild_id: int) -> dict[int, dict[str, int]]:
        """Per subscription of a server: how many deliveries are in each state."""
        sql = ("SELECT d.subscription_id, d.state, count(*) FROM delivery d JOIN subscription s "
               "ON s.id = d.subscription_id WHERE s.guild_id = ? GROUP BY 1, 2")
        counts: dict[int, dict[str, int]] = {}
        async with self._db.lock:
            for sub_id, state, count in await self._db.fetchall(sql, (guild_id,)):
                counts.setdefault(sub_id, {})[state] = count
        return counts
