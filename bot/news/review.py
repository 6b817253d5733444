"""Posting queue items to REVIEW_CHANNEL_ID, exactly once, and editing each post once settled.

The outbox is the `news_item` row itself (written with the item, in one transaction). Like the
announcer's deliveries, a post is claimed before its request and carries a nonce derived from
the item, so Discord drops a repeat; a post left in flight by a crash, older than Discord's
memory of nonces, is first looked for among the channel's recent messages by its footer. It
shares the announcer's send budget and runs the one exactly-once send (bot/outbox/sender.py).
"""

from __future__ import annotations

import logging
import time
from typing import Any, Protocol

import discord

from bot.catalogue.view import View
from bot.i18n import language
from bot.interactions.replies import NO_MENTIONS
from bot.news.models import QueueItem
from bot.news.reviews_store import Reviews
from bot.news.store import News
from bot.news.views import FOOTER, item_embed, item_view
from bot.outbox.budget import SendBudget
from bot.outbox.dispatcher import LOOKUP_AFTER, TRANSIENT, describe
from bot.outbox.sender import ExactlyOnce, Tries

log = logging.getLogger(__name__)


class Stores(Protocol):
    """The stores the review sender reads and writes (the bot's `Store` has them all)."""

    news: News
    reviews: Reviews
    view: View

RETRY_EDITS = 5.0  # seconds before trying failed edits again
EDIT_ERRORS: tuple[type[BaseException], ...] = (*TRANSIENT, discord.HTTPException)


class ReviewSender(ExactlyOnce[QueueItem]):
    """The task that drains the review posts' outbox. `wake()` after committing queue items."""

    task_name = "seasonwatch-review"
    kind = "review"

    def __init__(
        self,
        store: Stores,
        client: Any,
        budget: SendBudget,
        *,
        lookup_after: float = LOOKUP_AFTER,
        first_retry: float = 2.0,
    ) -> None:
        super().__init__(client, store.news.reviews_queued, budget, first_retry=first_retry,
                         lookup_after=lookup_after)
        self.store = store

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
            await self.deliver(item)
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

    # -- one post, as bot/outbox/sender.py runs it ----------------------------------------------

    def tries(self, job: QueueItem) -> Tries:
        return Tries(job.review_attempts, job.review_tried_at, job.created_at)

    async def claim(self, job: QueueItem, now: float) -> QueueItem | None:
        if not await self.store.reviews.claim_review(job.id, now):
            return None
        fresh = await self.store.news.queue_item(job.id)  # settled meanwhile? post it as it is now
        assert fresh is not None
        return fresh

    async def find_sent(self, job: QueueItem) -> QueueItem | None:
        """None if an earlier post of this item reached the channel before a crash (now recorded)."""
        wanted = FOOTER.format(id=job.id)
        for message in await self.own_messages(self._channel(job), "earlier review posts"):
            if any(e.footer.text == wanted for e in message.embeds):
                await self.store.reviews.review_done(job.id, message_id=int(message.id), state="posted")
                return None
        return job

    async def send(self, job: QueueItem) -> None:
        channel = self._channel(job)
        lang = self._language(channel)
        message = await self.request(channel.send(embed=item_embed(job, self.store.view, lang),
                                                  view=item_view(job, lang) or discord.utils.MISSING,
                                                  nonce=f"swq{job.id}"))
        await self.store.reviews.review_done(job.id, message_id=message.id, state="posted")

    async def refused(self, job: QueueItem, exc: discord.HTTPException) -> None:
        log.error("review post of item %d refused: %s", job.id, describe(exc))
        await self.store.reviews.review_done(job.id, message_id=None, state="failed", error=describe(exc))

    async def retry_at(self, job: QueueItem, at: float, error: str) -> None:
        await self.store.reviews.review_done(job.id, message_id=None, state="pending", error=error,
                                             next_at=at)

    async def failed(self, job: QueueItem, error: str) -> None:
        await self.store.reviews.review_done(job.id, message_id=None, state="failed", error=error)

    async def _edit(self, item: QueueItem) -> bool:
        """Show a settled item's outcome on its post, without buttons; False to retry later."""
        if item.review_message is None:
            await self.store.reviews.review_synced(item.id, item.state, _rendered(item))
            return True
        channel = self._channel(item)
        message = channel.get_partial_message(item.review_message)
        try:
            # A partial message's edit does not add the client's default: say it here.
            async with self.budget.request():
                embed = item_embed(item, self.store.view, self._language(channel))
                # A proposal replaced by a newer value is still pending: its buttons stay.
                await message.edit(embed=embed, view=item_view(item, self._language(channel)),
                                   allowed_mentions=NO_MENTIONS)
        except discord.NotFound:
            pass  # deleted by someone: nothing left to show the outcome on
        except EDIT_ERRORS as exc:
            log.warning("editing the review post of item %d failed: %s", item.id, describe(exc))
            return False
        await self.store.reviews.review_synced(item.id, item.state, _rendered(item))
        return True


def _rendered(item: QueueItem) -> str | None:
    """The proposal a post was edited to show, as stored (None for a news item)."""
    return item.proposal.dump() if item.proposal is not None else None
