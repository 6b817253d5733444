"""State of one interaction as Discord tracks it: token, deadlines, responses, messages."""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from typing import Any

from .world import Channel, Guild, Member, Message, User

log = logging.getLogger(__name__)

# Interaction types (receiving-and-responding.mdx)
APPLICATION_COMMAND = 2
MESSAGE_COMPONENT = 3
AUTOCOMPLETE = 4
MODAL_SUBMIT = 5

# Callback types
PONG = 1
CHANNEL_MESSAGE = 4
DEFERRED_CHANNEL_MESSAGE = 5
DEFERRED_UPDATE_MESSAGE = 6
UPDATE_MESSAGE = 7
AUTOCOMPLETE_RESULT = 8
MODAL = 9

ALLOWED_CALLBACKS = {
    APPLICATION_COMMAND: {CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, MODAL},
    MESSAGE_COMPONENT: {
        CHANNEL_MESSAGE,
        DEFERRED_CHANNEL_MESSAGE,
        DEFERRED_UPDATE_MESSAGE,
        UPDATE_MESSAGE,
        MODAL,
    },
    AUTOCOMPLETE: {AUTOCOMPLETE_RESULT},
    MODAL_SUBMIT: {
        CHANNEL_MESSAGE,
        DEFERRED_CHANNEL_MESSAGE,
        DEFERRED_UPDATE_MESSAGE,
        UPDATE_MESSAGE,
    },
}


@dataclass(eq=False)
class InteractionState:
    id: int
    token: str
    type: int
    user: User
    member: Member | None
    guild: Guild | None
    channel: Channel
    payload: dict[str, Any]
    created: float = field(default_factory=time.monotonic)
    response_type: int | None = None
    original: Message | None = None  # @original: the response, or the clicked message
    source: Message | None = None  # message a component/modal came from
    original_edited: bool = False
    followups: list[Message] = field(default_factory=list)
    autocomplete_choices: list[dict[str, Any]] | None = None
    modal: dict[str, Any] | None = None
    errors: list[tuple[int, Any]] = field(default_factory=list)  # (status, body) the bot received
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def age(self) -> float:
        return time.monotonic() - self.created

    def notify(self) -> None:
        self.changed.set()
