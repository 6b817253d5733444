"""Rate limits and injected faults, seen through raw HTTP and through discord.py."""

from __future__ import annotations

from typing import Any

from standin import StandIn
from tests.support.standin import Scene, api

from .testbot import MiniBot

NO_PINGS: dict[str, Any] = {"parse": []}


async def test_channel_bucket_429_has_discords_headers_and_body(
    standin: StandIn, scene: Scene
) -> None:
    standin.channel_rate = (2, 5.0)
    path = f"/channels/{scene.general.id}/messages"
    body = {"content": "x", "allowed_mentions": NO_PINGS}
    first = await api(standin, "POST", path, body)
    assert first[1]["X-RateLimit-Limit"] == "2" and first[1]["X-RateLimit-Remaining"] == "1"
    await api(standin, "POST", path, body)
    status, headers, data = await api(standin, "POST", path, body)
    assert status == 429
    assert data["message"] == "You are being rate limited." and data["global"] is False  # type: ignore[index]
    assert 0 < data["retry_after"] <= 5  # type: ignore[index]
    assert headers["Via"] == "1.1 google" and "Retry-After" in headers
    for name in ("Limit", "Remaining", "Reset", "Reset-After", "Bucket"):
        assert f"X-RateLimit-{name}" in headers
    assert headers["Content-Type"] == "application/json"
    assert len(standin.rate_limited) == 1


async def test_global_limit_429_is_flagged_global(standin: StandIn, scene: Scene) -> None:
    standin.global_bucket.limit = 3
    statuses = [(await api(standin, "GET", "/users/@me"))[0] for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert standin.rate_limited[0].is_global


async def test_discord_py_retries_a_429(standin: StandIn, bot: MiniBot, scene: Scene) -> None:
    standin.faults.add("POST", "/channels/{channel_id}/messages", status=429, retry_after=0.2)
    reply = await standin.command(
        scene.fan, scene.general, "say", channel=scene.general, text="after 429"
    )
    assert reply.content.startswith("sent ")
    assert len(standin.rate_limited) == 1
    assert [m.content for m in standin.messages(scene.general)] == ["after 429"]


async def test_two_503s_are_seen_by_the_bot(standin: StandIn, bot: MiniBot, scene: Scene) -> None:
    standin.faults.add(
        "POST", "/channels/{channel_id}/messages", channel_id=scene.general.id, status=503, count=2
    )
    results = [
        (
            await standin.command(
                scene.fan, scene.general, "say", channel=scene.general, text=str(i)
            )
        ).content
        for i in range(3)
    ]
    assert results[:2] == ["error 503 0", "error 503 0"]
    assert results[2].startswith("sent ")
    assert len(standin.faults.fired) == 2


async def test_added_latency_still_answers(standin: StandIn, bot: MiniBot, scene: Scene) -> None:
    standin.faults.latency = 0.2
    reply = await standin.command(scene.fan, scene.general, "ping")
    assert reply.content == "pong"
