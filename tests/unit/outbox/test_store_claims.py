"""Deliveries shared by processes: each reads only its shards' deliveries, claims them with a
lease, takes up another's only once that lease ran out, and never changes one claimed by
another."""

import time

import pytest

from bot.outbox.shards import Shards
from bot.store import Store
from tests.support.catalogue import ALICE, cast_fact
from tests.support.databases import target_of

SHARD0, SHARD1 = 10 << 22, 13 << 22  # guild ids on shard 0 and shard 1 of 2 (2 and 1 of 4)
BOTH = Shards(2, (0, 1))


@pytest.fixture
async def other(store):
    """A second store on the same database: another process."""
    second = await Store.open(target_of(store))
    yield second
    await second.close()


async def publish(store, show):
    return await store.catalogue.write(show.id, "cast", "park ji-hu", cast_fact(),
                             expected_version=store.view.entry_version(show.id, "cast", "park ji-hu"),
                             editor=ALICE)


async def fan_out(store, show):
    """Channel 1 in a guild on shard 0, channel 2 in one on shard 1; one change for both."""
    await store.alerts.subscribe(SHARD0, 1, show_id=None, created_by=5)
    await store.alerts.subscribe(SHARD1, 2, show_id=None, created_by=5)
    await publish(store, show)
    return {d.channel_id: d.id for d in await store.alerts.deliveries()}


async def one(store, delivery_id):
    return next(d for d in await store.alerts.deliveries() if d.id == delivery_id)


def on(shards: Shards):
    return (shards.count, shards.ids)


async def test_a_process_reads_only_its_shards_deliveries(store, show):
    await fan_out(store, show)
    later = time.time() + 1
    assert [d.channel_id for d in await store.alerts.due_deliveries(later, shards=(2, (0,)))] == [1]
    assert [d.channel_id for d in await store.alerts.due_deliveries(later, shards=(2, (1,)))] == [2]
    assert len(await store.alerts.due_deliveries(later, shards=on(BOTH))) == 2
    assert len(await store.alerts.due_deliveries(later)) == 2
    assert await store.alerts.next_delivery_time(shards=(4, (3,))) is None  # no guild on shard 3 of 4
    assert await store.alerts.next_delivery_time(shards=(2, (1,))) is not None


async def test_a_claim_is_taken_up_by_another_process_only_after_its_lease(store, other, show):
    ids = await fan_out(store, show)
    now = time.time()
    assert await store.alerts.start_attempt([ids[1]], now, lease_until=now + 30) == [ids[1]]
    assert await other.alerts.start_attempt([ids[1]], now) == []  # in flight: not another's to take
    assert await other.alerts.next_lease_expiry(shards=(2, (0,))) == pytest.approx(now + 30, abs=0.01)
    assert await other.alerts.next_lease_expiry(shards=(2, (1,))) is None
    assert await other.alerts.resume_in_flight(now + 29, shards=on(BOTH)) == 0
    assert await other.alerts.resume_in_flight(now + 31, shards=(2, (1,))) == 0  # not its shard
    assert await other.alerts.resume_in_flight(now + 31, shards=(2, (0,))) == 1
    assert await other.alerts.start_attempt([ids[1]], now + 31, lease_until=now + 61) == [ids[1]]
    [delivery] = await other.alerts.batch_deliveries(ids[1])
    assert (delivery.state, delivery.attempts) == ("sending", 2)


async def test_a_process_whose_claim_was_taken_over_changes_nothing(store, other, show):
    ids = await fan_out(store, show)
    now = time.time()
    await store.alerts.start_attempt([ids[1]], now - 60, lease_until=now - 30)  # then it hung
    assert await other.alerts.resume_in_flight(now) == 1
    await other.alerts.start_attempt([ids[1]], now, lease_until=now + 30)
    await store.alerts.retry_later([ids[1]], now + 5, "timed out")  # too late: not its claim any more
    await store.alerts.mark_failed([ids[1]], "gave up")
    assert (await one(other, ids[1])).state == "sending"
    await other.alerts.mark_delivered([ids[1]], 777)
    delivery = await one(store, ids[1])
    assert (delivery.state, delivery.message_id) == ("delivered", 777)


async def test_a_clean_stop_releases_its_claims_for_the_next_start(store, other, show):
    ids = await fan_out(store, show)
    now = time.time()
    await store.alerts.start_attempt(list(ids.values()), now, lease_until=now + 90)
    assert await other.alerts.resume_in_flight(now) == 0
    assert await other.alerts.release_claims() == 0  # only its own
    assert await store.alerts.release_claims() == 2
    assert await other.alerts.resume_in_flight(now) == 2
    assert sorted(d.channel_id for d in await other.alerts.due_deliveries(now + 1)) == [1, 2]


async def test_a_process_that_starts_takes_over_its_shards_claims_at_once_lease_or_not(
        store, other, show):
    ids = await fan_out(store, show)
    now = time.time()
    await store.alerts.start_attempt([ids[1]], now, lease_until=now + 600)  # then it died
    assert await other.alerts.resume_in_flight(now) == 0  # the lease holds for whoever meets it later
    assert await other.alerts.take_over_claims(now, shards=(2, (1,))) == 0  # not its shard
    assert await store.alerts.take_over_claims(now, shards=(2, (0,))) == 0  # its own claim stays
    assert await other.alerts.take_over_claims(now, shards=(2, (0,))) == 1
    [delivery] = await other.alerts.due_deliveries(now, shards=(2, (0,)))
    # The same batch, so the same nonce; the earlier attempt's time, so the earlier-copy lookup.
    assert (delivery.id, delivery.state, delivery.batch) == (ids[1], "pending", ids[1])
    assert delivery.last_attempt_at == pytest.approx(now)
    assert await other.alerts.start_attempt([ids[1]], now, lease_until=now + 90) == [ids[1]]
    await store.alerts.mark_delivered([ids[1]], 777)  # the dead run's claim is no longer its own
    assert (await one(other, ids[1])).state == "sending"
    await store.alerts.start_attempt([ids[2]], now, lease_until=now + 600)
    assert await other.alerts.take_over_claims(now) == 1  # every shard: not its own claim on channel 1
    assert (await one(other, ids[2])).state == "pending"
