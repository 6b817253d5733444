"""The pages from a store: archived shows readable, link previews, and no query per request."""

from __future__ import annotations

import dataclasses

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.web.pages import Pages
from bot.web.server import build_app
from tests.support.catalogue import ALICE, cast_fact

pytestmark = pytest.mark.sqlite_only


@pytest.fixture
async def client(store):
    pages = Pages(store.view, store.catalogue, "https://seasons.example.org")
    async with TestClient(TestServer(build_app(pages.routes(), [], pages.error_page))) as client:
        yield client


async def test_an_archived_show_stays_readable_and_is_marked(store, show, client):
    await store.catalogue.write(show.id, "cast", "park ji-hu", cast_fact(), expected_version=0, editor=ALICE)
    await store.shows.update_show(dataclasses.replace(show, archived=True))
    page = await client.get("/s/test-show")
    text = await page.text()
    assert page.status == 200
    assert "This show is archived" in text and "Park Ji-hu" in text
    index = await (await client.get("/")).text()
    assert 'href="/s/test-show"' in index and '<span class="tag">archived</span>' in index


async def test_a_pasted_link_unfurls_with_the_stage_and_release(store, show, client):
    text = await (await client.get("/s/test-show?lang=ko")).text()
    assert '<meta property="og:title" content="Test Show 시즌 2">' in text
    assert '<meta property="og:url" content="https://seasons.example.org/s/test-show?lang=ko">' in text
    assert '<meta name="twitter:card" content="summary">' in text
    assert '<link rel="alternate" type="application/atom+xml"' in text


async def test_pages_are_served_from_memory_once_built(store, show, client):
    await store.catalogue.write(show.id, "cast", "park ji-hu", cast_fact(), expected_version=0, editor=ALICE)
    first = await client.get("/s/test-show")
    feed = await client.get("/s/test-show/changes.atom")
    assert first.status == feed.status == 200
    # With the database gone, the page and the feed are still answered: nothing is read per request.
    await store.database.close()
    again = await client.get("/s/test-show")
    assert again.status == 200 and await again.text() == await first.text()
    assert (await client.get("/s/test-show/changes.atom")).status == 200
    assert (await client.get("/s/test-show?lang=ko")).status == 200
