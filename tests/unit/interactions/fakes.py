"""A stand-in interaction for the unit tests of bot/interactions: what discord.py's has that the
checks and the reply helper use, recording what was sent."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import discord
from discord.utils import MISSING

from bot.interactions.access import Access

OWNER, FAN = 1, 3


@dataclass
class Sent:
    how: str  # "response" or "followup"
    content: str | None
    embed: discord.Embed | None
    view: discord.ui.View | None
    ephemeral: bool


@dataclass
class Channel:
    """The interaction's response and followup, writing to one list."""

    sent: list[Sent] = field(default_factory=list)
    done: bool = False
    refuse: bool = False  # Discord answers every send with an error

    def is_done(self) -> bool:
        return self.done

    async def _record(self, how: str, content: Any, embed: Any, view: Any, ephemeral: bool) -> None:
        if self.refuse:
            raise discord.HTTPException(SimpleNamespace(status=400, reason="Bad Request"), "refused")
        self.sent.append(Sent(how, None if content is MISSING else content,
                              None if embed is MISSING else embed, None if view is MISSING else view,
                              ephemeral))
        self.done = True

    async def send_message(self, content: Any = None, *, embed: Any = MISSING, view: Any = MISSING,
                           ephemeral: bool = False) -> None:
        await self._record("response", content, embed, view, ephemeral)

    async def send(self, content: Any = MISSING, *, embed: Any = MISSING, view: Any = MISSING,
                   ephemeral: bool = False) -> None:
        await self._record("followup", content, embed, view, ephemeral)


class Gate:
    """The command tree's shutdown gate."""

    def __init__(self, open_: bool = True) -> None:
        self.open = open_
        self.asked = 0

    async def admit(self, interaction: Any, /) -> bool:
        self.asked += 1
        return self.open


async def no_look_up(guild_id: int, user_id: int) -> list[int] | None:
    raise AssertionError("no home-server look-up expected")


def interaction(user_id: int = FAN, *, cogs: dict[str, Any] | None = None, gate: Gate | None = None,
                data: dict[str, Any] | None = None,
                kind: discord.InteractionType = discord.InteractionType.component) -> Any:
    """An interaction from `user_id` in DMs; owners are editors, anyone else is not."""
    settings = SimpleNamespace(owner_ids=frozenset({OWNER}), home_guild_id=None, editor_role_ids=frozenset())
    channel = Channel()
    found = cogs or {}
    client = SimpleNamespace(access=Access(settings, no_look_up), tree=gate or Gate(),
                             get_cog=found.get)
    return SimpleNamespace(id=7, user=SimpleNamespace(id=user_id), guild_id=None, guild=None,
                           locale="en-US", command=None, type=kind, data=data or {},
                           response=channel, followup=channel, channel=channel, client=client)
