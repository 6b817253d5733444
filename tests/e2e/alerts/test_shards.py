"""Two bot processes sharing one PostgreSQL database, one shard each of two: an edit published
through shard 0's process reaches every subscribed channel on both shards exactly once, the
other process shows it within a second, and a process killed mid-fan-out and restarted still
leaves exactly one message per channel, never above the shared send budget."""

import asyncio
import re
import time

import pytest

from bot.store import Store
from standin.world import MANAGE_GUILD
from tests.e2e.alerts.test_alerts_crash import delivered_as_shown
from tests.support.databases import database_of

pytestmark = pytest.mark.postgresql_only

PER_SHARD = 60  # channels on each shard
RATE = 20  # ANNOUNCE_RATE: 10 a second for each process
LEASE = 2  # DELIVERY_LEASE: how long a killed process's claims hold
PERSON = "Shard Newcomer"
_SEND = re.compile(r"^/channels/(\d+)/messages$")


def busiest_second(times):
    times = sorted(times)
    return max((sum(1 for t in times[i:] if t < start + 1.0) for i, start in enumerate(times)),
               default=0)


async def subscribe_all(url, channels):
    store = await Store.open(url)
    try:
        await store.files.seed_if_empty()
        for channel in channels:
            await store.alerts.subscribe(channel.guild.id, channel.id, show_id=None, created_by=1)
    finally:
        await store.close()


async def until(condition, seconds, why):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, why()
        await asyncio.sleep(0.02)


async def test_two_processes_one_shard_each_send_every_announcement_once(standin, bot_env,
                                                                         bot_process):
    standin.shard_count = 2
    world = standin.world
    home = world.add_guild("Home0", shard=(0, 2))  # where the editor publishes: shard 0
    editors = home.add_role("Editors")
    editor = home.add_member("editor0", roles=[editors])
    admin = home.add_member("admin0", permissions_via_role=MANAGE_GUILD)
    far = world.add_guild("Far1", shard=(1, 2))
    fan = far.add_member("fan1")
    shard_of = {home.id: 0, far.id: 1}
    assert [(g.id >> 22) % 2 for g in (home, far)] == [0, 1]
    channels = ([home.add_channel(f"h{i}") for i in range(PER_SHARD)]
                + [far.add_channel(f"f{i}") for i in range(PER_SHARD)])
    await subscribe_all(database_of(bot_env), channels)

    env = {"SHARD_COUNT": "2", "ANNOUNCE_RATE": str(RATE), "DELIVERY_LEASE": str(LEASE),
           "HOME_GUILD_ID": str(home.id), "EDITOR_ROLE_IDS": str(editors.id),
           "OWNER_IDS": str(admin.id)}
    await bot_process(SHARD_IDS="0", wait=False, **env)
    one = await bot_process(SHARD_IDS="1", **env)  # ready once both shards are
    assert standin.gateway.by_shard[0].shard == (0, 2) and standin.gateway.by_shard[1].shard == (1, 2)
    assert "the process holding shard 0 syncs the commands" in one.log_text()

    def received(shard=None):
        return sum(1 for c in channels if (shard is None or shard_of[c.guild.id] == shard)
                   and standin.messages(c))

    standin.faults.latency = 0.1  # so that some sends are in flight when a process dies
    preview = await standin.command(editor, channels[0], "edit cast", person=PERSON,
                                    confidence="rumored", source_url="https://example.com/s")
    published = await standin.click(editor, preview, "Publish")
    assert "Published as change" in published.content
    published_at = time.monotonic()
    # The other process (shard 1's guild asks it) has the change within a second.
    while True:
        card = await standin.command(fan, channels[-1], "cast", person=PERSON)
        seen = time.monotonic() - published_at
        if card.embeds and PERSON in str(card.embeds[0]) and card.embeds[0].get("fields"):
            break
        assert seen < 1.0, f"shard 1's /cast did not show the change: {card.content}"
    print(f"shard 1's process showed the change after {seen:.2f}s")

    await until(lambda: received(1) >= PER_SHARD // 3, 30, lambda: one.log_text()[-3000:])
    await one.kill()
    await asyncio.sleep(0.3)  # requests already on the wire still land
    killed_at, zero_at = received(1), received(0)
    assert killed_at < PER_SHARD, "shard 1's fan-out finished before the kill"
    await asyncio.sleep(1.0)
    # Shard 0's process goes on with its own channels and leaves shard 1's alone.
    assert received(1) == killed_at and zero_at < received(0) < PER_SHARD
    await bot_process(SHARD_IDS="1", **env)
    await until(lambda: received() == len(channels), 2 * PER_SHARD / (RATE / 2) + 30,
                lambda: f"{received(0)} + {received(1)} of {len(channels)}")
    await asyncio.sleep(LEASE + 1.0)  # anything sent twice would show up now

    counts = [len(standin.messages(c)) for c in channels]
    assert counts == [1] * len(channels), f"killed after {killed_at}; counts {sorted(set(counts))}"
    await delivered_as_shown(database_of(bot_env), standin, channels)
    sends = [r.time for r in standin.requests if r.method == "POST" and _SEND.match(r.path)]
    busiest = busiest_second(sends)
    print(f"shard 1 killed after {killed_at} of {PER_SHARD}; {len(sends)} sends (a resend "
          f"after the kill carries the same nonce); busiest second {busiest} (budget {RATE})")
    assert busiest <= RATE
    assert standin.rate_limited == []
