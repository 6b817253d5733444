"""The pages from a store: archived shows readable, link previews, and no query per request."""

from __future__ import annotations

import dataclasses
import time

import feedparser
import pytest
from aiohttp.test_utils import TestClient, TestServer

import bot
from bot.web import pages as pages_module
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


async def _served(pages: Pages, path: str, **headers: str):
    async with TestClient(TestServer(build_app(pages.routes(), [], pages.error_page))) as client:
        answer = await client.get(path, headers=headers)
        return answer.status, answer.headers, await answer.text()


async def test_an_upgrade_that_rewords_the_pages_changes_every_etag(store, show, monkeypatch, tmp_path):
    before = Pages(store.view, store.catalogue, None)
    _, headers, _ = await _served(before, "/s/test-show?lang=ko")
    etag = headers["ETag"]
    # The Korean catalogue of the next release says something differently.
    po = tmp_path / "ko" / "LC_MESSAGES" / "seasonwatch.po"
    po.parent.mkdir(parents=True)
    po.write_text((pages_module.LOCALES / "ko" / "LC_MESSAGES" / "seasonwatch.po").read_text() + "\n#\n")
    monkeypatch.setattr(pages_module, "LOCALES", tmp_path)
    status, headers, _ = await _served(Pages(store.view, store.catalogue, None), "/s/test-show?lang=ko",
                                       **{"If-None-Match": etag})
    assert status == 200 and headers["ETag"] != etag
    monkeypatch.setattr(bot, "__version__", "99.0.0")
    status, _, _ = await _served(Pages(store.view, store.catalogue, None), "/",
                                 **{"If-None-Match": (await _served(before, "/"))[1]["ETag"]})
    assert status == 200


async def test_archiving_or_renaming_a_show_moves_its_last_modified(store, show):
    await store.catalogue.write(show.id, "cast", "park ji-hu", cast_fact(), expected_version=0, editor=ALICE)
    pages = Pages(store.view, store.catalogue, None)
    now = time.time()
    pages.clock = lambda: now
    _, page, _ = await _served(pages, "/s/test-show")
    _, index, _ = await _served(pages, "/")
    _, feed, _ = await _served(pages, "/s/test-show/changes.atom")
    assert index["Last-Modified"] and page["Last-Modified"] and feed["Last-Modified"]
    for path, headers in (("/s/test-show", page), ("/", index), ("/s/test-show/changes.atom", feed)):
        assert (await _served(pages, path, **{"If-Modified-Since": headers["Last-Modified"]}))[0] == 304

    pages.clock = lambda: now + 60  # a minute later, the show is archived: no entry's time moves
    await store.shows.update_show(dataclasses.replace(show, archived=True))
    status, _, text = await _served(pages, "/s/test-show", **{"If-Modified-Since": page["Last-Modified"]})
    assert status == 200 and "This show is archived" in text
    status, _, text = await _served(pages, "/", **{"If-Modified-Since": index["Last-Modified"]})
    assert status == 200 and '<span class="tag">archived</span>' in text
    renamed = dataclasses.replace(show, title="Another Title", archived=True)
    pages.clock = lambda: now + 120
    await store.shows.update_show(renamed)
    status, _, text = await _served(pages, "/s/test-show/changes.atom",
                                    **{"If-Modified-Since": feed["Last-Modified"]})
    assert status == 200 and "Another Title" in text


async def test_the_korean_page_links_the_korean_feed_and_the_feed_links_back_in_korean(store, show, client):
    await store.catalogue.write(show.id, "cast", "park ji-hu", cast_fact(), expected_version=0, editor=ALICE)
    page = await (await client.get("/s/test-show?lang=ko")).text()
    assert page.count('href="/s/test-show/changes.atom?lang=ko"') == 2  # the <link> and the visible link
    feed = feedparser.parse(await (await client.get("/s/test-show/changes.atom?lang=ko")).read())
    assert not feed.bozo
    links = {link.rel: link.href for link in feed.feed.links}
    assert links == {"self": "https://seasons.example.org/s/test-show/changes.atom?lang=ko",
                     "alternate": "https://seasons.example.org/s/test-show?lang=ko"}
    [entry] = feed.entries
    assert entry.link.startswith("https://seasons.example.org/s/test-show?lang=ko#change-")
    english = await (await client.get("/s/test-show")).text()
    assert 'href="/s/test-show/changes.atom"' in english and "changes.atom?lang" not in english


async def test_a_stored_source_url_with_a_control_character_still_gives_a_valid_feed(store, show, client):
    # Written straight through the store, as an old row or an import might hold it.
    fact = dataclasses.replace(cast_fact(), source_url="https://www.teenvogue.com/a\x01b",
                               source_name="Teen\x02 Vogue")
    await store.catalogue.write(show.id, "cast", "park ji-hu", fact, expected_version=0, editor=ALICE)
    body = await (await client.get("/s/test-show/changes.atom")).read()
    feed = feedparser.parse(body)
    assert not feed.bozo, feed.bozo_exception
    [entry] = feed.entries
    assert "related" not in {link.rel for link in entry.links}  # not a link that could work
    assert (await client.get("/s/test-show")).status == 200


async def test_the_navigation_is_named_in_the_pages_language(store, show, client):
    korean = await (await client.get("/s/test-show?lang=ko")).text()
    assert '<nav aria-label="사이트 탐색">' in korean and 'aria-label="site"' not in korean
    english = await (await client.get("/")).text()
    assert '<nav aria-label="Site navigation">' in english
