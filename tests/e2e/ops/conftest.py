"""Fixtures of the operators' tests: the bot with its web server (/healthz, /metrics) on a free
port."""

from __future__ import annotations

import pytest_asyncio

from tests.support.web import free_port


@pytest_asyncio.fixture
async def bot_env(bot_env: dict[str, str]) -> dict[str, str]:
    """The bot's environment with WEB_PORT set."""
    return {**bot_env, "WEB_PORT": str(free_port())}
