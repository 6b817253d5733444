"""Fixtures for the stand-in's own tests: a stand-in with a small world and a tiny bot.
Their helpers (the world, raw requests, waiting) are in tests/support/standin.py."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from standin import StandIn
from tests.support.standin import Scene, point_discord_py_at

from .testbot import MiniBot

log = logging.getLogger(__name__)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Works whatever asyncio_mode pyproject sets: coroutine tests run on pytest-asyncio.
    for item in items:
        if isinstance(item, pytest.Function) and asyncio.iscoroutinefunction(item.obj):
            item.add_marker(pytest.mark.asyncio)


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
    return Scene.build(standin)


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
