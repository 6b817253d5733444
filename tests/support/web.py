"""The web server of a bot under test: a free port for WEB_PORT, waiting for the server, reading
pages with a plain HTTP client, and where screenshots go."""

# ruff: noqa: ASYNC109 (`timeout=` is part of the helper's API)
from __future__ import annotations

import asyncio
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
from multidict import CIMultiDict

from tests.support.paths import REPO

# Test artefacts (screenshots): kept after the run, ignored by git.
ARTEFACTS = REPO / "tests" / "artefacts"
SHOW = "all-of-us-are-dead"


def free_port() -> int:
    """A port nothing listens on now (the system's choice, released for the server to take)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def web_address(bot: Any, timeout: float = 5.0) -> str:
    """The bot's web server address, once it listens."""
    server = bot.services.web
    assert server is not None, "the bot was started without WEB_PORT"
    await asyncio.wait_for(server.started.wait(), timeout)
    return str(server.address)


@dataclass
class Answer:
    status: int
    headers: CIMultiDict[str]  # names in any case
    text: str
    body: bytes


async def fetch(url: str, method: str = "GET", headers: dict[str, str] | None = None) -> Answer:
    """One request, read whole; redirects are not followed."""
    async with aiohttp.ClientSession() as session:
        async with session.request(method, url, headers=headers or {}, allow_redirects=False) as resp:
            body = await resp.read()
            return Answer(resp.status, CIMultiDict(resp.headers), body.decode("utf-8", "replace"), body)


def artefact(name: str) -> Path:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    return ARTEFACTS / name
