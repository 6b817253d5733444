"""Rendering: badges, escaping, paging and Discord's size limits."""

import datetime as dt

from bot.announcements import render_announcement
from bot.models import Change, Editor, Entry, Fact, Show
from bot.render import (
    EMBED_TOTAL,
    capped,
    cast_list,
    cast_page,
    change_line,
    current_stage,
    escape,
    link,
    news_list,
    news_page,
    paginate,
    status_embed,
)

SHOW = Show(1, "s", "Show", None, None, 2, (), False)


def fact(fields, confidence="rumored", url="https://a.example/"):
    return Fact(fields, confidence, "Outlet", url, "2024-01-01")


def entry(entry_id, kind, key, fields, confidence="rumored", url="https://a.example/"):
    return Entry(entry_id, 1, kind, key, 1, fact(fields, confidence, url), "2024-01-01T00:00:00+00:00")


def status(stage, confidence):
    return entry(
        hash(stage) % 1000, "status", stage, {"stage": stage, "when": None, "note": None}, confidence
    )


def test_escape_neutralises_markdown_links_and_mentions():
    text = escape("@everyone **bold** [x](https://evil.example) <@123456789012345678>")
    assert "**" not in text.replace("\\*", "")
    assert "@\u200beveryone" in text
    assert "https://" not in text


def test_links_cannot_break_out_of_their_url():
    assert link("a]b", "https://x.example/)(") == "[a\\]b](<https://x.example/%29%28>)"


def test_the_current_stage_is_the_furthest_confirmed_or_reported():
    entries = [
        status("announced", "confirmed"),
        status("pre_production", "reported"),
        status("filming", "rumored"),
    ]
    assert current_stage(entries).key == "pre_production"


def test_a_second_season_announcement_reads_renewed():
    embed = status_embed(SHOW, [status("announced", "confirmed")], None, None)
    assert embed.fields[0].name == "Renewed"
    assert "**Now: Renewed**" in embed.description


def test_paginate_clamps_the_page_number_and_counts_pages():
    items = list(range(25))
    assert paginate(items, 0, 10) == (items[:10], 0, 3)
    assert paginate(items, 99, 10) == (items[20:], 2, 3)
    assert paginate([], 5, 10) == ([], 0, 1)


def test_a_huge_cast_page_stays_within_discords_limits():
    people = [
        entry(
            i,
            "cast",
            f"p{i}",
            {"person": "P" * 100, "character": "C" * 100, "billing": "main", "state": "new", "note": None},
            url="https://a.example/" + "u" * 490,
        )
        for i in range(300)
    ]
    embed, page = cast_page(SHOW, cast_list(people, "all"), "all", 0)
    assert len(embed.description) <= 4096 and len(embed) <= EMBED_TOTAL
    assert page.count == 30


def test_a_line_too_long_for_its_page_drops_its_links():
    assert capped("[a](<https://x>)", lambda: "a", 5) == "a"
    assert capped("short", lambda: "s", 10) == "short"
    assert capped("x" * 20, lambda: "y" * 20, 10) == "y" * 9 + "…"


def test_news_is_newest_first():
    items = [
        entry(
            i,
            "news",
            f"n{i}",
            {
                "headline": f"H{i}",
                "url": "https://a.example/",
                "published": f"2024-01-{10 + i}",
                "note": None,
            },
        )
        for i in range(3)
    ]
    embed, _ = news_page(SHOW, news_list(items, None), None, 0)
    assert [line.split("[")[1][:2] for line in embed.description.splitlines()] == ["H2", "H1", "H0"]


def test_a_change_reads_from_old_to_new():
    before = fact({"when": "2024-H2..2025-H1", "note": None}, "speculation")
    after = fact({"when": "2025-03", "note": None}, "confirmed")
    change = Change(
        7,
        1,
        1,
        "release",
        "release",
        2,
        before,
        after,
        Editor(1, "ed"),
        "2025-01-01T00:00:00+00:00",
        None,
        False,
        None,
    )
    assert change_line(change, SHOW) == (
        "Release: late 2024 – early 2025 (speculation) → March 2025 (confirmed)"
    )
    embed = render_announcement(SHOW, change, delivery_id=3)
    assert "Release: late 2024 – early 2025 (speculation) → March 2025 (confirmed)" in embed.description
    assert embed.footer.text == "seasonwatch · change #7 · delivery 3"
    assert embed.timestamp == dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
