"""bot/web/health.py: the verdict (database answers, every shard's gateway open), what the
report shows (backlog, oldest pending send, failing sources) read from a real database, and
what a discord.py client's gateway looks like to it."""

import time
from types import SimpleNamespace

import pytest

from bot.web.health import Gateway, Health, Report, Shard, gateway_of
from tests.support.catalogue import ALICE, cast_fact

UP = Gateway([Shard(0, True, 0.042)], guilds=2)


@pytest.mark.parametrize(("gateway", "database_ok", "healthy"), [
    (UP, True, True),
    (UP, False, False),
    (Gateway([Shard(0, True), Shard(1, False)]), True, False),
    (Gateway([]), True, False),  # not connected yet: no shard to serve anyone
])
def test_healthy_is_the_database_answering_and_every_shard_up(gateway, database_ok, healthy):
    report = Report(gateway, database_ok)
    assert report.healthy is healthy
    assert report.as_json()["status"] == ("ok" if healthy else "unhealthy")


def test_a_backlog_or_a_failing_source_alone_is_still_healthy():
    from bot.outbox.backlog import Queue

    report = Report(UP, True, queues=[Queue("announcement", 5000, time.time() - 7200)], failing=[])
    assert report.healthy and report.as_json()["outbox"]["pending"] == 5000


def test_the_gateway_of_one_connection_and_of_shards():
    ws = SimpleNamespace(open=True)
    client = SimpleNamespace(is_closed=lambda: False, guilds=[1, 2], ws=ws, shard_id=None,
                             latency=0.05)
    assert gateway_of(client) == Gateway([Shard(0, True, 0.05)], 2)
    ws.open = False  # dropped, reconnecting
    assert gateway_of(client).shards == [Shard(0, False, 0.05)]
    client.ws, client.latency = None, float("nan")  # not connected yet
    assert gateway_of(client).shards == [Shard(0, False, None)]

    def info(closed, latency):
        return SimpleNamespace(is_closed=lambda: closed, latency=latency)

    sharded = SimpleNamespace(is_closed=lambda: False, guilds=[], shards={
        3: info(True, float("inf")), 1: info(False, 0.1)})
    assert gateway_of(sharded).shards == [Shard(1, True, 0.1), Shard(3, False, None)]


def test_a_shard_that_never_connected_is_down():
    """AutoShardedClient.shards holds only the shards that connected."""
    def info(latency):
        return SimpleNamespace(is_closed=lambda: False, latency=latency)

    chosen = SimpleNamespace(is_closed=lambda: False, guilds=[], shard_ids=[0, 2], shard_count=4,
                             shards={0: info(0.1)})
    assert gateway_of(chosen).shards == [Shard(0, True, 0.1), Shard(2, False, None)]
    assert not Report(gateway_of(chosen), True).healthy
    every = SimpleNamespace(is_closed=lambda: False, guilds=[], shard_ids=None, shard_count=3,
                            shards={1: info(0.2)})
    assert [s.up for s in gateway_of(every).shards] == [False, True, False]
    every.shards = {i: info(0.2) for i in range(3)}
    assert Report(gateway_of(every), True).healthy


async def test_a_healthy_report_from_the_database(store, show):
    await store.alerts.subscribe(1, 10, show_id=None, created_by=5)
    await store.catalogue.write(show.id, "cast", "park ji-hu", cast_fact(), expected_version=0, editor=ALICE)
    feed = await store.news.add_source("https://feeds.example/dead", "Dead feed", show_id=None,
                                       keywords=(), added_by=1, seen=[], next_poll_at=0)
    await store.news.add_source("https://feeds.example/ok", "Fine feed", show_id=None,
                                keywords=(), added_by=1, seen=[], next_poll_at=0)
    await store.news.source_failed(feed[0].id, '{"message": "the server answered HTTP {status}", '
                                   '"values": {"status": "500"}}', next_poll_at=0, now=time.time() - 60,
                                   pause_after=10**9)
    report = await Health(store, lambda: UP, clock=lambda: time.time() + 30).check()
    assert report.healthy
    shown = report.as_json()
    assert shown["database"] == {"reachable": True, "error": None}
    assert shown["gateway"] == {"shards": [{"id": 0, "up": True, "latency_ms": 42.0}], "guilds": 2}
    assert shown["outbox"]["backlog"] == {"announcement": 1, "dm": 0, "review": 0, "event": 0}
    assert 29 <= shown["outbox"]["oldest_pending_seconds"] <= 40
    [failing] = shown["failing_sources"]
    assert (failing["name"], failing["failures"], failing["error"]) == (
        "Dead feed", 1, "the server answered HTTP 500")


async def test_a_show_whose_listing_fails_is_a_failing_source_too(store, show):
    db = store.database
    async with db.lock, db.transaction():
        link = await store.listings.link(show.id, "tvmaze", "1001", "https://www.tvmaze.com/shows/1001/x", 0)
        why = '{"message": "TVmaze answered HTTP {status}", "values": {"status": "500"}}'
        await store.listings.failed(link.id, time.time() - 60, why, time.time() + 300)
    shown = (await Health(store, lambda: UP).check()).as_json()
    assert shown["status"] == "ok"
    [failing] = shown["failing_sources"]
    assert (failing["kind"], failing["name"], failing["failures"], failing["error"]) == (
        "listing", "tvmaze 1001", 1, "TVmaze answered HTTP 500")


async def test_a_database_that_does_not_answer_is_unhealthy_and_says_so_without_details(new_database):
    from bot.store import Store

    store = await Store.open(await new_database())
    await store.close()  # every query now fails, as with a server gone
    report = await Health(store, lambda: UP).check()
    assert not report.healthy and not report.database_ok
    shown = report.as_json()
    assert shown["database"]["reachable"] is False and shown["database"]["error"]
    assert shown["outbox"] is None and shown["failing_sources"] is None


async def test_a_database_that_hangs_is_cut_short(store):
    class Hanging:
        async def value(self, sql):
            import asyncio
            await asyncio.sleep(10)

    report = await Health(SimpleNamespace(database=Hanging(), news=store.news), lambda: UP,
                          database_timeout=0.05).check()
    assert not report.database_ok and report.database_error == "no answer within 0.05 s"


async def test_a_busy_lock_leaves_the_bot_healthy_with_the_details_unknown(store, show):
    """A task holding Database.lock (a writer waiting on SQLite, a reload) is not the database
    being down: only SELECT 1 is the verdict; what needs the lock is shown as unknown."""
    health = Health(store, lambda: UP, database_timeout=0.3)
    async with store.database.lock:
        started = time.monotonic()
        report = await health.check()
        assert time.monotonic() - started < 3
    assert report.healthy and report.database_ok
    shown = report.as_json()
    assert shown["database"] == {"reachable": True, "error": None}
    assert shown["failing_sources"] is None
    assert shown["outbox"] is not None  # the backlog needs no lock
    assert (await health.check()).as_json()["failing_sources"] == []  # the lock free again
