"""Rendering: badges, escaping, paging and Discord's size limits."""

import datetime as dt

from bot.alerts.announcements import render_announcement
from bot.catalogue.diff import change_diff
from bot.catalogue.render import (
    EMBED_TOTAL,
    capped,
    cast_list,
    cast_page,
    current_stage,
    episodes_embed,
    escape,
    history_embed,
    history_line,
    link,
    news_line,
    news_list,
    news_page,
    paginate,
    status_embed,
)
from bot.core.models import Basis, Change, Editor, Entry, Fact, Show

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


def test_status_of_an_empty_season_says_nothing_is_known_and_rumours_are_not_nothing():
    empty = status_embed(SHOW, [], None, None)
    assert "Nothing is known about this season yet." in empty.description
    rumoured = status_embed(SHOW, [status("filming", "rumored")], None, None)
    assert "**Now:** nothing confirmed or reported yet." in rumoured.description
    assert "Nothing is known" not in rumoured.description


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


def test_a_news_item_without_a_published_day_reads_undated_as_in_its_history():
    fields = {"headline": "H", "url": "https://a.example/", "published": None, "note": None}
    item = entry(1, "news", "h", fields)
    assert news_line(item).startswith("undated · [H]")
    assert news_line(item, lang="ko").startswith("날짜 없음 · [H]")
    assert "News: H: undated (rumored · Outlet)" in history_line(change("news", None, item.fact), SHOW)


def change(kind, before, after, correction_of=None, key=None):
    return Change(7, 1, 1, kind, key or kind, 2, before, after, Editor(1, "ed"),
                  "2025-01-01T00:00:00+00:00", None, False, correction_of)


def both(c):
    """The history line and the announcement's lines of one change."""
    return history_line(c, SHOW), render_announcement(SHOW, c, delivery_id=3).description


def test_a_release_change_reads_the_same_in_history_and_the_announcement():
    before = fact({"when": "2024-H2..2025-H1", "note": None}, "speculation")
    after = Fact({"when": "2025-03", "note": None}, "confirmed", None, "https://www.netflix.com/x",
                 "2024-01-01")
    c = change("release", before, after)
    line = ("Release: second half of 2024 – first half of 2025 (speculation · Outlet) → "
            "March 2025 (confirmed · www.netflix.com)")
    assert change_diff(c, SHOW).line() == line
    history, announced = both(c)
    assert line in history and announced == line
    embed = render_announcement(SHOW, c, delivery_id=3)
    assert embed.footer.text == "seasonwatch · change #7"
    assert embed.url == "https://www.netflix.com/x#sw-delivery-3"  # the title leads to the source
    assert embed.timestamp == dt.datetime(2025, 1, 1, tzinfo=dt.UTC)


def test_a_status_change_names_its_stage_and_shows_each_moved_field():
    before = fact({"stage": "filming", "when": None, "note": None}, "rumored")
    after = fact({"stage": "filming", "when": "2024-06", "note": "On set"}, "reported")
    history, announced = both(change("status", before, after, key="filming"))
    assert announced.splitlines() == [
        "Status: Filming: date unknown (rumored · Outlet) → June 2024 (reported · Outlet)",
        "Note: — → On set",
    ]
    assert announced.replace("\n", "; ") in history


def test_a_news_change_dates_both_sides_in_words():
    old = {"headline": "Casting news", "url": "https://a.example/", "note": None}
    before = fact({**old, "published": "2024-01-02"}, "reported")
    after = fact({**old, "published": "2024-01-03"}, "reported")
    history, announced = both(change("news", before, after, key="casting-news"))
    line = "News: Casting news: 2 January 2024 (reported · Outlet) → 3 January 2024 (reported · Outlet)"
    assert announced == line and line in history
    assert "2024-01-0" not in history


def test_a_cast_change_names_the_character_once():
    base = {"person": "Park Ji-hu", "billing": "main", "state": "returning", "note": None}
    before = fact({**base, "character": "On-jo"}, "rumored")
    after = fact({**base, "character": "Nam On-jo"}, "confirmed")
    history, announced = both(change("cast", before, after, key="park ji-hu"))
    line = "Cast: Park Ji-hu: as On-jo (rumored · Outlet) → as Nam On-jo (confirmed · Outlet)"
    assert announced == line and line in history
    assert history.count("On-jo") == 2  # once on each side, no second `character:` row


def test_a_new_cast_entry_lists_what_is_known():
    after = fact({"person": "Kim", "character": None, "billing": "cameo", "state": "new", "note": None})
    history, announced = both(change("cast", None, after, key="kim"))
    assert announced.splitlines() == ["New: Cast: Kim: in the cast (rumored · Outlet)",
                                      "Billing: cameo", "State: new"]
    assert "New: Cast: Kim: in the cast (rumored · Outlet); Billing: cameo; State: new" in history


def test_a_removal_reads_removed_with_what_it_said():
    before = fact({"person": "Lomon", "character": "Su-hyeok", "billing": None, "state": None,
                   "note": None}, "confirmed")
    history, announced = both(change("cast", before, None, key="lomon"))
    line = "Removed: Cast: Lomon: as Su-hyeok (confirmed · Outlet)"
    assert announced == line and line in history


def test_an_undo_is_marked_as_a_correction_everywhere():
    before = fact({"when": "2025", "note": None}, "reported")
    after = fact({"when": "2025-Q2", "note": None}, "reported")
    c = change("release", after, before, correction_of=5)
    history, announced = both(c)
    line = "Release: Q2 2025 (reported · Outlet) → 2025 (reported · Outlet)"
    assert line in history and "(correction of #5)" in history
    assert announced == f"{line}\nThis corrects change #5."
    assert render_announcement(SHOW, c).title.startswith("Correction · ")


def episodes(count, runtime, *, count_basis, runtime_basis):
    return Fact({"count": count, "runtime": runtime, "rating": "TV-MA"}, count_basis.confidence,
                count_basis.source_name, count_basis.source_url, count_basis.as_of,
                {"count": count_basis, "runtime": runtime_basis, "rating": runtime_basis})


GUESS = Basis("speculation", "FanSided", "https://fansided.com/", "2024-01-31", "A guess")
NETFLIX = Basis("confirmed", None, "https://www.netflix.com/tudum", "2025-01-01", None)


def test_an_episodes_change_shows_each_value_with_its_own_source():
    before = episodes(12, 50, count_basis=GUESS, runtime_basis=GUESS)
    after = episodes(6, 50, count_basis=NETFLIX, runtime_basis=GUESS)
    history, announced = both(change("episodes", before, after))
    assert announced.splitlines() == [
        "Episodes: 12 (speculation · FanSided) → 6 (confirmed · www.netflix.com)",
        "Episodes note: A guess → —",
    ]
    assert "Runtime" not in history and "Rating" not in history  # untouched, so not relabelled


def test_a_source_change_alone_is_a_line_of_its_own():
    before = episodes(12, 50, count_basis=GUESS, runtime_basis=GUESS)
    after = episodes(12, 50, count_basis=GUESS,
                     runtime_basis=Basis("speculation", "Other", "https://o.example/", "2024-01-31",
                                         "A guess"))
    _, announced = both(change("episodes", before, after))
    assert announced.splitlines() == [
        "Runtime: 50 minutes (speculation · FanSided) → 50 minutes (speculation · Other)",
        "Rating: TV-MA (speculation · FanSided) → TV-MA (speculation · Other)",
    ]


def test_episodes_show_each_value_with_its_own_badge_source_and_note():
    e = Entry(1, 1, "episodes", "episodes", 2, episodes(6, 50, count_basis=NETFLIX, runtime_basis=GUESS),
              "2025-01-01T00:00:00+00:00")
    fields = {f.name: f.value for f in episodes_embed(SHOW, e).fields}
    assert fields["Episodes"].startswith("6\n✅ confirmed · [www.netflix.com](<https://www.netflix.com/tudum>)")
    assert "A guess" not in fields["Episodes"]
    assert fields["Runtime"].startswith("50 minutes\n🔮 speculation · [FanSided](<https://fansided.com/>)")
    assert fields["Runtime"].endswith("A guess")


HOSTILE = Show(1, "s", "[Official Netflix update](https://evil.example)", None, None, 2, (), False)


def test_a_show_title_never_becomes_a_link_in_any_embed():
    release = entry(1, "release", "release", {"when": "2025", "note": None})
    embeds = [
        status_embed(HOSTILE, [status("filming", "reported")], release, None),
        cast_page(HOSTILE, [], "all", 0)[0],
        news_page(HOSTILE, [], None, 0)[0],
        episodes_embed(HOSTILE, None),
        history_embed(HOSTILE, [], 0, 1, None),
        render_announcement(HOSTILE, change("release", None, release.fact)),
    ]
    for embed in embeds:
        inert = "\\[Official Netflix update\\](https:\u200b//evil.example)"
        assert embed.title.startswith(inert), embed.title
