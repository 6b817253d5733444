"""Fan commands through the stand-in, as a fan types them, on the default dataset."""

import re

import pytest

from bot.catalogue.render import escape
from bot.core.models import Editor

SHOW = "all-of-us-are-dead"


def no_pings(standin):
    # Text in embeds never pings: this covers content, ephemeral replies included (would_ping);
    # the `standin` fixture checks every message's allowed_mentions at teardown.
    return all(not m.would_ping.anyone for m in standin.all_messages.values() if m.would_ping)


def big_catalogue(cast=300, news=500, name_prefix="Actor"):
    entries = [
        {
            "kind": "cast",
            "key": f"{name_prefix.lower()} {i:03d}",
            "fields": {
                "person": f"{name_prefix} {i:03d}",
                "character": f"Student {i}",
                "billing": None,
                "state": "new" if i % 2 else "returning",
                "note": None,
            },
            "confidence": "rumored",
            "source_name": "Some Outlet " + "x" * 80,
            "source_url": "https://example.com/" + "a" * 480,
            "as_of": "2024-01-01",
        }
        for i in range(cast)
    ]
    entries += [
        {
            "kind": "news",
            "key": f"item-{i}",
            "fields": {
                "headline": f"Headline number {i} " + "h" * 150,
                "url": f"https://example.com/news/{i}/" + "u" * 450,
                "published": f"2023-{1 + i % 12:02d}-{1 + i % 28:02d}",
                "note": None,
            },
            "confidence": "reported",
            "source_name": "Outlet",
            "source_url": f"https://example.com/news/{i}/",
            "as_of": "2024-01-01",
        }
        for i in range(news)
    ]
    return {
        "format": 1,
        "shows": [
            {
                "slug": "big",
                "title": "Big Show",
                "original_title": None,
                "network": None,
                "season": 3,
                "aliases": [],
                "archived": False,
                "entries": entries,
            }
        ],
    }


# -- /status, /episodes, /about --


async def test_status_shows_the_renewal_confirmed_with_its_source(standin, scene, bot):
    reply = await standin.command(scene.fan, scene.home_general, "status")
    assert not reply.ephemeral
    fields = {f["name"]: f["value"] for f in reply.embeds[0]["fields"]}
    assert "6 June 2022" in fields["Renewed"]
    assert "✅ confirmed" in fields["Renewed"]
    assert "(<https://www.netflix.com/tudum>)" in fields["Renewed"]


async def test_status_shows_the_path_the_current_stage_and_last_change(standin, scene, bot):
    reply = await standin.command(scene.fan, scene.home_general, "status")
    description = reply.embeds[0]["description"]
    assert "● Renewed →" in description and "○ Released" in description
    assert "**Now: Pre-production**" in description
    assert "Last change 31 January 2024" in description  # the latest fact's own date (issue #23)
    assert "💬 rumored" in reply.embeds[0]["footer"]["text"]


async def test_status_shows_the_release_window_as_speculation(standin, scene, bot):
    reply = await standin.command(scene.fan, scene.home_general, "status", show=SHOW)
    release = next(f["value"] for f in reply.embeds[0]["fields"] if f["name"] == "Release")
    assert "second half of 2024 – first half of 2025" in release and "🔮 speculation" in release


async def test_episodes_shows_about_12_as_speculation(standin, scene, bot):
    reply = await standin.command(scene.fan, scene.home_general, "episodes")
    fields = {f["name"]: f["value"] for f in reply.embeds[0]["fields"]}
    assert fields["Episodes"].startswith("12\n🔮 speculation")
    assert "minutes" in fields["Runtime"]


async def test_about_gives_the_legend_and_version(standin, scene, bot):
    reply = await standin.command(scene.fan, scene.home_general, "about")
    assert "❌ denied" in reply.text and "seasonwatch 0.1.0" in reply.text
    assert "All of Us Are Dead season 2" in reply.text


async def test_commands_work_in_dms(standin, scene, bot):
    reply = await standin.command(scene.fan.user, None, "status")
    assert "where it stands" in reply.embeds[0]["title"]


# -- /cast --


async def test_cast_lists_park_ji_hu_as_on_jo_and_roh_yoon_seo_rumored(standin, scene, bot):
    reply = await standin.command(scene.fan, scene.home_general, "cast")
    lines = reply.embeds[0]["description"].splitlines()
    park = next(line for line in lines if "Park Ji-hu" in line)
    roh = next(line for line in lines if "Roh Yoon-seo" in line)
    assert "as Nam On-jo" in park and "returning" in park
    assert "💬 rumored" in roh


@pytest.mark.parametrize(
    ("which", "present", "absent"),
    [
        ("rumored", "Roh Yoon-seo", "Park Ji-hu"),
        ("returning", "Park Ji-hu", "Roh Yoon-seo"),
        ("new", "Roh Yoon-seo", "Park Ji-hu"),
    ],
)
async def test_cast_filters(standin, scene, bot, which, present, absent):
    reply = await standin.command(scene.fan, scene.home_general, "cast", filter=which)
    assert present in reply.embeds[0]["description"]
    assert absent not in reply.embeds[0]["description"]
    assert f"({which})" in reply.embeds[0]["title"]


async def test_a_filter_with_nobody_says_so_publicly(standin, scene, bot):
    # A filter chosen from Discord's list is no bad input: nobody confirmed yet is the answer.
    reply = await standin.command(scene.fan, scene.home_general, "cast", filter="confirmed")
    assert not reply.ephemeral
    assert "No cast entries are confirmed yet." in reply.text


async def test_cast_person_shows_their_card_whatever_the_case_and_spacing(standin, scene, bot):
    reply = await standin.command(scene.fan, scene.home_general, "cast", person="PARK JIHU")
    embed = reply.embeds[0]
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert embed["title"].startswith("Park Ji-hu")
    assert fields["Character"] == "Nam On-jo"
    assert fields["Status"] == "returning"
    assert "BH Entertainment" in fields["Confidence and source"]
    assert "In the news" in fields


async def test_an_unknown_person_is_told_ephemerally_with_the_closest_names(standin, scene, bot):
    reply = await standin.command(scene.fan, scene.home_general, "cast", person="Park Jihoo")
    assert reply.ephemeral
    assert "I don't know anyone called `Park Jihoo`" in reply.content
    assert "Park Ji-hu" in reply.content


# -- /news, /history --


async def test_news_is_newest_first_with_date_link_and_confidence(standin, scene, bot):
    reply = await standin.command(scene.fan, scene.home_general, "news")
    lines = reply.embeds[0]["description"].splitlines()
    assert len(lines) >= 5
    assert all(re.search(r"\(<https://", line) for line in lines)
    # An item its source gave no day for reads `undated` (issue #23), filed by its as-of day.
    dated = [line for line in lines if not line.startswith("undated · ")]
    years = [int(re.search(r"\b(20\d\d)\b", line).group(1)) for line in dated]
    assert len(dated) >= 2 and years == sorted(years, reverse=True)
    news = bot.store.view.entries(bot.store.view.show_by_slug(SHOW).id, "news")
    filed = sorted(news, key=lambda e: (e.fact.fields["published"] or e.fact.as_of, e.id), reverse=True)
    assert [line.split(" · ")[1] for line in lines] == [
        f"[{escape(e.fact.fields['headline'])}](<{e.fact.fields['url']}>)" for e in filed][:len(lines)]


async def test_news_filtered_to_denied_shows_only_the_debunked_claims(standin, scene, bot):
    reply = await standin.command(scene.fan, scene.home_general, "news", confidence="denied")
    lines = reply.embeds[0]["description"].splitlines()
    assert lines and all("❌ denied" in line for line in lines)


async def test_history_lists_changes_with_numbers_and_who(standin, scene, bot):
    reply = await standin.command(scene.fan, scene.home_general, "history")
    description = reply.embeds[0]["description"]
    assert re.search(r"\*\*#\d+\*\* · <t:\d+:R> · seed · ", description)


async def test_history_of_one_entry_after_an_edit_shows_from_what_to_what(standin, scene, bot):
    show = bot.store.view.show_by_slug(SHOW)
    park = bot.store.view.entry(show.id, "cast", "park ji-hu")
    fields = {**park.fact.fields, "character": "On-jo"}
    new_fact = type(park.fact)(fields, "confirmed", "Netflix", "https://www.netflix.com/", "2025-01-01")
    await bot.store.catalogue.write(
        show.id,
        "cast",
        park.key,
        new_fact,
        expected_version=park.version,
        editor=Editor(scene.editor.id, "@everyone editor"),
    )
    choices = await standin.autocomplete(scene.fan, scene.home_general, "history", "entry", "park")
    assert choices[0]["name"] == "Cast: Park Ji-hu"
    reply = await standin.command(scene.fan, scene.home_general, "history", entry=choices[0]["value"])
    first = reply.embeds[0]["description"].splitlines()[0]
    assert ("Cast: Park Ji-hu: as Nam On-jo (reported · BH Entertainment (Instagram)) → "
            "as On-jo (confirmed · Netflix)") in first
    assert "@\u200beveryone editor" in first
    assert no_pings(standin)


# -- autocomplete --


@pytest.mark.parametrize("typed", ["all of", "지금 우리", "aouad", "ALL-OF-US", "allofusaredead"])
async def test_show_autocomplete_finds_the_show_by_title_alias_or_slug(standin, scene, bot, typed):
    choices = await standin.autocomplete(scene.fan, scene.home_general, "status", "show", typed)
    assert choices == [{"name": "All of Us Are Dead (season 2)", "value": SHOW}]


async def test_person_autocomplete_matches_without_case_or_accents(standin, scene, bot):
    choices = await standin.autocomplete(scene.fan, scene.home_general, "cast", "person", "PÁRK")
    assert [c["value"] for c in choices] == ["Park Ji-hu"]


async def test_autocomplete_offers_at_most_25_choices(standin, scene, bot):
    await bot.store.files.import_data(big_catalogue(cast=60, news=0))
    choices = await standin.autocomplete(scene.fan, scene.home_general, "cast", "person", "actor", show="big")
    assert len(choices) == 25


async def test_a_show_typed_by_its_korean_title_is_found(standin, scene, bot):
    reply = await standin.command(scene.fan, scene.home_general, "episodes", show="지금 우리 학교는")
    assert reply.embeds[0]["title"].startswith("All of Us Are Dead")


# -- bad input --


async def test_an_unknown_show_is_told_ephemerally_with_the_closest_title(standin, scene, bot):
    reply = await standin.command(scene.fan, scene.home_general, "status", show="All of Us Are Ded")
    assert reply.ephemeral
    assert "I don't know a show called" in reply.content and "All of Us Are Dead" in reply.content


async def test_with_two_shows_and_none_given_the_bot_asks_which(standin, scene, bot):
    await bot.store.shows.add_show("second", "Second Show", 1)
    reply = await standin.command(scene.fan, scene.home_general, "cast")
    assert reply.ephemeral
    assert "Which show?" in reply.content and "`second`" in reply.content


EMPTY_SEASON = {
    "status": "Nothing is known about this season yet.",
    "cast": "No cast known yet.",
    "episodes": "Nothing is known about the episodes yet.",
    "news": "No news yet.",
}


async def test_a_freshly_added_show_answers_publicly_that_nothing_is_known_yet(standin, scene, bot):
    added = await standin.command(scene.owner, scene.home_general, "shows add",
                                  slug="empty", title="Empty Show", season=1)
    assert "Now tracking **Empty Show** season 1" in added.content
    for command, said in EMPTY_SEASON.items():
        reply = await standin.command(scene.fan, scene.home_general, command, show="empty")
        assert not reply.ephemeral, f"/{command}: {reply.text}"
        assert reply.message in scene.home_general.messages  # the channel sees it, not only the fan
        assert reply.embeds[0]["title"].startswith("Empty Show"), f"/{command}: {reply.text}"
        assert said in reply.text, f"/{command}: {reply.text}"
    # A person the cast does not hold is still bad input: said ephemerally, as before.
    unknown = await standin.command(scene.fan, scene.home_general, "cast", show="empty", person="Nobody")
    assert unknown.ephemeral


async def test_a_flood_of_commands_gets_slow_down(standin, scene, bot):
    replies = [await standin.command(scene.fan, scene.home_general, "status") for _ in range(6)]
    assert not any(r.ephemeral for r in replies[:5])
    assert replies[5].ephemeral and "Slow down" in replies[5].content


async def test_names_with_mentions_and_markdown_ping_nobody_and_do_not_format(standin, scene, bot):
    catalogue = big_catalogue(cast=1, news=0)
    entry = catalogue["shows"][0]["entries"][0]
    entry["fields"]["person"] = "@everyone **Bold** <@123456789012345678>"
    entry["key"] = "@everyone **bold** <@123456789012345678>"
    await bot.store.files.import_data(catalogue)
    reply = await standin.command(scene.fan, scene.home_general, "cast", show="big")
    line = reply.embeds[0]["description"]
    assert "\\*\\*Bold\\*\\*" in line and "@\u200beveryone" in line
    assert no_pings(standin)


# -- big lists and paging --


async def test_300_cast_entries_page_within_discords_limits(standin, scene, bot):
    await bot.store.files.import_data(big_catalogue())
    reply = await standin.command(scene.fan, scene.home_general, "cast", show="big")
    first = reply.embeds[0]["description"]  # the reply reads the live message: keep page 1
    assert "Page 1 of" in reply.embeds[0]["footer"]["text"]
    assert [b["label"] for b in reply.buttons] == ["Previous", "Next"]
    assert reply.buttons[0].get("disabled") is True
    second = await standin.click(scene.fan, reply, "Next")
    assert "Page 2 of" in second.embeds[0]["footer"]["text"]
    assert second.embeds[0]["description"] != first
    back = await standin.click(scene.fan, second, "Previous")
    assert back.embeds[0]["description"] == first
    assert not standin.violations


async def test_500_news_items_page_forward_within_limits(standin, scene, bot):
    await bot.store.files.import_data(big_catalogue())
    reply = await standin.command(scene.fan, scene.home_general, "news", show="big")
    pages = int(re.search(r"Page 1 of (\d+)", reply.embeds[0]["footer"]["text"]).group(1))
    assert pages >= 500 // 8
    current = reply
    for _ in range(3):
        current = await standin.click(scene.fan, current, "Next")
    assert "Page 4 of" in current.embeds[0]["footer"]["text"]
    assert not standin.violations


async def test_history_pages_through_many_changes(standin, scene, bot):
    await bot.store.files.import_data(big_catalogue(cast=30, news=0))
    reply = await standin.command(scene.fan, scene.home_general, "history", show="big")
    first = reply.embeds[0]["description"]
    second = await standin.click(scene.fan, reply, "Next")
    assert "Page 2 of 4" in second.embeds[0]["footer"]["text"]
    assert second.embeds[0]["description"] != first


async def test_history_of_long_changes_stays_within_discords_limits(standin, scene, bot):
    show = bot.store.view.show_by_slug(SHOW)
    release = bot.store.view.entry(show.id, "release", "release")
    for i in range(10):
        fields = {"when": "2025", "note": f"{i} " + "n" * 990}
        fact = type(release.fact)(
            fields, "rumored", "S" * 100, "https://e.example/" + "u" * 480, "2025-01-01"
        )
        await bot.store.catalogue.write(
            show.id,
            "release",
            "release",
            fact,
            expected_version=bot.store.view.entry_version(show.id, "release", "release"),
            editor=Editor(1, "E" * 100),
        )
    reply = await standin.command(scene.fan, scene.home_general, "history")
    assert len(reply.embeds[0]["description"]) <= 4096
    assert "Page 1 of" in reply.embeds[0]["footer"]["text"]
    assert not standin.violations


async def test_while_shutting_down_buttons_are_refused_with_a_message(standin, scene, bot):
    await bot.store.files.import_data(big_catalogue(cast=40, news=0))
    reply = await standin.command(scene.fan, scene.home_general, "cast", show="big")
    bot.season_tree.draining = True
    refused = await standin.click(scene.fan, reply, "Next")
    assert refused.ephemeral and refused.content == "The bot is restarting; try again in a minute."
    assert "Page 1 of" in reply.embeds[0]["footer"]["text"]  # the list did not move
    bot.season_tree.draining = False
