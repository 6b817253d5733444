"""The links of shows to listings and their check state, on both databases."""

import pytest

from bot.db.connection import Database


async def test_link_relink_check_and_unlink(store, show):
    listings, db = store.listings, store.database
    assert isinstance(db, Database)
    async with db.lock, db.transaction():
        link = await listings.link(show.id, "tvmaze", "1002", "https://www.tvmaze.com/shows/1002/x", 100.0)
    async with db.lock:
        assert (await listings.linked_to("tvmaze", "1002")).show_id == show.id
        assert await listings.due(99.0) == []
        assert [x.id for x in await listings.due(100.0)] == [link.id]
    async with db.lock, db.transaction():
        await listings.failed(link.id, 200.0, "TVmaze answered HTTP 500", 500.0)
        await listings.failed(link.id, 300.0, "TVmaze answered HTTP 502", 900.0)
    async with db.lock:
        failing = await listings.link_of(show.id, "tvmaze")
    assert (failing.failures, failing.failing_since, failing.last_error, failing.next_check_at) == (
        2, 200.0, "TVmaze answered HTTP 502", 900.0)
    async with db.lock, db.transaction():
        await listings.checked(link.id, 1000.0, 2000.0)
    async with db.lock:
        ok = await listings.link_of(show.id, "tvmaze")
    assert (ok.failures, ok.failing_since, ok.last_error, ok.last_ok_at) == (0, None, None, 1000.0)
    async with db.lock, db.transaction():
        relinked = await listings.link(show.id, "tvmaze", "1003", "https://www.tvmaze.com/shows/1003/y", 0.0)
    async with db.lock:
        assert await listings.linked_to("tvmaze", "1002") is None
        assert [x.external_id for x in await listings.links("tvmaze")] == ["1003"]
    async with db.lock, db.transaction():
        assert await listings.unlink(show.id, "tvmaze")
        assert not await listings.unlink(show.id, "tvmaze")
    assert relinked.external_id == "1003"


async def test_one_listing_links_one_show(store, show):
    other = await store.shows.add_show("other-show", "Other Show", 1)
    db = store.database
    async with db.lock, db.transaction():
        await store.listings.link(show.id, "tvmaze", "1002", "https://www.tvmaze.com/shows/1002/x", 0.0)
    with pytest.raises(Exception):  # noqa: B017 (each driver's own integrity error)
        async with db.lock, db.transaction(tell_user=False):
            await store.listings.link(other.id, "tvmaze", "1002", "https://www.tvmaze.com/shows/1002/x", 0.0)
