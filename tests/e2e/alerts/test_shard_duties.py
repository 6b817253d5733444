"""What only the process holding shard 0 does: DMs, premiere events and news polling run there
once, never in the other shard processes (which would only race it for the same rows)."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses

import discord
import pytest

pytestmark = pytest.mark.sqlite_only  # the duties do not depend on the backend


async def test_only_shard_zero_s_process_sends_dms_keeps_events_and_polls_feeds(
        standin, bot_settings, monkeypatch):
    from bot.app import running
    from bot.outbox.shards import Shards

    monkeypatch.setattr(discord.http.Route, "BASE", discord.http.Route.BASE)
    monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY",
                        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)
    standin.shard_count = 2
    async with contextlib.AsyncExitStack() as stack:
        bots = [await stack.enter_async_context(running(dataclasses.replace(
                    bot_settings, shards=Shards(2, (shard,))))) for shard in (0, 1)]
        await standin.wait_ready()
        zero, one = bots
        for _ in range(250):  # the poller starts on READY, dispatched just after the stand-in's
            if zero.get_cog("News").poller.running:
                break
            await asyncio.sleep(0.02)
        assert zero.holds_shard_zero and not one.holds_shard_zero
        for bot, duty in ((zero, True), (one, False)):
            assert bot.dm_sender.running is duty
            assert bot.event_sender.running is duty
            assert bot.get_cog("News").poller.running is duty
            assert bot.announcer.running  # every process announces to its own shards
