"""/healthz of the real bot: 200 and what it shows while all is well; 503 while the gateway is
down (a stand-in outage) and while PostgreSQL is gone (the relay cut), and 200 again once
each is back."""

from __future__ import annotations

import discord
import pytest

from tests.support.ops import get, until_health
from tests.support.pg_relay import Relay, through
from tests.support.web import web_address


@pytest.mark.sqlite_only
async def test_healthz_is_200_then_503_while_the_gateway_is_down_then_200(standin, scene, bot):
    base = await web_address(bot)
    got = await get(f"{base}/healthz")
    assert got.status == 200 and got.content_type.startswith("application/json")
    shown = got.json()
    assert shown["status"] == "ok"
    assert shown["gateway"]["shards"][0]["id"] == 0 and shown["gateway"]["shards"][0]["up"] is True
    assert shown["gateway"]["guilds"] == 2
    assert shown["database"] == {"reachable": True, "error": None}
    assert shown["outbox"] == {"backlog": {"announcement": 0, "dm": 0, "review": 0, "event": 0},
                               "pending": 0, "oldest_pending_seconds": None}
    assert shown["failing_sources"] == []

    await standin.gateway_outage()
    down = await until_health(base, 503, timeout=10)
    assert down["status"] == "unhealthy" and down["gateway"]["shards"][0]["up"] is False
    assert down["database"]["reachable"] is True  # only the gateway is down
    standin.gateway_restored()
    back = await until_health(base, 200, timeout=30)
    assert back["gateway"]["shards"][0]["up"] is True
    reply = await standin.command(scene.fan, scene.home_general, "status", show="all-of-us-are-dead")
    assert reply.content or reply.embeds  # and the bot answers again


@pytest.mark.postgresql_only
async def test_healthz_is_503_while_postgresql_is_gone_then_200_once_it_is_back(
        standin, bot_env, bot_process):
    relay = Relay(bot_env["DATABASE_URL"])
    url = through(bot_env["DATABASE_URL"], await relay.start())
    await bot_process(DATABASE_URL=url)
    base = f"http://127.0.0.1:{bot_env['WEB_PORT']}"
    await until_health(base, 200)
    await relay.cut()
    gone = await until_health(base, 503)
    assert gone["database"]["reachable"] is False and gone["database"]["error"]
    assert "127.0.0.1" not in gone["database"]["error"]  # the type of error, never the address
    assert gone["outbox"] is None and gone["gateway"]["shards"][0]["up"] is True
    await relay.restore()
    back = await until_health(base, 200)
    assert back["database"] == {"reachable": True, "error": None}


@pytest.mark.sqlite_only
async def test_healthz_shows_each_shard_of_a_sharded_process(standin, scene, bot_env, monkeypatch):
    from bot.app import running
    from bot.config import settings_from

    monkeypatch.setattr(discord.http.Route, "BASE", discord.http.Route.BASE)
    monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY",
                        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)
    standin.shard_count = 2
    async with running(settings_from({**bot_env, "SHARD_COUNT": "2", "SHARD_IDS": "0,1"})) as bot:
        await standin.wait_ready()
        base = await web_address(bot)
        shown = await until_health(base, 200)
        assert [(s["id"], s["up"]) for s in shown["gateway"]["shards"]] == [(0, True), (1, True)]
        await standin.gateway_outage()
        down = await until_health(base, 503)
        assert [s["up"] for s in down["gateway"]["shards"]] == [False, False]
        standin.gateway_restored()
        await until_health(base, 200, timeout=30)
