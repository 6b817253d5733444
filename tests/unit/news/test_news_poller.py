"""The poller's timing: backoff, and spreading overdue sources out after a restart."""

import asyncio
import itertools
import time

from bot import metrics
from bot.news.fetch import Fetcher
from bot.news.poller import FIRST_BACKOFF, MAX_BACKOFF, Poller, source_backoff
from tests.feeds import wordpress_feed, wordpress_item


def test_backoff_doubles_from_five_minutes_to_six_hours_with_jitter():
    assert [source_backoff(n, lambda: 0.5) for n in (1, 2, 3)] == [
        FIRST_BACKOFF,
        2 * FIRST_BACKOFF,
        4 * FIRST_BACKOFF,
    ]
    assert source_backoff(30, lambda: 0.5) == MAX_BACKOFF
    assert source_backoff(1, lambda: 0.0) == 0.9 * FIRST_BACKOFF
    assert source_backoff(1, lambda: 1.0) == 1.1 * FIRST_BACKOFF


async def test_overdue_sources_are_spread_over_one_interval_after_a_restart(store):
    now = time.time()
    for n in range(20):
        await store.news.add_source(
            f"https://feeds.example/{n}",
            f"feed {n}",
            show_id=None,
            keywords=(),
            added_by=1,
            seen=[],
            next_poll_at=now - 3600,
        )
    later = await store.news.add_source(
        "https://feeds.example/later",
        "later",
        show_id=None,
        keywords=(),
        added_by=1,
        seen=[],
        next_poll_at=now + 5000,
    )
    poller = Poller(store, Fetcher(), interval=900, review_channel=None, clock=lambda: now)
    await poller.resume()  # what a restart does first
    times = {s.id: s.next_poll_at for s in await store.news.sources()}
    overdue = [at for sid, at in times.items() if sid != later[0].id]
    assert all(now <= at < now + 900 for at in overdue)
    assert len({round(at) for at in overdue}) > 10  # not all at once
    assert times[later[0].id] == now + 5000  # not overdue: left as it was
    await poller.fetcher.close()


async def test_a_dead_feed_is_fetched_after_5_then_10_20_40_minutes_not_every_5(store, feeds):
    url = feeds.serve("/dead", b"", trouble="500")
    now = [1_700_000_000.0]
    await store.news.add_source(url, "dead", show_id=None, keywords=(), added_by=1, seen=[],
                                next_poll_at=now[0])
    poller = Poller(
        store,
        Fetcher(allow_private=True, timeout=1.0),
        interval=900,
        review_channel=None,
        clock=lambda: now[0],
        rand=lambda: 0.5,  # no jitter
    )
    fetched_at = []
    try:
        for _ in range(5):
            [source] = await store.news.sources()
            now[0] = source.next_poll_at - 1  # not yet due: left alone
            await poller.poll_due()
            now[0] = source.next_poll_at
            await poller.poll_due()
            fetched_at.append(now[0])
            assert len(feeds.headers_of("/dead")) == len(fetched_at)
    finally:
        await poller.fetcher.close()
    gaps = [round((b - a) / 60) for a, b in itertools.pairwise(fetched_at)]
    assert gaps == [5, 10, 20, 40]
    [source] = await store.news.sources()
    assert source.failures == 5 and source.next_poll_at == fetched_at[-1] + 80 * 60


async def test_the_poller_runs_on_the_dispatcher_loop_with_no_client_to_wait_for(store):
    poller = Poller(store, Fetcher(), interval=900, review_channel=None)
    poller.start()
    for _ in range(500):
        if poller.cycles:
            break
        await asyncio.sleep(0.01)
    assert poller.running and poller.cycles >= 1
    await poller.stop()
    assert not poller.running


async def test_each_fetch_is_counted_by_its_outcome(store, feeds):
    def fetches(outcome):
        return metrics.REGISTRY.get_sample_value(
            "seasonwatch_fetches_total", {"kind": "feed", "outcome": outcome}) or 0.0

    good = feeds.serve("/good", wordpress_feed([wordpress_item(1, "Casting news")]))
    dead = feeds.serve("/dead", b"", trouble="500")
    now = [1_700_000_000.0]
    for url in (good, dead):
        await store.news.add_source(url, url, show_id=None, keywords=(), added_by=1, seen=[],
                                    next_poll_at=now[0])
    poller = Poller(store, Fetcher(allow_private=True, timeout=1.0), interval=900,
                    review_channel=None, clock=lambda: now[0], rand=lambda: 0.5)
    before = {o: fetches(o) for o in metrics.FETCH_OUTCOMES}
    try:
        await poller.poll_due()
        now[0] += 3600  # both due again: the good one answers 304 to its ETag
        await poller.poll_due()
    finally:
        await poller.fetcher.close()
    moved = {o: fetches(o) - before[o] for o in metrics.FETCH_OUTCOMES}
    assert moved == {"ok": 1, "unchanged": 1, "failed": 2}
