"""Reading a bot's /healthz and /metrics in tests: a free port for WEB_PORT, the server's address,
one GET, the Prometheus text parsed by prometheus-client's own parser, and waiting for /healthz
to say a given status."""

# ruff: noqa: ASYNC109 (`timeout=` is part of the helpers' API)
from __future__ import annotations

import asyncio
import json
import socket
import time
from dataclasses import dataclass
from typing import Any

import aiohttp
from prometheus_client.parser import text_string_to_metric_families


def free_port() -> int:
    """A port nothing listens on now (the system's choice, released for the server to take)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def web_address(bot: Any, timeout: float = 5.0) -> str:
    """An in-process bot's web server address, once it listens."""
    server = bot.services.web
    assert server is not None, "the bot was started without WEB_PORT"
    await asyncio.wait_for(server.started.wait(), timeout)
    return str(server.address)


@dataclass
class Got:
    status: int
    content_type: str
    text: str

    def json(self) -> Any:
        return json.loads(self.text)


async def get(url: str, timeout: float = 10.0) -> Got:
    """One GET, read whole."""
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout)) as session:
        async with session.get(url) as resp:
            return Got(resp.status, resp.headers.get("Content-Type", ""), await resp.text())


Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def parse_metrics(text: str) -> Samples:
    """Every sample of a /metrics answer by name and labels (the parser raises on bad text)."""
    return {(s.name, frozenset(s.labels.items())): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def value(samples: Samples, name: str, **labels: str) -> float:
    """One sample's value; 0 if it is not there (a counter not yet moved)."""
    return samples.get((name, frozenset(labels.items())), 0.0)


async def scrape(base: str) -> Samples:
    got = await get(f"{base}/metrics")
    assert got.status == 200, got.text
    return parse_metrics(got.text)


async def until_health(base: str, status: int, timeout: float = 20.0) -> dict[str, Any]:
    """Poll /healthz until it answers `status`; what it said then."""
    deadline = time.monotonic() + timeout
    last: Got | None = None
    while time.monotonic() < deadline:
        try:
            last = await get(f"{base}/healthz", timeout=5.0)
        except aiohttp.ClientError:
            last = None  # not listening yet
        if last is not None and last.status == status:
            return dict(last.json())
        await asyncio.sleep(0.2)
    raise AssertionError(f"/healthz never answered {status}; last: "
                         f"{None if last is None else (last.status, last.text)}")
