"""The store's alerts: subscriptions, and the outbox written with each change."""

import asyncio
import concurrent.futures
import contextlib
import copy
import dataclasses
import sqlite3
import time

import asyncpg
import pytest

from bot.core.errors import InvalidInput
from bot.core.messages import N_
from bot.core.models import Fact
from bot.i18n.notices import Notice
from cogs.alerts import parse_topics
from tests.support.catalogue import ALICE, cast_fact
from tests.support.databases import target_of

GUILD, OTHER_GUILD = 1000, 2000


def release_fact(when="2025-03", confidence="confirmed"):
    return Fact(fields={"when": when, "note": None}, confidence=confidence, source_name="Netflix",
                source_url="https://about.netflix.com/", as_of="2024-06-01")


async def publish(store, show, fact=None, *, kind="cast", key="park ji-hu", silent=False):
    fact = fact or cast_fact()
    return await store.catalogue.write(show.id, kind, key, fact,
                             expected_version=store.view.entry_version(show.id, kind, key),
                             editor=ALICE, silent=silent)


async def channels_for(store, change):
    return sorted(d.channel_id for d in await store.alerts.deliveries(change_id=change.id))


async def test_a_published_change_queues_one_delivery_per_matching_subscription(store, show):
    other = await store.shows.add_show("other-show", "Other Show", 1)
    await store.alerts.subscribe(GUILD, 1, show_id=show.id, created_by=5)
    await store.alerts.subscribe(GUILD, 2, show_id=None, created_by=5)
    await store.alerts.subscribe(GUILD, 3, show_id=other.id, created_by=5)
    change = await publish(store, show)
    assert await channels_for(store, change) == [1, 2]
    delivery = (await store.alerts.deliveries(change_id=change.id))[0]
    assert delivery.state == "pending" and delivery.attempts == 0
    assert delivery.next_attempt_at <= time.time()


async def test_a_channel_with_a_show_and_an_all_shows_subscription_gets_one_delivery(store, show):
    specific, _ = await store.alerts.subscribe(GUILD, 1, show_id=show.id, created_by=5)
    await store.alerts.subscribe(GUILD, 1, show_id=None, created_by=5)
    [delivery] = await store.alerts.deliveries(change_id=(await publish(store, show)).id)
    assert delivery.subscription_id == specific.id


async def test_silent_writes_and_imports_queue_nothing(store, show):
    await store.alerts.subscribe(GUILD, 1, show_id=None, created_by=5)
    change = await publish(store, show, silent=True)
    assert await store.alerts.deliveries(change_id=change.id) == []
    data = store.files.export()
    [entry] = data["shows"][0]["entries"]
    entry["fields"]["character"] = "Nam On-jo"  # an update of an existing entry
    added = copy.deepcopy(entry)
    added["key"], added["fields"]["person"] = "lee yoo-mi", "Lee Yoo-mi"  # and a new one
    data["shows"][0]["entries"].append(added)
    await store.files.import_data(data)
    assert await store.catalogue.count_changes(show.id) == 3  # the import did write both
    assert store.view.entry(show.id, "cast", "park ji-hu").fact.fields["character"] == "Nam On-jo"
    assert await store.alerts.deliveries() == []
    assert not store.alerts.deliveries_queued.is_set()


class CommittedDeliveries(asyncio.Event):
    """Counts, when set, the deliveries another connection sees: only committed rows."""

    def __init__(self, target):
        super().__init__()
        self.target = target
        self.seen = []

    def set(self):
        if isinstance(self.target, str):  # PostgreSQL: asyncpg, on a loop of its own
            async def count():
                conn = await asyncpg.connect(self.target)
                try:
                    return await conn.fetchval("SELECT count(*) FROM delivery")
                finally:
                    await conn.close()
            with concurrent.futures.ThreadPoolExecutor(1) as pool:
                self.seen.append(pool.submit(asyncio.run, count()).result())
        else:
            with contextlib.closing(sqlite3.connect(self.target)) as db:
                self.seen.append(db.execute("SELECT count(*) FROM delivery").fetchone()[0])
        super().set()


async def test_a_published_change_wakes_the_announcer_after_commit(store, show):
    await store.alerts.subscribe(GUILD, 1, show_id=None, created_by=5)
    target = target_of(store)
    store.alerts.deliveries_queued = event = CommittedDeliveries(target)
    await publish(store, show)
    assert event.is_set()
    assert event.seen == [1]  # woken once, when its delivery was already committed


REFUSE = {
    "sqlite": "CREATE TRIGGER refuse BEFORE INSERT ON delivery BEGIN SELECT RAISE(ABORT, 'disk full'); END",
    "postgresql": "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                  "RAISE EXCEPTION 'disk full'; END $$; CREATE TRIGGER refuse BEFORE INSERT ON "
                  "delivery FOR EACH ROW EXECUTE FUNCTION refuse()",
}


async def test_a_failing_delivery_insert_rolls_the_change_back(store, show, backend):
    await store.alerts.subscribe(GUILD, 1, show_id=None, created_by=5)
    await store.database.execute(REFUSE[backend])
    with pytest.raises(Exception, match="disk full"):
        await publish(store, show)
    assert store.view.entry(show.id, "cast", "park ji-hu") is None
    assert await store.catalogue.count_changes(show.id) == 0
    assert await store.alerts.deliveries() == []
    await store.database.execute("DROP TRIGGER refuse" + (" ON delivery" if backend == "postgresql" else ""))
    change = await publish(store, show)  # the store is usable again, and at version 0
    assert change.version == 1 and await channels_for(store, change) == [1]


async def test_topics_filter_by_entry_kind(store, show):
    await store.alerts.subscribe(GUILD, 1, show_id=None, topics=["release", "news"], created_by=5)
    await store.alerts.subscribe(GUILD, 2, show_id=None, topics=["cast"], created_by=5)
    cast = await publish(store, show)
    release = await publish(store, show, release_fact(), kind="release", key="release")
    assert await channels_for(store, cast) == [2]
    assert await channels_for(store, release) == [1]


@pytest.mark.parametrize(("confidence", "expected"), [
    ("speculation", [1]),
    ("rumored", [1, 2]),
    ("reported", [1, 2, 3]),
    ("denied", [1, 2, 3]),  # denied counts as reported
    ("confirmed", [1, 2, 3, 4]),
])
async def test_min_confidence_lets_through_that_confidence_and_above(store, show, confidence,
                                                                      expected):
    for channel, minimum in enumerate(("speculation", "rumored", "reported", "confirmed"), 1):
        await store.alerts.subscribe(GUILD, channel, show_id=None, min_confidence=minimum, created_by=5)
    change = await publish(store, show, cast_fact(confidence=confidence))
    assert await channels_for(store, change) == expected


async def test_removing_an_entry_is_announced_at_the_removed_fact_confidence(store, show):
    await store.alerts.subscribe(GUILD, 1, show_id=None, min_confidence="confirmed", created_by=5)
    await store.alerts.subscribe(GUILD, 2, show_id=None, created_by=5)
    await publish(store, show, cast_fact(confidence="rumored"))
    removal = await store.catalogue.write(show.id, "cast", "park ji-hu", None, expected_version=1,
                                editor=ALICE)
    assert await channels_for(store, removal) == [2]


async def test_an_archived_show_announces_nothing(store, show):
    await store.alerts.subscribe(GUILD, 1, show_id=None, created_by=5)
    await store.shows.update_show(dataclasses.replace(show, archived=True))
    change = await publish(store, show)
    assert await store.alerts.deliveries(change_id=change.id) == []


async def test_paused_subscriptions_get_nothing_and_their_pending_deliveries_are_skipped(store, show):
    first, _ = await store.alerts.subscribe(GUILD, 1, show_id=None, created_by=5)
    await store.alerts.subscribe(GUILD, 2, show_id=None, created_by=5)
    earlier = await publish(store, show)
    assert await store.alerts.pause_subscriptions([first.id], Notice("Missing Access")) == 1
    later = await publish(store, show, cast_fact(character="Nam On-jo"))
    assert await channels_for(store, later) == [2]
    skipped = [d for d in await store.alerts.deliveries(change_id=earlier.id) if d.channel_id == 1]
    assert skipped[0].state == "skipped" and "Missing Access" in skipped[0].last_error
    [paused] = [s for s in await store.alerts.subscriptions(GUILD) if s.id == first.id]
    assert paused.state == "paused" and paused.paused_reason == Notice("Missing Access")
    assert [d.channel_id for d in await store.alerts.due_deliveries(time.time() + 1)] == [2, 2]


async def test_pausing_a_channel_pauses_only_its_subscriptions(store, show):
    await store.alerts.subscribe(GUILD, 1, show_id=None, created_by=5)
    await store.alerts.subscribe(GUILD, 1, show_id=show.id, created_by=5)
    await store.alerts.subscribe(GUILD, 2, show_id=None, created_by=5)
    assert await store.alerts.pause_channel(1, Notice("Missing Access")) == 2
    states = {(s.channel_id, s.show_id): s.state for s in await store.alerts.subscriptions(GUILD)}
    assert states == {(1, None): "paused", (1, show.id): "paused", (2, None): "active"}


async def test_removing_a_channel_or_a_guild_removes_theirs_with_their_deliveries(store, show):
    await store.alerts.subscribe(GUILD, 1, show_id=None, created_by=5)
    await store.alerts.subscribe(GUILD, 1, show_id=show.id, created_by=5)
    await store.alerts.subscribe(GUILD, 2, show_id=None, created_by=5)
    await store.alerts.subscribe(OTHER_GUILD, 3, show_id=None, created_by=6)
    await store.alerts.subscribe(OTHER_GUILD, 4, show_id=None, created_by=6)
    await publish(store, show)
    assert await store.alerts.remove_channel(1) == 2
    assert await store.alerts.remove_guild(OTHER_GUILD) == 2
    assert await store.alerts.remove_channel(1) == 0
    assert [s.channel_id for s in await store.alerts.subscriptions(GUILD)] == [2]
    assert await store.alerts.subscriptions(OTHER_GUILD) == []
    assert [d.channel_id for d in await store.alerts.deliveries()] == [2]  # nothing left to send
    assert [d.channel_id for d in await store.alerts.due_deliveries(time.time() + 1)] == [2]


async def test_subscribing_again_updates_and_resumes_the_same_subscription(store, show):
    sub, created = await store.alerts.subscribe(GUILD, 1, show_id=show.id, created_by=5)
    assert created and sub.topics == ("status", "release", "cast", "episodes", "news",
                                      "predictions")
    await store.alerts.pause_subscriptions([sub.id], Notice("Missing Permissions"))
    await store.alerts.set_subscription_warning(sub.id, Notice("crosspost failed"))
    again, created = await store.alerts.subscribe(GUILD, 1, show_id=show.id, topics=["cast", "release"],
                                           min_confidence="reported", role_id=77, publish=True,
                                           created_by=6)
    assert not created and again.id == sub.id
    assert again.topics == ("release", "cast") and again.min_confidence == "reported"
    assert again.role_id == 77 and again.publish and again.active
    assert again.paused_reason is None and again.warning is None
    assert again.created_by == 5  # who first subscribed it
    assert len(await store.alerts.subscriptions(GUILD)) == 1


async def test_unsubscribe_removes_one_show_or_the_whole_channel(store, show):
    await store.alerts.subscribe(GUILD, 1, show_id=None, created_by=5)
    await store.alerts.subscribe(GUILD, 1, show_id=show.id, created_by=5)
    await store.alerts.subscribe(GUILD, 2, show_id=show.id, created_by=5)
    await publish(store, show)
    assert await store.alerts.unsubscribe(OTHER_GUILD, 1) == 0  # not another server's
    assert await store.alerts.unsubscribe(GUILD, 1, show.id) == 1
    assert await store.alerts.unsubscribe(GUILD, 1) == 1
    assert [s.channel_id for s in await store.alerts.subscriptions(GUILD)] == [2]
    assert {d.channel_id for d in await store.alerts.deliveries()} == {2}


async def test_bad_topics_and_confidence_are_refused(store, show):
    # Topics are checked once, where an admin types them.
    with pytest.raises(InvalidInput, match="topics"):
        parse_topics("gossip")
    with pytest.raises(InvalidInput, match="topics"):
        parse_topics(" , ")
    with pytest.raises(InvalidInput, match="min_confidence"):
        await store.alerts.subscribe(GUILD, 1, show_id=None, min_confidence="denied", created_by=5)


async def test_attempts_batches_retries_and_recovery(store, show):
    await store.alerts.subscribe(GUILD, 1, show_id=None, created_by=5)
    first = await publish(store, show)
    second = await publish(store, show, cast_fact(character="Nam On-jo"))
    due = await store.alerts.due_deliveries(time.time())
    ids = [d.id for d in due]
    assert len(ids) == 2
    assert await store.alerts.start_attempt(ids, 100.0) == ids
    assert await store.alerts.start_attempt(ids, 100.0) == []  # already claimed
    assert await store.alerts.due_deliveries(time.time()) == []
    in_flight = await store.alerts.batch_deliveries(min(ids))
    assert [(d.state, d.attempts, d.last_attempt_at) for d in in_flight] == [("sending", 1, 100.0)] * 2
    await store.alerts.retry_later(ids, time.time() + 60, "503 Service Unavailable")
    assert await store.alerts.due_deliveries(time.time()) == []
    assert await store.alerts.next_delivery_time() == pytest.approx(time.time() + 60, abs=2)
    await store.alerts.start_attempt(ids, 200.0)
    assert await store.alerts.resume_in_flight(time.time()) == 2  # as after a crash
    assert [d.attempts for d in await store.alerts.due_deliveries(time.time())] == [2, 2]
    await store.alerts.mark_delivered(ids[:1], 555)
    await store.alerts.mark_failed(ids[1:], "gave up")
    [done] = await store.alerts.deliveries(change_id=first.id)
    [failed] = await store.alerts.deliveries(change_id=second.id)
    assert (done.state, done.message_id) == ("delivered", 555)
    assert (failed.state, failed.last_error) == ("failed", "gave up")
    assert await store.alerts.next_delivery_time() is None
    counts = await store.alerts.delivery_counts(GUILD)
    assert list(counts.values()) == [{"delivered": 1, "failed": 1}]


async def test_only_pending_deliveries_can_be_claimed(store, show):
    for channel in (1, 2, 3, 4, 5):
        await store.alerts.subscribe(GUILD, channel, show_id=None, created_by=5)
    await publish(store, show)
    pending, sending, delivered, skipped, failed = [d.id for d in await store.alerts.deliveries()]
    assert await store.alerts.start_attempt([sending], 50.0) == [sending]
    await store.alerts.mark_delivered([delivered], 555)
    await store.alerts.skip_deliveries([skipped], "paused")
    await store.alerts.mark_failed([failed], "gave up")
    everything = [pending, sending, delivered, skipped, failed]
    assert await store.alerts.start_attempt(everything, 100.0) == [pending]
    after = {d.id: (d.state, d.attempts, d.last_attempt_at) for d in await store.alerts.deliveries()}
    assert after == {pending: ("sending", 1, 100.0), sending: ("sending", 1, 50.0),
                     delivered: ("delivered", 0, None), skipped: ("skipped", 0, None),
                     failed: ("failed", 0, None)}


async def test_a_pause_reason_is_stored_as_a_message_and_worded_for_each_reader(store, show):
    sub, _ = await store.alerts.subscribe(GUILD, 1, show_id=None, created_by=5)
    reason = Notice.of("The bot lacks {missing} in {channel}. Grant it there, then run /alerts "
                       "subscribe again.", missing=N_list("Send Messages", "Embed Links"), channel="<#1>")
    await store.alerts.pause_subscriptions([sub.id], reason)
    await store.alerts.set_subscription_warning(sub.id, Notice.of(
        "Last crosspost failed ({when}): {why}. The message was posted in the channel; following "
        "servers did not get it.", when="2026-12-03 06:00 UTC", why=N_("timed out")))
    [paused] = await store.alerts.subscriptions(GUILD)
    assert paused.paused_reason == reason
    assert paused.paused_reason.text() == ("The bot lacks Send Messages, Embed Links in <#1>. Grant it "
                                           "there, then run /alerts subscribe again.")
    korean = paused.paused_reason.text("ko")
    assert korean.startswith("봇에게 <#1>에서 메시지 보내기, 링크 첨부 권한이 없습니다.")
    assert "/알림 구독" in korean
    warning = paused.warning.text("ko")
    assert warning.startswith("마지막 크로스포스트가 실패했습니다 (2026-12-03 06:00 UTC): 시간 초과.")
    assert "timed out" in paused.warning.text()


async def test_a_reason_stored_as_english_text_by_an_older_version_reads_as_it_is(store, show):
    sub, _ = await store.alerts.subscribe(GUILD, 1, show_id=None, created_by=5)
    old = ("The bot cannot see <#1> (Missing Access). Give it View Channel there, then run "
           "/alerts subscribe again.")
    await store.database.execute("UPDATE subscription SET state = 'paused', paused_reason = ?, warning = ? "
                            "WHERE id = ?", (old, "Last crosspost failed: {odd} text", sub.id))
    [paused] = await store.alerts.subscriptions(GUILD)
    assert paused.paused_reason.text("ko") == paused.paused_reason.text() == old
    assert paused.warning.text("ko") == "Last crosspost failed: {odd} text"


def N_list(*messages: str) -> list[str]:
    return [N_(m) for m in messages]
