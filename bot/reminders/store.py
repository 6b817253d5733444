"""Reminders: a DM to one person whenever one entry changes (`/remind`), and the outbox of
those DMs, queued in the change's own transaction and drained by `bot.reminders.DMSender`.

Every method takes the lock, reads included (the connection is shared; see `alerts`).
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from bot.catalogue.render import escape
from bot.catalogue.view import View
from bot.core.errors import InvalidInput, UserError
from bot.core.messages import N_
from bot.core.models import Change, DirectMessage, Reminder, Show
from bot.db.connection import Database, Row
from bot.db.rows import now_iso

log = logging.getLogger(__name__)

MAX_PER_PERSON = 25
DMS_CLOSED = "dms_closed"  # the paused reason a 50007 leaves; the cog words it for the person
ARCHIVED = N_("{title} is archived and announces nothing more; pick a tracked show.")

# The casts type the bare parameters for PostgreSQL; SQLite reads them alike.
_FAN_OUT = (
    "INSERT INTO dm (reminder_id, change_id, user_id, next_attempt_at, created_at) "
    "SELECT id, CAST(? AS BIGINT), user_id, CAST(? AS DOUBLE PRECISION), CAST(? AS TEXT) "
    "FROM reminder WHERE state = 'active' AND show_id = ? AND kind = ? AND key = ?"
)
_DUE = ("SELECT m.* FROM dm m JOIN reminder r ON r.id = m.reminder_id WHERE m.state = 'pending' "
        "AND r.state = 'active' AND m.next_attempt_at <= ? ORDER BY m.next_attempt_at, m.id LIMIT ?")


def read_reminder(row: Row) -> Reminder:
    """A `reminder` row."""
    return Reminder(id=row["id"], user_id=row["user_id"], show_id=row["show_id"], kind=row["kind"],
                    key=row["key"], language=row["language"], state=row["state"],
                    paused_reason=row["paused_reason"], created_at=row["created_at"])


def read_dm(row: Row) -> DirectMessage:
    """A `dm` row."""
    return DirectMessage(
        id=row["id"], reminder_id=row["reminder_id"], change_id=row["change_id"],
        user_id=row["user_id"], state=row["state"], attempts=row["attempts"],
        next_attempt_at=row["next_attempt_at"], last_attempt_at=row["last_attempt_at"],
        message_id=row["message_id"], last_error=row["last_error"], created_at=row["created_at"])


class Reminders:
    """Reminders and their DM outbox."""

    def __init__(self, db: Database, view: View) -> None:
        self._db = db
        self._view = view
        self.dms_queued = asyncio.Event()  # set after a commit that queued DMs; the sender waits
        # People with a reminder paused that they have not been told about: checked on every
        # command, so kept in memory (loaded by `load_untold`, grown by `pause`).
        self.untold: set[int] = set()
        self.untold_stale = False  # another process committed: it may have paused reminders

    # -- queueing, inside the writer's transaction -----------------------------------------------

    async def change_written(self, change: Change, show: Show | None) -> None:
        """Fans' DMs about a change join their outbox in the change's transaction."""
        if not change.silent:
            await self.queue_change(change)

    def change_committed(self, change: Change) -> None:
        """Wake the DM sender once the change committed."""
        if not change.silent:
            self.dms_queued.set()

    async def queue_change(self, change: Change) -> int:
        """Queue one DM per active reminder of the changed entry; how many."""
        show = self._view.show(change.show_id)
        if show is None or show.archived:
            return 0
        return await self._db.execute(_FAN_OUT, (change.id, time.time(), change.created_at,
                                                 change.show_id, change.kind, change.key))

    # -- what people ask for ---------------------------------------------------------------------

    async def add(self, user_id: int, show_id: int, kind: str, key: str,
                  language: str = "en") -> tuple[Reminder, bool]:
        """Set (or resume) a reminder; True if it is new. At most MAX_PER_PERSON per person.
        Refused on an archived show: it announces nothing, so the reminder could never fire."""
        async with self._db.lock, self._db.transaction():
            show = self._view.show(show_id)
            if show is not None and show.archived:
                raise InvalidInput("show", ARCHIVED, title=escape(show.title))
            found = await self._db.fetchone(
                "SELECT id FROM reminder WHERE user_id = ? AND show_id = ? AND kind = ? AND key = ?",
                (user_id, show_id, kind, key))
            if found is not None:
                reminder_id = int(found[0])
                await self._db.execute(
                    "UPDATE reminder SET state = 'active', paused_reason = NULL, told = 1, "
                    "language = ? WHERE id = ?", (language, reminder_id))
            else:
                count = await self._db.value("SELECT count(*) FROM reminder WHERE user_id = ?",
                                             (user_id,))
                if int(count) >= MAX_PER_PERSON:
                    raise UserError("You already have {limit} reminders, the most one person can "
                                    "have. Stop one with `/remind stop`, then try again.",
                                    limit=MAX_PER_PERSON)
                reminder_id = await self._db.insert(
                    "INSERT INTO reminder (user_id, show_id, kind, key, language, created_at) "
                    "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                    (user_id, show_id, kind, key, language, now_iso()))
            row = await self._db.fetchone("SELECT * FROM reminder WHERE id = ?", (reminder_id,))
            untold = await self._db.value(
                "SELECT count(*) FROM reminder WHERE user_id = ? AND told = 0", (user_id,))
        if not untold:
            self.untold.discard(user_id)
        assert row is not None
        return read_reminder(row), found is None

    async def of_user(self, user_id: int) -> list[Reminder]:
        """A person's reminders, oldest first."""
        async with self._db.lock:
            rows = await self._db.fetchall(
                "SELECT * FROM reminder WHERE user_id = ? ORDER BY id", (user_id,))
        return [read_reminder(row) for row in rows]

    async def reminder(self, reminder_id: int) -> Reminder | None:
        """One reminder by id."""
        async with self._db.lock:
            row = await self._db.fetchone("SELECT * FROM reminder WHERE id = ?", (reminder_id,))
        return read_reminder(row) if row else None

    async def stop(self, user_id: int, reminder_id: int | None = None) -> int:
        """Remove one of a person's reminders (None: all); its unsent DMs go with it. How many."""
        sql, params = "DELETE FROM reminder WHERE user_id = ?", [user_id]
        if reminder_id is not None:
            sql += " AND id = ?"
            params.append(reminder_id)
        async with self._db.lock:
            removed = await self._db.execute(sql, params)  # dm rows cascade
            if not await self._db.value(
                    "SELECT count(*) FROM reminder WHERE user_id = ? AND told = 0", (user_id,)):
                self.untold.discard(user_id)
        return removed

    # -- pausing, and telling the person -------------------------------------------------------

    async def pause(self, reminder_id: int, reason: str) -> None:
        """Pause a reminder (its person will be told) and skip its unsent DMs."""
        async with self._db.lock, self._db.transaction():
            await self._db.execute(
                "UPDATE dm SET state = 'skipped', last_error = ? WHERE reminder_id = ? "
                "AND state IN ('pending', 'sending')", (f"not sent: {reason}", reminder_id))
            user_id = await self._db.value(
                "UPDATE reminder SET state = 'paused', paused_reason = ?, told = 0 "
                "WHERE id = ? RETURNING user_id", (reason, reminder_id))
        if user_id is not None:
            self.untold.add(int(user_id))

    async def is_untold(self, user_id: int) -> bool:
        """Whether the person has a paused reminder they were not told about (read again first
        when another process may have paused one)."""
        if self.untold_stale:
            self.untold_stale = False
            await self.load_untold()
        return user_id in self.untold

    async def load_untold(self) -> None:
        """Read who has a paused reminder they were not told about yet (at start)."""
        async with self._db.lock:
            rows = await self._db.fetchall("SELECT DISTINCT user_id FROM reminder WHERE told = 0")
        self.untold = {int(row[0]) for row in rows}

    async def mark_told(self, user_id: int) -> list[Reminder]:
        """The person has been told: their newly paused reminders, no longer untold."""
        self.untold.discard(user_id)
        async with self._db.lock:
            rows = await self._db.fetchall(
                "UPDATE reminder SET told = 1 WHERE user_id = ? AND told = 0 RETURNING *", (user_id,))
        return sorted((read_reminder(row) for row in rows), key=lambda r: r.id)

    # -- the DM outbox -----------------------------------------------------------------------------

    async def due_dms(self, now: float, limit: int = 500) -> list[DirectMessage]:
        """Pending DMs of active reminders that are due, oldest first."""
        async with self._db.lock:
            return [read_dm(row) for row in await self._db.fetchall(_DUE, (now, limit))]

    async def next_dm_time(self) -> float | None:
        """When the earliest pending DM of an active reminder is due, if any."""
        async with self._db.lock:
            due = await self._db.value(
                "SELECT min(m.next_attempt_at) FROM dm m JOIN reminder r ON r.id = m.reminder_id "
                "WHERE m.state = 'pending' AND r.state = 'active'")
        return None if due is None else float(due)

    async def dms(self, *, change_id: int | None = None, user_id: int | None = None,
                  limit: int = 1000) -> list[DirectMessage]:
        """DMs of one change and/or one person, by id (for tests and the sandbox)."""
        sql = ("SELECT * FROM dm WHERE (CAST(? AS BIGINT) IS NULL OR change_id = ?) "
               "AND (CAST(? AS BIGINT) IS NULL OR user_id = ?) ORDER BY id LIMIT ?")
        async with self._db.lock:
            rows = await self._db.fetchall(sql, (change_id, change_id, user_id, user_id, limit))
        return [read_dm(row) for row in rows]

    async def claim_dm(self, dm_id: int, now: float) -> bool:
        """Mark a pending DM in flight, before the request; False if it was not pending."""
        async with self._db.lock:
            return bool(await self._db.execute(
                "UPDATE dm SET state = 'sending', attempts = attempts + 1, last_attempt_at = ? "
                "WHERE id = ? AND state = 'pending'", (now, dm_id)))

    async def dm_delivered(self, dm_id: int, message_id: int) -> None:
        """The DM is in the person's DMs, as this message."""
        await self._update(dm_id, "state = 'delivered', message_id = ?, last_error = NULL", [message_id])

    async def dm_retry_later(self, dm_id: int, at: float, error: str) -> None:
        """Try the DM again at `at` (Unix time) after a transient error."""
        await self._update(dm_id, "state = 'pending', next_attempt_at = ?, last_error = ?", [at, error])

    async def dm_failed(self, dm_id: int, error: str) -> None:
        """Give up on a DM."""
        await self._update(dm_id, "state = 'failed', last_error = ?", [error])

    async def _update(self, dm_id: int, assignments: str, params: list[Any]) -> None:
        async with self._db.lock:
            await self._db.execute(f"UPDATE dm SET {assignments} WHERE id = ? "
                                   "AND state IN ('pending', 'sending')", [*params, dm_id])

    async def resume_dms_in_flight(self, now: float) -> int:
        """At start: DMs left in flight by a stop or crash become due again."""
        async with self._db.lock:
            return await self._db.execute(
                "UPDATE dm SET state = 'pending', next_attempt_at = ? WHERE state = 'sending'", (now,))
