"""Fixtures for the stand-in's own tests: a stand-in with a small world and a tiny bot."""

# ruff: noqa: ASYNC109 (`timeout=` mirrors the driver API)
from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import discord
import pytest
import pytest_asyncio
import yarl

from standin import StandIn
from standin.world import Channel, Guild, Member, Role

from .testbot import MiniBot

log = logging.getLogger(__name__)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Works whatever asyncio_mode pyproject sets: coroutine tests run on pytest-asyncio.
    for item in items:
        if isinstance(item, pytest.Function) and asyncio.iscoroutinefunction(item.obj):
            item.add_marker(pytest.mark.asyncio)


@dataclass
class Scene:
    guild: Guild
    general: Channel
    news: Channel
    editors: Role
    fan: Member
    editor: Member


@pytest_asyncio.fixture
async def standin() -> AsyncIterator[StandIn]:
    s = StandIn()
    await s.start()
    try:
        yield s
    finally:
        await s.stop()


@pytest.fixture
def scene(standin: StandIn) -> Scene:
    g = standin.world.add_guild("Fans")
    editors = g.add_role("Editors")
    return Scene(
        guild=g,
        general=g.add_channel("general"),
        news=g.add_channel("news", announcement=True),
        editors=editors,
        fan=g.add_member("fan"),
        editor=g.add_member("editor", roles=[editors]),
    )


def point_discord_py_at(standin: StandIn, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(discord.http.Route, "BASE", standin.api_base)
    monkeypatch.setattr(
        discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(standin.gateway_url)
    )


@pytest_asyncio.fixture
async def bot(
    standin: StandIn, scene: Scene, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[MiniBot]:
    point_discord_py_at(standin, monkeypatch)
    b = MiniBot()
    started = time.perf_counter()
    task = asyncio.create_task(b.start(standin.token))
    try:
        await standin.wait_ready()
        await asyncio.wait_for(b.wait_until_ready(), 10)
        print(f"start to ready: {time.perf_counter() - started:.2f}s")
        yield b
    finally:
        await b.close()
        task.cancel()
        try:
            await task
        except (asyncio.CancelledError, Exception):
            pass


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
