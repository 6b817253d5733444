"""Rows of the news tables as records: one reader per table, shared by the stores that read them
(sources and queue in `bot.news.store`, review posts, proposals)."""

from __future__ import annotations

import json

from bot.db.connection import Row
from bot.news.models import Proposal, QueueItem, Source


def read_source(row: Row) -> Source:
    """A `news_source` row."""
    return Source(
        row["id"],
        row["url"],
        row["name"],
        row["show_id"],
        tuple(json.loads(row["keywords"])),
        row["state"],
        row["paused_reason"],
        row["etag"],
        row["last_modified"],
        row["failures"],
        row["failing_since"],
        row["last_error"],
        row["next_poll_at"],
        row["last_ok_at"],
    )


def read_item(row: Row) -> QueueItem:
    """A `news_item` row."""
    return QueueItem(
        row["id"],
        row["show_id"],
        row["headline"],
        row["url"],
        row["link"],
        row["published"],
        row["source_name"],
        row["summary"],
        tuple(json.loads(row["people"])),
        row["source_id"],
        row["tipper_id"],
        row["tipper_name"],
        row["note"],
        row["state"],
        row["settled_by"],
        row["settled_by_name"],
        row["change_id"],
        row["created_at"],
        row["review_state"],
        row["review_channel"],
        row["review_message"],
        row["review_attempts"],
        row["review_tried_at"],
        Proposal.load(row["proposal"]) if row["proposal"] else None,
    )
