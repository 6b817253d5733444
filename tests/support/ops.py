"""Reading a bot's /healthz and /metrics in tests: one GET, the Prometheus text parsed by
prometheus-client's own parser, and waiting for /healthz to say a given status. The port and
the server's address come from tests.support.web."""

# ruff: noqa: ASYNC109 (`timeout=` is part of the helpers' API)
from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass
from typing import Any

import aiohttp
from prometheus_client.parser import text_string_to_metric_families


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


def present(samples: Samples, name: str, **labels: str) -> float:
    """One sample's value, which must be exported (a gauge never set is not 0, it is missing)."""
    key = (name, frozenset(labels.items()))
    assert key in samples, f"{name}{labels} is not exported"
    return samples[key]


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
