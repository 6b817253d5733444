"""The review posts' outbox: each queue item's post to REVIEW_CHANNEL_ID, kept on its row.

The post is claimed (`review_state = 'sending'`) before its request, as deliveries are, so a
crash can neither lose nor repeat it; an item settled since it was posted is marked
`review_synced = 0` until its post is edited to say so.
"""

from __future__ import annotations

import logging
from typing import Any

from bot.db.connection import Database
from bot.news.models import QueueItem
from bot.news.rows import read_item

log = logging.getLogger(__name__)


class Reviews:
    """The review posts' outbox (the sender is `bot.news.review`)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def due_reviews(self, now: float, limit: int = 50) -> list[QueueItem]:
        """Items whose review post is due, oldest first."""
        sql = (
            "SELECT * FROM news_item WHERE review_state = 'pending' AND review_next_at <= ? "
            "ORDER BY review_next_at, id LIMIT ?"
        )
        async with self._db.lock:
            return [read_item(r) for r in await self._db.fetchall(sql, (now, limit))]

    async def unsynced_reviews(self, limit: int = 50) -> list[QueueItem]:
        """Posted items settled since, whose post still shows buttons."""
        sql = (
            "SELECT * FROM news_item WHERE review_synced = 0 AND review_state = 'posted' ORDER BY id LIMIT ?"
        )
        async with self._db.lock:
            return [read_item(r) for r in await self._db.fetchall(sql, (limit,))]

    async def next_review_time(self) -> float | None:
        """When the earliest pending review post is due, if any."""
        async with self._db.lock:
            due = await self._db.value(
                "SELECT min(review_next_at) FROM news_item WHERE review_state = 'pending'"
            )
        return None if due is None else float(due)

    async def claim_review(self, item_id: int, now: float) -> bool:
        """Mark a review post in flight before its request; False if someone else has it."""
        async with self._db.lock:
            return (
                await self._db.execute(
                    "UPDATE news_item SET review_state = 'sending', review_attempts = review_attempts + 1, "
                    "review_tried_at = ? WHERE id = ? AND review_state = 'pending'",
                    (now, item_id),
                )
                > 0
            )

    async def review_done(
        self,
        item_id: int,
        *,
        message_id: int | None,
        state: str,
        error: str | None = None,
        next_at: float | None = None,
    ) -> None:
        """Record how a review post went: posted, pending again at `next_at`, or failed. An item
        settled while its post was in flight keeps `review_synced = 0`: the post is edited later."""
        assert state in ("posted", "pending", "failed")
        params: list[Any] = [state, message_id, error, next_at, item_id]
        async with self._db.lock:
            await self._db.execute(
                "UPDATE news_item SET review_state = ?, review_message = coalesce(?, review_message), "
                "review_error = ?, review_next_at = coalesce(?, review_next_at) WHERE id = ?",
                params,
            )

    async def review_synced(self, item_id: int, state: str, proposal: str | None = None) -> None:
        """The post now shows the item as settled in `state`, and the `proposal` it rendered (its
        `dump()`; None for a news item). A proposal replaced while the post was being edited
        stays unsynced, so the post is edited again with the newer value."""
        async with self._db.lock:
            await self._db.execute(
                "UPDATE news_item SET review_synced = 1 WHERE id = ? AND state = ? "
                "AND coalesce(proposal, '') = ?", (item_id, state, proposal or "")
            )

    async def resume_reviews(self, now: float) -> int:
        """At start: posts left in flight by a crash become due again (looked for first)."""
        async with self._db.lock:
            return await self._db.execute(
                "UPDATE news_item SET review_state = 'pending', review_next_at = ? "
                "WHERE review_state = 'sending'",
                (now,),
            )
