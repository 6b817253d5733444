"""Fans' tips: a link sent to the editors' review queue (`/tip`), at most a few an hour each.

Whether the link is known, the hourly count and the insert are one transaction, which every
process runs under the write lock (SQLite's BEGIN IMMEDIATE, PostgreSQL's advisory lock): tips
sent at once cannot all count the same earlier tips, and a database gone mid-way is a WriteFailed
like any write.
"""

from __future__ import annotations

import logging
import time

from bot.catalogue.render import escape
from bot.catalogue.view import View
from bot.core.errors import InvalidInput, UserError
from bot.core.messages import N_
from bot.core.models import Editor
from bot.db.connection import Database
from bot.news.links import canonical
from bot.news.models import Candidate, QueueItem
from bot.news.store import News

log = logging.getLogger(__name__)

WINDOW = 3600.0  # a fan's tips are counted over the last hour
LIMIT = N_("You can send {count} tips an hour; try again later.")
ARCHIVED = N_("{title} is archived, so the editors take no more tips for it; pick a tracked show.")


class Tips:
    """Queueing fans' tips, and counting them."""

    def __init__(self, db: Database, view: View, news: News) -> None:
        self._db = db
        self._view = view
        self._news = news

    async def queue_tip(
        self,
        candidate: Candidate,
        *,
        tipper: Editor,
        note: str | None,
        review_channel: int | None,
        per_hour: int | None = None,
    ) -> QueueItem | None:
        """Queue a fan's tip; None if its link is already in the show's timeline or queue (that
        answer comes first: a known link counts nothing). Refused (UserError, nothing written)
        for an archived show, or when the fan already sent `per_hour` tips in the last hour."""
        show_id, link = candidate.show_id, canonical(candidate.item.link)
        async with self._db.lock, self._db.transaction():
            self._refuse_archived(show_id)
            if self._news.in_timeline(show_id, link) or await self._news.link_queued(show_id, link):
                return None
            if per_hour is not None and await self._count(tipper.id, time.time() - WINDOW) >= per_hour:
                raise UserError(LIMIT, count=per_hour)
            item = await self._news.queue_in_transaction(candidate, tipper=tipper, note=note,
                                                         review_channel=review_channel)
        self._news.reviews_queued.set()
        return item

    def _refuse_archived(self, show_id: int) -> None:
        show = self._view.show(show_id)
        if show is not None and show.archived:
            raise InvalidInput("show", ARCHIVED, title=escape(show.title))

    async def tips_since(self, user_id: int, since: float) -> int:
        """How many tips a person made since a moment (Unix seconds)."""
        async with self._db.lock:
            return await self._count(user_id, since)

    async def _count(self, user_id: int, since: float) -> int:
        count = await self._db.value(
            "SELECT count(*) FROM news_item WHERE tipper_id = ? AND created_ts > ?", (user_id, since)
        )
        return int(count or 0)

    async def queued_link(self, show_id: int, link: str) -> bool:
        """Whether the queue (any state) already holds this link for the show."""
        async with self._db.lock:
            return await self._news.link_queued(show_id, link)
