"""The background senders' common loop: looks when woken or due, survives a failing database,
stops for good; and their workers: one per key, a bounded number, cancelled after a grace."""

import asyncio

import pytest

from bot.outbox import dispatcher as outbox
from bot.outbox.dispatcher import MAX_RETRY, Dispatcher, Workers, backoff


class ReadyClient:
    async def wait_until_ready(self) -> None:
        return None


class Counting(Dispatcher):
    def __init__(self, waits, fail_first: int = 0):
        super().__init__(ReadyClient(), asyncio.Event())
        self.waits = list(waits)
        self.fail_first = fail_first
        self.looks = 0
        self.resumed = 0

    async def resume(self):
        self.resumed += 1

    async def look(self):
        self.looks += 1
        if self.looks <= self.fail_first:
            raise OSError("database is locked")
        return self.waits.pop(0) if self.waits else None


async def settle():
    for _ in range(20):
        await asyncio.sleep(0)


async def test_a_dispatcher_resumes_once_then_looks_again_at_once_until_told_to_wait():
    sender = Counting([0, 0, None])
    sender.start()
    await settle()
    assert sender.resumed == 1 and sender.looks == 3
    assert sender.running
    await sender.stop()
    assert not sender.running


async def test_waking_a_waiting_dispatcher_makes_it_look_now():
    sender = Counting([None, None])
    sender.start()
    await settle()
    assert sender.looks == 1
    sender.wake()
    await settle()
    assert sender.looks == 2
    await sender.stop()


async def test_a_dispatcher_looks_again_when_its_wait_is_over():
    sender = Counting([0.05, None])
    sender.start()
    await asyncio.sleep(0.2)
    assert sender.looks == 2
    await sender.stop()


async def test_a_failing_database_is_logged_and_tried_again(monkeypatch, caplog):
    monkeypatch.setattr(outbox, "RETRY_AFTER_ERROR", 0.01)
    sender = Counting([None], fail_first=2)
    sender.start()
    await asyncio.sleep(0.2)
    assert sender.looks == 3 and sender.running
    assert caplog.text.count("reading the database failed") == 2
    await sender.stop()


async def test_workers_run_one_task_per_key_and_no_more_than_the_limit_at_once():
    done = []
    workers = Workers(2, lambda: done.append(1))
    release = asyncio.Event()
    running = []

    async def work(n):
        running.append(n)
        await release.wait()

    await workers.start(1, "one", lambda: work(1))
    await workers.start(2, "two", lambda: work(2))
    third = asyncio.create_task(workers.start(3, "three", lambda: work(3)))
    await settle()
    assert workers.busy(1) and workers.busy(2) and not workers.busy(3)
    assert running == [1, 2] and not third.done()  # waits for a slot
    release.set()
    await third
    await settle()
    assert sorted(running) == [1, 2, 3] and len(done) == 3 and len(workers) == 0


async def test_finishing_gives_workers_their_grace_then_cancels_them():
    workers = Workers(4, lambda: None)
    outcome = []

    async def quick():
        await asyncio.sleep(0.01)
        outcome.append("quick")

    async def stuck():
        try:
            await asyncio.sleep(60)
        except asyncio.CancelledError:
            outcome.append("cancelled")
            raise

    await workers.start(1, "quick", quick)
    await workers.start(2, "stuck", stuck)
    await workers.finish(grace=0.1)
    assert outcome == ["quick", "cancelled"] and len(workers) == 0


@pytest.mark.parametrize("wait", [0, -1.0])
async def test_a_wait_of_zero_or_less_means_look_again_at_once(wait):
    sender = Counting([wait, None])
    sender.start()
    await settle()
    assert sender.looks == 2
    await sender.stop()


def test_backoff_doubles_from_a_few_seconds_to_five_minutes_with_jitter():
    low = [backoff(n, lambda: 0.0) for n in range(1, 12)]
    high = [backoff(n, lambda: 1.0) for n in range(1, 12)]
    assert 0 < low[0] < high[0] <= 5.0  # the first retry within 5 s
    assert high[:5] == [2.0, 4.0, 8.0, 16.0, 32.0]
    assert all(lo == hi / 2 for lo, hi in zip(low, high, strict=True))
    assert high[-1] == MAX_RETRY and max(high) == MAX_RETRY
    assert backoff(1000, lambda: 1.0) == MAX_RETRY
