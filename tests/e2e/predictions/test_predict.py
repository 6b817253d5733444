"""/predict through the stand-in: editors open and resolve questions, fans guess and compare."""

import asyncio
import datetime as dt
import re

import pytest

from bot.predictions.rules import SCORING_RULES

SHOW = "all-of-us-are-dead"
SOURCE = "https://www.example.com/report"
# Two days ahead: a closing day of "tomorrow" turns into the past when a run passes midnight UTC.
IN_TWO_DAYS = (dt.datetime.now(dt.UTC) + dt.timedelta(days=2)).date().isoformat()


async def open_question(standin, scene, bot, question="How many episodes?", kind="number", **options):
    reply = await standin.command(scene.editor, scene.home_general, "predict open", question=question,
                                  kind=kind, **options)
    assert reply.ephemeral, reply.content
    number = re.match(r"Opened question \*\*#(\d+)\*\*", reply.content)
    assert number, reply.content
    return await bot.store.predictions.prediction(int(number.group(1)))


async def make(standin, who, channel, prediction, answer):
    return await standin.command(who, channel, "predict make", question=str(prediction.id), answer=answer)


async def resolve(standin, scene, prediction, answer, who=None):
    return await standin.command(who or scene.editor, scene.home_general, "predict resolve",
                                 question=str(prediction.id), answer=answer)


async def guesses(bot, prediction):
    ranking, _ = await bot.store.predictions.ranking(prediction.id, 1000)
    return {g.user_id: (g.answer, g.points) for g in ranking}


async def subscribe(standin, admin, channel, **options):
    reply = await standin.command(admin, channel, "alerts subscribe", channel=channel, **options)
    assert reply.ephemeral and reply.content.startswith(("Subscribed", "Updated")), reply.content


# -- opening and guessing ----------------------------------------------------------------------

async def test_an_editor_opens_a_choice_question_and_fans_see_it_listed(standin, scene, bot):
    prediction = await open_question(standin, scene, bot, "Will Cheong-san return?", "choice",
                                     choices="yes, no, as a cameo", closes=IN_TWO_DAYS)
    assert prediction.choices == ("yes", "no", "as a cameo") and prediction.closes_at.startswith(IN_TWO_DAYS)
    listed = await standin.command(scene.fan, scene.home_general, "predict list")
    assert not listed.ephemeral
    [field] = [f for f in listed.embeds[0]["fields"] if f["name"].startswith(f"#{prediction.id}")]
    assert "Choices: yes, no, as a cameo" in field["value"] and "0 guesses" in field["value"]


async def test_a_fan_guesses_and_mine_shows_it_with_the_server_remembered(standin, scene, bot):
    prediction = await open_question(standin, scene, bot)
    reply = await make(standin, scene.fan, scene.home_general, prediction, "10")
    assert reply.ephemeral and f"Your guess for **#{prediction.id}**" in reply.content
    assert "**10**" in reply.content
    [stored] = (await bot.store.predictions.ranking(prediction.id))[0]
    assert (stored.user_id, stored.answer, stored.guild_id) == (scene.fan.user.id, "10", scene.home.id)
    mine = await standin.command(scene.fan, scene.home_general, "predict mine")
    assert mine.ephemeral and f"**#{prediction.id}** How many episodes?: 10" in mine.text


async def test_a_second_guess_replaces_the_first(standin, scene, bot):
    prediction = await open_question(standin, scene, bot)
    await make(standin, scene.fan, scene.home_general, prediction, "10")
    reply = await make(standin, scene.other_fan, scene.other_general, prediction, "12")
    assert "(replaces 10)" in reply.content
    [stored] = (await bot.store.predictions.ranking(prediction.id))[0]
    assert (stored.answer, stored.guild_id) == ("12", scene.other.id)


async def test_make_autocompletes_open_questions_only(standin, scene, bot):
    first = await open_question(standin, scene, bot, "How many episodes?")
    second = await open_question(standin, scene, bot, "When does it come out?", "date")
    await resolve(standin, scene, first, "8")
    choices = await standin.autocomplete(scene.fan, scene.home_general, "predict make", "question", "")
    assert [c["value"] for c in choices] == [str(second.id)]
    assert choices[0]["name"] == f"#{second.id} When does it come out?"


async def test_a_choice_question_autocompletes_its_choices_as_answers(standin, scene, bot):
    prediction = await open_question(standin, scene, bot, "Who returns?", "choice", choices="On-jo, Su-hyeok")
    choices = await standin.autocomplete(scene.fan, scene.home_general, "predict make", "answer", "su",
                                         question=str(prediction.id))
    assert [c["value"] for c in choices] == ["Su-hyeok"]


@pytest.mark.parametrize(("kind", "answer", "words"), [
    ("number", "ten", "not a whole number"),
    ("number", "9.5", "not a whole number"),
    ("number", "-3", "not a whole number"),
    ("number", "1000001", "not a whole number"),
    ("date", "2025-02-30", "not a real date"),
    ("date", "14/03/2025", "not a real date"),
    ("date", "2025-03", "not a real date"),
    ("choice", "perhaps", "pick one of: `yes`, `no`"),
])
async def test_a_wrong_answer_is_refused_ephemerally_naming_answer(standin, scene, bot, kind, answer,
                                                                  words):
    options = {"choices": "yes, no"} if kind == "choice" else {}
    prediction = await open_question(standin, scene, bot, f"A {kind} question", kind, **options)
    reply = await make(standin, scene.fan, scene.home_general, prediction, answer)
    assert reply.ephemeral and reply.content.startswith("`answer`:") and words in reply.content
    assert await guesses(bot, prediction) == {}


async def test_guessing_an_unknown_question_is_refused_naming_question(standin, scene, bot):
    reply = await standin.command(scene.fan, scene.home_general, "predict make", question="nonsense",
                                  answer="3")
    assert reply.ephemeral and reply.content.startswith("`question`:")


@pytest.mark.parametrize(("options", "option"), [
    ({"kind": "choice", "choices": "only one"}, "choices"),
    ({"kind": "choice"}, "choices"),
    ({"kind": "number", "choices": "a, b"}, "choices"),
    ({"kind": "number", "closes": "2020-01-01"}, "closes"),
    ({"kind": "number", "closes": "next week"}, "closes"),
])
async def test_a_bad_question_is_refused_naming_the_option(standin, scene, bot, options, option):
    reply = await standin.command(scene.editor, scene.home_general, "predict open", question="Q?",
                                  **options)
    assert reply.ephemeral and reply.content.startswith(f"`{option}`:"), reply.content
    assert await bot.store.predictions.predictions() == []


# -- closing -----------------------------------------------------------------------------------

async def test_a_question_closes_when_its_closing_time_passes(standin, scene, bot):
    prediction = await open_question(standin, scene, bot, closes=IN_TWO_DAYS)
    await make(standin, scene.fan, scene.home_general, prediction, "10")
    bot.store.predictions.clock = lambda: dt.datetime.now(dt.UTC) + dt.timedelta(days=3)
    reply = await make(standin, scene.fan, scene.home_general, prediction, "11")
    assert reply.ephemeral and "closed" in reply.content
    assert await guesses(bot, prediction) == {scene.fan.user.id: ("10", None)}
    listed = await standin.command(scene.fan, scene.home_general, "predict list")
    assert "No open questions right now." in listed.text and "closed" in listed.text
    assert await standin.autocomplete(scene.fan, scene.home_general, "predict make", "question", "") == []


async def test_a_tied_question_closes_when_its_entry_is_published_confirmed(standin, scene, bot):
    show = bot.store.view.show_by_slug(SHOW)
    episodes = bot.store.view.entry(show.id, "episodes", "episodes")
    prediction = await open_question(standin, scene, bot, entry=str(episodes.id))
    assert prediction.entry_id == episodes.id
    await make(standin, scene.fan, scene.home_general, prediction, "9")
    preview = await standin.command(scene.editor, scene.home_general, "edit episodes",
                                    confidence="confirmed", source_url=SOURCE, count=10)
    published = await standin.click(scene.editor, preview, "Publish")
    assert "Published" in published.content
    assert (await bot.store.predictions.prediction(prediction.id)).state == "closed"
    refused = await make(standin, scene.fan, scene.home_general, prediction, "10")
    assert "closed" in refused.content
    # The editors are offered the entry's value as the resolution.
    [choice] = await standin.autocomplete(scene.editor, scene.home_general, "predict resolve",
                                          "question", str(prediction.id))
    assert choice["name"].startswith(f"#{prediction.id} [closed]") and "entry says 10" in choice["name"]
    offered = await standin.autocomplete(scene.editor, scene.home_general, "predict resolve", "answer",
                                         "", question=str(prediction.id))
    assert offered[0]["value"] == "10"


# -- resolving and the leaderboard -------------------------------------------------------------

async def test_resolving_scores_every_guess_and_shows_the_closest(standin, scene, bot):
    prediction = await open_question(standin, scene, bot)
    await make(standin, scene.fan, scene.home_general, prediction, "12")
    await make(standin, scene.admin, scene.home_general, prediction, "9")
    await make(standin, scene.owner, scene.home_general, prediction, "30")
    reply = await resolve(standin, scene, prediction, "10")
    assert reply.ephemeral, reply.content
    assert "Resolved **#" in reply.content and "the answer is **10**" in reply.content
    assert "1. admin: 9 (90 points)\n2. fan: 12 (80 points)\n3. owner: 30 (0 points)" in reply.content
    assert await guesses(bot, prediction) == {scene.admin.user.id: ("9", 90),
                                              scene.fan.user.id: ("12", 80),
                                              scene.owner.user.id: ("30", 0)}
    listed = await standin.command(scene.fan, scene.home_general, "predict list")
    assert "closest: admin (9, 90 points; 3 guessed)" in listed.text
    mine = await standin.command(scene.fan, scene.home_general, "predict mine")
    assert "answer 10 · **80 points**" in mine.text


async def test_the_leaderboard_orders_by_points_and_ties_go_to_the_earlier_guess(standin, scene, bot):
    first = await open_question(standin, scene, bot, "How many episodes?")
    second = await open_question(standin, scene, bot, "When does it come out?", "date")
    home = scene.home_general
    await make(standin, scene.owner, home, first, "11")          # 90, guessed first
    await make(standin, scene.admin, home, first, "9")           # 90, guessed later
    await make(standin, scene.fan, home, first, "10")            # 100
    await make(standin, scene.fan, home, second, "2025-03-01")   # 100 - 13 = 87
    await make(standin, scene.editor, home, second, "2025-03-14")  # 100
    await resolve(standin, scene, first, "10")
    await resolve(standin, scene, second, "2025-03-14")
    board = await standin.command(scene.admin, home, "predict leaderboard")
    assert not board.ephemeral
    lines = board.embeds[0]["description"].splitlines()
    assert lines == ["1. fan — 187 points (2 questions)", "2. editor — 100 points (1 question)",
                     "3. owner — 90 points (1 question)", "4. admin — 90 points (1 question) **← you**"]


async def test_the_leaderboard_scope_is_this_server_by_default_and_everyone_in_dms(standin, scene, bot):
    prediction = await open_question(standin, scene, bot)
    await make(standin, scene.admin, scene.home_general, prediction, "10")
    await make(standin, scene.other_admin, scene.other_general, prediction, "9")
    await resolve(standin, scene, prediction, "10")
    here = await standin.command(scene.fan, scene.other_general, "predict leaderboard")
    assert here.embeds[0]["description"] == "1. other-admin — 90 points (1 question)"
    assert "(this server)" in here.embeds[0]["title"]
    everyone = await standin.command(scene.fan, scene.other_general, "predict leaderboard",
                                     scope="everyone")
    assert everyone.embeds[0]["description"].splitlines() == [
        "1. admin — 100 points (1 question)", "2. other-admin — 90 points (1 question)"]
    dm = await standin.command(scene.fan.user, None, "predict leaderboard")
    assert "(everyone)" in dm.embeds[0]["title"]
    refused = await standin.command(scene.fan.user, None, "predict leaderboard", scope="server")
    assert refused.ephemeral and refused.content.startswith("`scope`:")


async def test_a_resolution_can_be_corrected_and_rescores(standin, scene, bot):
    prediction = await open_question(standin, scene, bot)
    await make(standin, scene.fan, scene.home_general, prediction, "8")
    await make(standin, scene.admin, scene.home_general, prediction, "12")
    await resolve(standin, scene, prediction, "8")
    choices = await standin.autocomplete(scene.editor, scene.home_general, "predict resolve", "question",
                                         "episodes")
    assert choices[0]["name"].startswith(f"#{prediction.id} [resolved: 8]")
    reply = await resolve(standin, scene, prediction, "12")
    assert reply.content.startswith("Corrected **#")
    assert await guesses(bot, prediction) == {scene.admin.user.id: ("12", 100),
                                              scene.fan.user.id: ("8", 60)}
    board = await standin.command(scene.fan, scene.home_general, "predict leaderboard")
    assert board.embeds[0]["description"].splitlines()[0] == "1. admin — 100 points (1 question)"


async def test_a_wrong_resolution_answer_is_refused_and_nothing_is_scored(standin, scene, bot):
    prediction = await open_question(standin, scene, bot, "When?", "date")
    await make(standin, scene.fan, scene.home_general, prediction, "2025-01-01")
    reply = await resolve(standin, scene, prediction, "soon")
    assert reply.ephemeral and reply.content.startswith("`answer`:")
    assert (await bot.store.predictions.prediction(prediction.id)).state == "open"
    assert await guesses(bot, prediction) == {scene.fan.user.id: ("2025-01-01", None)}


# -- who may do what ---------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["fan", "admin", "other_admin"])
async def test_a_non_editor_cannot_open_a_question_and_nothing_is_written(standin, scene, bot, who):
    member = getattr(scene, who)
    channel = scene.other_general if who == "other_admin" else scene.home_general
    reply = await standin.command(member, channel, "predict open", question="Q?", kind="number")
    assert reply.ephemeral and "Only editors" in reply.content
    assert await bot.store.predictions.predictions() == []


async def test_a_fan_cannot_resolve_and_nothing_is_scored(standin, scene, bot):
    prediction = await open_question(standin, scene, bot)
    await make(standin, scene.fan, scene.home_general, prediction, "10")
    reply = await resolve(standin, scene, prediction, "10", who=scene.fan)
    assert reply.ephemeral and "Only editors" in reply.content
    assert (await bot.store.predictions.prediction(prediction.id)).state == "open"
    assert await guesses(bot, prediction) == {scene.fan.user.id: ("10", None)}
    assert await standin.autocomplete(scene.fan, scene.home_general, "predict resolve", "question",
                                      "") == []


# -- announcements and /about ------------------------------------------------------------------

async def test_opening_and_resolving_are_announced_under_the_predictions_topic(standin, scene, bot):
    await subscribe(standin, scene.admin, scene.home_general, topics="predictions")
    await subscribe(standin, scene.admin, scene.home_announcements, topics="cast, release")
    prediction = await open_question(standin, scene, bot, "Will Cheong-san return?", "choice",
                                     choices="yes, no", closes=IN_TWO_DAYS)
    [opened] = await standin.wait_for_messages(scene.home_general, 1)
    embed = opened.embeds[0]
    assert embed["title"] == f"All of Us Are Dead season 2 · New prediction #{prediction.id}"
    assert "Will Cheong-san return?" in embed["description"]
    assert "Pick one of: yes, no" in embed["description"]
    assert "Closes <t:" in embed["description"]
    await make(standin, scene.fan, scene.home_general, prediction, "Yes")
    await make(standin, scene.admin, scene.home_general, prediction, "no")
    await resolve(standin, scene, prediction, "yes")
    messages = await standin.wait_for_messages(scene.home_general, 2)
    resolved = messages[1].embeds[0]
    assert resolved["title"].endswith(f"Prediction #{prediction.id} resolved")
    assert "Answer: **yes**" in resolved["description"]
    assert "1. fan: yes (100 points)\n2. admin: no (0 points)" in resolved["description"]
    await asyncio.sleep(0.3)
    assert standin.messages(scene.home_announcements) == []
    assert all(m.allowed_mentions == {"parse": []} for m in messages)


async def test_about_states_the_scoring_rules(standin, scene, bot):
    about = await standin.command(scene.fan, scene.home_general, "about")
    fields = {f["name"]: f["value"] for f in about.embeds[0]["fields"]}
    assert SCORING_RULES in fields["Predictions"]


async def test_a_long_leaderboard_pages_and_the_caller_sees_their_own_place(standin, scene, bot):
    prediction = await open_question(standin, scene, bot)
    await bot.store.predictions.add_guesses(prediction.id, ((900 + i, f"guesser {i}", scene.home.id,
                                                             str(10 + i % 9))
                                                for i in range(30)))
    await make(standin, scene.fan, scene.home_general, prediction, "99")  # last, 0 points
    await resolve(standin, scene, prediction, "10")
    board = await standin.command(scene.fan, scene.home_general, "predict leaderboard")
    lines = board.embeds[0]["description"].splitlines()
    assert len(lines) == 22 and lines[0].startswith("1. guesser 0 — 100 points")
    assert lines[-2:] == ["…", "31. fan — 0 points (1 question) **← you**"]
    assert "Page 1 of 2 (31 people)" in board.embeds[0]["footer"]["text"]
    second = await standin.click(scene.admin, board, "Next")
    lines = second.embeds[0]["description"].splitlines()
    assert lines[0].startswith("21. ") and lines[-1] == "31. fan — 0 points (1 question)"
    assert "Page 2 of 2" in second.embeds[0]["footer"]["text"]
