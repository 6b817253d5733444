"""Editors through the stand-in: preview, publish, conflicts, undo, permissions, validation."""

import sys

import pytest

SHOW = "all-of-us-are-dead"
SOURCE = "https://www.example.com/report"


def catalogue(bot):
    return bot.store.files.export()


async def change_count(bot):
    return await bot.store.catalogue.count_changes(bot.store.view.show_by_slug(SHOW).id)


async def publish(standin, who, channel, path, label="Publish", **options):
    preview = await standin.command(who, channel, path, **options)
    assert preview.ephemeral, preview.text
    assert [b["label"] for b in preview.buttons] == ["Publish", "Publish silently", "Cancel"], preview.text
    return await standin.click(who, preview, label)


def park(bot):
    show = bot.store.view.show_by_slug(SHOW)
    return bot.store.view.entry(show.id, "cast", "park ji-hu")


# -- the happy path --


async def test_a_preview_writes_nothing_until_publish(standin, scene, bot):
    before = catalogue(bot)
    preview = await standin.command(
        scene.editor,
        scene.home_general,
        "edit cast",
        person="Kim Newcomer",
        confidence="rumored",
        source_url=SOURCE,
        character="Transfer student",
        state="new",
    )
    assert preview.ephemeral and "Preview" in preview.content
    assert ("New: Cast: Kim Newcomer: as Transfer student (rumored · www.example.com)"
            in preview.embeds[0]["description"])
    assert preview.embeds[0]["footer"]["text"] == "Preview · not published yet"
    assert catalogue(bot) == before
    published = await standin.click(scene.editor, preview, "Publish")
    assert "Published as change **#" in published.content
    assert published.buttons == []
    listed = await standin.command(scene.fan, scene.home_general, "cast", filter="new")
    assert "Kim Newcomer" in listed.embeds[0]["description"]


async def test_an_editor_updates_a_cast_entry_and_cast_shows_it(standin, scene, bot):
    await publish(
        standin,
        scene.editor,
        scene.home_general,
        "edit cast",
        person="park ji-hu",
        confidence="confirmed",
        source_url="https://www.netflix.com/tudum",
    )
    card = await standin.command(scene.fan, scene.home_general, "cast", person="Park Ji-hu")
    fields = {f["name"]: f["value"] for f in card.embeds[0]["fields"]}
    assert "✅ confirmed" in fields["Confidence and source"]
    assert fields["Character"] == "Nam On-jo"  # omitted options keep what was known
    assert park(bot).fact.confidence == "confirmed"


async def test_an_editor_removes_a_cast_entry_and_cast_no_longer_lists_it(standin, scene, bot):
    reply = await publish(
        standin,
        scene.editor,
        scene.home_general,
        "edit cast-remove",
        person="Lomon",
        reason="Not returning after all",
    )
    assert "Published" in reply.content
    listed = await standin.command(scene.fan, scene.home_general, "cast")
    assert "Lomon" not in listed.embeds[0]["description"]
    assert bot.store.view.entry(bot.store.view.show_by_slug(SHOW).id, "cast", "lomon") is None


async def test_release_status_episodes_and_news_can_each_be_published(standin, scene, bot):
    home = scene.home_general
    await publish(
        standin, scene.editor, home, "edit release", when="2025-Q3", confidence="reported", source_url=SOURCE
    )
    await publish(
        standin,
        scene.editor,
        home,
        "edit status",
        stage="filming",
        confidence="confirmed",
        source_url=SOURCE,
        source_name="Netflix",
    )
    await publish(
        standin, scene.editor, home, "edit episodes", confidence="reported", source_url=SOURCE, count=10
    )
    await publish(
        standin,
        scene.editor,
        home,
        "edit news",
        headline="Filming wraps",
        url=SOURCE,
        confidence="confirmed",
        published="2024-06-01",
    )
    status = await standin.command(scene.fan, home, "status")
    assert "**Now: Filming**" in status.embeds[0]["description"]
    assert "Q3 2025" in status.text
    episodes = await standin.command(scene.fan, home, "episodes")
    assert "10\n📰 reported" in episodes.text
    news = await standin.command(scene.fan, home, "news")
    assert "Filming wraps" in news.embeds[0]["description"].splitlines()[0]


async def test_publish_silently_writes_the_change_marked_silent(standin, scene, bot):
    await publish(
        standin,
        scene.editor,
        scene.home_general,
        "edit release",
        label="Publish silently",
        when="2025",
        confidence="rumored",
        source_url=SOURCE,
    )
    (latest,) = await bot.store.catalogue.recent_changes(1)
    assert latest.silent and latest.after.fields["when"] == "2025"


async def test_cancel_writes_nothing(standin, scene, bot):
    before = catalogue(bot)
    reply = await publish(
        standin,
        scene.editor,
        scene.home_general,
        "edit release",
        label="Cancel",
        when="2026",
        confidence="rumored",
        source_url=SOURCE,
    )
    assert "Nothing was written" in reply.content
    assert catalogue(bot) == before


async def test_an_expired_preview_writes_nothing(standin, scene, bot, monkeypatch):
    before = catalogue(bot)
    preview = await standin.command(
        scene.editor, scene.home_general, "edit release", when="2026", confidence="rumored", source_url=SOURCE
    )
    # The bot loads cogs as extensions: patch the module it really runs.
    monkeypatch.setattr(sys.modules["bot.catalogue.drafts"], "PREVIEW_SECONDS", 0.0)
    reply = await standin.click(scene.editor, preview, "Publish")
    assert "expired" in reply.content
    assert catalogue(bot) == before


async def test_the_second_of_two_concurrent_previews_is_refused_as_a_conflict(standin, scene, bot):
    options = {"person": "Park Ji-hu", "confidence": "confirmed", "source_url": SOURCE}
    first = await standin.command(scene.editor, scene.home_general, "edit cast", character="A", **options)
    second = await standin.command(scene.owner, scene.home_general, "edit cast", character="B", **options)
    await standin.click(scene.editor, first, "Publish")
    refused = await standin.click(scene.owner, second, "Publish")
    assert "conflict" in refused.content
    assert "It now says: Cast: Park Ji-hu: as A (confirmed · www.example.com)" in refused.content
    assert park(bot).fact.fields["character"] == "A"


async def test_undo_restores_and_history_shows_both_changes(standin, scene, bot):
    await publish(
        standin,
        scene.editor,
        scene.home_general,
        "edit cast",
        person="Park Ji-hu",
        confidence="confirmed",
        source_url=SOURCE,
        character="Wrong name",
    )
    (mistake,) = await bot.store.catalogue.recent_changes(1)
    choices = await standin.autocomplete(scene.editor, scene.home_general, "undo", "change", "wrong")
    assert choices[0]["value"] == str(mistake.id)
    undone = await publish(standin, scene.editor, scene.home_general, "undo", change=choices[0]["value"])
    assert undone.embeds[0]["title"].startswith("Correction")
    assert f"This corrects change #{mistake.id}." in undone.embeds[0]["description"]
    assert park(bot).fact.fields["character"] == "Nam On-jo"
    history = await standin.command(scene.fan, scene.home_general, "history")
    lines = history.embeds[0]["description"].splitlines()
    assert f"(correction of #{mistake.id})" in lines[0]
    assert f"**#{mistake.id}**" in lines[1] and "Wrong name" in lines[1]


# -- who may edit --


@pytest.mark.parametrize("who", ["fan", "admin", "other_admin", "dm_fan"])
async def test_non_editors_are_refused_and_nothing_is_written(standin, scene, bot, who):
    member, channel = {
        "fan": (scene.fan, scene.home_general),
        "admin": (scene.admin, scene.home_general),
        "other_admin": (scene.other_admin, scene.other_general),
        "dm_fan": (scene.fan.user, None),
    }[who]
    before, changes = catalogue(bot), await change_count(bot)
    reply = await standin.command(
        member, channel, "edit cast", person="Park Ji-hu", confidence="denied", source_url=SOURCE
    )
    assert reply.ephemeral and "Only editors can do this" in reply.content
    assert catalogue(bot) == before and await change_count(bot) == changes


async def test_an_owner_may_edit_from_any_server(standin, scene, bot):
    owner_elsewhere = scene.other.add_member(scene.owner.user)
    reply = await publish(
        standin,
        owner_elsewhere,
        scene.other_general,
        "edit release",
        when="2026-H1",
        confidence="rumored",
        source_url=SOURCE,
    )
    assert "Published" in reply.content


async def test_a_home_editor_may_edit_from_a_second_server(standin, scene, bot):
    editor_elsewhere = scene.other.add_member(scene.editor.user)
    reply = await publish(
        standin,
        editor_elsewhere,
        scene.other_general,
        "edit release",
        when="2026-H2",
        confidence="rumored",
        source_url=SOURCE,
    )
    assert "Published" in reply.content
    lookups = [r for r in standin.requests if r.path.endswith(f"/members/{scene.editor.id}")]
    assert lookups, "the bot should have looked the editor up in the home server"


async def test_shows_are_for_owners_only(standin, scene, bot):
    refused = await standin.command(
        scene.editor, scene.home_general, "shows add", slug="x", title="X", season=1
    )
    assert refused.ephemeral and "Only the bot's owners" in refused.content
    assert bot.store.view.show_by_slug("x") is None


async def test_an_owner_adds_edits_and_archives_a_show(standin, scene, bot):
    added = await standin.command(
        scene.owner,
        scene.home_general,
        "shows add",
        slug="sweet-home",
        title="Sweet Home",
        season=3,
        aliases="스위트홈",
    )
    assert added.ephemeral and "Now tracking **Sweet Home** season 3" in added.content
    found = await standin.autocomplete(scene.fan, scene.home_general, "status", "show", "스위트")
    assert [c["value"] for c in found] == ["sweet-home"]
    await standin.command(scene.owner, scene.home_general, "shows edit", show="sweet-home", season=4)
    assert bot.store.view.show_by_slug("sweet-home").season == 4
    await standin.command(scene.owner, scene.home_general, "shows archive", show="sweet-home")
    assert await standin.autocomplete(scene.fan, scene.home_general, "status", "show", "sweet") == []
    still = await standin.command(scene.fan, scene.home_general, "history", show="sweet-home")
    assert "Sweet Home season 4" in still.text


# -- validation: every failure names the option, nothing is written --

LONG_URL = "https://example.com/" + "a" * 500


@pytest.mark.parametrize(
    ("path", "options", "option"),
    [
        ("edit status", {"stage": "filming", "when": "2025-Q5"}, "when"),
        ("edit release", {"when": "2025-13"}, "when"),
        ("edit release", {"when": "2025-02-30"}, "when"),
        ("edit release", {"when": "next spring"}, "when"),
        ("edit release", {"when": "2025", "source_url": "ftp://example.com/"}, "source_url"),
        ("edit release", {"when": "2025", "source_url": "https://me:pw@example.com/"}, "source_url"),
        ("edit release", {"when": "2025", "source_url": LONG_URL}, "source_url"),
        ("edit release", {"when": "2025", "note": "n" * 1001}, "note"),
        ("edit cast", {"person": "p" * 101}, "person"),
        ("edit cast", {"person": "Bell\x07Ringer"}, "person"),
        ("edit cast", {"person": "Someone", "character": "c" * 101}, "character"),
        ("edit episodes", {"count": 0}, "count"),
        ("edit episodes", {"count": 101}, "count"),
        ("edit episodes", {"runtime": 301}, "runtime"),
        ("edit news", {"headline": "h" * 201, "url": SOURCE}, "headline"),
        ("edit news", {"headline": "Ok", "url": "javascript:alert(1)"}, "url"),
        ("edit news", {"headline": "Ok", "url": SOURCE, "published": "2024-02-30"}, "published"),
    ],
)
async def test_bad_input_names_the_option_and_writes_nothing(standin, scene, bot, path, options, option):
    defaults = {"confidence": "rumored"}
    if path != "edit news":
        defaults["source_url"] = SOURCE
    before = catalogue(bot)
    reply = await standin.command(scene.editor, scene.home_general, path, **{**defaults, **options})
    assert reply.ephemeral
    assert reply.content.startswith(f"`{option}`:"), reply.content
    assert reply.buttons == []
    assert catalogue(bot) == before


async def test_names_are_stored_as_typed_and_rendered_escaped(standin, scene, bot):
    await publish(
        standin,
        scene.editor,
        scene.home_general,
        "edit cast",
        person="@everyone _Star_",
        confidence="rumored",
        source_url=SOURCE,
    )
    show = bot.store.view.show_by_slug(SHOW)
    assert bot.store.view.entry(show.id, "cast",
                                "@everyone _star_").fact.fields["person"] == "@everyone _Star_"
    listed = await standin.command(scene.fan, scene.home_general, "cast", filter="rumored")
    assert "@\u200beveryone \\_Star\\_" in listed.embeds[0]["description"]
    assert all(not (p.users or p.roles or p.everyone) for p in standin.pings)


async def test_an_update_citing_the_same_link_keeps_the_sources_name(standin, scene, bot):
    old = park(bot).fact
    await publish(
        standin,
        scene.editor,
        scene.home_general,
        "edit cast",
        person="Park Ji-hu",
        confidence="confirmed",
        source_url=old.source_url,
    )
    assert park(bot).fact.source_name == old.source_name
    assert park(bot).fact.confidence == "confirmed"


@pytest.mark.parametrize(
    ("path", "options", "option"),
    [
        ("edit release", {"when": "2" * 2100, "confidence": "rumored", "source_url": SOURCE}, "when"),
        (
            "edit news",
            {"headline": "Ok", "url": SOURCE, "confidence": "rumored", "published": "x" * 2100},
            "published",
        ),
        ("undo", {"change": "²"}, "change"),
        ("undo", {"change": "9" * 25}, "change"),
        ("undo", {"change": "#99999"}, "change"),
    ],
)
async def test_odd_or_huge_input_still_gets_a_short_answer_naming_the_option(
    standin, scene, bot, path, options, option
):
    before = catalogue(bot)
    reply = await standin.command(scene.editor, scene.home_general, path, **options)
    assert reply.ephemeral and reply.content.startswith(f"`{option}`:"), reply.content
    assert len(reply.content) < 400
    assert catalogue(bot) == before
