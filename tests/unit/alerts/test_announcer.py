"""The announcer against fake channels at the discord.py boundary: merging, retries, pauses."""

# ruff: noqa: ASYNC109

import asyncio
import dataclasses
import itertools
import time
from types import SimpleNamespace

import discord
import pytest

from bot.alerts.announcements import delivery_ids, render_announcement
from bot.alerts.announcer import MAX_EMBED_CHARS, MAX_EMBEDS, Announcer
from bot.core.models import Change, Editor, Fact
from bot.outbox.dispatcher import GIVE_UP_AFTER
from tests.support.catalogue import ALICE, cast_fact

GUILD = 1000
BOT_ID = 999
_ids = itertools.count(10_000)


def http_error(cls, status, code, text="refused"):
    response = SimpleNamespace(status=status, reason=text)
    return cls(response, {"code": code, "message": text})


class FakeMessage:
    def __init__(self, channel, content, embeds, nonce, author_id=BOT_ID):
        self.id = next(_ids)
        self.channel = channel
        self.content = content
        self.embeds = embeds
        self.nonce = nonce
        self.author = SimpleNamespace(id=author_id)
        self.published = False

    async def publish(self):
        if self.channel.publish_error:
            raise self.channel.publish_error
        self.published = True


class FakeChannel:
    """Just what the announcer touches of a discord.py TextChannel, recording every call."""

    def __init__(self, channel_id, *, news=False, perms=None):
        self.id = channel_id
        self.guild = SimpleNamespace(id=GUILD, me=SimpleNamespace(id=BOT_ID))
        self.news = news
        self.perms = perms or discord.Permissions(view_channel=True, send_messages=True,
                                                  embed_links=True, read_message_history=True)
        self.errors = []  # raised by the next sends, in order
        self.publish_error = None
        self.sent = []  # messages that exist
        self.calls = []  # (time, kwargs) of every send request
        self.history_calls = 0
        self._by_nonce = {}

    def permissions_for(self, member):
        return self.perms

    def is_news(self):
        return self.news

    async def send(self, content=None, *, embeds=(), allowed_mentions=None, nonce=None, embed=None):
        self.calls.append((time.monotonic(), dict(content=content, embeds=list(embeds),
                                                  allowed_mentions=allowed_mentions, nonce=nonce)))
        if self.errors:
            raise self.errors.pop(0)
        if nonce is not None and nonce in self._by_nonce:  # enforce_nonce, as Discord does
            return self._by_nonce[nonce]
        message = FakeMessage(self, content, list(embeds) or [embed], nonce)
        self.sent.append(message)
        if nonce is not None:
            self._by_nonce[nonce] = message
        return message

    async def history(self, limit=100):
        self.history_calls += 1
        for message in reversed(self.sent[-limit:]):
            yield message


class FakeClient:
    def __init__(self, *channels):
        self.channels = {c.id: c for c in channels}
        self.user = SimpleNamespace(id=BOT_ID)

    async def wait_until_ready(self):
        return None

    def get_channel(self, channel_id):
        return self.channels.get(channel_id)

    def get_partial_messageable(self, channel_id, *, guild_id=None):
        return self.channels[channel_id]


async def publish(store, show, n=1, *, character="On-jo"):
    changes = []
    for i in range(n):
        key = "park ji-hu" if n == 1 else f"person {i}"
        fact = cast_fact(person=key.title(), character=f"{character} {i}")
        changes.append(await store.catalogue.write(show.id, "cast", key, fact,
                                         expected_version=store.view.entry_version(show.id, "cast", key),
                                         editor=ALICE))
    return changes


@pytest.fixture
def channel():
    return FakeChannel(1)


@pytest.fixture
async def announcer(store, channel):
    announcer = Announcer(store, FakeClient(channel), rate=1000, first_retry=0.02)
    yield announcer
    await announcer.stop()


async def settle(announcer, timeout=5.0):
    """Until nothing is due or in flight."""
    await asyncio.sleep(0)
    announcer.wake()
    await asyncio.wait_for(announcer.idle.wait(), timeout)
    announcer.idle.clear()
    announcer.wake()
    await asyncio.sleep(0.01)
    await asyncio.wait_for(announcer.idle.wait(), timeout)


async def until(condition, timeout=5.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.01)


async def states(store):
    return [d.state for d in await store.alerts.deliveries()]


# -- sending ------------------------------------------------------------------------------------

async def test_a_published_change_is_sent_once_with_a_nonce_and_no_pings(store, show, channel,
                                                                         announcer):
    await store.alerts.subscribe(GUILD, 1, show_id=None, created_by=5)
    announcer.start()
    [change] = await publish(store, show)
    await settle(announcer)
    [message] = channel.sent
    [(_, call)] = channel.calls
    [delivery] = await store.alerts.deliveries()
    assert delivery.state == "delivered" and delivery.message_id == message.id
    assert call["nonce"] == f"sw{delivery.id}x1" and call["content"] is None
    assert call["allowed_mentions"].to_dict() == {"parse": []}
    [embed] = message.embeds
    assert delivery_ids(embed) == [delivery.id] and embed.url.endswith(f"#sw-delivery-{delivery.id}")
    assert "Park Ji-Hu" in embed.title and embed.footer.text == f"seasonwatch · change #{change.id}"


async def test_only_the_subscription_role_is_mentioned(store, show, channel, announcer):
    await store.alerts.subscribe(GUILD, 1, show_id=None, role_id=4242, created_by=5)
    announcer.start()
    await publish(store, show, character="@everyone <@&1> <@77>")
    await settle(announcer)
    [(_, call)] = channel.calls
    assert call["content"] == "<@&4242>"
    assert call["allowed_mentions"].to_dict() == {"parse": [], "roles": [4242]}
    text = call["embeds"][0].description
    assert "@everyone" not in text and "<@&1>" not in text  # escaped: inert even if parsed


async def test_pending_announcements_of_one_channel_merge_into_messages_within_limits(store, show):
    channel, other = FakeChannel(1), FakeChannel(2)
    await store.alerts.subscribe(GUILD, 1, show_id=None, created_by=5)
    await store.alerts.subscribe(GUILD, 2, show_id=None, topics=["release"], created_by=5)
    await publish(store, show, 23)  # queued before the announcer runs
    announcer = Announcer(store, FakeClient(channel, other), rate=1000)
    announcer.start()
    try:
        await settle(announcer)
    finally:
        await announcer.stop()
    sizes = [len(m.embeds) for m in channel.sent]
    assert sizes == [10, 10, 3]
    assert other.sent == []
    for message in channel.sent:
        assert sum(len(e) for e in message.embeds) <= MAX_EMBED_CHARS
    marked = [i for m in channel.sent for e in m.embeds for i in delivery_ids(e)]
    assert marked == sorted(d.id for d in await store.alerts.deliveries())  # each once, in order
    assert set(await states(store)) == {"delivered"}


async def test_merging_stops_at_six_thousand_characters(store, show, channel):
    await store.alerts.subscribe(GUILD, 1, show_id=None, created_by=5)
    changes = []
    for i in range(6):
        fact = Fact(fields={"headline": f"Headline {i} " + "x" * 150, "url": "https://example.com/",
                            "published": "2024-01-01", "note": "n" * 950},
                    confidence="reported", source_name="S" * 100,
                    source_url="https://example.com/" + "p" * 400, as_of="2024-01-01")
        changes.append(await store.catalogue.write(show.id, "news", f"news-{i}", fact, expected_version=0,
                                         editor=ALICE, reason="why " * 250))
    one = render_announcement(show, changes[0], 1)
    assert 1500 < len(one) < 3000
    announcer = Announcer(store, FakeClient(channel), rate=1000)
    announcer.start()
    try:
        await settle(announcer)
    finally:
        await announcer.stop()
    assert len(channel.sent) > 1 and sum(len(m.embeds) for m in channel.sent) == 6
    for message in channel.sent:
        assert len(message.embeds) <= MAX_EMBEDS
        assert sum(len(e) for e in message.embeds) <= MAX_EMBED_CHARS


async def test_two_503s_then_success_is_one_message_sent_with_the_same_nonce(store, show, channel,
                                                                            announcer):
    await store.alerts.subscribe(GUILD, 1, show_id=None, created_by=5)
    channel.errors = [http_error(discord.DiscordServerError, 503, 0)] * 2
    announcer.start()
    await publish(store, show)
    await settle(announcer)
    assert len(channel.sent) == 1
    assert len({call["nonce"] for _, call in channel.calls}) == 1 and len(channel.calls) == 3
    [delivery] = await store.alerts.deliveries()
    assert delivery.state == "delivered" and delivery.attempts == 3
    assert [o.result for o in announcer.outcomes] == ["retry", "retry", "delivered"]


async def test_timeouts_and_connection_errors_are_retried(store, show, channel, announcer):
    await store.alerts.subscribe(GUILD, 1, show_id=None, created_by=5)
    channel.errors = [TimeoutError(), ConnectionResetError("reset")]
    announcer.start()
    await publish(store, show)
    await settle(announcer)
    assert len(channel.sent) == 1 and await states(store) == ["delivered"]


async def test_a_retry_is_scheduled_with_backoff_in_the_database(store, show, channel):
    await store.alerts.subscribe(GUILD, 1, show_id=None, created_by=5)
    channel.errors = [http_error(discord.DiscordServerError, 502, 0)]
    announcer = Announcer(store, FakeClient(channel), rate=1000, rand=lambda: 1.0)
    announcer.start()
    try:
        await publish(store, show)
        await until(lambda: announcer.outcomes)
        [delivery] = await store.alerts.deliveries()
        assert delivery.state == "pending" and delivery.attempts == 1
        assert delivery.next_attempt_at - time.time() == pytest.approx(2.0, abs=0.3)
        assert "502" in delivery.last_error
    finally:
        await announcer.stop()


async def test_a_delivery_failing_for_24_hours_is_marked_failed(store, show, channel, announcer):
    await store.alerts.subscribe(GUILD, 1, show_id=None, created_by=5)
    await publish(store, show)
    old = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(time.time() - GIVE_UP_AFTER - 60))
    await store.database.execute("UPDATE delivery SET created_at = ?", (old,))
    channel.errors = [http_error(discord.DiscordServerError, 500, 0)]
    announcer.start()
    await settle(announcer)
    [delivery] = await store.alerts.deliveries()
    assert delivery.state == "failed" and "24 hours" in delivery.last_error
    assert channel.sent == []


@pytest.mark.parametrize(("error", "words"), [
    (http_error(discord.Forbidden, 403, 50013), "Missing Permissions"),
    (http_error(discord.Forbidden, 403, 50001), "Missing Access"),
])
async def test_403_pauses_the_subscription_and_is_never_retried(store, show, channel,
                                                                       announcer, error, words):
    await store.alerts.subscribe(GUILD, 1, show_id=None, created_by=5)
    channel.errors = [error]
    announcer.start()
    await publish(store, show)
    await settle(announcer)
    await publish(store, show, character="again")
    await settle(announcer)
    assert len(channel.calls) == 1 and channel.sent == []
    [paused] = await store.alerts.subscriptions(GUILD)
    assert paused.state == "paused" and words in paused.paused_reason.text()
    assert await states(store) == ["skipped"]  # the second change queued nothing


async def test_an_unknown_channel_loses_its_subscriptions_and_is_never_asked_again(
        store, show, channel, announcer):
    await store.alerts.subscribe(GUILD, 1, show_id=None, created_by=5)
    await store.alerts.subscribe(GUILD, 1, show_id=show.id, created_by=5)
    await store.alerts.subscribe(GUILD, 2, show_id=None, created_by=5)
    announcer.client.channels[2] = other = FakeChannel(2)
    channel.errors = [http_error(discord.NotFound, 404, 10003, "Unknown Channel")]
    announcer.start()
    await publish(store, show)
    await settle(announcer)
    await publish(store, show, character="again")
    await settle(announcer)
    assert len(channel.calls) == 1 and channel.sent == []
    assert [s.channel_id for s in await store.alerts.subscriptions(GUILD)] == [2]
    assert len(other.sent) == 2 and await states(store) == ["delivered", "delivered"]
    assert "removed" in [o.result for o in announcer.outcomes]


async def test_missing_permissions_in_the_cache_pause_without_a_request(store, show, announcer,
                                                                        channel):
    channel.perms = discord.Permissions(view_channel=True, send_messages=True)
    await store.alerts.subscribe(GUILD, 1, show_id=None, created_by=5)
    announcer.start()
    await publish(store, show)
    await settle(announcer)
    assert channel.calls == []
    [paused] = await store.alerts.subscriptions(GUILD)
    assert paused.state == "paused" and "Embed Links" in paused.paused_reason.text()


async def test_a_failed_crosspost_leaves_the_delivery_delivered_with_a_warning(store, show):
    channel = FakeChannel(1, news=True)
    channel.publish_error = http_error(discord.HTTPException, 429, 20022, "crosspost limit")
    await store.alerts.subscribe(GUILD, 1, show_id=None, publish=True, created_by=5)
    announcer = Announcer(store, FakeClient(channel), rate=1000)
    announcer.start()
    try:
        await publish(store, show)
        await settle(announcer)
        [sub] = await store.alerts.subscriptions(GUILD)
        assert await states(store) == ["delivered"]
        assert "crosspost failed" in sub.warning.text() and sub.active
        channel.publish_error = None
        await publish(store, show, character="later")
        await settle(announcer)
        [sub] = await store.alerts.subscriptions(GUILD)
        assert sub.warning is None and channel.sent[-1].published
    finally:
        await announcer.stop()


async def test_on_start_every_pending_and_in_flight_delivery_resumes(store, show, channel):
    await store.alerts.subscribe(GUILD, 1, show_id=None, created_by=5)
    await store.alerts.subscribe(GUILD, 2, show_id=None, created_by=5)
    await publish(store, show)
    due = await store.alerts.due_deliveries(time.time())
    await store.alerts.start_attempt([due[0].id], time.time())  # in flight when the process died
    second = FakeChannel(2)
    announcer = Announcer(store, FakeClient(channel, second), rate=1000)
    announcer.start()
    try:
        await settle(announcer)
    finally:
        await announcer.stop()
    assert len(channel.sent) == 1 and len(second.sent) == 1
    assert channel.history_calls == 0  # recent enough for Discord's nonce memory
    assert set(await states(store)) == {"delivered"}


async def test_a_delivery_in_flight_long_ago_is_looked_for_before_it_is_resent(store, show, channel):
    await store.alerts.subscribe(GUILD, 1, show_id=None, created_by=5)
    await publish(store, show)
    [due] = await store.alerts.due_deliveries(time.time())
    await store.alerts.start_attempt([due.id], time.time() - 600)
    change = await store.catalogue.change(due.change_id)
    # It did reach Discord before the crash, and Discord has forgotten the nonce since.
    earlier = await channel.send(embeds=[render_announcement(show, change, due.id)], nonce="lost")
    announcer = Announcer(store, FakeClient(channel), rate=1000)
    announcer.start()
    try:
        await settle(announcer)
    finally:
        await announcer.stop()
    assert channel.sent == [earlier] and channel.history_calls == 1
    [delivery] = await store.alerts.deliveries()
    assert delivery.state == "delivered" and delivery.message_id == earlier.id


async def test_an_earlier_copy_marked_in_the_footer_by_an_older_version_counts_as_sent(
        store, show, channel):
    await store.alerts.subscribe(GUILD, 1, show_id=None, created_by=5)
    await publish(store, show)
    [due] = await store.alerts.due_deliveries(time.time())
    await store.alerts.start_attempt([due.id], time.time() - 600)
    change = await store.catalogue.change(due.change_id)
    # Posted before an upgrade: the marker was footer text then, and the title had no link.
    old = render_announcement(show, change)
    old.set_footer(text=f"seasonwatch · change #{change.id} · delivery {due.id}")
    earlier = await channel.send(embeds=[old], nonce="lost")
    announcer = Announcer(store, FakeClient(channel), rate=1000)
    announcer.start()
    try:
        await settle(announcer)
    finally:
        await announcer.stop()
    assert channel.sent == [earlier] and channel.history_calls == 1
    [delivery] = await store.alerts.deliveries()
    assert delivery.state == "delivered" and delivery.message_id == earlier.id


def test_a_korean_footer_of_an_older_version_still_names_its_deliveries():
    old = discord.Embed(url=None).set_footer(text="seasonwatch · 변경 #3 · delivery 12 · delivery 13")
    assert delivery_ids(old) == [12, 13]
    assert delivery_ids(discord.Embed(url="https://a.example/x#sw-delivery-7")) == [7]
    assert delivery_ids(discord.Embed(url="https://a.example/x#sw-delivery-7-b")) == []


async def test_a_message_by_someone_else_with_the_same_footer_does_not_count_as_sent(
        store, show, channel):
    await store.alerts.subscribe(GUILD, 1, show_id=None, created_by=5)
    await publish(store, show)
    [due] = await store.alerts.due_deliveries(time.time())
    await store.alerts.start_attempt([due.id], time.time() - 600)  # old enough to be looked for
    change = await store.catalogue.change(due.change_id)
    # A user (or another bot) posted a copy of the announcement, footer and all.
    forged = FakeMessage(channel, None, [render_announcement(show, change, due.id)], None,
                         author_id=BOT_ID + 1)
    channel.sent.append(forged)
    announcer = Announcer(store, FakeClient(channel), rate=1000)
    announcer.start()
    try:
        await settle(announcer)
    finally:
        await announcer.stop()
    assert channel.history_calls == 1 and len(channel.sent) == 2
    [delivery] = await store.alerts.deliveries()
    assert delivery.state == "delivered" and delivery.message_id == channel.sent[1].id


async def test_a_delivery_claimed_by_another_batch_meanwhile_is_not_sent(store, show, channel,
                                                                         announcer):
    await store.alerts.subscribe(GUILD, 1, show_id=None, created_by=5)
    claim = store.alerts.start_attempt

    async def claimed_first(ids, now, **lease):
        await claim(ids, now, **lease)  # another batch won the race between reading and claiming
        return await claim(ids, now, **lease)

    store.alerts.start_attempt = claimed_first
    announcer.start()
    await publish(store, show)
    await settle(announcer)
    assert channel.calls == []
    [delivery] = await store.alerts.deliveries()
    assert delivery.state == "sending" and delivery.attempts == 1


async def test_an_unsubscribed_channel_gets_nothing_more(store, show, channel, announcer):
    await store.alerts.subscribe(GUILD, 1, show_id=None, created_by=5)
    await publish(store, show)
    await store.alerts.unsubscribe(GUILD, 1)
    announcer.start()
    await settle(announcer)
    assert channel.calls == []


def test_the_announcement_shows_each_field_from_old_to_new_and_marks_corrections(show):
    before = Fact(fields={"when": "2024-H2..2025-H1", "note": None}, confidence="speculation",
                  source_name="Fan blog", source_url="https://example.com/a", as_of="2023-01-01")
    after = Fact(fields={"when": "2025-03", "note": "Netflix said so"}, confidence="confirmed",
                 source_name="Netflix", source_url="https://about.netflix.com/", as_of="2025-01-02")
    change = Change(7, 1, show.id, "release", "release", 2, before, after, Editor(1, "ed"),
                    "2025-01-02T10:00:00+00:00", None, False, 3)
    embed = render_announcement(show, change, 42)
    assert embed.title.startswith("Correction · Test Show season 2 · Release")
    assert ("Release: second half of 2024 – first half of 2025 (speculation · Fan blog) → "
            "March 2025 (confirmed · Netflix)" in embed.description)
    assert "Note: — → Netflix said so" in embed.description
    fields = {f.name: f.value for f in embed.fields}
    assert fields["Confidence"] == "✅ confirmed"
    assert "[Netflix](<https://about.netflix.com/>)" in fields["Source"]
    assert fields["When"].startswith("<t:")
    assert delivery_ids(embed) == [42] and embed.url == "https://about.netflix.com/#sw-delivery-42"
    assert embed.footer.text == "seasonwatch · change #7"  # no delivery number for fans to read


def test_the_reason_undo_records_is_worded_for_each_reader_and_an_editor_s_stays_as_typed(show):
    after = Fact(fields={"when": "2025-03", "note": None}, confidence="confirmed", source_name="Netflix",
                 source_url="https://about.netflix.com/", as_of="2025-01-02")
    undo = Change(8, 1, show.id, "release", "release", 3, None, after, Editor(1, "ed"),
                  "2025-01-02T10:00:00+00:00", "undo of #3", False, 3)
    why = {lang: {f.name: f.value for f in render_announcement(show, undo, 42, lang).fields}
           for lang in ("en", "ko")}
    assert why["en"]["Why"] == "undo of #3" and why["ko"]["이유"] == "변경 #3 되돌리기"
    typed = dataclasses.replace(undo, reason="undo of #3 *really*", correction_of=None)
    fields = {f.name: f.value for f in render_announcement(show, typed, 42, "ko").fields}
    assert fields["이유"] == "undo of #3 \\*really\\*"
