"""Which feed items are kept, read from a feed served by the local feed server: links an editor
could open and cite (the rule `/edit` applies to source URLs), one item per guid."""

import pytest

from bot.news.fetch import Fetcher
from bot.news.parse import parse_feed
from tests.feeds import wordpress_feed


@pytest.fixture
async def fetcher():
    f = Fetcher(allow_private=True, timeout=1.0)
    yield f
    await f.close()


def raw(guid, link, title="All of Us Are Dead news"):
    return f'<item><title>{title}</title><link>{link}</link><guid isPermaLink="false">{guid}</guid></item>'


async def read(feeds, fetcher, items):
    got = await fetcher.fetch(feeds.serve("/feed/", wordpress_feed(items)))
    return parse_feed(got.body, got.headers, got.url).items


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(1)//https://news.example/",
        "ftp://files.example/all-of-us-are-dead.txt",
        "data:text/html,hello",
        "mailto:editor@news.example",
        "https://evil.example/9\n**INJECTED**\n[x](https://evil.example/)",
        "https://evil.example/a b",
        "https://evil.example/\u202eexe.pdf",
        "https://editor:hunter2@evil.example/",
        "https://evil.example/" + "a" * 500,
    ],
)
async def test_an_item_whose_link_is_not_a_clean_web_address_is_dropped(feeds, fetcher, link):
    items = await read(feeds, fetcher, [raw("bad", link), raw("good", "https://news.example/ok")])
    assert [i.url for i in items] == ["https://news.example/ok"]


async def test_a_guid_repeated_with_another_link_is_one_item_the_first(feeds, fetcher):
    items = await read(
        feeds,
        fetcher,
        [
            raw("same", "https://news.example/first", "first"),
            raw("other", "https://news.example/other", "other"),
            raw("same", "https://news.example/second", "second"),
        ],
    )
    assert [(i.key, i.headline) for i in items] == [("same", "first"), ("other", "other")]
