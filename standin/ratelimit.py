"""Sliding-window rate-limit buckets, reported with Discord's X-RateLimit-* headers."""

from __future__ import annotations

import logging
import math
import time
from collections import deque
from dataclasses import dataclass, field

log = logging.getLogger(__name__)


@dataclass
class Bucket:
    name: str  # sent as X-RateLimit-Bucket
    limit: int
    period: float
    hits: deque[float] = field(default_factory=deque)

    def _expire(self, now: float) -> None:
        while self.hits and self.hits[0] <= now - self.period:
            self.hits.popleft()

    def take(self, now: float | None = None) -> float:
        """Count one request; returns 0 if allowed, else the seconds to wait."""
        now = time.monotonic() if now is None else now
        self._expire(now)
        if len(self.hits) >= self.limit:
            return max(self.hits[0] + self.period - now, 0.001)
        self.hits.append(now)
        return 0.0

    def headers(self, now: float | None = None) -> dict[str, str]:
        now = time.monotonic() if now is None else now
        self._expire(now)
        reset_after = (self.hits[0] + self.period - now) if self.hits else self.period
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(max(self.limit - len(self.hits), 0)),
            "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
            "X-RateLimit-Reset-After": f"{math.ceil(reset_after * 1000) / 1000:.3f}",
            "X-RateLimit-Bucket": self.name,
        }


class Buckets:
    """Buckets keyed by (route name, major parameter), created on first use."""

    def __init__(self) -> None:
        self._buckets: dict[tuple[str, str], Bucket] = {}

    def get(self, name: str, major: str, limit: int, period: float) -> Bucket:
        key = (name, major)
        bucket = self._buckets.get(key)
        if bucket is None or bucket.limit != limit or bucket.period != period:
            bucket = self._buckets[key] = Bucket(name, limit, period)
        return bucket
