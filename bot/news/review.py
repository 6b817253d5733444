"""Posting queue items to REVIEW_CHANNEL_ID, exactly once, and editing each post once settled.

The outbox is the `news_item` row itself (written with the item, in one transaction). Like the
announcer's deliveries, a post is claimed before its request and carries a nonce derived from
the item, so Discord drops a repeat; a post left in flight by a crash, older than Discord's
memory of nonces, is first looked for among the channel's recent messages by its footer. It
shares the announcer's send budget (bot/outbox/budget.py), backoff and error handling.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from typing import Any

import discord

from bot.i18n import language
from bot.interactions.replies import NO_MENTIONS
from bot.news.models import QueueItem
from bot.news.views import FOOTER, item_embed, item_view
from bot.outbox.budget import SendBudget
from bot.outbox.dispatcher import (
    GIVE_UP_AFTER,
    HISTORY_LIMIT,
    LOOKUP_AFTER,
    SEND_TIMEOUT,
    TRANSIENT,
    Dispatcher,
    backoff,
    describe,
)
from bot.store import Store

log = logging.getLogger(__name__)

RETRY_EDITS = 5.0  # seconds before trying failed edits again
EDIT_ERRORS: tuple[type[BaseException], ...] = (*TRANSIENT, discord.HTTPException)


class ReviewSender(Dispatcher):
    """The task that drains the review posts' outbox. `wake()` after committing queue items."""

    task_name = "seasonwatch-review"

    def __init__(
        self,
        store: Store,
        client: Any,
        budget: SendBudget,
        *,
        lookup_after: float = LOOKUP_AFTER,
        first_retry: float = 2.0,
    ) -> None:
        super().__init__(client, store.news.reviews_queued)
        self.store = store
        self.budget = budget
        self.lookup_after = lookup_after
        self.first_retry = first_retry

    def wake(self) -> None:
        """Look at the outbox now."""
        self.idle.clear()
        super().wake()

    async def resume(self) -> None:
        if await self.store.reviews.resume_reviews(time.time()):
            log.info("resuming review posts left in flight")

    async def look(self) -> float | None:
        busy = await self.drain()
        next_at = await self.store.reviews.next_review_time()
        if not busy and next_at is None:
            self.idle.set()
        wait = None if next_at is None else max(0.0, next_at - time.time())
        if busy:
            wait = RETRY_EDITS if wait is None else min(wait, RETRY_EDITS)
        return wait

    async def drain(self) -> bool:
        """Post what is due and edit what was settled; whether edits are left to retry."""
        for item in await self.store.reviews.due_reviews(time.time()):
            await self._post(item)
        left = False
        for item in await self.store.reviews.unsynced_reviews():
            left |= not await self._edit(item)
        return left

    def _channel(self, item: QueueItem) -> Any:
        channel_id = item.review_channel or 0
        return self.client.get_channel(channel_id) or self.client.get_partial_messageable(channel_id)

    @staticmethod
    def _language(channel: Any) -> str:
        """The review channel's server's language (its preferred locale): the editors'."""
        return language(getattr(getattr(channel, "guild", None), "preferred_locale", None))

    async def _post(self, item: QueueItem) -> None:
        now = time.time()
        stale = item.review_tried_at is not None and now - item.review_tried_at > self.lookup_after
        if not await self.store.reviews.claim_review(item.id, now):
            return
        fresh = await self.store.news.queue_item(item.id)  # settled meanwhile? post it as it is now
        assert fresh is not None
        channel = self._channel(fresh)
        found = await self._find(channel, fresh.id) if stale else None
        if found is not None:
            await self.store.reviews.review_done(fresh.id, message_id=found, state="posted")
            return
        lang = self._language(channel)
        try:
            async with self.budget.request():
                message = await asyncio.wait_for(
                    channel.send(
                        embed=item_embed(fresh, self.store, lang),
                        view=item_view(fresh, lang) or discord.utils.MISSING,
                        nonce=f"swq{fresh.id}",
                    ),
                    SEND_TIMEOUT,
                )
        except TRANSIENT as exc:
            await self._retry(fresh, describe(exc))
            return
        except discord.HTTPException as exc:
            if exc.status == 429:
                await self._retry(fresh, describe(exc))
                return
            log.error("review post of item %d refused: %s", fresh.id, describe(exc))
            await self.store.reviews.review_done(fresh.id, message_id=None, state="failed", error=describe(exc))
            return
        await self.store.reviews.review_done(fresh.id, message_id=message.id, state="posted")

    async def _retry(self, item: QueueItem, error: str) -> None:
        if time.time() - dt.datetime.fromisoformat(item.created_at).timestamp() > GIVE_UP_AFTER:
            await self.store.reviews.review_done(
                item.id, message_id=None, state="failed", error=f"gave up after 24 hours; last error: {error}"
            )
            return
        at = time.time() + backoff(item.review_attempts + 1, first=self.first_retry)
        await self.store.reviews.review_done(item.id, message_id=None, state="pending", error=error, next_at=at)

    async def _find(self, channel: Any, item_id: int) -> int | None:
        """The id of an earlier post of this item (a send that succeeded before a crash)."""
        wanted = FOOTER.format(id=item_id)
        me = self.client.user
        try:
            async with self.budget.request():
                messages = [m async for m in channel.history(limit=HISTORY_LIMIT)]
        except discord.HTTPException as exc:
            log.warning("looking for earlier review posts failed: %s", exc)
            return None
        for message in messages:
            if me is not None and message.author.id == me.id and any(
                e.footer.text == wanted for e in message.embeds
            ):
                return int(message.id)
        return None

    async def _edit(self, item: QueueItem) -> bool:
        """Show a settled item's outcome on its post, without buttons; False to retry later."""
        if item.review_message is None:
            await self.store.reviews.review_synced(item.id, item.state)
            return True
        channel = self._channel(item)
        message = channel.get_partial_message(item.review_message)
        try:
            # A partial message's edit does not add the client's default: say it here.
            async with self.budget.request():
                await message.edit(embed=item_embed(item, self.store, self._language(channel)), view=None,
                                   allowed_mentions=NO_MENTIONS)
        except discord.NotFound:
            pass  # deleted by someone: nothing left to show the outcome on
        except EDIT_ERRORS as exc:
            log.warning("editing the review post of item %d failed: %s", item.id, describe(exc))
            return False
        await self.store.reviews.review_synced(item.id, item.state)
        return True
