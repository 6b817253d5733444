"""The catalogue's entries and their history: the single write path (every change to an entry,
its announcements queued in the same transaction) and reading changes back, undo included."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, Protocol

from bot.catalogue.view import View
from bot.core.errors import ConflictError, InvalidInput, UserError
from bot.core.facts import quote
from bot.core.models import Change, Editor, Fact, Show
from bot.db.connection import Database
from bot.db.rows import fact_text, now_iso, read_change, read_fact
from bot.i18n.texts import UNDO_REASON

log = logging.getLogger(__name__)

_CHANGE_SELECT = (
    "SELECT c.*, e.show_id, e.kind, e.key FROM change c JOIN entry e ON e.id = c.entry_id"
)
# CROSS JOIN keeps `change` SQLite's outer loop, so "newest first" walks its primary key (the
# join's condition goes in WHERE: PostgreSQL takes no ON after CROSS JOIN).
_CHANGE_SELECT_NEWEST = (
    "SELECT c.*, e.show_id, e.kind, e.key FROM change c CROSS JOIN entry e WHERE e.id = c.entry_id"
)


class ChangeListener(Protocol):
    """A feature that follows every change to an entry (announcements, reminders, premiere
    events, predictions): told inside the change's transaction, so what it queues commits or rolls
    back with the change, and again once committed, to wake its sender."""

    async def change_written(self, change: Change, show: Show | None) -> None: ...

    def change_committed(self, change: Change) -> None: ...


class Catalogue:
    """Writing entries as changes, and reading the changes back."""

    def __init__(self, db: Database, view: View, listeners: Sequence[ChangeListener] = ()) -> None:
        self._db = db
        self._view = view
        self._listeners = tuple(listeners)

    # -- history -------------------------------------------------------------------------------
    # Read under the lock: the connection is shared, and a write in progress is not history yet.

    async def change(self, change_id: int) -> Change | None:
        """One change by its number."""
        async with self._db.lock:
            row = await self._db.fetchone(f"{_CHANGE_SELECT} WHERE c.id = ?", (change_id,))
        return read_change(row) if row else None

    async def changes(self, show_id: int, *, entry_id: int | None = None, offset: int = 0,
                      limit: int = 10) -> list[Change]:
        """A show's changes newest first (optionally of one entry), skipping `offset`."""
        if entry_id is not None:  # the (entry_id, id) index gives them in order
            sql = f"{_CHANGE_SELECT} WHERE c.entry_id = ? AND e.show_id = ?"
            params: list[Any] = [entry_id, show_id]
        else:  # walking changes newest first beats sorting every change of a big show
            sql = f"{_CHANGE_SELECT_NEWEST} AND e.show_id = ?"
            params = [show_id]
        sql += " ORDER BY c.id DESC LIMIT ? OFFSET ?"
        async with self._db.lock:
            return [read_change(row) for row in await self._db.fetchall(sql, [*params, limit, offset])]

    async def published_changes(self, show_id: int, limit: int = 50) -> list[Change]:
        """A show's announced changes (silent ones left out), newest first: its web feed."""
        sql = f"{_CHANGE_SELECT_NEWEST} AND e.show_id = ? AND c.silent = 0 ORDER BY c.id DESC LIMIT ?"
        async with self._db.lock:
            return [read_change(row) for row in await self._db.fetchall(sql, (show_id, limit))]

    async def count_changes(self, show_id: int) -> int:
        """How many changes the database holds for a show."""
        count = await self._db.value(
            "SELECT COUNT(*) FROM change c JOIN entry e ON e.id = c.entry_id WHERE e.show_id = ?",
            (show_id,))
        return int(count or 0)

    async def recent_changes(self, limit: int = 100) -> list[Change]:
        """The latest changes across every show, newest first."""
        sql = f"{_CHANGE_SELECT} ORDER BY c.id DESC LIMIT ?"
        async with self._db.lock:
            return [read_change(row) for row in await self._db.fetchall(sql, (limit,))]

    # -- the single write path -------------------------------------------------------------------

    async def write(self, show_id: int, kind: str, key: str, fact: Fact | None, *,
                    expected_version: int, editor: Editor, reason: str | None = None,
                    silent: bool = False, correction_of: int | None = None) -> Change:
        """Write an entry's new fact (None removes it) as one change, if still at `expected_version`."""
        # `fact` was checked where it entered (the edit's preview, the import, the news form).
        async with self._db.lock:
            # Disk full or locked: rolled back, and told to the editor.
            async with self._db.transaction():
                await self._view.follow_other_writers()  # so a conflict reports what is really there
                change = await self.write_in_transaction(show_id, kind, key, fact, expected_version,
                                                         editor, reason, silent, correction_of)
            self._view.remember_change(change)
        for listener in self._listeners:
            listener.change_committed(change)
        return change

    async def write_in_transaction(self, show_id: int, kind: str, key: str, fact: Fact | None,
                                   expected_version: int, editor: Editor, reason: str | None,
                                   silent: bool, correction_of: int | None) -> Change:
        """`write`'s work inside the caller's transaction (an import writes many at once); the
        caller tells the view about the change once committed."""
        if kind == "cast" and fact is not None:
            # One entry per person: `José Kim` typed another way must not start a second one.
            same = self._view.person_key(show_id, str(fact.fields["person"]))
            if same is not None and same != key:
                raise InvalidInput("person", "`{name}` is already listed (as `{listed}`); edit that entry.",
                                   name=quote(str(fact.fields["person"])), listed=quote(same))
        row = await self._db.fetchone(
            "SELECT id, version, data FROM entry WHERE show_id = ? AND kind = ? AND key = ?",
            (show_id, kind, key))
        current_version = row["version"] if row else 0
        if current_version != expected_version:
            raise ConflictError(self._view.entry(show_id, kind, key))
        before = read_fact(row["data"]) if row else None
        if before is None and fact is None:
            raise UserError("That entry does not exist (it may have been removed already).")
        created_at = now_iso()
        version = current_version + 1
        if row is None:
            entry_id = await self._db.insert(
                "INSERT INTO entry (show_id, kind, key, version, data, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                (show_id, kind, key, version, fact_text(fact), created_at))
        else:
            entry_id = row["id"]
            await self._db.execute(
                "UPDATE entry SET version = ?, data = ?, updated_at = ? WHERE id = ?",
                (version, fact_text(fact), created_at, entry_id))
        change_id = await self._db.insert(
            "INSERT INTO change (entry_id, version, before, after, editor_id, editor_name, "
            "created_at, reason, silent, correction_of) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "RETURNING id",
            (entry_id, version, fact_text(before), fact_text(fact), editor.id, editor.name,
             created_at, reason, int(silent), correction_of))
        change = Change(change_id, entry_id, show_id, kind, key, version, before, fact,
                        editor, created_at, reason, silent, correction_of)
        show = self._view.show(show_id)
        for listener in self._listeners:
            await listener.change_written(change, show)
        return change

    async def undo(self, change_id: int, *, expected_version: int, editor: Editor,
                   reason: str | None = None, silent: bool = False) -> Change:
        """Restore what a change replaced, as a new change marked as its correction."""
        target = await self.change(change_id)
        if target is None:
            raise UserError("There is no change #{id}; pick one from /history.", id=change_id)
        return await self.write(
            target.show_id, target.kind, target.key, target.before,
            expected_version=expected_version, editor=editor,
            reason=reason or UNDO_REASON.format(id=change_id), silent=silent, correction_of=change_id,
        )
