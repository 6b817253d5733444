"""The store's premiere rows: marked in the release change's transaction for every server that
asked for events, one row per server and season however many changes (on both backends)."""

import time

from bot.i18n.notices import Notice
from tests.unit.alerts.test_store_alerts import publish, release_fact

GUILD, OTHER_GUILD, QUIET_GUILD = 1000, 2000, 3000


async def test_a_release_change_marks_one_row_per_server_that_wants_events(store, show):
    await store.alerts.subscribe(GUILD, 1, show_id=show.id, created_by=5, events=True)
    await store.alerts.subscribe(GUILD, 2, show_id=None, created_by=5, events=True)  # same server: one row
    await store.alerts.subscribe(OTHER_GUILD, 3, show_id=None, created_by=5, events=True)
    await store.alerts.subscribe(QUIET_GUILD, 4, show_id=show.id, created_by=5)  # no events
    await publish(store, show)  # a cast change: no event business
    assert await store.premieres.premieres() == []
    await publish(store, show, release_fact("2025-03-14"), kind="release", key="release")
    rows = await store.premieres.premieres()
    assert sorted(r.guild_id for r in rows) == [GUILD, OTHER_GUILD]
    assert {(r.show_id, r.season, r.state, r.event_id) for r in rows} == {(show.id, 2, "pending", None)}
    assert store.premieres.queued.is_set()
    assert [s.events for s in await store.alerts.subscriptions(QUIET_GUILD)] == [False]


async def test_changes_while_in_hand_leave_one_row_marked_again(store, show):
    await store.alerts.subscribe(GUILD, 1, show_id=show.id, created_by=5, events=True)
    await publish(store, show, release_fact("2025-03-14"), kind="release", key="release", silent=True)
    [row] = await store.premieres.due_premieres(time.time() + 1)  # silent or not, the event follows
    assert await store.premieres.claim_premiere(row.id) and not await store.premieres.claim_premiere(row.id)
    await publish(store, show, release_fact("2025-03-21"), kind="release", key="release")
    await store.premieres.settle_premiere(row.id, 42, "2025-03-14")
    [again] = await store.premieres.premieres()
    assert (again.id, again.state, again.event_id, again.event_day) == (row.id, "pending", 42, "2025-03-14")
    assert await store.premieres.claim_premiere(row.id)
    await store.premieres.settle_premiere(row.id, 42, "2025-03-21")
    [done] = await store.premieres.premieres()
    assert done.state == "done" and await store.premieres.due_premieres(time.time() + 1) == []


async def test_a_blocked_row_warns_in_alerts_list_until_subscribed_again(store, show):
    await store.alerts.subscribe(GUILD, 1, show_id=show.id, created_by=5, events=True)
    assert await store.premieres.queue(show.id, show.season, GUILD) == 1
    [row] = await store.premieres.premieres()
    await store.premieres.claim_premiere(row.id)
    await store.premieres.block_premiere(row, Notice.of("The bot lacks Create Events."))
    [blocked] = await store.premieres.premieres()
    assert blocked.state == "blocked" and await store.premieres.due_premieres(time.time() + 60) == []
    [sub] = await store.alerts.subscriptions(GUILD)
    assert sub.warning == Notice.of("The bot lacks Create Events.")
    await store.alerts.subscribe(GUILD, 1, show_id=show.id, created_by=5, events=True)
    assert (await store.alerts.subscriptions(GUILD))[0].warning is None
    await store.premieres.queue(show.id, show.season, GUILD)
    assert [r.state for r in await store.premieres.premieres()] == ["pending"]


async def test_rows_in_hand_at_a_crash_are_looked_at_again(store, show):
    await store.alerts.subscribe(GUILD, 1, show_id=None, created_by=5, events=True)
    await store.premieres.queue(show.id, show.season)
    [row] = await store.premieres.premieres()
    await store.premieres.claim_premiere(row.id)
    assert await store.premieres.resume_premieres_in_flight() == 1
    await store.premieres.retry_premiere(row.id, time.time() + 60, "503")
    assert await store.premieres.due_premieres(time.time()) == []
    assert await store.premieres.next_premiere_time() > time.time()


async def test_a_server_s_event_is_looked_at_again_once_no_subscription_asks_for_it(store, show):
    await store.alerts.subscribe(GUILD, 1, show_id=show.id, created_by=5, events=True)
    await store.alerts.subscribe(GUILD, 2, show_id=None, created_by=5, events=True)
    await store.alerts.subscribe(GUILD, 3, show_id=None, created_by=5)
    await store.premieres.queue(show.id, show.season, GUILD)
    [row] = await store.premieres.premieres()
    await store.premieres.claim_premiere(row.id)
    await store.premieres.settle_premiere(row.id, 42, "2025-03-14")
    store.premieres.queued.clear()
    assert await store.alerts.unsubscribe(GUILD, 1) == 1
    assert [r.state for r in await store.premieres.premieres()] == ["pending"]  # the sender decides
    assert store.premieres.queued.is_set()
    assert await store.premieres.premiere_wanted(GUILD, show.id)  # channel 2 still asks, for every show
    await store.alerts.subscribe(GUILD, 2, show_id=None, created_by=5, events=False)
    assert not await store.premieres.premiere_wanted(GUILD, show.id)
    assert not await store.premieres.premiere_wanted(OTHER_GUILD, show.id)
