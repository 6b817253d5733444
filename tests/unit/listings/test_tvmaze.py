"""The TVmaze client against the TVmaze stand-in: the shapes it reads, each fault it meets (a
ListingError with a reason, never anything else) and its pace (2 requests a second, shared)."""

import asyncio
import itertools
import time

import pytest

from bot.listings.provider import ListingError
from bot.listings.tvmaze import TVmaze


@pytest.fixture
async def client(tvmaze):
    client = TVmaze(tvmaze.base, allow_private=True, timeout=1.0, per_second=50, first_wait=0.2)
    yield client
    await client.close()


async def test_search_lists_matches_with_year_network_and_country(client, tvmaze):
    found = await client.search("sweet home")
    assert [m.title for m in found] == ["Sweet Home", "Sweet Home Oklahoma"]
    first, second = found
    assert (first.external_id, first.year, first.network, first.country) == ("1002", 2020, "Netflix", None)
    assert first.page_url == "https://www.tvmaze.com/shows/1002/sweet-home"
    assert (second.network, second.country) == ("ABC", "US")
    assert tvmaze.requests[-1].user_agent.startswith("seasonwatch/")


async def test_a_listing_has_seasons_cast_aliases_and_the_season_runtime(client, tvmaze):
    listing = await client.listing("1001", season=1)
    assert listing.title == "All of Us Are Dead"
    assert listing.country == "KR"  # Netflix says no country: the language does
    assert listing.original_title == "지금 우리 학교는"
    assert listing.other_aliases == ("Estamos muertos",)
    assert listing.network == "Netflix"
    assert [(s.number, s.episode_order) for s in listing.seasons] == [(1, 12), (2, None)]
    assert listing.season(1).runtime == 62 and listing.season(2).runtime is None
    assert listing.runtime == 60
    assert listing.cast[0].person == "Park Ji-hu" and listing.cast[0].character == "Nam On-jo"
    assert [r.path for r in tvmaze.requests] == ["/shows/1001", "/shows/1001/akas", "/seasons/5001/episodes"]
    assert tvmaze.requests[0].query == "embed[]=seasons&embed[]=cast"


async def test_updates_are_the_ids_changed_in_the_last_day(client, tvmaze):
    assert await client.updated_since_day() == set()
    tvmaze.mark_updated(1002)
    assert await client.updated_since_day() == {"1002"}
    assert tvmaze.requests[-1].query == "since=day"


async def test_429_without_retry_after_waits_then_doubles(client, tvmaze):
    tvmaze.fault("429", times=2)
    started = time.monotonic()
    found = await client.search("kingdom")
    waited = time.monotonic() - started
    assert [m.title for m in found] == ["Kingdom"]
    assert [r.status for r in tvmaze.requests] == [429, 429, 200]
    assert 0.6 <= waited < 1.5  # 0.2 s, then 0.4 s (2 s and 4 s with the defaults)


async def test_429_with_retry_after_waits_what_it_says(client, tvmaze):
    tvmaze.fault("429 retry-after")
    tvmaze.retry_after = 1
    started = time.monotonic()
    await client.search("kingdom")
    assert time.monotonic() - started >= 1.0
    assert [r.status for r in tvmaze.requests] == [429, 200]


async def test_429_for_ever_gives_up_with_a_reason(client, tvmaze):
    tvmaze.fault("429", times=10)
    with pytest.raises(ListingError, match="slow down"):
        await client.search("kingdom")
    assert len(tvmaze.requests) == 4


@pytest.mark.parametrize(("kind", "reason"), [
    ("500", "TVmaze answered HTTP 500"),
    ("slow", "did not answer within 1 s"),
    ("malformed", r"expected shape \(not JSON\)"),
    ("deep", r"expected shape \(not JSON\)"),
    ("unexpected", r"expected shape \(show\._embedded is not an object\)"),
    ("404", r"no longer lists this show \(HTTP 404\)"),
    ("oversized", "larger than 2 MiB"),
])
async def test_each_fault_is_a_listing_error_with_its_reason(client, tvmaze, kind, reason):
    tvmaze.slow_seconds = 3.0
    tvmaze.fault(kind)
    with pytest.raises(ListingError, match=reason):
        await client.listing("1001")
    assert await client.listing("1001")  # and the next request is fine


async def test_a_search_answer_of_the_wrong_shape_is_a_listing_error(client, tvmaze):
    tvmaze.fault("unexpected")
    with pytest.raises(ListingError, match="search results is not a list"):
        await client.search("kingdom")


async def test_a_show_that_is_gone_says_so(client):
    with pytest.raises(ListingError, match="no longer lists"):
        await client.listing("999999")


async def test_a_public_only_client_refuses_the_loopback_stand_in(tvmaze):
    client = TVmaze(tvmaze.base)
    try:
        with pytest.raises(ListingError, match="private or local"):
            await client.search("kingdom")
    finally:
        await client.close()
    assert tvmaze.requests == []


async def test_at_most_two_requests_a_second_whoever_asks(tvmaze):
    client = TVmaze(tvmaze.base, allow_private=True)  # the default pace
    try:
        await asyncio.gather(*(client.search("kingdom") for _ in range(3)),
                             client.updated_since_day(), client.listing("1004"))
    finally:
        await client.close()
    starts = sorted(r.at for r in tvmaze.requests)
    assert len(starts) == 7  # 3 searches, updates, the show, its akas, its latest season
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert min(gaps) >= 0.45, gaps
    assert starts[-1] - starts[0] >= 2.9


@pytest.mark.parametrize("url", ["javascript:alert(1)", "https://x.example/a>[b](https://evil.example)",
                                 "https://x.example/a) [b](c"])
async def test_a_page_address_that_could_break_out_of_a_link_is_refused(client, tvmaze, url):
    tvmaze.shows[1004].show["url"] = url
    with pytest.raises(ListingError, match=r"show\.url is not a web address"):
        await client.search("kingdom")


async def test_a_429_holds_every_callers_requests(client, tvmaze):
    tvmaze.fault("429 retry-after", path="/search")
    tvmaze.retry_after = 1
    started = time.monotonic()
    searching = asyncio.create_task(client.search("kingdom"))
    await asyncio.sleep(0.1)  # the search met its 429
    await client.updated_since_day()  # another caller, meanwhile
    assert time.monotonic() - started >= 1.0
    await searching
    updates = next(r for r in tvmaze.requests if r.path == "/updates/shows")
    refused = next(r for r in tvmaze.requests if r.status == 429)
    assert updates.at - refused.at >= 0.9

