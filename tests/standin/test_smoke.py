"""The unmodified discord.py bot works through the stand-in's real REST API and gateway."""

from __future__ import annotations

import discord

from standin import StandIn
from tests.support.standin import Scene

from .testbot import MiniBot


def test_discord_py_still_has_the_hooks_the_stand_in_needs() -> None:
    # If discord.py renames these, pointing the bot at the stand-in silently stops working.
    assert isinstance(discord.http.Route.BASE, str)
    assert discord.http.Route.BASE.endswith("/api/v10")
    assert hasattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY")
    assert str(discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY).startswith("wss://")


async def test_bot_logs_in_and_syncs_its_commands(
    standin: StandIn, bot: MiniBot, scene: Scene
) -> None:
    names = {c["name"] for c in standin.commands[None]}
    assert {"ping", "cast", "edit", "pager", "slow", "form", "say"} <= names
    assert bot.user is not None and bot.user.id == standin.bot_user_id
    guild = bot.get_guild(scene.guild.id)
    assert guild is not None and guild.get_channel(scene.general.id) is not None
    assert guild.me.guild_permissions.send_messages
    assert standin.violations == []


async def test_slash_command_reply_is_read_back(
    standin: StandIn, bot: MiniBot, scene: Scene
) -> None:
    reply = await standin.command(scene.fan, scene.general, "ping", text="hello")
    assert reply.content == "pong hello"
    assert not reply.ephemeral
    assert standin.violations == []
