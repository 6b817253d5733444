"""Premiere events: per server and season, the Discord scheduled event the bot keeps in step
with the show's release entry (`/alerts subscribe … events:true`), drained by
`bot.alerts.premieres.EventSender`.

A row is marked `pending` in the release change's own transaction (or when a server asks for
events); the sender then reads the release entry as it is and creates, moves or cancels the one
event. Every method takes the lock, reads included (see `alerts`)."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from bot.core.models import Change, Premiere, Show
from bot.db.connection import Database, Row
from bot.db.rows import now_iso
from bot.i18n.notices import Notice

log = logging.getLogger(__name__)

# Per server with an active events subscription for the show (or for every show), one row for
# the season, marked for another look. The casts type the bare parameters for PostgreSQL.
_QUEUE = (
    "INSERT INTO premiere (guild_id, show_id, season, next_attempt_at) "
    "SELECT DISTINCT guild_id, CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS DOUBLE PRECISION) "
    "FROM subscription WHERE events = 1 AND state = 'active' AND (show_id = ? OR show_id IS NULL) "
    "AND (CAST(? AS BIGINT) IS NULL OR guild_id = ?) "
    "ON CONFLICT (guild_id, show_id, season) DO UPDATE SET state = 'pending', attempts = 0, "
    "last_error = NULL, next_attempt_at = excluded.next_attempt_at"
)

# A server's rows that have an event, marked for another look: a subscription that asked for
# events went away or stopped asking, and the sender cancels an event nobody asks for.
_RECHECK = ("UPDATE premiere SET state = 'pending', attempts = 0, last_error = NULL, "
            "next_attempt_at = ? WHERE guild_id = ? AND event_id IS NOT NULL")
_WANTED = ("SELECT 1 FROM subscription WHERE guild_id = ? AND events = 1 "
           "AND (show_id = ? OR show_id IS NULL) LIMIT 1")


def read_premiere(row: Row) -> Premiere:
    """A `premiere` row."""
    return Premiere(id=row["id"], guild_id=row["guild_id"], show_id=row["show_id"],
                    season=row["season"], event_id=row["event_id"], event_day=row["event_day"],
                    state=row["state"], attempts=row["attempts"],
                    next_attempt_at=row["next_attempt_at"], last_error=row["last_error"])


class Premieres:
    """The premiere rows and their states."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self.queued = asyncio.Event()  # set after a commit that marked rows; the sender waits

    async def change_written(self, change: Change, show: Show | None) -> None:
        """The premiere event follows the release, announced or not (an archived show has none)."""
        if change.kind == "release" and show is not None and not show.archived:
            await self.queue_in_transaction(show.id, show.season)

    def change_committed(self, change: Change) -> None:
        """Wake the event sender after a change to a release."""
        if change.kind == "release":
            self.queued.set()

    async def queue_in_transaction(self, show_id: int, season: int, guild_id: int | None = None) -> int:
        """Mark the season's premiere for another look in every server that wants events (or
        in one); inside the caller's transaction. How many."""
        return await self._db.execute(_QUEUE, (show_id, season, time.time(), show_id, guild_id, guild_id))

    async def queue(self, show_id: int, season: int, guild_id: int | None = None) -> int:
        """`queue_in_transaction` in a transaction of its own, and wake the sender."""
        async with self._db.lock, self._db.transaction():
            count = await self.queue_in_transaction(show_id, season, guild_id)
        self.queued.set()
        return count

    async def recheck_in_transaction(self, guild_id: int) -> int:
        """Mark a server's rows that have an event for another look, inside the caller's
        transaction (a subscription asking for events is gone); set `queued` after the commit."""
        return await self._db.execute(_RECHECK, (time.time(), guild_id))

    async def premiere_wanted(self, guild_id: int, show_id: int) -> bool:
        """Whether a subscription of the server (paused or not) still asks for the show's events."""
        async with self._db.lock:
            return await self._db.value(_WANTED, (guild_id, show_id)) is not None

    async def premieres(self, guild_id: int | None = None) -> list[Premiere]:
        """Every premiere row (of one server), by id."""
        sql = "SELECT * FROM premiere WHERE CAST(? AS BIGINT) IS NULL OR guild_id = ? ORDER BY id"
        async with self._db.lock:
            return [read_premiere(r) for r in await self._db.fetchall(sql, (guild_id, guild_id))]

    async def due_premieres(self, now: float) -> list[Premiere]:
        """Rows marked for another look whose time has come."""
        sql = "SELECT * FROM premiere WHERE state = 'pending' AND next_attempt_at <= ? ORDER BY id LIMIT 100"
        async with self._db.lock:
            return [read_premiere(r) for r in await self._db.fetchall(sql, (now,))]

    async def next_premiere_time(self) -> float | None:
        """When the earliest pending row is due, if any."""
        async with self._db.lock:
            due = await self._db.value("SELECT min(next_attempt_at) FROM premiere WHERE state = 'pending'")
        return None if due is None else float(due)

    async def claim_premiere(self, premiere_id: int) -> bool:
        """Take a pending row in hand; False if it was not pending."""
        async with self._db.lock:
            return bool(await self._db.execute(
                "UPDATE premiere SET state = 'sending', attempts = attempts + 1 "
                "WHERE id = ? AND state = 'pending'", (premiere_id,)))

    async def settle_premiere(self, premiere_id: int, event_id: int | None, event_day: str | None) -> None:
        """What Discord now has; done, unless a newer change marked the row again meanwhile."""
        await self._set(premiere_id, "event_id = ?, event_day = ?, last_error = NULL, state = "
                        "CASE WHEN state = 'sending' THEN 'done' ELSE state END", [event_id, event_day])

    async def retry_premiere(self, premiere_id: int, at: float, error: str) -> None:
        """Look again at `at` after a transient error."""
        await self._set(premiere_id, "state = 'pending', next_attempt_at = ?, last_error = ?", [at, error])

    async def block_premiere(self, premiere: Premiere, reason: Notice, *, final: str = "blocked") -> None:
        """Stop trying (no loop of refusals) and warn in /alerts list (worded for its reader),
        until the server's admins run /alerts subscribe again or the release changes."""
        async with self._db.lock, self._db.transaction():
            await self._db.execute("UPDATE premiere SET state = ?, last_error = ? WHERE id = ?",
                                   (final, str(reason), premiere.id))
            await self._db.execute(
                "UPDATE subscription SET warning = ?, updated_at = ? WHERE guild_id = ? AND events = 1 "
                "AND (show_id = ? OR show_id IS NULL)",
                (reason.dump(), now_iso(), premiere.guild_id, premiere.show_id))

    async def _set(self, premiere_id: int, assignments: str, params: list[Any]) -> None:
        async with self._db.lock:
            await self._db.execute(f"UPDATE premiere SET {assignments} WHERE id = ?", [*params, premiere_id])

    async def resume_premieres_in_flight(self) -> int:
        """At start: rows left in hand by a stop or crash are looked at again."""
        async with self._db.lock:
            return await self._db.execute(
                "UPDATE premiere SET state = 'pending', next_attempt_at = ? WHERE state = 'sending'",
                (time.time(),))
