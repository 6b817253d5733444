"""Fault soak: editors publish to a few hundred subscriptions while Discord misbehaves.

`standin.chaos.Chaos` injects random 5xx and 429s (with Discord's rate-limit headers) on the
routes announcements use, latency bursts, dropped gateway connections, op 7 and op 9, while
fans keep running commands. Editors publish through `/edit` and the preview's buttons. At the
end every published change reached every matching subscription exactly once, nothing
cancelled or published silently was sent, and the bot still answers. A longer soak:

    SEASONWATCH_SOAK_SECONDS=300 .venv/bin/python -m pytest -q tests/e2e/test_fault_soak.py
"""

from __future__ import annotations

import asyncio
import os
import random
import time
from dataclasses import dataclass, field
from typing import Any

import pytest

from standin.chaos import Chaos
from standin.driver import NoReply
from standin.world import Channel, Member
from tests.e2e.fuzzing import embed_chunks

pytestmark = pytest.mark.sqlite_only  # reads the SQLite file; long: run once

SECONDS = float(os.environ.get("SEASONWATCH_SOAK_SECONDS", "20"))
SEED = 20261202
GUILDS, CHANNELS_PER_GUILD, PUBLISHING = 4, 60, 12  # 240 text + 48 announcement channels
RANK = {"speculation": 0, "rumored": 1, "reported": 2, "confirmed": 3}
TOPIC_SETS = (("news",), ("cast",), ("news", "cast"), ("status", "release", "cast", "episodes",
                                                       "news", "predictions"))
BUTTONS = ("Publish", "Publish", "Publish", "Publish", "Publish silently", "Cancel")


@dataclass(frozen=True)
class Sub:
    channel: Channel
    topics: tuple[str, ...]
    min_confidence: str

    def wants(self, topic: str, confidence: str) -> bool:
        return topic in self.topics and RANK[confidence] >= RANK[self.min_confidence]


@dataclass
class Edit:
    marker: str
    topic: str
    confidence: str
    button: str
    published: bool = False  # the bot said so (or, when its answer was lost, the change exists)


@dataclass
class Tally:
    fan_answered: int = 0
    fan_lost: int = 0  # sent while the connection was being dropped: Discord would lose it too
    editor_retries: int = 0
    slowest: float = 0.0
    edits: list[Edit] = field(default_factory=list)


@pytest.fixture
def soak_world(standin: Any, scene: Any) -> tuple[list[Channel], list[Member]]:
    """Channels for the subscriptions and a crowd of fans, all there before the bot starts."""
    channels = []
    for g in range(GUILDS):
        guild = standin.world.add_guild(f"Soak {g}")
        channels += [guild.add_channel(f"c{i}") for i in range(CHANNELS_PER_GUILD)]
        channels += [guild.add_channel(f"a{i}", announcement=True) for i in range(PUBLISHING)]
    fans = [scene.home.add_member(f"soakfan{i}") for i in range(60)]
    return channels, fans


@pytest.fixture
def bot_env(bot_env: dict[str, str]) -> dict[str, str]:
    return {**bot_env, "ANNOUNCE_RATE": "40", "LOG_LEVEL": "INFO"}


async def subscribe_all(bot: Any, channels: list[Channel], rng: random.Random) -> list[Sub]:
    subs = []
    for ch in channels:
        sub = Sub(ch, rng.choice(TOPIC_SETS), rng.choice(list(RANK)))
        assert ch.guild is not None
        await bot.store.alerts.subscribe(ch.guild.id, ch.id, show_id=None, topics=sub.topics,
                                  min_confidence=sub.min_confidence, publish=ch.type == 5,
                                  created_by=1)
        subs.append(sub)
    return subs


async def until_connected(chaos: Chaos) -> None:
    # Polled: the stand-in has no event for "the bot's session is live again".
    while not chaos.connected():  # noqa: ASYNC110
        await asyncio.sleep(0.02)


async def fans_loop(standin: Any, scene: Any, fans: list[Member], chaos: Chaos, tally: Tally,
                    stop: asyncio.Event, rng: random.Random) -> None:
    """Fans run read commands all along; a command lost with a dropped connection is counted."""
    while not stop.is_set():
        await until_connected(chaos)
        fan = rng.choice(fans)
        started = time.monotonic()
        try:
            await standin.command(fan, scene.home_general, rng.choice(["status", "cast", "news"]),
                                  timeout=3.0)
        except NoReply:
            if not chaos.gateway_faults or started < chaos.gateway_faults[-1] - 3.5:
                raise
            tally.fan_lost += 1
        else:
            tally.fan_answered += 1
            tally.slowest = max(tally.slowest, time.monotonic() - started)
        await asyncio.sleep(rng.uniform(0.05, 0.25))


async def publish_one(standin: Any, scene: Any, bot: Any, chaos: Chaos, edit: Edit,
                      tally: Tally, n: int) -> None:
    """One edit and one press of its preview's button, retried like a person would."""
    if edit.topic == "news":
        command, options = "edit news", {"headline": edit.marker,
                                         "url": f"https://example.com/soak/{n}"}
    else:
        command, options = "edit cast", {"person": edit.marker, "character": "Soak",
                                         "source_url": f"https://example.com/soak/{n}"}
    for _ in range(5):
        await until_connected(chaos)
        try:
            preview = await standin.command(scene.editor, scene.home_general, command,
                                            confidence=edit.confidence, timeout=3.0, **options)
            await until_connected(chaos)
            reply = await standin.click(scene.editor, preview, edit.button, timeout=3.0)
        except NoReply:
            tally.editor_retries += 1
            if await change_exists(bot, edit.marker):
                edit.published = edit.button == "Publish"
                return
            continue
        edit.published = edit.button == "Publish" and "Published as change" in reply.text
        return
    raise AssertionError(f"could not publish {edit.marker!r} in 5 tries")


async def change_exists(bot: Any, marker: str) -> bool:
    return any(marker in repr(c) for c in await bot.store.catalogue.recent_changes(1000))


def announced(channel: Channel, marker: str) -> int:
    """How many announcements of `marker` the channel got (deleted ones count: they were seen)."""
    return sum(
        1 for m in channel.messages if m.interaction_id is None
        for e in m.embeds if marker in " ".join(embed_chunks(e))
    )


async def test_every_published_change_arrives_exactly_once_under_faults(
        standin, scene, soak_world, bot, record_property):
    channels, fans = soak_world
    rng = random.Random(SEED)
    subs = await subscribe_all(bot, channels, rng)
    chaos = Chaos(standin, seed=SEED)
    tally = Tally()
    stop = asyncio.Event()
    chaos_task = asyncio.create_task(chaos.run(SECONDS))
    fan_task = asyncio.create_task(fans_loop(standin, scene, fans, chaos, tally, stop, rng))
    started = time.monotonic()
    n = 0
    while time.monotonic() - started < SECONDS:
        topic = rng.choice(["news", "cast"])
        edit = Edit(f"Soak item {n:03d}", topic, rng.choice(list(RANK)), rng.choice(BUTTONS))
        await publish_one(standin, scene, bot, chaos, edit, tally, n)
        tally.edits.append(edit)
        n += 1
        await asyncio.sleep(rng.uniform(0.2, 0.8))
    await chaos_task
    stop.set()
    await fan_task
    await asyncio.wait_for(drained(bot), 60)

    # The bot still answers, now that Discord behaves again.
    reply = await standin.command(fans[0], scene.home_general, "status", timeout=3.0)
    assert reply.embeds

    checked = lost = duplicated = leaked = 0
    missing: list[str] = []
    for edit in tally.edits:
        for sub in subs:
            got = announced(sub.channel, edit.marker)
            expected = 1 if edit.published and sub.wants(edit.topic, edit.confidence) else 0
            checked += expected
            lost += got < expected
            if got < expected:
                missing.append(await why_missing(bot, sub, edit))
            duplicated += got > 1
            leaked += got > 0 and not expected
    fired = len(standin.faults.fired)
    summary = (
        f"fault soak: {SECONDS:.0f}s, {fired} REST faults fired of {chaos.injected} armed "
        f"({dict(chaos.counts)}), {standin.gateway.identifies} identifies, "
        f"{standin.gateway.resumes} resumes; {len(tally.edits)} edits "
        f"({sum(e.published for e in tally.edits)} published) to {len(subs)} subscriptions: "
        f"{checked} deliveries checked, {lost} lost, {duplicated} duplicated, {leaked} sent "
        f"unpublished or unmatched; fans {tally.fan_answered} answered, {tally.fan_lost} lost "
        f"with a dropped connection, slowest {tally.slowest:.2f}s"
    )
    record_property("proof", summary)
    print(summary)
    assert fired > 0 and chaos.gateway_faults, "the soak injected no faults"
    assert checked > 0
    assert (lost, duplicated, leaked) == (0, 0, 0), "\n".join([summary, *missing])


async def why_missing(bot: Any, sub: Sub, edit: Edit) -> str:
    """What the outbox says about an announcement that never arrived, for the failure message."""
    changes = [c for c in await bot.store.catalogue.recent_changes(1000) if edit.marker in repr(c)]
    rows = [d for c in changes for d in await bot.store.alerts.deliveries(change_id=c.id, limit=1000)
            if d.channel_id == sub.channel.id]
    return f"missing {edit.marker} in #{sub.channel.name}: changes {[c.id for c in changes]}, {rows}"


async def drained(bot: Any) -> None:
    """Until no delivery is left to send (all delivered, or given up on and reported)."""
    while (await bot.store.alerts.deliveries(state="pending")  # noqa: ASYNC110 (the outbox, polled)
           or await bot.store.alerts.deliveries(state="sending")):
        await asyncio.sleep(0.2)
    await asyncio.sleep(1.0)  # a duplicate would show up now
