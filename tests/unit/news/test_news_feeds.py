"""Fetching and parsing feeds against a local feed server that misbehaves on demand."""

import pytest

from bot.news.fetch import MAX_REDIRECTS, USER_AGENT, Fetcher, FetchFailed, forbidden
from bot.news.match import candidates, keyword_list, people_named, show_index
from bot.news.parse import NotAFeed, canonical, parse_feed, plain
from tests.feeds import (
    AOUAD_NEWS,
    ATOM_TYPE,
    KOREAN_NEWS,
    UNRELATED,
    atom_entry,
    atom_feed,
    wordpress_feed,
)


@pytest.fixture
async def fetcher():
    f = Fetcher(allow_private=True, timeout=1.0)
    yield f
    await f.close()


async def fetch_feed(fetcher, url, **validators):
    got = await fetcher.fetch(url, **validators)
    return got, parse_feed(got.body, got.headers, got.url)


async def test_a_wordpress_feed_reads_with_entities_guids_and_plain_summaries(feeds, fetcher):
    url = feeds.serve("/feed/", wordpress_feed([*UNRELATED, AOUAD_NEWS]))
    got, feed = await fetch_feed(fetcher, url)
    assert feed.title == "What’s on Netflix"
    assert [i.headline for i in feed.items][1:] == [
        "‘Squid Game’ season 3: what we know",
        "‘All of Us Are Dead’ Season 2 begins filming",
    ]
    item = feed.items[2]
    assert item.key == "https://whatsonnetflix.example/?p=1003"  # the guid, not the link
    assert item.link == "https://whatsonnetflix.example/news/article-3/"  # utm_* dropped
    assert item.published == "2024-10-02"
    assert item.summary.startswith("Park Ji-hu and Yoon Chan-young return")
    assert "<" not in item.summary and "alert" not in item.summary
    [headers] = feeds.headers_of("/feed/")
    assert headers["User-Agent"] == USER_AGENT and "gzip" in headers["Accept-Encoding"]
    assert "If-None-Match" not in headers and "If-Modified-Since" not in headers  # nothing empty sent
    assert got.etag and got.last_modified


async def test_an_atom_feed_resolves_relative_links_and_keeps_korean(feeds, fetcher):
    url = feeds.serve("/atom.xml", atom_feed([KOREAN_NEWS, atom_entry(8, "A &amp; B", "x")]), ATOM_TYPE)
    _, feed = await fetch_feed(fetcher, url)
    assert feed.title == "케이드라마 뉴스"
    first = feed.items[0]
    assert first.headline == "지금 우리 학교는 시즌2 촬영 시작"
    assert first.url.startswith("https://kdrama.example/entertainment/7")  # xml:base, not the server
    assert first.link == "https://kdrama.example/entertainment/7"  # fragment and utm_campaign gone
    assert first.key == "tag:kdrama.example,2024:news-7"
    assert first.summary == "박지후와 윤찬영이 돌아온다는 소식입니다."
    assert feed.items[1].headline == "A & B"


async def test_a_conditional_get_sends_the_validators_and_304_has_no_body(feeds, fetcher):
    url = feeds.serve("/feed/", wordpress_feed(UNRELATED))
    first = await fetcher.fetch(url)
    again = await fetcher.fetch(url, etag=first.etag, last_modified=first.last_modified)
    assert again.body is None
    sent = feeds.headers_of("/feed/")[-1]
    assert sent["If-None-Match"] == first.etag and sent["If-Modified-Since"] == first.last_modified


@pytest.mark.parametrize(
    "trouble, reason",
    [
        ("500", "the server answered HTTP 500"),
        ("hang", "no answer within 1 s"),
        ("loop", f"more than {MAX_REDIRECTS} redirects"),
        ("huge", "it is larger than 5 MiB"),
    ],
)
async def test_a_misbehaving_server_is_a_failure_with_its_reason(feeds, fetcher, trouble, reason):
    url = feeds.serve("/bad", wordpress_feed(UNRELATED), trouble=trouble)
    with pytest.raises(FetchFailed) as failed:
        await fetcher.fetch(url)
    assert str(failed.value) == reason


async def test_what_is_not_a_feed_is_refused(feeds, fetcher):
    page = b"<!doctype html><html><head><title>Home</title></head><body><p>Hi</p></body></html>"
    with pytest.raises(NotAFeed, match="not an RSS or Atom feed"):
        await fetch_feed(fetcher, feeds.serve("/page", page, "text/html"))
    broken = wordpress_feed(UNRELATED).replace(b"</channel>", b"")
    with pytest.raises(NotAFeed, match="not well-formed"):
        await fetch_feed(fetcher, feeds.serve("/broken", broken))


async def test_a_feed_served_with_the_wrong_content_type_still_reads(feeds, fetcher):
    # Plenty of servers say text/html or text/plain for their feeds: the bytes decide.
    _, feed = await fetch_feed(fetcher, feeds.serve("/odd", wordpress_feed(UNRELATED), "text/html"))
    assert len(feed.items) == 2


async def test_private_addresses_are_refused_unless_allowed(feeds):
    url = feeds.serve("/feed/", wordpress_feed(UNRELATED))
    strict = Fetcher(timeout=2.0)
    try:
        for target in (
            url,
            url.replace("127.0.0.1", "localhost"),
            "http://[::1]/x",
            "http://169.254.169.254/",
        ):
            with pytest.raises(FetchFailed, match="private or local"):
                await strict.fetch(target)
        with pytest.raises(FetchFailed, match="only http and https"):
            await strict.fetch("file:///etc/passwd")
    finally:
        await strict.close()
    assert feeds.requests == []  # nothing reached the server


async def test_every_redirect_hop_is_checked(feeds):
    # The rule narrowed to 127.0.0.2 lets the first hop through (127.0.0.1) and shows the
    # redirect's target is checked again.
    fetcher = Fetcher(timeout=2.0, blocked=lambda address: address == "127.0.0.2")
    try:
        url = feeds.serve("/hop", b"", trouble=f"redirect:http://127.0.0.2:{feeds.port}/feed/")
        with pytest.raises(FetchFailed, match="private or local"):
            await fetcher.fetch(url)
        assert [p for p, _ in feeds.requests] == ["/hop"]
    finally:
        await fetcher.close()


def test_the_address_rule():
    for address in (
        "127.0.0.1",
        "10.1.2.3",
        "192.168.0.1",
        "172.16.5.5",
        "169.254.169.254",
        "224.0.0.1",
        "::1",
        "fe80::1",
        "fc00::1",
        "::ffff:127.0.0.1",
        "0.0.0.0",
    ):
        assert forbidden(address), address
    for address in ("93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"):
        assert not forbidden(address), address


def test_canonical_links_and_plain_text():
    assert (
        canonical("HTTPS://Example.COM/a/b?utm_source=x&id=3&fbclid=y&gclid=z#frag")
        == "https://example.com/a/b?id=3"
    )
    assert canonical("https://example.com") == "https://example.com/"
    assert plain("<b>Hi</b>&amp;\u200b <a href='x'>there</a>\nnow", 300) == "Hi & there now"
    assert len(plain("word " * 100, 300)) == 300


def test_matching_folds_titles_aliases_and_hangul(store_free_show):
    show, cast = store_free_show
    index = [show_index(show, cast)]
    assert candidates("ALL OF US ARE DEAD s2 news", index, attached=None, keywords=()) == index
    assert candidates("지금 우리 학교는 시즌2", index, attached=None, keywords=()) == index
    assert candidates("Squid Game season 3", index, attached=None, keywords=()) == []
    assert candidates("Squid Game", index, attached=show.id, keywords=()) == index  # an attached source
    assert candidates("Squid Game", index, attached=show.id, keywords=keyword_list("zombie, 좀비")) == []
    assert (
        candidates("새 좀비 드라마", index, attached=show.id, keywords=keyword_list("zombie, 좀비")) == index
    )
    assert people_named("박지후 returns; so does YOON CHAN-YOUNG", index[0]) == [
        "Park Ji-hu",
        "Yoon Chan-young",
    ]


@pytest.fixture
def store_free_show():
    from bot.core.models import Entry, Fact, Show

    show = Show(
        1, "all-of-us-are-dead", "All of Us Are Dead", "지금 우리 학교는", "Netflix", 2, ("AOUAD",), False
    )

    def person(name, native):
        fact = Fact(
            {"person": name, "native_name": native}, "confirmed", None, "https://x.example/", "2024-01-01"
        )
        return Entry(0, show.id, "cast", name.casefold(), 1, fact, "2024-01-01")

    return show, [person("Park Ji-hu", "박지후"), person("Yoon Chan-young", "윤찬영"), person("Lee", None)]
