"""The feed address rule end to end: an editor's `/sources add` of an address written in Unicode.

Unlike tests/e2e/test_news.py this bot runs without FEEDS_ALLOW_PRIVATE, as a real server does, so
the local feed server (127.0.0.1) is out of bounds. To show a redirect is checked, one test
narrows the rule to everything but 127.0.0.1 itself (as the fetcher's unit tests do).
"""

import pytest

from bot.news.fetch import Fetcher, forbidden
from tests.e2e.news.test_news import add_source, poll, settled
from tests.feeds import AOUAD_NEWS, UNRELATED, wordpress_feed

pytestmark = pytest.mark.sqlite_only  # the address rule has nothing to do with the database

# 127.0.0.1 in full-width digits, with ideographic full stops, in circled digits: aiohttp folds
# each to 127.0.0.1 (IDNA) and connects without asking DNS.
LOOPBACK_FORMS = ("１２７.０.０.１", "127。0。0。1", "①②⑦.⓪.⓪.①")


@pytest.fixture
def review(scene):
    return scene.home.add_channel("review")


@pytest.fixture
def bot_env(bot_env, review):
    return {**bot_env, "REVIEW_CHANNEL_ID": str(review.id), "FEED_POLL_MINUTES": "60"}


async def test_a_loopback_address_in_unicode_is_not_added_and_never_fetched(
    standin, scene, bot, feeds, review
):
    feeds.serve("/feed/", wordpress_feed([AOUAD_NEWS, *UNRELATED]))
    for host in LOOPBACK_FORMS:
        url = f"http://{host}:{feeds.port}/feed/"
        reply = await add_source(standin, scene, url)
        assert reply.content.startswith(f"Not added: `{url}` is not a usable feed"), reply.content
        assert "its address is private or local, which sources may not use" in reply.content
        assert reply.content.endswith("Nothing was saved.")
    await poll(bot)
    assert feeds.requests == []  # the internal feed was never read
    assert await bot.store.news.sources() == []
    assert await bot.store.news.pending_items(None) == ([], 0)
    await settled(standin, review, 0)


async def test_a_redirect_to_a_loopback_address_in_unicode_is_not_followed(
    standin, scene, bot, feeds, review
):
    poller = bot.get_cog("News").poller
    await poller.fetcher.close()
    poller.fetcher = Fetcher(blocked=lambda address: address != "127.0.0.1" and forbidden(address))
    feeds.serve("/internal/", wordpress_feed([AOUAD_NEWS, *UNRELATED]))
    inside = f"http://１２７.０.０.２:{feeds.port}/internal/"

    hop = feeds.serve("/hop", b"", trouble=f"redirect:{inside}")
    refused = await add_source(standin, scene, hop)
    assert refused.content.startswith("Not added:") and "private or local" in refused.content

    url = feeds.serve("/feed/", wordpress_feed(UNRELATED))
    added = await add_source(standin, scene, url)
    assert added.content.startswith("Added **What’s on Netflix**"), added.content
    feeds.serve("/feed/", b"", trouble=f"redirect:{inside}")  # the outlet now sends the bot inside
    await poll(bot)
    listed = await standin.command(scene.editor, scene.home_general, "sources list")
    assert "failing since" in listed.text and "private or local" in listed.text, listed.text
    assert [p for p, _ in feeds.requests] == ["/hop", "/feed/", "/feed/"]  # never /internal/
    assert await bot.store.news.pending_items(None) == ([], 0)
    await settled(standin, review, 0)
