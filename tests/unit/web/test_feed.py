"""The Atom document: valid whatever an editor typed."""

from __future__ import annotations

import feedparser
import pytest

from bot.core.models import Change, Editor, Fact, Show
from bot.web.feed import atom, entry_id

SHOW = Show(1, "aouad", "All of Us Are Dead", "지금 우리 학교는", "Netflix", 2, (), False)


def change(n: int, headline: str, url: str = "https://example.org/a") -> Change:
    fact = Fact({"headline": headline, "url": url, "published": "2024-01-02", "note": None},
                "reported", "Ex\x01ample", url, "2024-01-02")
    return Change(n, n, 1, "news", f"k{n}", 1, None, fact, Editor(5, "ed\x00itor"),
                  f"2024-01-0{n}T10:00:00+00:00", "why <not>", False, None)


def test_a_feed_parses_even_with_control_characters_and_markup_in_user_text():
    body = atom(SHOW, [change(3, "Bell \x07 & <b>bold</b>", "javascript:alert(1)"), change(2, "Plain")],
                "https://s.example/s/aouad", "https://s.example/s/aouad/changes.atom", "en")
    parsed = feedparser.parse(body)
    assert not parsed.bozo, parsed.bozo_exception
    first, second = parsed.entries
    assert first.title == "#3 · News: Bell  & <b>bold</b>"
    assert first.author == "editor"
    assert "related" not in {link.rel for link in first.links}  # a javascript: source is never a link
    assert {link.rel: link.href for link in second.links}["related"] == "https://example.org/a"
    assert "why <not>" in first.content[0].value
    assert parsed.feed.updated == "2024-01-03T10:00:00+00:00"
    assert first.id == entry_id("aouad", 3) != entry_id("aouad", 2)


def test_every_attribute_is_cleaned_of_what_xml_cannot_hold():
    body = atom(SHOW, [change(2, "Plain")], "https://s.example/s/a\x01ouad",
                "https://s.example/s/a\x01ouad/changes.atom", "en")
    parsed = feedparser.parse(body)
    assert not parsed.bozo, parsed.bozo_exception
    assert {link.rel: link.href for link in parsed.feed.links}["alternate"] == "https://s.example/s/aouad"


def test_an_empty_feed_is_still_valid():
    parsed = feedparser.parse(atom(SHOW, [], "https://s.example/s/aouad", "https://s.example/f", "ko"))
    assert not parsed.bozo and parsed.entries == []
    assert parsed.feed.title == "지금 우리 학교는 시즌 2: 기록"


@pytest.mark.parametrize("slug", ["a", "b-c"])
def test_entry_ids_do_not_depend_on_where_the_pages_are_served(slug):
    assert entry_id(slug, 1) == entry_id(slug, 1) and entry_id(slug, 1).startswith("urn:uuid:")
