"""News intake: sources, the items they showed, and the review queue.

A queued item and its review post are one row written in one transaction (the post's outbox
state is in `bot.news.reviews_store`). Publishing an item writes its news entry through the
catalogue's write path and marks the item added in the same transaction.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence

from bot.alerts.store import Alerts
from bot.catalogue.store import Catalogue
from bot.catalogue.view import View
from bot.core.errors import UserError
from bot.core.messages import N_
from bot.core.models import Change, Editor, Fact
from bot.db.connection import Database
from bot.db.rows import json_text, now_iso
from bot.i18n.notices import Notice
from bot.news.links import canonical
from bot.news.models import Candidate, Proposal, QueueItem, Source
from bot.news.rows import read_item, read_source

log = logging.getLogger(__name__)

# An item gone from its feed this long is forgotten: feeds show their latest items, so it is
# not coming back, and the table would otherwise keep every item a feed ever showed.
FORGET_SEEN_AFTER = 30 * 86400.0
ALREADY_SETTLED = "This item was already settled ({state})."
PROPOSAL_MOVED = N_("The listing changed since this preview, and the proposal with it; nothing was "
                    "written. Press Accept on it again to publish what is listed now.")
# What one feed may put in front of the editors: at most this many new items a fetch, and no
# more while this many of its items wait. The rest are recorded as seen, never queued later, so
# a feed that floods (or rotates its links every poll) costs a few review posts, not hours of them.
QUEUE_PER_FETCH = 10
PENDING_PER_SOURCE = 25
SKIPPED_NEW = N_(
    "⏭️ New items skipped at the last fetch: {count}. At most {limit} are queued per fetch; "
    "the rest count as seen."
)
SKIPPED_WAITING = N_(
    "⏭️ New items skipped at the last fetch: {count}. {limit} items from this feed already wait "
    "in /queue; settle some to let more in."
)


def _skipped(count: int, queued: int) -> str:
    """The stored notice of what a fetch's caps skipped, `queued` being queued."""
    if queued < QUEUE_PER_FETCH:  # the feed's waiting items stopped it
        return Notice.of(SKIPPED_WAITING, count=count, limit=PENDING_PER_SOURCE).dump()
    return Notice.of(SKIPPED_NEW, count=count, limit=QUEUE_PER_FETCH).dump()


class News:
    """Sources, seen items, the queue and its review posts."""

    def __init__(self, db: Database, view: View, catalogue: Catalogue, alerts: Alerts) -> None:
        self._db = db
        self._view = view
        self._catalogue = catalogue
        self._alerts = alerts
        # Set after a commit that queued a review post or settled an item; the review sender waits on it.
        self.reviews_queued = asyncio.Event()

    # -- sources ---------------------------------------------------------------------------------

    async def add_source(
        self,
        url: str,
        name: str,
        *,
        show_id: int | None,
        keywords: Sequence[str],
        added_by: int,
        seen: Sequence[str],
        next_poll_at: float,
        etag: str | None = None,
        last_modified: str | None = None,
        now: float | None = None,
    ) -> tuple[Source, bool]:
        """Add a source after its first successful fetch (every item in `seen` recorded, none
        queued), or update and resume the one with this URL; (source, whether it is new)."""
        now = time.time() if now is None else now
        values = (name, show_id, json_text(keywords), etag, last_modified, next_poll_at, now)
        async with self._db.lock, self._db.transaction():
            found = await self._db.value("SELECT id FROM news_source WHERE url = ?", (url,))
            if found is None:
                source_id = await self._db.insert(
                    "INSERT INTO news_source (name, show_id, keywords, etag, last_modified, next_poll_at, "
                    "last_ok_at, seeded, url, added_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?) "
                    "RETURNING id",
                    (*values, url, added_by, now_iso()),
                )
            else:
                source_id = int(found)
                await self._db.execute(
                    "UPDATE news_source SET name = ?, show_id = ?, keywords = ?, etag = ?, "
                    "last_modified = ?, next_poll_at = ?, last_ok_at = ?, seeded = 1, state = 'active', "
                    "paused_reason = NULL, failures = 0, failing_since = NULL, last_error = NULL "
                    "WHERE id = ?",
                    (*values, source_id),
                )
            await self._see(source_id, seen, now)
            row = await self._db.fetchone("SELECT * FROM news_source WHERE id = ?", (source_id,))
        assert row is not None
        return read_source(row), found is None

    async def _see(self, source_id: int, keys: Sequence[str], now: float) -> None:
        """Record the items now in a source's feed, and forget those gone from it for
        FORGET_SEEN_AFTER (a feed shows its latest items: what left it long ago stays gone)."""
        await self._db.executemany(
            "INSERT INTO news_seen (source_id, item_key, seen_at) VALUES (?, ?, ?) "
            "ON CONFLICT (source_id, item_key) DO UPDATE SET seen_at = excluded.seen_at",
            [(source_id, key, now) for key in dict.fromkeys(keys)],
        )
        await self._db.execute(
            "DELETE FROM news_seen WHERE source_id = ? AND seen_at < ?",
            (source_id, now - FORGET_SEEN_AFTER),
        )

    async def sources(self) -> list[Source]:
        """Every source, oldest first."""
        async with self._db.lock:
            return [read_source(r) for r in await self._db.fetchall("SELECT * FROM news_source ORDER BY id")]

    async def remove_source(self, source_id: int) -> bool:
        """Stop watching a source (its queued items stay); whether there was one."""
        async with self._db.lock:
            return await self._db.execute("DELETE FROM news_source WHERE id = ?", (source_id,)) > 0

    async def due_sources(self, now: float, limit: int = 100) -> list[Source]:
        """Active sources whose next poll is due, earliest first."""
        sql = (
            "SELECT * FROM news_source WHERE state = 'active' AND next_poll_at <= ? "
            "ORDER BY next_poll_at, id LIMIT ?"
        )
        async with self._db.lock:
            return [read_source(r) for r in await self._db.fetchall(sql, (now, limit))]

    async def next_poll_time(self) -> float | None:
        """When the earliest active source is due, if any."""
        async with self._db.lock:
            due = await self._db.value("SELECT min(next_poll_at) FROM news_source WHERE state = 'active'")
        return None if due is None else float(due)

    async def reschedule_sources(self, times: dict[int, float]) -> None:
        """Set sources' next poll times (spreading them out at start)."""
        async with self._db.lock:
            await self._db.executemany(
                "UPDATE news_source SET next_poll_at = ? WHERE id = ?",
                [(at, sid) for sid, at in times.items()],
            )

    async def source_failed(
        self, source_id: int, error: str, *, next_poll_at: float, now: float, pause_after: float
    ) -> Source | None:
        """Count a failed fetch: back off until `next_poll_at`, or pause the source once it has
        failed for `pause_after` seconds in a row; the source as it now is."""
        async with self._db.lock, self._db.transaction():
            await self._db.execute(
                "UPDATE news_source SET failures = failures + 1, last_error = ?, next_poll_at = ?, "
                "failing_since = coalesce(failing_since, ?) WHERE id = ? AND state = 'active'",
                (error, next_poll_at, now, source_id),
            )
            await self._db.execute(
                "UPDATE news_source SET state = 'paused', paused_reason = ? WHERE id = ? "
                "AND state = 'active' AND failing_since <= ?",
                (error, source_id, now - pause_after),
            )
            row = await self._db.fetchone("SELECT * FROM news_source WHERE id = ?", (source_id,))
        return read_source(row) if row else None

    async def source_fetched(
        self,
        source: Source,
        *,
        keys: Sequence[str],
        found: Sequence[Candidate],
        etag: str | None,
        last_modified: str | None,
        next_poll_at: float,
        review_channel: int | None,
        now: float | None = None,
    ) -> list[QueueItem]:
        """Record a successful fetch: its validators, the items seen, and the candidates among the
        items not seen before queued (with their review posts) up to the caps; the items queued.
        What the caps skipped is noted in `last_error` (with no failures) for /sources list."""
        now = time.time() if now is None else now
        async with self._db.lock, self._db.transaction():
            new = await self._unseen(source.id, keys)
            await self._see(source.id, keys, now)
            fresh = [c for c in found if c.item.key in new]
            queued, skipped = await self._queue_new(source, fresh, review_channel)
            note = _skipped(skipped, len(queued)) if skipped else None
            await self._db.execute(
                "UPDATE news_source SET etag = ?, last_modified = ?, next_poll_at = ?, last_ok_at = ?, "
                "failures = 0, failing_since = NULL, last_error = ? WHERE id = ?",
                (etag, last_modified, next_poll_at, now, note, source.id),
            )
        if skipped:
            log.warning("source %d: %d new items skipped, %d queued", source.id, skipped, len(queued))
        if queued:
            self.reviews_queued.set()
        return queued

    async def _queue_new(
        self, source: Source, fresh: Sequence[Candidate], review_channel: int | None
    ) -> tuple[list[QueueItem], int]:
        """Queue new candidates up to the caps (inside a transaction); those queued, how many skipped."""
        waiting = await self._db.value(
            "SELECT count(*) FROM news_item WHERE source_id = ? AND state = 'pending'", (source.id,)
        )
        room = min(QUEUE_PER_FETCH, PENDING_PER_SOURCE - int(waiting or 0))
        queued: list[QueueItem] = []
        for n, candidate in enumerate(fresh):
            if len(queued) >= room:
                return queued, len(fresh) - n
            item = await self._queue(
                candidate, source.name, source_id=source.id, review_channel=review_channel
            )
            queued += [item] if item else []
        return queued, 0

    async def source_unchanged(self, source_id: int, next_poll_at: float) -> None:
        """A 304: the source is fine and nothing is new."""
        async with self._db.lock:
            await self._db.execute(
                "UPDATE news_source SET next_poll_at = ?, last_ok_at = ?, failures = 0, "
                "failing_since = NULL, last_error = NULL WHERE id = ?",
                (next_poll_at, time.time(), source_id),
            )

    async def _unseen(self, source_id: int, keys: Sequence[str]) -> set[str]:
        wanted = list(dict.fromkeys(keys))
        if not wanted:
            return set()
        sql = (
            f"SELECT item_key FROM news_seen WHERE source_id = ? "
            f"AND item_key IN ({self._db.dialect.marks(len(wanted))})"
        )
        seen = {row[0] for row in await self._db.fetchall(sql, [source_id, *wanted])}
        return set(wanted) - seen

    # -- the queue -------------------------------------------------------------------------------

    def in_timeline(self, show_id: int, link: str) -> bool:
        """Whether a show's news timeline already has this (canonical) link."""
        return any(
            canonical(str(e.fact.fields.get("url") or "")) == link
            for e in self._view.entries(show_id, "news")
        )

    async def _queue(
        self,
        candidate: Candidate,
        source_name: str | None,
        *,
        source_id: int | None = None,
        tipper: Editor | None = None,
        note: str | None = None,
        review_channel: int | None,
    ) -> QueueItem | None:
        """Queue one item unless its link is in the show's timeline or queue (inside a transaction)."""
        item = candidate.item
        # The feed reader's identity may be an older rule's: the one the queue compares is this.
        link = canonical(item.link)
        if self.in_timeline(candidate.show_id, link):
            return None
        review = "pending" if review_channel else "none"
        row = await self._db.fetchone(
            "INSERT INTO news_item (show_id, headline, url, link, published, source_name, summary, "
            "people, source_id, tipper_id, tipper_name, note, created_at, created_ts, review_state, "
            "review_channel, review_next_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (show_id, link) DO NOTHING RETURNING *",
            (
                candidate.show_id,
                item.headline,
                item.url,
                link,
                item.published,
                source_name,
                item.summary,
                json_text(candidate.people),
                source_id,
                tipper.id if tipper else None,
                tipper.name if tipper else None,
                note,
                now_iso(),
                time.time(),
                review,
                review_channel,
                time.time() if review_channel else None,
            ),
        )
        return read_item(row) if row else None

    async def queue_in_transaction(
        self, candidate: Candidate, *, tipper: Editor, note: str | None, review_channel: int | None
    ) -> QueueItem | None:
        """Queue a fan's tip unless its link is known (inside the caller's transaction: `tips`)."""
        return await self._queue(candidate, None, tipper=tipper, note=note, review_channel=review_channel)

    async def link_queued(self, show_id: int, link: str) -> bool:
        """Whether the queue (any state) already holds this link for the show (inside the
        caller's lock)."""
        found = await self._db.value(
            "SELECT 1 FROM news_item WHERE show_id = ? AND link = ?", (show_id, canonical(link))
        )
        return found is not None

    async def queue_item(self, item_id: int) -> QueueItem | None:
        """One queue item."""
        async with self._db.lock:
            row = await self._db.fetchone("SELECT * FROM news_item WHERE id = ?", (item_id,))
        return read_item(row) if row else None

    async def pending_items(
        self, show_id: int | None, *, offset: int = 0, limit: int = 5
    ) -> tuple[list[QueueItem], int]:
        """Pending items, oldest first (of one show, or all), a page of them and how many in all."""
        where = "state = 'pending' AND (CAST(? AS BIGINT) IS NULL OR show_id = ?)"
        async with self._db.lock:
            rows = await self._db.fetchall(
                f"SELECT * FROM news_item WHERE {where} ORDER BY id LIMIT ? OFFSET ?",
                (show_id, show_id, limit, offset),
            )
            total = await self._db.value(f"SELECT count(*) FROM news_item WHERE {where}", (show_id, show_id))
        return [read_item(r) for r in rows], int(total or 0)

    async def dismiss_item(self, item_id: int, editor: Editor) -> QueueItem:
        """Dismiss a pending item; UserError if it was settled already."""
        async with self._db.lock, self._db.transaction():
            before = await self._settled(item_id, editor, "dismissed", None)
            if before.proposal is not None:
                await self._remember_dismissed(before.show_id, before.proposal)
            item = await self._settled_item(item_id)
        self.reviews_queued.set()
        return item

    async def _remember_dismissed(self, show_id: int, proposal: Proposal) -> None:
        """A dismissed proposal's value is not proposed again while the listing still says it
        (inside the dismissal's transaction)."""
        await self._db.execute(
            "UPDATE proposal_memory SET dismissed = 1 WHERE show_id = ? AND kind = ? AND key = ? "
            "AND listed = ?",
            (show_id, proposal.kind, proposal.key, proposal.value()),
        )

    async def publish_item(
        self, item_id: int, key: str, fact: Fact, *, expected_version: int, editor: Editor, silent: bool,
        kind: str = "news",
    ) -> tuple[Change, QueueItem]:
        """Write a pending item's entry (a news item's news entry, a proposal's fact; announced
        unless silent) and mark it added, at once."""
        async with self._db.lock:
            async with self._db.transaction():
                item = await self._settled(item_id, editor, "added", None)
                wanted = (item.proposal.kind, item.proposal.key) if item.proposal else ("news", None)
                if kind != wanted[0] or wanted[1] not in (None, key):
                    raise UserError("That queue item no longer exists.")  # never another entry
                if item.proposal and not item.proposal.stated_by(fact):
                    raise UserError(PROPOSAL_MOVED)
                await self._view.follow_other_writers()
                change = await self._catalogue.write_in_transaction(
                    item.show_id, kind, key, fact, expected_version, editor, None, silent, None
                )
                await self._db.execute(
                    "UPDATE news_item SET change_id = ? WHERE id = ?", (change.id, item_id)
                )
                settled = await self._settled_item(item_id)
            self._view.remember_change(change)
        self.reviews_queued.set()
        if not silent:
            self._alerts.deliveries_queued.set()  # after the commit: wake the announcer
        return change, settled

    async def _settled(self, item_id: int, editor: Editor, state: str, change_id: int | None) -> QueueItem:
        row = await self._db.fetchone("SELECT * FROM news_item WHERE id = ?", (item_id,))
        if row is None:
            raise UserError("That queue item no longer exists.")
        item = read_item(row)
        if not item.pending:
            raise UserError(ALREADY_SETTLED, state=item.state)
        # A review post already made (or being made) must be edited to show the outcome.
        await self._db.execute(
            "UPDATE news_item SET state = ?, settled_by = ?, settled_by_name = ?, settled_at = ?, "
            "change_id = ?, review_synced = CASE WHEN review_state IN ('posted', 'sending') "
            "THEN 0 ELSE 1 END WHERE id = ?",
            (state, editor.id, editor.name, now_iso(), change_id, item_id),
        )
        return item

    async def _settled_item(self, item_id: int) -> QueueItem:
        row = await self._db.fetchone("SELECT * FROM news_item WHERE id = ?", (item_id,))
        assert row is not None
        return read_item(row)
