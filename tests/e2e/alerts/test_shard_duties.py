"""What only the process holding shard 0 does: DMs, premiere events, news polling and review
posts run there once, never in the other shard processes (which would only race it for the same rows)."""

from __future__ import annotations

import contextlib
import dataclasses

import discord
import pytest

pytestmark = pytest.mark.sqlite_only  # the duties do not depend on the backend


async def test_only_shard_zero_s_process_sends_dms_keeps_events_and_polls_feeds(
        standin, scene, bot_settings, monkeypatch):
    from bot.app import running
    from bot.outbox.shards import Shards

    monkeypatch.setattr(discord.http.Route, "BASE", discord.http.Route.BASE)
    monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY",
                        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)
    standin.shard_count = 2
    review = scene.home.add_channel("review")
    async with contextlib.AsyncExitStack() as stack:
        bots = [await stack.enter_async_context(running(dataclasses.replace(
                    bot_settings, shards=Shards(2, (shard,)), review_channel_id=review.id)))
                for shard in (0, 1)]
        await standin.wait_ready()
        zero, one = bots
        assert zero.holds_shard_zero and not one.holds_shard_zero
        for bot, duty in ((zero, True), (one, False)):
            assert bot.dm_sender.running is duty
            assert bot.event_sender.running is duty
            assert bot.get_cog("News").poller is bot.services.poller
            assert bot.services.poller.running is duty
            assert bot.services.watcher.running is duty  # the listings watch
            assert bot.services.reviews is not None and bot.services.reviews.running is duty
            assert bot.announcer.running  # every process announces to its own shards
