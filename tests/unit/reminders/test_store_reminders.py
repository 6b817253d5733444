"""The store's reminders: setting, listing and stopping them, and the DM outbox written with
each change (on both backends)."""

import dataclasses
import time

import pytest

from bot.core.errors import UserError
from bot.reminders.store import MAX_PER_PERSON
from tests.unit.alerts.test_store_alerts import publish, release_fact

FAN, OTHER_FAN = 501, 502


async def test_a_published_change_queues_one_dm_per_active_reminder_of_that_entry(store, show):
    mine, new = await store.reminders.add(FAN, show.id, "release", "release", "ko")
    assert new and mine.active and mine.language == "ko"
    await store.reminders.add(OTHER_FAN, show.id, "release", "release")
    await store.reminders.add(OTHER_FAN, show.id, "cast", "someone else")
    change = await publish(store, show, release_fact(), kind="release", key="release")
    dms = await store.reminders.dms(change_id=change.id)
    assert sorted(d.user_id for d in dms) == [FAN, OTHER_FAN]
    assert {d.state for d in dms} == {"pending"} and all(d.next_attempt_at <= time.time() for d in dms)
    assert store.reminders.dms_queued.is_set()
    other = await publish(store, show)  # a cast entry nobody asked about
    assert await store.reminders.dms(change_id=other.id) == []


async def test_silent_publishes_and_archived_shows_queue_no_dm(store, show):
    await store.reminders.add(FAN, show.id, "release", "release")
    silent = await publish(store, show, release_fact(), kind="release", key="release", silent=True)
    assert await store.reminders.dms(change_id=silent.id) == []
    await store.shows.update_show(dataclasses.replace(show, archived=True))
    archived = await publish(store, show, release_fact("2025-04"), kind="release", key="release")
    assert await store.reminders.dms(change_id=archived.id) == []


async def test_setting_the_same_reminder_twice_keeps_one_and_resumes_it(store, show):
    first, _ = await store.reminders.add(FAN, show.id, "release", "release")
    await store.reminders.pause(first.id, "dms_closed")
    assert FAN in store.reminders.untold
    again, new = await store.reminders.add(FAN, show.id, "release", "release")
    assert (again.id, new, again.active) == (first.id, False, True)
    assert FAN not in store.reminders.untold
    assert len(await store.reminders.of_user(FAN)) == 1


async def test_at_most_25_reminders_per_person(store, show):
    for i in range(MAX_PER_PERSON):
        await store.reminders.add(FAN, show.id, "cast", f"person {i}")
    with pytest.raises(UserError, match="25 reminders"):
        await store.reminders.add(FAN, show.id, "cast", "one more")
    assert len(await store.reminders.of_user(FAN)) == MAX_PER_PERSON
    await store.reminders.add(OTHER_FAN, show.id, "cast", "one more")  # others are not counted
    await store.reminders.add(FAN, show.id, "cast", "person 3")  # setting one again is no new one


async def test_stopping_removes_the_reminder_and_its_unsent_dms(store, show):
    one, _ = await store.reminders.add(FAN, show.id, "release", "release")
    await store.reminders.add(FAN, show.id, "cast", "park ji-hu")
    theirs, _ = await store.reminders.add(OTHER_FAN, show.id, "release", "release")
    change = await publish(store, show, release_fact(), kind="release", key="release")
    assert await store.reminders.stop(FAN, theirs.id) == 0  # not theirs to stop
    assert await store.reminders.stop(FAN, one.id) == 1
    assert [d.user_id for d in await store.reminders.dms(change_id=change.id)] == [OTHER_FAN]
    assert await store.reminders.stop(FAN) == 1
    assert await store.reminders.of_user(FAN) == []


async def test_pausing_skips_pending_dms_and_is_told_once(store, show):
    reminder, _ = await store.reminders.add(FAN, show.id, "release", "release")
    change = await publish(store, show, release_fact(), kind="release", key="release")
    await store.reminders.pause(reminder.id, "dms_closed")
    [dm] = await store.reminders.dms(change_id=change.id)
    assert dm.state == "skipped" and await store.reminders.due_dms(time.time() + 1) == []
    store.reminders.untold.clear()
    await store.reminders.load_untold()  # as after a restart
    assert store.reminders.untold == {FAN}
    told = await store.reminders.mark_told(FAN)
    assert [r.id for r in told] == [reminder.id] and told[0].paused_reason == "dms_closed"
    assert store.reminders.untold == set() and await store.reminders.mark_told(FAN) == []
    later = await publish(store, show, release_fact("2025-04"), kind="release", key="release")
    assert await store.reminders.dms(change_id=later.id) == []  # a paused reminder gets nothing new


async def test_the_dm_outbox_claims_once_and_resumes_what_was_in_flight(store, show):
    await store.reminders.add(FAN, show.id, "release", "release")
    change = await publish(store, show, release_fact(), kind="release", key="release")
    [dm] = await store.reminders.due_dms(time.time() + 1)
    assert await store.reminders.next_dm_time() == dm.next_attempt_at
    now = time.time()
    assert await store.reminders.claim_dm(dm.id, now) and not await store.reminders.claim_dm(dm.id, now)
    assert await store.reminders.due_dms(now + 1) == []
    assert await store.reminders.resume_dms_in_flight(now) == 1
    [again] = await store.reminders.due_dms(now + 1)
    assert again.attempts == 1 and again.last_attempt_at == pytest.approx(now)
    await store.reminders.claim_dm(dm.id, now)
    await store.reminders.dm_retry_later(dm.id, now + 60, "503")
    assert await store.reminders.due_dms(now + 1) == []
    assert (await store.reminders.dms(change_id=change.id))[0].last_error == "503"
    assert await store.reminders.claim_dm(dm.id, now + 61)
    await store.reminders.dm_delivered(dm.id, 777)
    [done] = await store.reminders.dms(user_id=FAN)
    assert (done.state, done.message_id, done.attempts) == ("delivered", 777, 3)
    await store.reminders.dm_failed(dm.id, "late")  # a delivered DM stays delivered
    assert (await store.reminders.dms(user_id=FAN))[0].state == "delivered"


async def test_an_archived_show_takes_no_reminder_new_or_resumed(store, show):
    await store.reminders.add(FAN, show.id, "release", "release")
    await store.shows.update_show(dataclasses.replace(show, archived=True))
    for user in (FAN, OTHER_FAN):  # resuming one set before counts as setting it
        with pytest.raises(UserError, match="Test Show is archived and announces nothing more"):
            await store.reminders.add(user, show.id, "release", "release")
    assert await store.reminders.of_user(OTHER_FAN) == []
    assert len(await store.reminders.of_user(FAN)) == 1
