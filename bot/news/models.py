"""The records news intake keeps: sources and queue items."""

from __future__ import annotations

import logging
from dataclasses import dataclass

log = logging.getLogger(__name__)

ITEM_STATES = ("pending", "added", "dismissed")


@dataclass(frozen=True)
class Source:
    """A feed editors watch."""

    id: int
    url: str
    name: str
    show_id: int | None
    keywords: tuple[str, ...]
    state: str  # active, paused
    paused_reason: str | None
    etag: str | None
    last_modified: str | None
    failures: int
    failing_since: float | None
    last_error: str | None  # a stored Notice: why it fails, or (no failures) what the caps skipped
    next_poll_at: float
    last_ok_at: float | None

    @property
    def active(self) -> bool:
        return self.state == "active"


@dataclass(frozen=True)
class QueueItem:
    """A candidate news entry waiting for an editor (or settled by one)."""

    id: int
    show_id: int
    headline: str
    url: str
    link: str
    published: str | None
    source_name: str | None
    summary: str
    people: tuple[str, ...]
    source_id: int | None
    tipper_id: int | None
    tipper_name: str | None
    note: str | None
    state: str
    settled_by: int | None
    settled_by_name: str | None
    change_id: int | None
    created_at: str
    review_state: str
    review_channel: int | None
    review_message: int | None
    review_attempts: int
    review_tried_at: float | None

    @property
    def pending(self) -> bool:
        return self.state == "pending"
