"""The poller's timing: backoff, and spreading overdue sources out after a restart."""

import time

from bot.news.fetch import Fetcher
from bot.news.poller import FIRST_BACKOFF, MAX_BACKOFF, Poller, backoff


def test_backoff_doubles_from_five_minutes_to_six_hours_with_jitter():
    assert [backoff(n, lambda: 0.5) for n in (1, 2, 3)] == [
        FIRST_BACKOFF,
        2 * FIRST_BACKOFF,
        4 * FIRST_BACKOFF,
    ]
    assert backoff(30, lambda: 0.5) == MAX_BACKOFF
    assert backoff(1, lambda: 0.0) == 0.9 * FIRST_BACKOFF and backoff(1, lambda: 1.0) == 1.1 * FIRST_BACKOFF


async def test_overdue_sources_are_spread_over_one_interval_after_a_restart(store):
    now = time.time()
    for n in range(20):
        await store.add_source(
            f"https://feeds.example/{n}",
            f"feed {n}",
            show_id=None,
            keywords=(),
            added_by=1,
            seen=[],
            next_poll_at=now - 3600,
        )
    later = await store.add_source(
        "https://feeds.example/later",
        "later",
        show_id=None,
        keywords=(),
        added_by=1,
        seen=[],
        next_poll_at=now + 5000,
    )
    poller = Poller(store, Fetcher(), interval=900, review_channel=None, clock=lambda: now)
    await poller._spread()
    times = {s.id: s.next_poll_at for s in await store.sources()}
    overdue = [at for sid, at in times.items() if sid != later[0].id]
    assert all(now <= at < now + 900 for at in overdue)
    assert len({round(at) for at in overdue}) > 10  # not all at once
    assert times[later[0].id] == now + 5000  # not overdue: left as it was
    await poller.fetcher.close()
