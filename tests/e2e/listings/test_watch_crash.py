"""A restart between proposing and posting loses and duplicates nothing: the bot process is killed
(SIGKILL) while a proposal's review post is on its way, or stopped before it is sent at all."""

import asyncio
import time

import discord
import pytest

from bot.app import running
from bot.store import Store
from tests.e2e.news.test_news import settled
from tests.support.databases import database_of
from tests.support.listings import SWEET_HOME, day, import_show, watch_cycle

pytestmark = pytest.mark.sqlite_only  # the store's own tests cover PostgreSQL


@pytest.fixture
def review(scene):
    return scene.home.add_channel("review")


@pytest.fixture
def bot_env(bot_env, tvmaze, review):
    return {**bot_env, "TVMAZE_API_BASE": tvmaze.base, "FEEDS_ALLOW_PRIVATE": "1",
            "REVIEW_CHANNEL_ID": str(review.id)}


async def proposals(bot_env):
    store = await Store.open(database_of(bot_env))
    try:
        return (await store.news.pending_items(None, limit=10))[0]
    finally:
        await store.close()


async def test_a_proposal_s_post_on_the_wire_when_the_bot_is_killed_is_in_the_channel_once(
        standin, scene, bot_env, bot_process, tvmaze, review):
    # The watch asks what changed every 7 seconds here, so the processes run it by themselves.
    first = await bot_process(LISTINGS_POLL_HOURS="0.002")
    await import_show(standin, scene, "sweet home", "1. Sweet Home (2020)")
    standin.faults.latency = 0.5
    tvmaze.set_premiere(SWEET_HOME, 3, day(120))
    path = f"/channels/{review.id}/messages"
    deadline = time.monotonic() + 20
    while not any(r.method == "POST" and r.path == path and r.status == 0 for r in standin.requests):
        assert time.monotonic() < deadline, first.log_text()[-3000:]
        await asyncio.sleep(0.005)
    await first.kill()
    [landed] = await standin.wait_for_messages(review, 1)  # after the kill: never recorded
    standin.faults.latency = 0
    fetched = tvmaze.fetched(f"/shows/{SWEET_HOME}")
    second = await bot_process(LISTINGS_POLL_HOURS="0.002")
    deadline = time.monotonic() + 20
    # The second process posts what was in flight (Discord drops the repeat by its nonce) and
    # checks the show again: the same value is already pending, so nothing is added.
    while (await proposals(bot_env))[0].review_state != "posted" or \
            tvmaze.fetched(f"/shows/{SWEET_HOME}") == fetched:
        assert time.monotonic() < deadline, second.log_text()[-3000:]
        await asyncio.sleep(0.1)
    await asyncio.sleep(1.0)  # a second post would show up now
    assert standin.messages(review) == [landed]
    [item] = await proposals(bot_env)
    assert item.review_message == landed.id and item.proposal.fields == {"when": day(120)}
    await second.stop()


async def test_a_proposal_made_just_before_a_stop_is_posted_once_after_the_restart(
        standin, scene, bot_settings, tvmaze, review, monkeypatch):
    monkeypatch.setattr(discord.http.Route, "BASE", discord.http.Route.BASE)
    monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY",
                        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)
    async with running(bot_settings) as bot:
        await standin.wait_ready()
        await import_show(standin, scene, "sweet home", "1. Sweet Home (2020)")
        await bot.services.reviews.stop()  # the process dies before posting what comes next
        tvmaze.set_premiere(SWEET_HOME, 3, day(120))
        await watch_cycle(bot.services.watcher)
        assert (await bot.store.news.pending_items(None))[1] == 1
    assert standin.messages(review) == []
    async with running(bot_settings) as bot:
        [post] = await settled(standin, review, 1)
        await watch_cycle(bot.services.watcher)  # checked again after the restart: nothing new
        [item], total = await bot.store.news.pending_items(None)
        assert total == 1 and item.review_message == post.id
        await settled(standin, review, 1)
        await standin.click(scene.editor, post, "Dismiss")  # buttons from before the restart
