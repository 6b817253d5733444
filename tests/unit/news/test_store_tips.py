"""Fans' tips in the store (both backends): the hourly limit holds under concurrent tips, in one
process and across several, and an archived show takes none."""

import asyncio
import contextlib
import dataclasses
import time

import asyncpg
import pytest

from bot.core.errors import InvalidInput, UserError
from bot.news.links import canonical
from bot.news.models import Candidate
from bot.news.parse import Item
from bot.store import Store
from tests.support.databases import target_of
from tests.unit.news.test_store_news import FAN

LIMIT = 3


def candidate(show, n, url=None):
    url = url or f"https://fans.example/{n}"
    return Candidate(Item(canonical(url), f"tip {n}", url, canonical(url), None, ""), show.id, ())


async def tip(store, show, n, url=None):
    """Queue a tip: "queued", "known" or "limited"."""
    try:
        queued = await store.tips.queue_tip(candidate(show, n, url), tipper=FAN, note=None,
                                            review_channel=None,
                                       per_hour=LIMIT)
    except UserError as exc:
        if str(exc) != "You can send 3 tips an hour; try again later.":
            raise
        return "limited"
    return "queued" if queued else "known"


async def fans_tips(store):
    return await store.tips.tips_since(FAN.id, time.time() - 3600)


async def test_concurrent_tips_from_one_fan_stop_at_the_limit(store, show):
    got = await asyncio.gather(*(tip(store, show, n) for n in range(5)))
    assert sorted(got) == ["limited", "limited", "queued", "queued", "queued"]
    assert await fans_tips(store) == LIMIT


@contextlib.asynccontextmanager
async def held(store, waiting):
    """On PostgreSQL, the queue's table locked by another connection until `waiting` sessions
    wait for a lock, so that their transactions all go on at once (SQLite: nothing to do)."""
    if store.path is not None:
        yield
        return
    conn = await asyncpg.connect(target_of(store))
    try:
        async with conn.transaction():
            await conn.execute("LOCK TABLE news_item IN ACCESS EXCLUSIVE MODE")
            yield
            for _ in range(500):
                if await conn.fetchval(WAITING) >= waiting:
                    break
                await asyncio.sleep(0.01)
            else:
                raise AssertionError(f"{waiting} transactions never waited together")
    finally:
        await conn.close()


WAITING = ("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
           "AND wait_event_type = 'Lock'")


async def test_five_processes_tipping_at_once_share_one_limit(store, show):
    # One tip per process: only the database's lock can stop them all counting the same 0.
    others = [await Store.open(target_of(store)) for _ in range(4)]
    try:
        async with held(store, waiting=5):
            sent = asyncio.gather(*(tip(s, show, n) for n, s in enumerate([store, *others])))
        got = await sent
    finally:
        for other in others:
            await other.close()
    assert sorted(got) == ["limited"] * 2 + ["queued"] * 3
    assert await fans_tips(store) == LIMIT


async def test_a_known_link_is_known_before_the_limit_and_counts_nothing(store, show):
    assert await tip(store, show, 1, "https://fans.example/same") == "queued"
    for written in ("http://fans.example/same", "https://FANS.example.:443/same#x"):
        assert await tip(store, show, 2, written) == "known"
    assert [await tip(store, show, n) for n in (3, 4, 5)] == ["queued", "queued", "limited"]
    assert await tip(store, show, 6, "http://fans.example:80/same") == "known"  # known wins
    assert await fans_tips(store) == LIMIT


async def test_an_older_tip_no_longer_counts(store, show):
    assert [await tip(store, show, n) for n in range(LIMIT + 1)] == ["queued"] * LIMIT + ["limited"]
    await store.database.execute("UPDATE news_item SET created_ts = ?", (time.time() - 3601,))
    assert await tip(store, show, 9) == "queued"


async def test_an_archived_show_takes_no_tip(store, show):
    await store.shows.update_show(dataclasses.replace(show, archived=True))
    with pytest.raises(InvalidInput, match="Test Show is archived"):
        await tip(store, show, 1)
    assert await fans_tips(store) == 0
