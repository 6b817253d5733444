"""What waits in the outbox, for operators (/healthz and /metrics): per kind of send, how many
rows are pending or in flight and since when the oldest has waited.

The one read across the four senders' tables: each is the outbox of one kind (deliveries,
reminder DMs, review posts on the queue's items, premiere events); counting them is the
outbox's business, not any one feature's. Read when scraped, never cached: the answer is only
as old as the request.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from bot.db.connection import Database

log = logging.getLogger(__name__)

# kind -> (count of waiting rows, when the oldest was queued: ISO text, Unix seconds, or NULL
# when the table keeps no such time). A row in flight ('sending') is still waiting.
_QUERIES = {
    "announcement": "SELECT COUNT(*), MIN(created_at) FROM delivery WHERE state IN ('pending', 'sending')",
    "dm": "SELECT COUNT(*), MIN(created_at) FROM dm WHERE state IN ('pending', 'sending')",
    "review": "SELECT COUNT(*), MIN(created_ts) FROM news_item WHERE review_state IN ('pending', 'sending')",
    # A premiere row keeps no time it was queued: its count alone.
    "event": "SELECT COUNT(*), NULL FROM premiere WHERE state IN ('pending', 'sending')",
}


@dataclass(frozen=True)
class Queue:
    """One kind's waiting sends."""

    kind: str  # announcement, dm, review, event (as bot/metrics.py names them)
    pending: int
    oldest_at: float | None  # Unix time the oldest was queued; None: none waits, or not known

    def oldest_age(self, now: float) -> float | None:
        """Seconds the oldest has waited."""
        return None if self.oldest_at is None else max(0.0, now - self.oldest_at)


def _unix(value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value)
    return dt.datetime.fromisoformat(str(value)).timestamp()


async def backlog(database: Database) -> list[Queue]:
    """Each kind's waiting sends, read now."""
    queues = []
    for kind, sql in _QUERIES.items():
        row = await database.fetchone(sql)
        count, oldest = (row[0], row[1]) if row is not None else (0, None)
        queues.append(Queue(kind, int(count or 0), _unix(oldest) if count else None))
    return queues
