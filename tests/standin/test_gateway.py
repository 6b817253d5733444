"""Gateway behaviour: resume after op 7 and drops, op 9, dispatches the bot reacts to."""

from __future__ import annotations

import asyncio

from standin import StandIn
from tests.support.standin import Scene, eventually

from .testbot import MiniBot


async def test_op7_reconnect_resumes_the_session(
    standin: StandIn, bot: MiniBot, scene: Scene
) -> None:
    await standin.send_reconnect()
    await asyncio.wait_for(standin.gateway.resumed.wait(), 5)
    assert (standin.gateway.identifies, standin.gateway.resumes) == (1, 1)
    reply = await standin.command(scene.fan, scene.general, "ping")
    assert reply.content == "pong"


async def test_events_missed_while_disconnected_are_replayed_on_resume(
    standin: StandIn, bot: MiniBot, scene: Scene
) -> None:
    await standin.drop_connection()
    new = await standin.create_channel(scene.guild, "while-away")  # buffered until RESUME
    await asyncio.wait_for(standin.gateway.resumed.wait(), 10)
    await eventually(lambda: bot.get_channel(new.id) is not None)
    assert standin.gateway.identifies == 1


async def test_op9_invalid_session_makes_the_bot_identify_again(
    standin: StandIn, bot: MiniBot, scene: Scene
) -> None:
    await standin.send_invalid_session(resumable=False)
    await eventually(lambda: standin.gateway.identifies == 2, timeout=10)
    await standin.wait_ready(commands=False)
    reply = await standin.command(scene.fan, scene.general, "ping")
    assert reply.content == "pong"


async def test_guild_delete_removes_the_guild_from_the_bot(
    standin: StandIn, bot: MiniBot, scene: Scene
) -> None:
    await standin.remove_bot_from_guild(scene.guild)
    await eventually(lambda: bot.get_guild(scene.guild.id) is None)


async def test_channel_delete_and_role_update_reach_the_bot(
    standin: StandIn, bot: MiniBot, scene: Scene
) -> None:
    await standin.delete_channel(scene.news)
    await standin.update_role(scene.editors, name="Writers", mentionable=True)
    guild = bot.get_guild(scene.guild.id)
    assert guild is not None
    await eventually(lambda: guild.get_channel(scene.news.id) is None)
    await eventually(
        lambda: (
            (r := guild.get_role(scene.editors.id)) is not None
            and r.name == "Writers"
            and r.mentionable
        )
    )


async def test_member_update_respects_intents(standin: StandIn, bot: MiniBot, scene: Scene) -> None:
    # The bot has no members intent: others' updates are not sent, its own are.
    assert not await standin.update_member(scene.fan, roles=[scene.editors])
    me = scene.guild.bot_member
    assert me is not None
    assert await standin.update_member(me, roles=[*me.roles, scene.editors])
    guild = bot.get_guild(scene.guild.id)
    assert guild is not None
    await eventually(lambda: guild.me.get_role(scene.editors.id) is not None)


async def test_an_outage_keeps_the_bot_out_until_the_gateway_is_back(
    standin: StandIn, bot: MiniBot, scene: Scene
) -> None:
    accepted = standin.gateway.connections
    await standin.gateway_outage()
    await eventually(lambda: standin.gateway.refused >= 1, timeout=10)  # the bot tried, was refused
    assert standin.gateway.connections == accepted
    assert bot.ws is None or not bot.ws.open
    standin.gateway_restored()
    await asyncio.wait_for(standin.gateway.resumed.wait(), 15)
    reply = await standin.command(scene.fan, scene.general, "ping")
    assert reply.content == "pong"
