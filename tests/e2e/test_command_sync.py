"""Commands are synced to Discord only when they changed, or by `seasonwatch sync`."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import re
import sys

import discord
import pytest

from bot.app import EXTENSIONS, running, sync
from tests.support.paths import REPO

GLOBAL = re.compile(r"^/applications/\d+/commands$")
GUILD = re.compile(r"^/applications/\d+/guilds/(\d+)/commands$")


def puts(standin, pattern=GLOBAL):
    return [r for r in standin.requests if r.method == "PUT" and pattern.match(r.path)]


@pytest.fixture
def restorable(monkeypatch):
    # The bot points these class attributes at the stand-in; put them back afterwards.
    monkeypatch.setattr(discord.http.Route, "BASE", discord.http.Route.BASE)
    monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY",
                        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)


async def start_and_stop(standin, settings, extensions=EXTENSIONS):
    async with running(settings, extensions) as bot:
        await standin.wait_ready()
        return {c.qualified_name for c in bot.tree.walk_commands()}


async def test_a_restart_with_the_same_commands_does_not_sync(standin, scene, bot_settings, restorable):
    await start_and_stop(standin, bot_settings)
    assert len(puts(standin)) == 1
    await start_and_stop(standin, bot_settings)
    assert len(puts(standin)) == 1
    names = {c["name"] for c in standin.commands[None]}
    assert {"about", "edit", "shows", "alerts", "predict"} <= names  # still registered


async def test_changed_commands_sync_on_the_next_start(standin, scene, bot_settings, restorable):
    await start_and_stop(standin, bot_settings)
    fewer = [e for e in EXTENSIONS if e != "cogs.about"]
    await start_and_stop(standin, bot_settings, fewer)
    assert len(puts(standin)) == 2
    assert "about" not in {c["name"] for c in standin.commands[None]}
    await start_and_stop(standin, bot_settings)
    assert len(puts(standin)) == 3 and "about" in {c["name"] for c in standin.commands[None]}


async def test_seasonwatch_sync_syncs_even_when_nothing_changed(standin, scene, bot_settings,
                                                                restorable):
    await start_and_stop(standin, bot_settings)
    await sync(bot_settings)
    assert len(puts(standin)) == 2
    assert standin.gateway.identifies == 1  # REST only: no second gateway session


async def test_the_dev_guild_gets_the_commands_on_every_start(standin, scene, bot_settings,
                                                              restorable):
    dev = dataclasses.replace(bot_settings, dev_guild_id=scene.other.id)
    await start_and_stop(standin, dev)
    await start_and_stop(standin, dev)
    assert len(puts(standin)) == 1
    assert [int(GUILD.match(r.path)[1]) for r in puts(standin, GUILD)] == [scene.other.id] * 2


async def test_the_sync_command_line(standin, scene, bot_env):
    env = {**os.environ, **bot_env}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "sync", cwd=REPO, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    out, _ = await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode == 0, out.decode()
    assert "synced the slash commands" in out.decode()
    assert len(puts(standin)) == 1 and "edit" in {c["name"] for c in standin.commands[None]}
