"""A crash in the middle of a burst of reminder DMs and announcements: the bot as a
subprocess, killed with SIGKILL, restarted; every DM and announcement arrives exactly once."""

import asyncio
import time

import pytest

from bot.core.models import Editor, Fact
from bot.store import Store
from tests.e2e.alerts.test_alerts_crash import busiest_second, shown
from tests.support.databases import database_of

FANS = CHANNELS = 120
RATE = 25
SHOW = "all-of-us-are-dead"


async def prepare(path, guild_id, channel_ids, user_ids):
    """What a running bot would have committed: subscriptions, reminders, one published change."""
    store = await Store.open(path)
    try:
        await store.files.seed_if_empty()
        show = store.view.show_by_slug(SHOW)
        for channel_id in channel_ids:
            await store.alerts.subscribe(guild_id, channel_id, show_id=None, created_by=1)
        for user_id in user_ids:
            await store.reminders.add(user_id, show.id, "release", "release")
        fact = Fact(fields={"when": "2025-03-14", "note": None}, confidence="confirmed",
                    source_name="Netflix", source_url="https://about.netflix.com/", as_of="2025-01-02")
        await store.catalogue.write(show.id, "release", "release", fact,
                          expected_version=store.view.entry_version(show.id, "release", "release"),
                          editor=Editor(1, "editor"))
    finally:
        await store.close()


@pytest.mark.sqlite_only
async def test_dms_and_announcements_killed_midway_each_arrive_exactly_once(
        standin, scene, bot_env, bot_process):
    guild = standin.world.add_guild("Big")
    channels = [guild.add_channel(f"c{i}") for i in range(CHANNELS)]
    fans = [standin.world.add_user(f"fan{i}") for i in range(FANS)]
    dm_channels = [standin.world.dm_channel(f) for f in fans]
    targets = channels + dm_channels
    await prepare(database_of(bot_env), guild.id, [c.id for c in channels], [f.id for f in fans])

    def received(among=targets):
        return sum(1 for c in among if standin.messages(c))

    standin.faults.latency = 0.1  # so that a few sends are in flight when the process dies
    first = await bot_process(ANNOUNCE_RATE=str(RATE))
    deadline = time.monotonic() + 30
    dm_paths = {f"/channels/{c.id}/messages" for c in dm_channels}

    def dm_in_flight():  # a DM that reached the stand-in and is not answered yet
        return any(r.status == 0 and r.method == "POST" and r.path in dm_paths
                   for r in standin.requests[-50:])

    # Kill once DMs are flowing too, at a moment a DM is on the wire: it lands after the kill.
    while received(dm_channels) < FANS // 4 or received(channels) < CHANNELS // 4 or not dm_in_flight():
        assert time.monotonic() < deadline, first.log_text()[-3000:]
        await asyncio.sleep(0.005)
    await first.kill()
    await asyncio.sleep(0.2)  # requests already on the wire still land
    killed_at = received()
    assert killed_at < len(targets), "the burst finished before the kill"

    second = await bot_process(ANNOUNCE_RATE=str(RATE))
    deadline = time.monotonic() + len(targets) * 2 / RATE + 30
    while received() < len(targets):
        assert time.monotonic() < deadline, f"{shown(standin, targets)}\n{second.log_text()[-3000:]}"
        await asyncio.sleep(0.05)
    await asyncio.sleep(1.0)  # anything extra would show up now

    counts = [len(standin.messages(c)) for c in targets]
    assert counts == [1] * len(targets), f"killed after {killed_at}; counts {sorted(set(counts))}"
    # DM channel opens count too: every request to Discord is within the one shared budget.
    sends = [r.time for r in standin.requests if r.method == "POST" and (
        r.path.endswith("/messages") or r.path == "/users/@me/channels")]
    print(f"killed after {killed_at} of {len(targets)}; busiest second {busiest_second(sends)}")
    assert busiest_second(sends) <= RATE * 1.2
    assert standin.rate_limited == []
    await second.stop()


def as_posted(dm_id, by):
    """The DM's embed as the attempt posted it: marked in the link, or (by a version before the
    marker moved there) in the footer."""
    if by == "older version":
        return {"title": "Release", "footer": {"text": f"seasonwatch · reminder #1 · dm {dm_id}"}}
    return {"title": "Release", "url": f"https://about.netflix.com/x#sw-dm-{dm_id}",
            "footer": {"text": "seasonwatch · reminder #1"}}


@pytest.mark.sqlite_only
@pytest.mark.parametrize("by", ["this version", "older version"])
async def test_a_dm_sent_long_before_a_crash_is_found_in_the_dm_channel_not_sent_again(
        standin, scene, bot_env, bot_process, by):
    """An attempt older than Discord's nonce memory: the bot looks in the DM channel first."""
    fan = scene.fan.user
    path = database_of(bot_env)
    await prepare(path, scene.home.id, [], [fan.id])
    store = await Store.open(path)
    try:
        [dm] = await store.reminders.dms(user_id=fan.id)
        assert await store.reminders.claim_dm(dm.id, time.time() - 600)  # in flight ten minutes ago
    finally:
        await store.close()
    channel = standin.world.dm_channel(fan)
    earlier = standin.create_message(channel, {  # what that attempt posted before the crash
        "content": "reminder", "allowed_mentions": {"parse": []},
        "embeds": [as_posted(dm.id, by)]})
    proc = await bot_process()
    store = await Store.open(path)
    try:
        deadline = time.monotonic() + 10
        while (await store.reminders.dms(user_id=fan.id))[0].state != "delivered":
            assert time.monotonic() < deadline, proc.log_text()[-2000:]
            await asyncio.sleep(0.05)
        assert (await store.reminders.dms(user_id=fan.id))[0].message_id == earlier.id
    finally:
        await store.close()
    assert standin.messages(channel) == [earlier]
    await proc.stop()
