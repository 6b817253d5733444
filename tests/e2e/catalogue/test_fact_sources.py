"""Every fact carries its own confidence and source, and every change reads the same everywhere.

Through the stand-in as an editor, a fan, an admin and an owner: /edit previews and publishes,
/episodes, /status, /history, /undo and the announcement in a subscribed channel.
"""

from tests.e2e.alerts.test_alerts import exactly, subscribe
from tests.e2e.catalogue.test_editors import publish
from tests.e2e.predictions.test_predict import open_question

SHOW = "all-of-us-are-dead"
NETFLIX = "https://www.netflix.com/tudum"
HOSTILE_TITLE = "[Official Netflix update](https://evil.example)"
INERT_TITLE = "\\[Official Netflix update\\](https:\u200b//evil.example)"


def entry(bot, kind, key):
    return bot.store.view.entry(bot.store.view.show_by_slug(SHOW).id, kind, key)


def fields_of(message):
    return {f["name"]: f["value"] for f in message.embeds[0]["fields"]}


# -- item 9: each episodes value has its own confidence and source ------------------------------

async def test_editing_the_count_leaves_runtime_and_rating_with_their_own_source(standin, scene, bot):
    preview = await standin.command(scene.editor, scene.home_general, "edit episodes", count=6,
                                    confidence="confirmed", source_url=NETFLIX)
    assert preview.embeds[0]["description"].splitlines() == [
        "Episodes: 12 (speculation · FanSided) → 6 (confirmed · www.netflix.com)",
        "Episodes note: A FanSided guess, nothing official: about 12 episodes, like season 1. → —",
    ]
    await standin.click(scene.editor, preview, "Publish")

    shown = fields_of(await standin.command(scene.fan, scene.home_general, "episodes"))
    assert shown["Episodes"].startswith("6\n✅ confirmed · [www.netflix.com](<https://www.netflix.com/tudum>)")
    assert "FanSided" not in shown["Episodes"]
    assert shown["Runtime"].startswith("50 minutes\n🔮 speculation · [FanSided](<https://fansided.com/>)")
    assert "each episode at least 50 minutes" in shown["Runtime"]
    assert shown["Rating"].startswith("TV-MA\n🔮 speculation · [FanSided]")

    fact = entry(bot, "episodes", "episodes").fact
    assert fact.fields == {"count": 6, "runtime": 50, "rating": "TV-MA"}
    assert (fact.bases["count"].confidence, fact.bases["count"].note) == ("confirmed", None)
    assert (fact.bases["runtime"].confidence, fact.bases["runtime"].source_name) == ("speculation",
                                                                                      "FanSided")


async def test_the_preview_shows_every_value_whose_source_changes(standin, scene, bot):
    preview = await standin.command(scene.editor, scene.home_general, "edit episodes", runtime=50,
                                    rating="TV-MA", confidence="reported", source_url=NETFLIX,
                                    source_name="Netflix", note="Listed on Tudum")
    lines = preview.embeds[0]["description"].splitlines()
    assert "Runtime: 50 minutes (speculation · FanSided) → 50 minutes (reported · Netflix)" in lines
    assert "Rating: TV-MA (speculation · FanSided) → TV-MA (reported · Netflix)" in lines
    assert "Runtime note: A FanSided guess, nothing official: each episode at least 50 minutes. → " \
           "Listed on Tudum" in lines
    assert not any(line.startswith("Episodes:") for line in lines)  # the count keeps its source


async def test_an_episodes_edit_without_a_value_says_what_to_give(standin, scene, bot):
    before = bot.store.files.export()
    reply = await standin.command(scene.editor, scene.home_general, "edit episodes",
                                  confidence="confirmed", source_url=NETFLIX)
    assert reply.ephemeral and reply.content.startswith("`count`:"), reply.content
    assert "`runtime`" in reply.content and "`rating`" in reply.content
    assert bot.store.files.export() == before


async def test_undo_of_an_episodes_edit_restores_each_source(standin, scene, bot):
    original = entry(bot, "episodes", "episodes").fact
    await publish(standin, scene.editor, scene.home_general, "edit episodes", count=6,
                  confidence="confirmed", source_url=NETFLIX)
    [change] = await bot.store.catalogue.changes(bot.store.view.show_by_slug(SHOW).id, entry_id=entry(
        bot, "episodes", "episodes").id, limit=1)
    undone = await publish(standin, scene.editor, scene.home_general, "undo", change=str(change.id))
    assert "Episodes: 6 (confirmed · www.netflix.com) → 12 (speculation · FanSided)" in \
        undone.embeds[0]["description"]
    assert entry(bot, "episodes", "episodes").fact == original


async def test_a_count_question_waits_for_the_count_itself_to_be_confirmed(standin, scene, bot):
    episodes = entry(bot, "episodes", "episodes")
    prediction = await open_question(standin, scene, bot, entry=str(episodes.id))
    await publish(standin, scene.editor, scene.home_general, "edit episodes", runtime=55,
                  confidence="confirmed", source_url=NETFLIX)
    assert (await bot.store.predictions.prediction(prediction.id)).state == "open"  # only the runtime is sure
    await publish(standin, scene.editor, scene.home_general, "edit episodes", count=8,
                  confidence="confirmed", source_url=NETFLIX)
    assert (await bot.store.predictions.prediction(prediction.id)).state == "closed"
    await publish(standin, scene.editor, scene.home_general, "edit episodes", rating="TV-14",
                  confidence="rumored", source_url="https://fansided.com/")
    offered = await standin.autocomplete(scene.editor, scene.home_general, "predict resolve", "answer",
                                         "", question=str(prediction.id))
    assert offered[0]["value"] == "8"


# -- item 9: a new source does not inherit the old note or name ---------------------------------

async def test_a_release_from_a_new_source_drops_the_old_note(standin, scene, bot):
    preview = await standin.command(scene.editor, scene.home_general, "edit release", when="2025-01",
                                    confidence="confirmed", source_url=NETFLIX)
    description = preview.embeds[0]["description"]
    assert "FanSided's own estimate" in description.split("→")[1]  # only on the old side
    assert description.splitlines()[1].startswith("Note: FanSided's own estimate")
    assert description.splitlines()[1].endswith("→ —")
    await standin.click(scene.editor, preview, "Publish")
    release = entry(bot, "release", "release").fact
    assert (release.fields["note"], release.source_name) == (None, None)
    status = fields_of(await standin.command(scene.fan, scene.home_general, "status"))
    assert "FanSided" not in status["Release"] and "www.netflix.com" in status["Release"]


async def test_a_release_from_the_same_source_keeps_its_note_and_name(standin, scene, bot):
    await publish(standin, scene.editor, scene.home_general, "edit release", when="2025-H1",
                  confidence="speculation", source_url="https://fansided.com/")
    release = entry(bot, "release", "release").fact
    assert release.source_name == "FanSided"
    assert release.fields["note"].startswith("FanSided's own estimate")


async def test_edit_status_sets_the_stages_window_or_keeps_it_when_left_out(standin, scene, bot):
    await publish(standin, scene.editor, scene.home_general, "edit status", stage="filming",
                  confidence="reported", source_url=NETFLIX, when="2025-Q1")
    assert entry(bot, "status", "filming").fact.fields["when"] == "2025-Q1"
    await publish(standin, scene.editor, scene.home_general, "edit status", stage="filming",
                  confidence="confirmed", source_url=NETFLIX)
    filming = entry(bot, "status", "filming").fact
    assert (filming.fields["when"], filming.confidence) == ("2025-Q1", "confirmed")
    shown = await standin.command(scene.fan, scene.home_general, "status")
    assert "2025" in str(shown.embeds[0])


async def test_status_and_cast_from_a_new_source_drop_the_old_note(standin, scene, bot):
    await publish(standin, scene.editor, scene.home_general, "edit status", stage="filming",
                  confidence="confirmed", source_url=NETFLIX)
    filming = entry(bot, "status", "filming").fact
    assert (filming.fields["note"], filming.source_name) == (None, None)
    await publish(standin, scene.editor, scene.home_general, "edit cast", person="Roh Yoon-seo",
                  confidence="confirmed", source_url=NETFLIX)
    roh = entry(bot, "cast", "roh yoon-seo").fact
    assert (roh.fields["note"], roh.source_name) == (None, None)
    card = fields_of(await standin.command(scene.fan, scene.home_general, "cast", person="Roh Yoon-seo"))
    assert "STARNEWS" not in card["Confidence and source"]


# -- item 10: one change reads the same in /history and in the announcement ---------------------

async def test_history_and_the_announcement_word_a_change_alike(standin, scene, bot):
    await subscribe(standin, scene.admin, scene.home_general)
    await publish(standin, scene.editor, scene.home_general, "edit cast", person="Park Ji-hu",
                  character="Nam On-jo (class rep)", confidence="confirmed", source_url=NETFLIX,
                  source_name="Netflix")
    [message] = await exactly(standin, scene.home_general, 1)
    announced = message.embeds[0]["description"].splitlines()[0]
    assert announced.startswith("Cast: Park Ji-hu: as Nam On-jo (reported · ")
    assert announced.endswith("→ as Nam On-jo (class rep) (confirmed · Netflix)")
    park = entry(bot, "cast", "park ji-hu")
    history = await standin.command(scene.fan, scene.home_general, "history", entry=str(park.id))
    first = history.embeds[0]["description"].splitlines()[0]
    assert announced in first
    assert first.count("Nam On-jo") == 2  # once a side: the character is not named twice


# -- item 8 (part): a show title is inert wherever it appears -----------------------------------

async def test_a_hostile_show_title_is_never_a_link(standin, scene, bot):
    added = await standin.command(scene.owner, scene.home_general, "shows add", slug="evil",
                                  title=HOSTILE_TITLE, season=1)
    assert added.ephemeral and "Now tracking" in added.content, added.content
    await subscribe(standin, scene.admin, scene.home_general, show="evil")
    await publish(standin, scene.editor, scene.home_general, "edit release", show="evil",
                  when="2026", confidence="rumored", source_url=NETFLIX)
    [message] = await exactly(standin, scene.home_general, 1)
    assert message.embeds[0]["title"] == f"{INERT_TITLE} season 1 · Release"
    for command in ("status", "cast", "episodes", "news", "history", "predict list",
                    "predict leaderboard"):
        reply = await standin.command(scene.fan, scene.home_general, command, show="evil")
        assert reply.embeds[0]["title"].startswith(f"{INERT_TITLE} season 1"), (command, reply.embeds)
