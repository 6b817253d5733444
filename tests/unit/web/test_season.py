"""A season page's words: the same as the bot's replies, links only when http(s)."""

from __future__ import annotations

import pytest

from bot.catalogue.render import cast_line, status_embed
from bot.core.models import Fact
from bot.web.season import safe_url, season
from tests.support.catalogue import ALICE, cast_fact

pytestmark = pytest.mark.sqlite_only  # words from the in-memory view, whatever the backend


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.soompi.com/a", "https://www.soompi.com/a"),
        ("http://example.org", "http://example.org"),
        ("HTTPS://EXAMPLE.ORG/x", "HTTPS://EXAMPLE.ORG/x"),
        ("javascript:alert(1)", None),
        (" JavaScript:alert(1)", None),
        ("data:text/html,<script>alert(1)</script>", None),
        ("//evil.example/x", None),
        ("https:///nohost", None),
        ("http://[::1", None),  # unreadable
        ("", None),
        (None, None),
    ],
)
def test_only_an_http_or_https_address_becomes_a_link(url, expected):
    assert safe_url(url) == expected


def status(stage: str, when: str, confidence: str) -> Fact:
    return Fact({"stage": stage, "when": when, "note": None}, confidence, "Netflix",
                "https://www.netflix.com/tudum", "2024-01-10")


async def write(store, show, kind, key, fact):
    await store.catalogue.write(show.id, kind, key, fact, expected_version=store.view.entry_version(
        show.id, kind, key), editor=ALICE)


async def test_the_page_words_facts_as_the_replies_do(store, show):
    await write(store, show, "status", "announced", status("announced", "2022-06-06", "confirmed"))
    await write(store, show, "status", "filming", status("filming", "2024-Q1", "reported"))
    await write(store, show, "status", "post_production", status("post_production", "2024-H2", "rumored"))
    await write(store, show, "cast", "park ji-hu", cast_fact())
    page = season(store.view, show, [], "en")

    assert page.heading == "Test Show season 2"
    assert [(s.label, s.state) for s in page.steps] == [
        ("Renewed", "reached"), ("In development", "reached"), ("Pre-production", "reached"),
        ("Filming", "current"), ("Post-production", "rumored"), ("Release date set", "ahead"),
        ("Released", "ahead")]
    assert page.now == "Now: Filming"
    filming = page.steps[3]
    assert filming.when == "Q1 2024" and filming.fact is not None
    assert (filming.fact.badge, filming.fact.source, filming.fact.as_of) == (
        "📰 reported", "Netflix", "as of 10 January 2024")
    # /status says the same of the same stage.
    embed = status_embed(show, store.view.entries(show.id, "status"), None, None)
    assert "**Now: Filming** (📰 reported)" in embed.description
    assert {f.name: f.value for f in embed.fields}["Filming"].startswith("Q1 2024\n📰 reported")

    [park] = page.cast
    assert (park.label, park.value, park.extras) == ("Park Ji-hu", "as On-jo", ("main", "returning"))
    line = cast_line(store.view.entries(show.id, "cast")[0], with_link=False)
    assert line == "**Park Ji-hu** as On-jo · main · returning · 📰 reported · Teen Vogue"
    assert page.release is None and page.summary == "Now: Filming"


async def test_korean_words_and_a_cancellation_as_the_last_step(store, show):
    await write(store, show, "status", "filming", status("filming", "2024-Q1", "confirmed"))
    await write(store, show, "status", "cancelled", status("cancelled", "2024-05", "reported"))
    page = season(store.view, show, [], "ko")
    assert page.steps[-1].label == "취소됨" and page.steps[-1].state == "current"
    assert page.now == "현재: 취소됨"
    assert page.steps[3].fact is not None and page.steps[3].fact.badge == "✅ 확정"


async def test_an_unsafe_source_is_text_and_long_lists_say_where_the_rest_is(store, show):
    evil = Fact({"headline": "<script>alert(1)</script>", "url": "javascript:alert(1)", "published": None,
                 "note": None}, "rumored", None, "javascript:alert(2)", "2024-02-01")
    await write(store, show, "news", "evil", evil)
    for n in range(31):
        news = Fact({"headline": f"Item {n}", "url": "https://example.org/n", "published": "2024-01-01",
                     "note": None}, "reported", "Example", "https://example.org", "2024-01-01")
        await write(store, show, "news", f"item-{n}", news)
    page = season(store.view, show, [], "en")
    [shown] = [n for n in page.news if n.headline.startswith("<script>")]
    assert shown.url is None and shown.fact.url is None
    assert shown.date == "undated"
    assert shown.fact.source == "source"  # no name, no host: a word stands in, never the address
    assert len(page.news) == 30 and page.news_more == "2 more: ask /news in Discord."
