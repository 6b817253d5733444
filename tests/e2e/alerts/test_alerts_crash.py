"""A crash in the middle of a fan-out: the bot as a subprocess, killed with SIGKILL, restarted."""

import asyncio
import collections
import re
import time

from bot.core.models import Editor, Fact
from bot.store import Store
from tests.support.databases import database_of

CHANNELS = 300
RATE = 25
SHOW = "all-of-us-are-dead"
_SEND = re.compile(r"^/channels/(\d+)/messages$")


async def prepare(path, guild_id, channel_ids):
    """What a running bot would have committed: 300 subscriptions and one published change."""
    store = await Store.open(path)
    try:
        await store.files.seed_if_empty()
        for channel_id in channel_ids:
            await store.alerts.subscribe(guild_id, channel_id, show_id=None, created_by=1)
        show = store.view.show_by_slug(SHOW)
        fact = Fact(fields={"when": "2025-03", "note": None}, confidence="confirmed",
                    source_name="Netflix", source_url="https://about.netflix.com/", as_of="2025-01-02")
        await store.catalogue.write(show.id, "release", "release", fact,
                          expected_version=store.view.entry_version(show.id, "release", "release"),
                          editor=Editor(1, "editor"))
    finally:
        await store.close()


def on_the_wire(standin):
    """Whether an announcement reached the stand-in and is not answered yet: killed now, the
    bot never learns it was sent, and the next process sends it again."""
    return any(r.status == 0 and r.method == "POST" and _SEND.match(r.path)
               for r in standin.requests[-50:])


def shown(standin, channels):
    """What the channels show: how many have no message, one, two..."""
    counts = collections.Counter(len(standin.messages(c)) for c in channels)
    return f"channels by messages received: {dict(sorted(counts.items()))}"


async def delivered_as_shown(path, standin, channels):
    """Every delivery is recorded as sent, as the one message its channel shows."""
    store = await Store.open(path)
    try:
        sent = {d.channel_id: d for d in await store.alerts.deliveries(limit=10_000)}
    finally:
        await store.close()
    assert {c.id: (sent[c.id].state, sent[c.id].message_id) for c in channels} == {
        c.id: ("delivered", standin.messages(c)[0].id) for c in channels}


def busiest_second(times):
    times = sorted(times)
    return max(sum(1 for t in times[i:] if t < start + 1.0) for i, start in enumerate(times))


async def test_a_fanout_killed_midway_ends_with_exactly_one_message_per_channel(
        standin, scene, bot_env, bot_process, tmp_path):
    guild = standin.world.add_guild("Big")
    channels = [guild.add_channel(f"c{i}") for i in range(CHANNELS)]
    await prepare(database_of(bot_env), guild.id, [c.id for c in channels])

    def received():
        return sum(1 for c in channels if standin.messages(c))

    standin.faults.latency = 0.1  # so that a few sends are in flight when the process dies
    # A killed process's claims hold DELIVERY_LEASE seconds before the next one takes them up.
    first = await bot_process(ANNOUNCE_RATE=str(RATE), DELIVERY_LEASE="2")
    deadline = time.monotonic() + 30
    while received() < CHANNELS // 3 or not on_the_wire(standin):
        assert time.monotonic() < deadline, first.log_text()[-3000:]
        await asyncio.sleep(0.01)
    await first.kill()
    await asyncio.sleep(0.2)  # requests already on the wire still land
    killed_at = received()
    assert killed_at < CHANNELS, "the fan-out finished before the kill"

    second = await bot_process(ANNOUNCE_RATE=str(RATE), DELIVERY_LEASE="2")
    deadline = time.monotonic() + CHANNELS / RATE + 30
    while received() < CHANNELS:
        assert time.monotonic() < deadline, f"{shown(standin, channels)}\n{second.log_text()[-3000:]}"
        await asyncio.sleep(0.05)
    await asyncio.sleep(1.0)  # anything extra would show up now

    counts = [len(standin.messages(c)) for c in channels]
    assert counts == [1] * CHANNELS, f"killed after {killed_at}; counts {sorted(set(counts))}"
    await delivered_as_shown(database_of(bot_env), standin, channels)
    sends = [r.time for r in standin.requests if r.method == "POST" and _SEND.match(r.path)]
    print(f"killed after {killed_at} channels; {len(sends)} sends; busiest second "
          f"{busiest_second(sends)}")
    assert busiest_second(sends) <= RATE * 1.2
    assert standin.rate_limited == []
    await second.stop()


async def in_flight(path):
    """The deliveries a killed process left claimed ('sending')."""
    store = await Store.open(path)
    try:
        return await store.alerts.deliveries(state="sending", limit=10_000)
    finally:
        await store.close()


async def test_a_restart_takes_over_the_killed_processs_claims_at_once_not_after_the_lease(
        standin, scene, bot_env, bot_process):
    """The only process dies a third of the way through 200 channels, its claims leased for
    10 minutes: the next to start holds the shard, so nobody else can be sending them, and
    every channel gets its one message long before the lease would run out."""
    count, lease = 200, "600"
    guild = standin.world.add_guild("Big")
    channels = [guild.add_channel(f"c{i}") for i in range(count)]
    path = database_of(bot_env)
    await prepare(path, guild.id, [c.id for c in channels])

    def received():
        return sum(1 for c in channels if standin.messages(c))

    standin.faults.latency = 0.1  # so that sends are in flight, and more claimed, at the kill
    first = await bot_process(ANNOUNCE_RATE=str(RATE), DELIVERY_LEASE=lease)
    deadline = time.monotonic() + 30
    while received() < count // 3 or not on_the_wire(standin):
        assert time.monotonic() < deadline, first.log_text()[-3000:]
        await asyncio.sleep(0.005)
    await first.kill()
    await asyncio.sleep(0.2)  # requests already on the wire still land
    killed_at = received()
    left = await in_flight(path)
    assert left and all(d.last_attempt_at is not None for d in left), "nothing was claimed at the kill"

    second = await bot_process(ANNOUNCE_RATE=str(RATE), DELIVERY_LEASE=lease)
    deadline = time.monotonic() + count / RATE + 30  # far less than the lease
    while received() < count:
        assert time.monotonic() < deadline, f"killed after {killed_at}, {len(left)} claimed; " \
                                            f"{shown(standin, channels)}"
        await asyncio.sleep(0.05)
    await asyncio.sleep(1.0)  # anything extra would show up now

    assert [len(standin.messages(c)) for c in channels] == [1] * count, shown(standin, channels)
    await delivered_as_shown(path, standin, channels)
    assert standin.rate_limited == []
    await second.stop()
