"""The watch against the TVmaze stand-in and a real store (both backends): what a cycle fetches
(what changed upstream, what is due: weekly, just linked, a backoff over) and what it never does
(fetch an unchanged show, an archived one, ask anything with nothing linked, raise)."""

import dataclasses
import time

import pytest

from bot.listings.tvmaze import TVmaze
from bot.listings.watch import WEEK, Watcher

KINGDOM, SWEET_HOME = "1004", "1002"


@pytest.fixture
async def client(tvmaze):
    client = TVmaze(tvmaze.base, allow_private=True, timeout=1.0, per_second=50, first_wait=0.2)
    yield client
    await client.close()


@pytest.fixture
def clock():
    return {"now": time.time()}


@pytest.fixture
def watcher(store, client, clock):
    return Watcher(store, client, interval=6 * 3600.0, review_channel=None, clock=lambda: clock["now"],
                   rand=lambda: 0.5)


async def linked(store, slug, external_id, season, next_check_at):
    show = await store.shows.add_show(slug, slug.title(), season)
    async with store.database.lock, store.database.transaction():
        await store.listings.link(show.id, "tvmaze", external_id, f"https://www.tvmaze.com/shows/{external_id}",
                                  next_check_at=next_check_at)
    return show


def fetched(tvmaze, external_id):
    return tvmaze.fetched(f"/shows/{external_id}")


async def test_nothing_linked_asks_tvmaze_nothing(watcher, tvmaze, clock):
    assert await watcher.cycle(clock["now"]) == 0
    assert tvmaze.requests == []


async def test_a_cycle_fetches_what_changed_and_what_is_due_and_nothing_else(store, watcher, tvmaze, clock):
    now = clock["now"]
    await linked(store, "kingdom", KINGDOM, 2, now + WEEK)  # checked lately, unchanged upstream
    await linked(store, "sweet-home", SWEET_HOME, 3, now + WEEK)
    tvmaze.mark_updated(int(SWEET_HOME))
    assert await watcher.cycle(now) == 1
    assert (fetched(tvmaze, KINGDOM), fetched(tvmaze, SWEET_HOME)) == (0, 1)
    assert tvmaze.fetched("/updates/shows") == 1
    # A week on, every linked show is due, changed or not.
    clock["now"] = now + WEEK + 60
    tvmaze.updated.clear()
    assert await watcher.cycle(clock["now"]) == 2
    assert (fetched(tvmaze, KINGDOM), fetched(tvmaze, SWEET_HOME)) == (1, 2)
    # Each was checked: due again a week later, not at the next cycle.
    assert await watcher.cycle(clock["now"] + 6 * 3600) == 0


async def test_differences_are_proposed_and_an_archived_show_is_not_fetched(store, watcher, tvmaze, clock):
    show = await linked(store, "kingdom", KINGDOM, 2, 0.0)
    assert await watcher.cycle(clock["now"]) == 1
    items, total = await store.news.pending_items(None, limit=25)
    assert total >= 4 and all(i.proposal.source_name == "TVmaze" for i in items)  # nothing known yet
    await store.shows.update_show(dataclasses.replace(show, archived=True))
    before = fetched(tvmaze, KINGDOM)
    assert await watcher.cycle(clock["now"] + WEEK + 60) == 1
    assert fetched(tvmaze, KINGDOM) == before  # looked at, not fetched: nothing to propose for
    assert (await store.news.pending_items(None))[1] == total


async def test_a_failing_updates_list_still_checks_what_is_due(store, watcher, tvmaze, clock):
    await linked(store, "kingdom", KINGDOM, 2, 0.0)
    tvmaze.fault("500", path="/updates")
    tvmaze.fault("malformed", path=f"/shows/{KINGDOM}")
    assert await watcher.cycle(clock["now"]) == 1
    show = store.view.show_by_slug("kingdom")
    async with store.database.lock:
        link = await store.listings.link_of(show.id, "tvmaze")
    assert link.failures == 1 and "TVmaze" in link.last_error
    assert link.next_check_at == pytest.approx(clock["now"] + 300)  # 5 minutes (rand 0.5: no jitter)


async def test_check_show_checks_one_linked_show_now(store, watcher, tvmaze, clock):
    show = await linked(store, "kingdom", KINGDOM, 2, clock["now"] + WEEK)
    queued = await watcher.check_show(show.id)
    assert queued and fetched(tvmaze, KINGDOM) == 1
    assert await watcher.check_show(show.id) == []  # the same listing again: nothing new
    assert await watcher.check_show(show.id + 1) == []  # not linked: nothing fetched
    assert fetched(tvmaze, KINGDOM) == 2


async def test_each_check_is_counted_for_metrics_by_outcome(store, watcher, tvmaze, clock):
    from bot import metrics

    def count(outcome):
        return metrics.REGISTRY.get_sample_value(
            "seasonwatch_fetches_total", {"kind": "listing", "outcome": outcome}) or 0.0

    before = {outcome: count(outcome) for outcome in ("ok", "unchanged", "failed")}
    show = await linked(store, "kingdom", KINGDOM, 2, 0.0)
    await watcher.check_show(show.id)  # nothing known yet: proposals
    await watcher.check_show(show.id)  # the same listing again: nothing new
    tvmaze.fault("500", path=f"/shows/{KINGDOM}")
    await watcher.check_show(show.id)
    assert {outcome: count(outcome) - before[outcome] for outcome in before} == {
        "ok": 1, "unchanged": 1, "failed": 1}
