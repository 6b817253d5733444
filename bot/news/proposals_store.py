"""Proposals in the review queue: facts a listings database states differently from the
catalogue, each a queue item (so it is posted once, paged in /queue and settled like news).

What one check of one show listed is recorded in one transaction: the value last listed per
entry (`proposal_memory`), and a proposal for each entry whose listed value differs from the
catalogue, unless editors dismissed that very value since the listing last changed. A newer
value replaces the pending proposal of the same entry in place (its review post is edited).
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass

from bot.db.connection import Database
from bot.db.rows import now_iso
from bot.news.models import Proposal, QueueItem
from bot.news.rows import read_item
from bot.news.store import News

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Listed:
    """One fact a check found listed, and whether it differs from the catalogue's value."""

    proposal: Proposal
    differs: bool


class Proposals:
    """Recording what listings state, as proposals in the news review queue."""

    def __init__(self, db: Database, news: News) -> None:
        self._db = db
        self._news = news

    async def record(self, show_id: int, listed: Sequence[Listed], *, headline: str,
                     review_channel: int | None) -> list[QueueItem]:
        """Record one check of a show in a transaction of its own; see `record_in_transaction`."""
        async with self._db.lock, self._db.transaction():
            queued = await self.record_in_transaction(show_id, listed, headline=headline,
                                                      review_channel=review_channel)
        self.committed(queued)
        return queued

    async def record_in_transaction(self, show_id: int, listed: Sequence[Listed], *, headline: str,
                                    review_channel: int | None) -> list[QueueItem]:
        """Record one check of a show (inside the caller's transaction): the proposals queued or
        replaced, whose review posts (due, or to be edited) commit with them. `headline` names
        them in the table; the queue words them in each reader's language. Call `committed`
        after the commit."""
        changed = [await self._one(show_id, fact, headline, review_channel) for fact in listed]
        return [item for item in changed if item is not None]

    async def remember_dismissed(self, show_id: int, proposals: Sequence[Proposal]) -> None:
        """Values left out of an import, as if listed and dismissed (inside the caller's
        transaction): not proposed until the listing changes them."""
        for proposal in proposals:
            await self._db.execute(
                "INSERT INTO proposal_memory (show_id, kind, key, listed, dismissed) "
                "VALUES (?, ?, ?, ?, 1) ON CONFLICT (show_id, kind, key) "
                "DO UPDATE SET listed = excluded.listed, dismissed = 1",
                (show_id, proposal.kind, proposal.key, proposal.value()))

    async def forget_in_transaction(self, show_id: int) -> list[QueueItem]:
        """The show now follows another listing or season (inside the caller's transaction): its
        pending proposals are settled as dismissed by the listing (their posts edited to say so)
        and what it last listed is forgotten. Call `committed` after the commit."""
        rows = await self._db.fetchall(
            "UPDATE news_item SET state = 'dismissed', settled_by = 0, settled_by_name = source_name, "
            "settled_at = ?, review_synced = CASE WHEN review_state IN ('posted', 'sending') "
            "THEN 0 ELSE 1 END WHERE show_id = ? AND fact_kind IS NOT NULL AND state = 'pending' "
            "RETURNING *", (now_iso(), show_id))
        await self._db.execute("DELETE FROM proposal_memory WHERE show_id = ?", (show_id,))
        return [read_item(row) for row in rows]

    def committed(self, queued: Sequence[QueueItem]) -> None:
        """After the commit of `record_in_transaction`: wake the review poster."""
        if queued:
            self._news.reviews_queued.set()

    async def _one(self, show_id: int, fact: Listed, headline: str,
                   review_channel: int | None) -> QueueItem | None:
        proposal = fact.proposal
        value = proposal.value()
        where = (show_id, proposal.kind, proposal.key)
        row = await self._db.fetchone(
            "SELECT listed, dismissed FROM proposal_memory WHERE show_id = ? AND kind = ? AND key = ?",
            where)
        if row is None or row["listed"] != value:
            # A new listed value: whatever was dismissed before no longer holds.
            await self._db.execute(
                "INSERT INTO proposal_memory (show_id, kind, key, listed, dismissed) "
                "VALUES (?, ?, ?, ?, 0) ON CONFLICT (show_id, kind, key) "
                "DO UPDATE SET listed = excluded.listed, dismissed = 0",
                (*where, value))
        elif row["dismissed"]:
            return None
        pending = await self._db.fetchone(
            "SELECT * FROM news_item WHERE show_id = ? AND fact_kind = ? AND fact_key = ? "
            "AND state = 'pending'", where)
        if not fact.differs:
            # The listing now says what the catalogue says: a proposal of another value is stale.
            return await self._withdraw(read_item(pending), value) if pending is not None else None
        if pending is not None:
            return await self._replace(read_item(pending), proposal, headline)
        return await self._insert(show_id, proposal, headline, review_channel)

    async def _withdraw(self, item: QueueItem, value: str) -> QueueItem | None:
        """Settle a pending proposal its listing no longer states, as dismissed by the listing
        (id 0), and have its post edited to say so."""
        assert item.proposal is not None
        if item.proposal.value() == value:
            return None  # still listed (the catalogue caught up): the editors settle it
        row = await self._db.fetchone(
            "UPDATE news_item SET state = 'dismissed', settled_by = 0, settled_by_name = ?, "
            "settled_at = ?, review_synced = CASE WHEN review_state IN ('posted', 'sending') "
            "THEN 0 ELSE 1 END WHERE id = ? AND state = 'pending' RETURNING *",
            (item.proposal.source_name, now_iso(), item.id))
        return read_item(row) if row else None

    async def _replace(self, item: QueueItem, proposal: Proposal, headline: str) -> QueueItem | None:
        """A newer value for an entry with a proposal waiting: the same item says it now, and a
        post made (or being made) is edited to show it."""
        if item.proposal == proposal:
            return None
        row = await self._db.fetchone(
            "UPDATE news_item SET proposal = ?, headline = ?, url = ?, source_name = ?, "
            "review_synced = CASE WHEN review_state IN ('posted', 'sending') THEN 0 ELSE 1 END "
            "WHERE id = ? RETURNING *",
            (proposal.dump(), headline, proposal.source_url, proposal.source_name, item.id))
        assert row is not None
        return read_item(row)

    async def _insert(self, show_id: int, proposal: Proposal, headline: str,
                      review_channel: int | None) -> QueueItem:
        now = time.time()
        # A proposal has no article: its link only has to be unique among the show's items.
        link = f"proposal:{proposal.kind}:{proposal.key}:{secrets.token_hex(6)}"
        row = await self._db.fetchone(
            "INSERT INTO news_item (show_id, headline, url, link, source_name, created_at, created_ts, "
            "review_state, review_channel, review_next_at, proposal, fact_kind, fact_key) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *",
            (show_id, headline, proposal.source_url, link, proposal.source_name, now_iso(), now,
             "pending" if review_channel else "none", review_channel,
             now if review_channel else None, proposal.dump(), proposal.kind, proposal.key))
        assert row is not None
        return read_item(row)

    async def pending(self, show_id: int) -> list[QueueItem]:
        """A show's pending proposals, oldest first."""
        async with self._db.lock:
            rows = await self._db.fetchall(
                "SELECT * FROM news_item WHERE show_id = ? AND fact_kind IS NOT NULL "
                "AND state = 'pending' ORDER BY id", (show_id,))
        return [read_item(r) for r in rows]
