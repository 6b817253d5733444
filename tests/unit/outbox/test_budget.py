"""The global send budget: never more than `rate` requests in any second as Discord counts them
(when each arrives), however late a request arrives, for one process or several sharing it."""

import asyncio
import heapq
import itertools
import random
import time

import pytest

from bot.outbox.budget import SendBudget
from bot.outbox.shards import Shards


class VirtualTime:
    """A clock for many tasks at once: when every task waits, it jumps to the next timer.
    Timers fire a little late, never early, as real ones do."""

    def __init__(self) -> None:
        self.now = 0.0
        self._timers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        future = asyncio.get_running_loop().create_future()
        when = self.now + max(seconds, 0.0) * 1.003 + 0.0001
        heapq.heappush(self._timers, (when, next(self._order), future))
        await future

    async def run(self, *coroutines):
        tasks = [asyncio.ensure_future(c) for c in coroutines]
        while not all(task.done() for task in tasks):
            for _ in range(50):  # let every task run until it waits
                await asyncio.sleep(0)
            if not self._timers:
                assert all(task.done() for task in tasks), "every task waits and no timer is set"
                break
            when, _, future = heapq.heappop(self._timers)
            self.now = max(self.now, when)
            future.set_result(None)
        return [task.result() for task in tasks]


def most_in_one_second(times: list[float]) -> int:
    """The most requests Discord counts in a second: its window holds the last second's."""
    times = sorted(times)
    return max(sum(1 for t in times[i:] if t < start + 1.0) for i, start in enumerate(times))


async def requests(budget: SendBudget, clock: VirtualTime, n: int, delays, arrivals: list[float],
                   *, gaps: int = 0) -> None:
    """`n` requests through `budget`, each answered after the next of `delays`; each arrives at
    Discord somewhere between being let go and answered (`arrivals`, when Discord counts it)."""
    rng = random.Random(n)

    async def one(i: int) -> None:
        if gaps and i % gaps == 0:
            await clock.sleep(i / gaps * 0.35)  # some wait a little: idle gaps in the fan-out
        async with budget.request():
            let_go = clock.now
            await clock.sleep(next(delays))
            arrivals.append(let_go + rng.random() * (clock.now - let_go))

    await asyncio.gather(*(one(i) for i in range(n)))


@pytest.mark.parametrize("rate", [25, 5, 2.5, 50])
async def test_one_process_never_makes_more_than_rate_requests_in_a_second(rate):
    clock, arrivals = VirtualTime(), []
    budget = SendBudget(rate, clock=clock, sleep=clock.sleep)
    await clock.run(requests(budget, clock, int(rate * 6), itertools.repeat(0.002), arrivals, gaps=7))
    assert most_in_one_second(arrivals) <= int(rate)
    assert min(arrivals) < 0.01  # nothing to wait for: the first request goes at once


@pytest.mark.parametrize("rate", [25, 5, 50])
async def test_the_budget_keeps_up_with_its_rate_when_answers_are_quick(rate):
    clock, arrivals = VirtualTime(), []
    budget = SendBudget(rate, clock=clock, sleep=clock.sleep)
    await clock.run(requests(budget, clock, rate * 10, itertools.repeat(0.002), arrivals))
    assert max(arrivals) == pytest.approx((rate * 10 - 1) / rate, rel=0.02)


async def test_two_processes_sharing_the_budget_never_go_over_whatever_the_delays():
    # Each process has half of 50. Now and then a request is held up (its event loop busy, the
    # CPU taken by the other process) and arrives late, next to the ones let go after it: a
    # budget counting from when requests are let go makes 51 in Discord's second here.
    clock, arrivals = VirtualTime(), []
    rng = random.Random(7)
    trips = [0.001, 0.002, 0.003, 0.04, 0.09]
    delays = (rng.choice(trips) for _ in itertools.count())
    shares = [SendBudget(25, clock=clock, sleep=clock.sleep) for _ in range(2)]
    await clock.run(*(requests(share, clock, 500, delays, arrivals) for share in shares))
    assert len(arrivals) == 1000
    assert most_in_one_second(arrivals) <= 50
    # The price of the certainty: a place is busy for a second plus the request's trip, so the
    # pace drops by about the mean trip (2.7% here, a few ms with the stand-in), not more.
    mean_trip = sum(trips) / len(trips)
    assert max(arrivals) < 1000 / 50 * (1 + mean_trip + 0.02)


async def test_when_every_place_is_in_flight_the_next_request_waits_for_an_answer():
    clock = VirtualTime()
    budget = SendBudget(2, clock=clock, sleep=clock.sleep)
    answered = asyncio.Event()
    went: list[float] = []

    async def slow() -> None:
        async with budget.request():
            await answered.wait()

    async def third() -> None:
        async with budget.request():
            went.append(clock.now)

    async def answer_later() -> None:
        await clock.sleep(5.0)
        answered.set()

    await clock.run(slow(), slow(), third(), answer_later())
    assert budget.in_flight == 0
    assert went[0] >= 5.0 + 1.0  # a second after the first answer, not on the timetable's 1 s


async def test_a_request_that_fails_still_holds_its_place_for_a_second():
    clock = VirtualTime()
    budget = SendBudget(1, clock=clock, sleep=clock.sleep)
    went: list[float] = []

    async def failing() -> None:
        with pytest.raises(OSError):
            async with budget.request():
                await clock.sleep(0.5)
                raise OSError("connection reset")  # it may have reached Discord all the same

    async def next_one() -> None:
        async with budget.request():
            went.append(clock.now)

    await clock.run(failing(), next_one())
    assert went[0] >= 1.5
    assert budget.in_flight == 0


async def test_the_budget_under_real_timers():
    budget = SendBudget(50)
    times = []
    for _ in range(120):
        async with budget.request():
            times.append(time.monotonic())
    assert most_in_one_second(times) <= 50
    assert times[-1] - times[0] < 119 / 50 * 1.1


def test_a_share_keeps_whole_requests_so_shares_never_add_up_to_more():
    assert SendBudget(12.5).places == 12
    assert SendBudget(0.5).places == 1
    with pytest.raises(ValueError):
        SendBudget(0)


async def test_three_processes_sharing_fifty_never_have_more_than_fifty_requests_out():
    # A third of 50 each: 16.67 places would be 17 if rounded, and three processes' 51 requests
    # let go within a second and arriving together (a slow network) are one too many.
    clock = VirtualTime()
    answered = asyncio.Event()
    let_go: list[float] = []
    shares = [SendBudget(Shards(3, (i,)).share(50), clock=clock, sleep=clock.sleep) for i in range(3)]

    async def held(budget: SendBudget) -> None:
        async with budget.request():
            let_go.append(clock.now)
            await answered.wait()  # on the wire: it may reach Discord at any moment until now

    async def answer_later() -> None:
        await clock.sleep(5.0)
        answered.set()

    await clock.run(*(held(share) for share in shares for _ in range(20)), answer_later())
    before_any_answer = [t for t in let_go if t < 5.0]
    assert len(before_any_answer) == 48  # 16 each: whole requests, never more than the share
    assert [share.places for share in shares] == [16, 16, 16]
