"""The records news intake keeps: sources and queue items."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.news.parse import Item

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


def _same(have: Any, want: Any) -> bool:
    return str(have).casefold() == str(want).casefold() if isinstance(want, str) else have == want


@dataclass(frozen=True)
class Proposal:
    """A fact as a listings database states it, proposed for one entry of a show: only the
    fields the listing states (never None), how sure it is and where it is listed."""

    kind: str
    key: str
    fields: Mapping[str, Any]
    confidence: str
    source_name: str
    source_url: str

    def value(self) -> str:
        """The listed value, compared with what was listed and dismissed before: the fields only,
        since a listing's confidence and page do not make a new value."""
        return json.dumps(dict(self.fields), sort_keys=True, ensure_ascii=False)

    def stated_by(self, fact: Any) -> bool:
        """Whether a fact (an accepted proposal's preview) says every value proposed: a preview
        of an older value no longer settles a proposal its listing has replaced since."""
        return all(_same(fact.fields.get(name), value) for name, value in self.fields.items())

    def dump(self) -> str:
        return json.dumps({"kind": self.kind, "key": self.key, "fields": dict(self.fields),
                           "confidence": self.confidence, "source_name": self.source_name,
                           "source_url": self.source_url}, ensure_ascii=False)

    @classmethod
    def load(cls, text: str) -> Proposal:
        data = json.loads(text)
        return cls(data["kind"], data["key"], dict(data["fields"]), data["confidence"],
                   data["source_name"], data["source_url"])


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
    proposal: Proposal | None = field(default=None)  # a listed fact, not a news item

    @property
    def pending(self) -> bool:
        return self.state == "pending"


@dataclass(frozen=True)
class Candidate:
    """An item found for a show, with the cast members it names."""

    item: Item
    show_id: int
    people: tuple[str, ...]
