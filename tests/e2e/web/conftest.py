"""Fixtures of the web tests: the bot with its web server on a free port, and one Chromium for
the whole suite (tests.support.browser)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import pytest_asyncio

from tests.support.browser import Browser, ensure_chromium
from tests.support.web import free_port


@pytest_asyncio.fixture
async def bot_env(bot_env: dict[str, str]) -> dict[str, str]:
    """The bot's environment with WEB_PORT set, and PUBLIC_URL its own address (so Discord
    messages link the pages)."""
    port = free_port()
    return {**bot_env, "WEB_PORT": str(port), "PUBLIC_URL": f"http://127.0.0.1:{port}"}


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    executable = ensure_chromium()
    if executable is None:
        pytest.fail("Debian's Chromium is not installed and could not be: apt-get install chromium")
    chromium = Browser(executable)
    try:
        yield chromium
    finally:
        chromium.close()
