"""What the stand-in remembers for tests to assert on, and the faults tests can inject."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)


@dataclass
class RequestRecord:
    method: str
    path: str
    query: dict[str, str]
    json: Any
    time: float = field(default_factory=time.monotonic)
    status: int = 0  # filled in once answered
    response: Any = None


@dataclass
class Violation:
    """Something the real Discord would refuse: a bot bug. e2e tests require none."""

    kind: str  # "unknown_route", "invalid_body", "content_limits", "late_response", ...
    method: str
    path: str
    detail: Any

    def __str__(self) -> str:
        return f"{self.kind}: {self.method} {self.path}: {self.detail}"


@dataclass
class RateLimitRecord:
    method: str
    path: str
    bucket: str
    retry_after: float
    is_global: bool
    time: float = field(default_factory=time.monotonic)


@dataclass
class Fault:
    """An injected failure; `route` is a spec template like "/channels/{channel_id}/messages"."""

    method: str | None
    route: str | None
    channel_id: int | None
    status: int
    count: int
    code: int
    body: dict[str, Any] | None
    retry_after: float

    def matches(self, method: str, template: str, params: dict[str, str]) -> bool:
        if self.count <= 0:
            return False
        if self.method is not None and self.method.upper() != method:
            return False
        if self.route is not None and self.route != template:
            return False
        if self.channel_id is not None and params.get("channel_id") != str(self.channel_id):
            return False
        return True


class Faults:
    """Failures on demand.

    `standin.faults.add("POST", "/channels/{channel_id}/messages", status=503, count=2)`
    """

    def __init__(self) -> None:
        self.latency = 0.0  # seconds added before every REST answer
        self.active: list[Fault] = []
        self.fired: list[tuple[Fault, str, str]] = []  # (fault, method, path)

    def add(
        self,
        method: str | None,
        route: str | None,
        *,
        channel_id: int | None = None,
        status: int = 503,
        count: int = 1,
        code: int = 0,
        body: dict[str, Any] | None = None,
        retry_after: float = 0.05,
    ) -> Fault:
        fault = Fault(method, route, channel_id, status, count, code, body, retry_after)
        self.active.append(fault)
        return fault

    def take(self, method: str, template: str, params: dict[str, str], path: str) -> Fault | None:
        for fault in self.active:
            if fault.matches(method, template, params):
                fault.count -= 1
                self.fired.append((fault, method, path))
                return fault
        return None

    def clear(self) -> None:
        self.active.clear()
        self.latency = 0.0


@dataclass
class MentionRecord:
    """One message the bot created or edited, with the allowed_mentions it sent (None: absent)."""

    kind: str  # "channel message", "interaction message", "deferred reply", "edit"
    message_id: int
    channel_id: int
    interaction: bool  # an interaction response or followup, never an announcement
    allowed_mentions: dict[str, Any] | None
    content: str
