"""Sharding: GET /gateway/bot says how many shards, IDENTIFY's shard picks a connection's guilds,
and a guild's interactions reach the connection of its shard (DMs shard 0's)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import discord
import pytest
import pytest_asyncio
from discord import app_commands

from standin import StandIn
from standin.gateway import shard_of
from tests.support.standin import api, point_discord_py_at


class ShardClient(discord.AutoShardedClient):
    """A client for some shards of two, answering /where with the shard that got it."""

    def __init__(self, shard_ids: list[int]) -> None:
        super().__init__(intents=discord.Intents.default(), shard_count=2, shard_ids=shard_ids,
                         allowed_mentions=discord.AllowedMentions.none())
        self.tree = app_commands.CommandTree(self)

        @self.tree.command(description="Which shard answers")
        async def where(interaction: discord.Interaction) -> None:
            guild = interaction.guild_id
            shard = None if guild is None else shard_of(guild, 2)
            await interaction.response.send_message(f"shard {shard} of {self.shard_ids}")

    async def setup_hook(self) -> None:
        if 0 in (self.shard_ids or []):
            await self.tree.sync()


@pytest_asyncio.fixture
async def clients(standin: StandIn, monkeypatch: pytest.MonkeyPatch
                  ) -> AsyncIterator[tuple[ShardClient, ShardClient]]:
    point_discord_py_at(standin, monkeypatch)
    standin.shard_count = 2
    standin.world.add_guild("Zero", shard=(0, 2))
    standin.world.add_guild("One", shard=(1, 2))
    pair = (ShardClient([0]), ShardClient([1]))
    tasks = [asyncio.create_task(c.start(standin.token)) for c in pair]
    try:
        await standin.wait_ready()
        await asyncio.gather(*(asyncio.wait_for(c.wait_until_ready(), 10) for c in pair))
        yield pair
    finally:
        for client, task in zip(pair, tasks, strict=True):
            await client.close()
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)


async def test_gateway_bot_answers_the_shard_count(standin: StandIn) -> None:
    standin.shard_count = 4
    status, _, body = await api(standin, "GET", "/gateway/bot")
    assert status == 200 and isinstance(body, dict)
    assert body["shards"] == 4 and body["session_start_limit"]["max_concurrency"] >= 1


async def test_each_connection_gets_its_shards_guilds_and_their_interactions(
        standin: StandIn, clients: tuple[ShardClient, ShardClient]) -> None:
    zero, one = clients
    world = standin.world
    guilds = list(world.guilds.values())
    assert {g.id for g in zero.guilds} == {g.id for g in guilds if shard_of(g.id, 2) == 0}
    assert {g.id for g in one.guilds} == {g.id for g in guilds if shard_of(g.id, 2) == 1}
    assert zero.guilds and one.guilds
    for guild in guilds:
        fan = guild.add_member(f"fan-{guild.id}")
        channel = guild.add_channel("talk")
        reply = await standin.command(fan, channel, "where")
        shard = shard_of(guild.id, 2)
        assert reply.content == f"shard {shard} of [{shard}]"
    dm = await standin.command(world.add_user("dm-fan"), None, "where")
    assert dm.content == "shard None of [0]"  # DMs come to shard 0
