"""Unit fixtures: a fresh store on the test's backend, and a show in it. The data tests write
with (editors, facts) is in tests/support/catalogue.py."""

import pytest

from bot.store import Store


@pytest.fixture
async def store(new_database):
    store = await Store.open(await new_database())
    yield store
    await store.close()


@pytest.fixture
async def show(store):
    return await store.shows.add_show("test-show", "Test Show", 2, aliases=["TS"])
