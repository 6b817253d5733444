"""The one exactly-once send every sender runs: claim, look for an earlier copy only when the
last attempt is stale, send, and what each error leads to; and the LRU cache they share."""

import asyncio
import datetime as dt
import time
from dataclasses import dataclass, replace
from types import SimpleNamespace

import aiohttp
import discord
import pytest

from bot import metrics
from bot.outbox.budget import SendBudget
from bot.outbox.dispatcher import GIVE_UP_AFTER, LOOKUP_AFTER, backoff
from bot.outbox.sender import ExactlyOnce, Recent, Tries, given_up

BOT_ID = 7


def http_error(cls, status, code=0):
    return cls(SimpleNamespace(status=status, reason="why"), {"code": code, "message": "no"})


def iso(seconds_ago: float) -> str:
    return dt.datetime.fromtimestamp(time.time() - seconds_ago, dt.UTC).isoformat()


@dataclass(frozen=True)
class Job:
    id: int
    attempts: int = 0
    last_at: float | None = None
    created_at: str | None = None


class Recording(ExactlyOnce[Job]):
    """A kind that records what the routine asked of it; `error` is raised by `send`."""

    def __init__(self, *, claimable=True, found=False, error=None, broken=False):
        super().__init__(SimpleNamespace(user=SimpleNamespace(id=BOT_ID)), asyncio.Event(),
                         SendBudget(1000), first_retry=2.0, rand=lambda: 0.5)
        self.claimable, self.found, self.error, self.broken = claimable, found, error, broken
        self.calls: list[tuple] = []

    def tries(self, job):
        return Tries(job.attempts, job.last_at, job.created_at)

    async def claim(self, job, now):
        if self.broken:
            raise RuntimeError("a bug")
        self.calls.append(("claim", job.id))
        return replace(job, attempts=job.attempts + 1, last_at=now) if self.claimable else None

    async def find_sent(self, job):
        self.calls.append(("find", job.id))
        return None if self.found else job

    async def send(self, job):
        self.calls.append(("send", job.id))
        if self.error is not None:
            raise self.error

    async def refused(self, job, exc):
        self.calls.append(("refused", job.id, exc.status))

    async def retry_at(self, job, at, error):
        self.calls.append(("retry", job.id, round(at - time.time()), error))

    async def failed(self, job, error):
        self.calls.append(("failed", job.id, error))


async def test_a_fresh_job_is_claimed_then_sent_without_looking_for_an_earlier_copy():
    sender = Recording()
    await sender.deliver(Job(1, last_at=time.time() - 5))
    assert sender.calls == [("claim", 1), ("send", 1)]


async def test_a_job_not_claimed_is_not_sent():
    sender = Recording(claimable=False)
    await sender.deliver(Job(1))
    assert sender.calls == [("claim", 1)]


async def test_a_stale_job_is_looked_for_by_its_last_attempt_before_the_claim():
    stale = Job(1, last_at=time.time() - LOOKUP_AFTER - 1)
    sender = Recording(found=True)
    await sender.deliver(stale)
    assert sender.calls == [("claim", 1), ("find", 1)]  # found: not sent again
    sender = Recording()
    await sender.deliver(stale)
    assert sender.calls == [("claim", 1), ("find", 1), ("send", 1)]


@pytest.mark.parametrize("error", [
    http_error(discord.DiscordServerError, 503), http_error(discord.HTTPException, 429),
    aiohttp.ClientConnectionError("reset"), TimeoutError(),
])
async def test_transient_errors_and_a_429_are_retried_with_the_backoff_of_the_claimed_attempt(error):
    sender = Recording(error=error)
    await sender.deliver(Job(1, attempts=2, created_at=iso(60)))
    [*_, retry] = sender.calls
    # The claimed job has 3 attempts: the 4th waits 2 s doubled three times, jitter 0.75.
    assert retry[:3] == ("retry", 1, round(backoff(4, lambda: 0.5, 2.0)))
    assert retry[2] == 12


@pytest.mark.parametrize(("error", "status"), [
    (http_error(discord.Forbidden, 403, 50013), 403), (http_error(discord.NotFound, 404), 404),
    (http_error(discord.HTTPException, 400), 400),
])
async def test_other_refusals_are_the_kinds_to_judge(error, status):
    sender = Recording(error=error)
    await sender.deliver(Job(1))
    assert sender.calls[-1] == ("refused", 1, status)


async def test_a_job_failing_for_a_day_is_given_up_on_with_its_last_error():
    sender = Recording(error=TimeoutError())
    await sender.deliver(Job(1, created_at=iso(GIVE_UP_AFTER + 60)))
    assert sender.calls[-1] == ("failed", 1, "gave up after 24 hours; last error: timed out")


async def test_a_job_without_a_creation_time_is_never_given_up_on():
    assert not given_up(None, time.time())
    sender = Recording(error=TimeoutError())
    await sender.deliver(Job(1))
    assert sender.calls[-1][0] == "retry"


async def test_an_unexpected_error_retries_the_job_as_it_was_read(caplog):
    sender = Recording(broken=True)
    await sender.deliver(Job(1, attempts=0, created_at=iso(GIVE_UP_AFTER + 60)))
    assert sender.calls == [("retry", 1, 1, "internal error: RuntimeError('a bug')")]
    assert "failed unexpectedly" in caplog.text


async def test_own_messages_are_the_bots_and_none_when_history_is_refused():
    class Channel:
        refuse = False

        async def history(self, limit):
            if self.refuse:
                raise http_error(discord.Forbidden, 403, 50001)
            for author in (BOT_ID, 8, BOT_ID):
                yield SimpleNamespace(author=SimpleNamespace(id=author))

    sender, channel = Recording(), Channel()
    assert [m.author.id for m in await sender.own_messages(channel, "copies")] == [BOT_ID, BOT_ID]
    channel.refuse = True
    assert await sender.own_messages(channel, "copies") == []


async def test_recent_loads_each_value_once_and_forgets_the_least_recently_used():
    loads = []

    async def load(key):
        loads.append(key)
        return None if key == 0 else key * 10

    cache: Recent[int, int] = Recent(2)
    assert [await cache.get(k, load) for k in (1, 2, 1, 3)] == [10, 20, 10, 30]
    assert loads == [1, 2, 3]  # 1 was used again, so 2 made room for 3
    assert await cache.get(1, load) == 10 and await cache.get(2, load) == 20
    assert loads == [1, 2, 3, 2]
    assert await cache.get(0, load) is None and await cache.get(0, load) is None
    assert loads == [1, 2, 3, 2, 0, 0]  # nothing found is not kept


def test_backoff_jitter_is_between_low_and_low_plus_spread():
    assert backoff(1, lambda: 0.0, 100.0, jitter=(0.9, 0.2)) == 90.0
    assert backoff(1, lambda: 1.0, 100.0, jitter=(0.9, 0.2)) == pytest.approx(110.0)
    assert backoff(1, lambda: 0.0, 100.0) == 50.0 and backoff(1, lambda: 1.0, 100.0) == 100.0


class Counted(Recording):
    kind = "counted-in-tests"


def sends(outcome: str) -> float:
    return metrics.REGISTRY.get_sample_value(
        "seasonwatch_sends_total", {"kind": Counted.kind, "outcome": outcome}) or 0.0


@pytest.mark.parametrize(("sender", "job", "outcome"), [
    (lambda: Counted(), Job(1), "sent"),
    (lambda: Counted(error=TimeoutError()), Job(1, created_at=iso(60)), "retried"),
    (lambda: Counted(error=http_error(discord.HTTPException, 429)), Job(1), "retried"),
    (lambda: Counted(broken=True), Job(1), "retried"),
    (lambda: Counted(error=TimeoutError()), Job(1, created_at=iso(GIVE_UP_AFTER + 60)), "given_up"),
    (lambda: Counted(error=http_error(discord.Forbidden, 403, 50013)), Job(1), "refused"),
])
async def test_each_attempt_is_counted_once_by_its_kind_and_outcome(sender, job, outcome):
    before = {o: sends(o) for o in metrics.SEND_OUTCOMES}
    await sender().deliver(job)
    moved = {o: sends(o) - before[o] for o in metrics.SEND_OUTCOMES}
    assert moved == {o: 1.0 if o == outcome else 0.0 for o in metrics.SEND_OUTCOMES}


async def test_nothing_is_counted_when_nothing_is_sent():
    before = {o: sends(o) for o in metrics.SEND_OUTCOMES}
    await Counted(claimable=False).deliver(Job(1))
    await Counted(found=True).deliver(Job(1, last_at=time.time() - LOOKUP_AFTER - 1))
    assert {o: sends(o) for o in metrics.SEND_OUTCOMES} == before


def test_every_sender_names_its_kind():
    from bot.alerts.announcer import Announcer
    from bot.alerts.premieres import EventSender
    from bot.news.review import ReviewSender
    from bot.reminders.sender import DMSender

    kinds = [cls.kind for cls in (Announcer, DMSender, ReviewSender, EventSender)]
    assert kinds == list(metrics.SEND_KINDS)
