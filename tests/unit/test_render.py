"""Rendering: badges, escaping, paging and Discord's size limits."""

import datetime as dt

from bot.announcements import render_announcement
from bot.models import Change, Editor, Entry, Fact, Show
from bot.render import (
    EMBED_TOTAL,
    cast_page,
    change_line,
    current_stage,
    escape,
    link,
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
    embed = status_embed(SHOW, [status("announced", "confirmed")])
    assert embed.fields[0].name == "Renewed"
    assert "**Now: Renewed**" in embed.description


def test_paginate_packs_by_count_and_by_characters():
    page = paginate(["x" * 100] * 25, 0, items=10, chars=450)
    assert len(page.lines) == 4 and page.count == 7
    assert paginate(["a"] * 25, 99, items=10).number == 2


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
    embed, page = cast_page(SHOW, people, "all", 0)
    assert len(embed.description) <= 4096 and len(embed) <= EMBED_TOTAL
    assert page.count > 1


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
    embed, _ = news_page(SHOW, items, None, 0)
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
