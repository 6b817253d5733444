"""Helpers for the stand-in's own tests (tests/standin/): a small world, raw requests to the
stand-in, pointing discord.py at it, and waiting for the bot to catch up."""

# ruff: noqa: ASYNC109 (`timeout=` mirrors the driver API)
from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass

import discord
import pytest
import yarl

from standin import StandIn
from standin.world import Channel, Guild, Member, Role


@dataclass
class Scene:
    """The stand-in tests' world: guild "Fans" with #general, #news (announcement), an Editors
    role, a fan and an editor."""

    guild: Guild
    general: Channel
    news: Channel
    editors: Role
    fan: Member
    editor: Member

    @classmethod
    def build(cls, standin: StandIn) -> Scene:
        g = standin.world.add_guild("Fans")
        editors = g.add_role("Editors")
        return cls(
            guild=g,
            general=g.add_channel("general"),
            news=g.add_channel("news", announcement=True),
            editors=editors,
            fan=g.add_member("fan"),
            editor=g.add_member("editor", roles=[editors]),
        )


def point_discord_py_at(standin: StandIn, monkeypatch: pytest.MonkeyPatch) -> None:
    """Send discord.py's REST and gateway traffic to the stand-in (undone with `monkeypatch`)."""
    monkeypatch.setattr(discord.http.Route, "BASE", standin.api_base)
    monkeypatch.setattr(
        discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(standin.gateway_url)
    )


async def api(
    standin: StandIn, method: str, path: str, json: object = None, *, token: bool = True
) -> tuple[int, dict[str, str], object]:
    """A raw request to the stand-in, as the bot would make it (tests of the stand-in itself)."""
    import aiohttp

    headers = {"Authorization": f"Bot {standin.token}"} if token else {}
    async with aiohttp.ClientSession() as session:
        async with session.request(
            method, standin.api_base + path, json=json, headers=headers
        ) as resp:
            body = (
                await resp.json() if resp.content_type == "application/json" else await resp.text()
            )
            return resp.status, dict(resp.headers), body


async def eventually(predicate: Callable[[], bool], timeout: float = 3.0) -> None:
    """Wait until `predicate()` holds (the bot processes gateway events asynchronously)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.01)
