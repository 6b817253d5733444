"""Hostile text through the stand-in: look-alike names, invisible characters, forged lines, odd dates."""

import asyncio
import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys

import pytest

SHOW = "all-of-us-are-dead"
SOURCE = "https://www.example.com/report"
COMPOSED, COMBINING = "Jos\u00e9 Kim", "Jose\u0301 Kim"
# Two days ahead: a closing day of "tomorrow" turns into the past when a run passes midnight UTC.
IN_TWO_DAYS = (dt.datetime.now(dt.UTC) + dt.timedelta(days=2)).date().isoformat()


async def written(bot):
    """Everything a refusal must leave alone: the catalogue, the history, questions and guesses."""
    show = bot.store.view.show_by_slug(SHOW)
    questions = await bot.store.predictions.predictions(states=("open", "closed", "resolved"), limit=1000)
    guesses = [await bot.store.predictions.ranking(p.id, 1000) for p in questions]
    return bot.store.files.export(), await bot.store.catalogue.count_changes(show.id), questions, guesses


def cast(bot):
    return bot.store.view.entries(bot.store.view.show_by_slug(SHOW).id, "cast")


async def publish(standin, who, channel, path, **options):
    preview = await standin.command(who, channel, path, **options)
    assert [b["label"] for b in preview.buttons] == ["Publish", "Publish silently", "Cancel"], preview.text
    return await standin.click(who, preview, "Publish")


async def add_cast(standin, scene, person, **options):
    return await publish(standin, scene.editor, scene.home_general, "edit cast", person=person,
                         confidence="rumored", source_url=SOURCE, **options)


async def refused(standin, who, path, option, bot, **options):
    """Run a command that must be refused naming `option`, and check that nothing was written."""
    before = await written(bot)
    reply = await standin.command(who, standin.scene.home_general, path, **options)
    assert reply.ephemeral and reply.content.startswith(f"`{option}`:"), reply.content
    assert reply.buttons == []
    assert await written(bot) == before
    return reply


@pytest.fixture(autouse=True)
def _scene_on_standin(standin, scene):
    standin.scene = scene  # so `refused` needs no channel argument


# -- 4. names that look the same are one entry; names that differ are refused or differ --


@pytest.mark.parametrize("second", [COMBINING, "JOSÉ  KIM", "\uff2a\uff4f\uff53\u00e9 Kim"])
async def test_a_name_typed_another_way_updates_the_same_entry(standin, scene, bot, second):
    await add_cast(standin, scene, COMPOSED, character="First")
    count = len(cast(bot))
    reply = await add_cast(standin, scene, second, character="Second")
    assert "Published as change" in reply.content, reply.content
    assert len(cast(bot)) == count
    [entry] = [e for e in cast(bot) if e.key == "jos\u00e9 kim"]
    assert entry.version == 2 and entry.fact.fields["character"] == "Second"
    card = await standin.command(scene.fan, scene.home_general, "cast", person=COMBINING)
    assert {f["name"]: f["value"] for f in card.embeds[0]["fields"]}["Character"] == "Second"


async def test_a_combining_accent_is_stored_composed(standin, scene, bot):
    await add_cast(standin, scene, COMBINING)
    assert [e.fact.fields["person"] for e in cast(bot) if e.key == "jos\u00e9 kim"] == [COMPOSED]


async def test_a_full_width_name_edits_the_listed_person(standin, scene, bot):
    count = len(cast(bot))
    await add_cast(standin, scene, "\uff2c\uff4f\uff4d\uff4f\uff4e", character="Full width")
    assert len(cast(bot)) == count
    lomon = next(e for e in cast(bot) if e.key == "lomon")
    assert lomon.fact.fields["character"] == "Full width"


@pytest.mark.parametrize(
    "person",
    ["Park Ji\u200b-hu", "\u200b", "🎬", "Lee Yoo-mi\u202e)deirfnoc(", "Lomon\u2066", "A\u2028B"],
)
async def test_an_invisible_or_letterless_name_is_refused(standin, scene, bot, person):
    await refused(standin, scene.editor, "edit cast", "person", bot, person=person, confidence="denied",
                  source_url=SOURCE)


@pytest.mark.parametrize(
    ("option", "value"), [("character", "On\u200b-jo"), ("source_name", "Netflix\u202e"), ("character", "🧟")]
)
async def test_invisible_or_letterless_character_and_source_names_are_refused(standin, scene, bot, option,
                                                                            value):
    await refused(standin, scene.editor, "edit cast", option, bot, person="Park Ji-hu",
                  confidence="rumored", source_url=SOURCE, **{option: value})


async def test_cast_remove_of_a_zero_width_impostor_is_refused_and_park_stays(standin, scene, bot):
    reply = await refused(standin, scene.editor, "edit cast-remove", "person", bot,
                          person="Park Ji\u200b-hu", reason="impostor")
    assert "U+200B" in reply.content
    assert any(e.key == "park ji-hu" for e in cast(bot))


# -- 5. bidi spoofing --


@pytest.mark.parametrize("url", ["https://www.example.com/\u202egpj.exe", "https://www.exa\u200bmple.com/"])
async def test_a_source_url_with_invisible_characters_is_refused(standin, scene, bot, url):
    await refused(standin, scene.editor, "edit release", "source_url", bot, when="2025",
                  confidence="rumored", source_url=url)


async def test_a_news_url_with_a_direction_override_is_refused(standin, scene, bot):
    await refused(standin, scene.editor, "edit news", "url", bot, headline="Ok", confidence="rumored",
                  url="https://www.example.com/\u202eevil")


async def test_a_note_with_a_direction_override_is_refused(standin, scene, bot):
    await refused(standin, scene.editor, "edit release", "note", bot, when="2025", confidence="rumored",
                  source_url=SOURCE, note="see \u202e)deirfnoc(")


# -- 6. single-line texts --


@pytest.mark.parametrize("headline", ["Real news\n✅ Season 3 confirmed", "Real\u2028✅ Fake", "\u200b"])
async def test_a_headline_is_one_line(standin, scene, bot, headline):
    await refused(standin, scene.editor, "edit news", "headline", bot, headline=headline, url=SOURCE,
                  confidence="rumored")


@pytest.mark.parametrize("question", ["How many?\n✅ Resolved: 12", "\u200b", "Which\u202e?"])
async def test_a_question_is_one_line_with_nothing_invisible(standin, scene, bot, question):
    await refused(standin, scene.editor, "predict open", "question", bot, question=question, kind="number")


async def test_choices_that_hide_characters_or_look_alike_are_refused(standin, scene, bot):
    for choices in ("Yes, Y\u200bes", f"{COMPOSED}, {COMBINING}", "Yes, \u202eoN"):
        await refused(standin, scene.editor, "predict open", "choices", bot, question="Who?", kind="choice",
                      choices=choices)


def seasonwatch(*args, env):
    return subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True, text=True,
                          env={**os.environ, **env}, timeout=60, check=False)


@pytest.mark.parametrize(
    ("field", "value"), [("headline", "Real news\n✅ Season 3 confirmed"), ("published", "9999-12-31")]
)
async def test_seasonwatch_import_refuses_a_forged_headline_or_far_date(bot, bot_env, tmp_path, field,
                                                                        value):
    data = bot.store.files.export()
    news = next(e for e in data["shows"][0]["entries"] if e["kind"] == "news")
    news["fields"][field] = value
    catalogue = tmp_path / "forged.json"
    catalogue.write_text(json.dumps(data, ensure_ascii=False))
    before = await written(bot)
    done = await asyncio.to_thread(seasonwatch, "import", str(catalogue), env=bot_env)
    assert done.returncode != 0 and f"field '{field}'" in done.stderr, done.stderr
    assert await bot.store.view.refresh_if_changed() is False
    assert await written(bot) == before


# -- 7. dates: ASCII digits, the documented forms, one set of years --


@pytest.mark.parametrize(
    "when",
    ["２０２５-０３-１４", "٢٠٢٥", "2025..2025-06-01", "2025-H1..2025-03", "1899-12", "2101", "9999-12-31"],
)
async def test_a_window_in_other_digits_overlapping_or_far_off_is_refused(standin, scene, bot, when):
    await refused(standin, scene.editor, "edit release", "when", bot, when=when, confidence="rumored",
                  source_url=SOURCE)


async def test_the_first_and_last_years_are_accepted(standin, scene, bot):
    show = bot.store.view.show_by_slug(SHOW)
    for when in ("1900", "2100-12-31", "2025..2026-01"):
        await publish(standin, scene.editor, scene.home_general, "edit release", when=when,
                      confidence="rumored", source_url=SOURCE)
        assert bot.store.view.entry(show.id, "release", "release").fact.fields["when"] == when


@pytest.mark.parametrize("published", ["9999-12-31", "0001-01-01", "20250314", "2025-W11-5", "٢٠٢٥-٠٣-١٤"])
async def test_a_published_date_outside_the_years_or_form_is_refused(standin, scene, bot, published):
    await refused(standin, scene.editor, "edit news", "published", bot, headline="Ok", url=SOURCE,
                  confidence="rumored", published=published)


@pytest.mark.parametrize(
    "closes",
    ["2099-01-01T00+05", "2099-01-01T12:00+05:00", "2099-W01-1T00:00", "2101-01-01", "２０９９-０１-０１"],
)
async def test_closes_is_exactly_a_documented_form(standin, scene, bot, closes):
    await refused(standin, scene.editor, "predict open", "closes", bot, question="When?", kind="date",
                  closes=closes)


async def open_question(standin, scene, bot, kind, **options):
    reply = await standin.command(scene.editor, scene.home_general, "predict open",
                                  question="When does it come out?", kind=kind, **options)
    assert reply.ephemeral and reply.content.startswith("Opened question"), reply.content
    [question] = await bot.store.predictions.predictions()
    return question


@pytest.mark.parametrize("answer", ["0001-01-01", "9999-12-31", "٢٠٢٥-٠٣-١٤", "2025-W11-5"])
async def test_a_date_guess_far_off_or_in_another_form_is_refused(standin, scene, bot, answer):
    question = await open_question(standin, scene, bot, "date")
    await refused(standin, scene.fan, "predict make", "answer", bot, question=str(question.id), answer=answer)


async def test_a_number_guess_in_other_digits_is_refused(standin, scene, bot):
    question = await open_question(standin, scene, bot, "number")
    await refused(standin, scene.fan, "predict make", "answer", bot, question=str(question.id), answer="١٢")


# -- 8. owner input and text quoted in errors --


async def test_two_adds_of_one_slug_at_once_give_one_show_and_a_clear_refusal(standin, scene, bot):
    replies = await asyncio.gather(*(
        standin.command(scene.owner, scene.home_general, "shows add", slug="x", title=f"Show {n}", season=1)
        for n in (1, 2)
    ))
    texts = sorted(r.content for r in replies)
    assert texts[0].startswith("Now tracking **Show"), texts
    assert texts[1].startswith("`slug`: `x` is taken"), texts
    assert [s.slug for s in bot.store.view.shows()].count("x") == 1


@pytest.mark.parametrize(
    ("option", "options"),
    [
        ("aliases", {"aliases": "Fake, All of Us Are Dead"}),
        ("aliases", {"aliases": "all-of-us-are-dead"}),
        ("aliases", {"aliases": "AOUAD"}),
        ("title", {"title": "ALL OF US ARE DEAD"}),
        ("aliases", {"aliases": "지금 우리 학교는"}),
    ],
)
async def test_a_new_show_cannot_take_another_shows_name(standin, scene, bot, option, options):
    before = bot.store.files.export()
    reply = await standin.command(scene.owner, scene.home_general, "shows add", slug="fake", season=1,
                                  **{"title": "Fake", **options})
    assert reply.ephemeral and reply.content.startswith(f"`{option}`:"), reply.content
    assert "`all-of-us-are-dead`" in reply.content
    assert bot.store.files.export() == before
    status = await standin.command(scene.fan, scene.home_general, "status", show="All of Us Are Dead")
    assert "All of Us Are Dead" in status.embeds[0]["title"]


async def test_an_edited_show_cannot_take_another_shows_name(standin, scene, bot):
    await standin.command(scene.owner, scene.home_general, "shows add", slug="sweet-home",
                          title="Sweet Home", season=3)
    before = bot.store.files.export()
    reply = await standin.command(scene.owner, scene.home_general, "shows edit", show="sweet-home",
                                  aliases="All of Us Are Dead")
    assert reply.ephemeral and reply.content.startswith("`aliases`:"), reply.content
    assert bot.store.files.export() == before


async def test_which_show_escapes_a_title_that_looks_like_a_link(standin, scene, bot):
    title = "[Official Netflix update](https://evil.example)"
    added = await standin.command(scene.owner, scene.home_general, "shows add", slug="evil", title=title,
                                  season=1)
    assert added.content.startswith("Now tracking"), added.content
    which = await standin.command(scene.fan, scene.home_general, "status")
    assert which.ephemeral and "Which show?" in which.content, which.content
    assert "(\\[Official Netflix update\\](https:\u200b//evil.example))" in which.content
    assert title not in which.content


async def test_a_closes_value_with_backticks_stays_inside_its_code_span(standin, scene, bot):
    reply = await refused(standin, scene.editor, "predict open", "closes", bot, question="When?", kind="date",
                          closes="x` [link](https://evil.example) `y")
    assert reply.content.startswith("`closes`: `x [link](https://evil.example) y` is not a time")


async def test_a_question_typed_with_backticks_stays_inside_its_code_span(standin, scene, bot):
    reply = await refused(standin, scene.fan, "predict make", "question", bot,
                          question="x` [link](https://evil.example) `y", answer="1")
    assert reply.content.startswith("`question`: `x [link](https://evil.example) y` is not")


async def test_an_archived_shows_title_is_escaped_in_the_alerts_refusal(standin, scene, bot):
    title = "[Official Netflix update](https://evil.example)"
    await standin.command(scene.owner, scene.home_general, "shows add", slug="evil", title=title, season=1)
    await standin.command(scene.owner, scene.home_general, "shows archive", show="evil")
    reply = await standin.command(scene.admin, scene.home_general, "alerts subscribe",
                                  channel=scene.home_announcements, show="evil")
    assert reply.ephemeral and reply.content.startswith("`show`:"), reply.content
    assert title not in reply.content and "\\[Official Netflix update\\]" in reply.content
    assert await bot.store.alerts.subscriptions(scene.home.id) == []


@pytest.mark.sqlite_only  # writes the SQLite file as an older bot would have
async def test_an_invisible_name_stored_before_the_checks_can_still_be_removed(standin, scene, bot, bot_env):
    show = bot.store.view.show_by_slug(SHOW)
    park = bot.store.view.entry(show.id, "cast", "park ji-hu")
    data = park.fact.to_json()
    data["fields"] = {**data["fields"], "person": "\u200b"}
    with sqlite3.connect(bot_env["DATABASE_PATH"]) as db:  # an older bot's write
        db.execute("INSERT INTO entry (show_id, kind, key, version, data, updated_at) "
                   "VALUES (?, 'cast', ?, 1, ?, '2024-01-01T00:00:00+00:00')",
                   (show.id, "\u200b", json.dumps(data)))
    db.close()
    assert await bot.store.view.refresh_if_changed()
    reply = await publish(standin, scene.editor, scene.home_general, "edit cast-remove", person="\u200b",
                          reason="invisible")
    assert "Published as change" in reply.content, reply.content
    assert bot.store.view.entry(show.id, "cast", "\u200b") is None
    assert bot.store.view.entry(show.id, "cast", "park ji-hu") == park
