"""Links of shows to listings and how checking each goes: one method per query.

The caller holds the database lock and, to write, owns the transaction (an import links the
show in the transaction that creates it; the watch records a check with what it proposes)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from bot.db.connection import Database
from bot.db.rows import now_iso

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Link:
    """A show linked to a listing, and the state of checking it."""

    id: int
    show_id: int
    provider: str  # "tvmaze"
    external_id: str
    page_url: str
    failures: int
    failing_since: float | None
    last_error: str | None
    next_check_at: float
    last_ok_at: float | None
    linked_at: str


def read_link(row: Any) -> Link:
    return Link(int(row["id"]), int(row["show_id"]), str(row["provider"]), str(row["external_id"]),
                str(row["page_url"]), int(row["failures"]), row["failing_since"], row["last_error"],
                float(row["next_check_at"]), row["last_ok_at"], str(row["linked_at"]))


class Listings:
    """The `listing_link` table (bot/db/migrations/0012_listings.sql)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def link_of(self, show_id: int, provider: str) -> Link | None:
        """The show's link to that provider, if any."""
        row = await self._db.fetchone(
            "SELECT * FROM listing_link WHERE show_id = ? AND provider = ?", (show_id, provider))
        return read_link(row) if row else None

    async def linked_to(self, provider: str, external_id: str) -> Link | None:
        """The link to that listing, whichever show holds it."""
        row = await self._db.fetchone(
            "SELECT * FROM listing_link WHERE provider = ? AND external_id = ?", (provider, external_id))
        return read_link(row) if row else None

    async def links(self, provider: str | None = None) -> list[Link]:
        """Every link (of one provider), by show."""
        if provider is None:
            rows = await self._db.fetchall("SELECT * FROM listing_link ORDER BY show_id, provider")
        else:
            rows = await self._db.fetchall(
                "SELECT * FROM listing_link WHERE provider = ? ORDER BY show_id", (provider,))
        return [read_link(r) for r in rows]

    async def due(self, now: float, limit: int = 100) -> list[Link]:
        """Links whose check is due, the longest waiting first."""
        rows = await self._db.fetchall(
            "SELECT * FROM listing_link WHERE next_check_at <= ? ORDER BY next_check_at, id LIMIT ?",
            (now, limit))
        return [read_link(r) for r in rows]

    async def link(self, show_id: int, provider: str, external_id: str, page_url: str,
                   next_check_at: float) -> Link:
        """Link a show to a listing, replacing its earlier link to that provider."""
        await self._db.execute("DELETE FROM listing_link WHERE show_id = ? AND provider = ?",
                               (show_id, provider))
        await self._db.insert(
            "INSERT INTO listing_link (show_id, provider, external_id, page_url, next_check_at, "
            "linked_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
            (show_id, provider, external_id, page_url, next_check_at, now_iso()))
        found = await self.link_of(show_id, provider)
        assert found is not None
        return found

    async def unlink(self, show_id: int, provider: str) -> bool:
        """Remove the show's link to that provider; whether there was one."""
        return await self._db.execute(
            "DELETE FROM listing_link WHERE show_id = ? AND provider = ?", (show_id, provider)) > 0

    async def checked(self, link_id: int, now: float, next_check_at: float) -> None:
        """A check succeeded: failures forgotten, the next one scheduled."""
        await self._db.execute(
            "UPDATE listing_link SET failures = 0, failing_since = NULL, last_error = NULL, "
            "last_ok_at = ?, next_check_at = ? WHERE id = ?", (now, next_check_at, link_id))

    async def failed(self, link_id: int, now: float, error: str, next_check_at: float) -> None:
        """A check failed with `error`; the next one is at `next_check_at` (the caller's backoff)."""
        await self._db.execute(
            "UPDATE listing_link SET failures = failures + 1, "
            "failing_since = COALESCE(failing_since, ?), last_error = ?, next_check_at = ? "
            "WHERE id = ?", (now, error[:500], next_check_at, link_id))

    async def check_now(self, link_id: int) -> None:
        """Make the link due at once."""
        await self._db.execute("UPDATE listing_link SET next_check_at = 0 WHERE id = ?", (link_id,))
