"""The store's predictions: questions, guesses, closing, scoring, and their announcements."""

import dataclasses
import datetime as dt
import sqlite3
import time

import pytest

from bot.core.errors import InvalidInput, UserError
from bot.db.migrate import migrations
from bot.predictions.rules import score
from bot.store import Store
from tests.support.catalogue import ALICE, BOB, cast_fact

GUILD, OTHER_GUILD = 1000, 2000
TOMORROW = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).replace(microsecond=0).isoformat()


async def ask(store, show, kind="number", **options):
    return await store.predictions.open_prediction(show.id, f"How many? ({kind})", kind, editor=ALICE,
                                                   **options)


async def guess(store, prediction, user_id, answer, guild_id=GUILD, name=None):
    return await store.predictions.guess(prediction.id, user_id=user_id, user_name=name or f"user{user_id}",
                             guild_id=guild_id, answer=answer)


async def publish(store, show, fact, key="park ji-hu"):
    return await store.catalogue.write(show.id, "cast", key, fact,
                             expected_version=store.view.entry_version(show.id, "cast", key), editor=ALICE)


# -- opening and guessing ----------------------------------------------------------------------

async def test_an_opened_question_is_listed_open(store, show):
    prediction = await ask(store, show, "choice", choices=("yes", "no"), closes_at=TOMORROW)
    assert prediction.open and prediction.choices == ("yes", "no") and prediction.closes_at == TOMORROW
    assert [p.id for p in await store.predictions.predictions(show_id=show.id)] == [prediction.id]


async def test_opening_checks_choices_and_closing_time(store, show):
    with pytest.raises(InvalidInput, match="choices"):
        await ask(store, show, "choice")
    with pytest.raises(InvalidInput, match="choices"):
        await ask(store, show, "number", choices=("a", "b"))
    with pytest.raises(InvalidInput, match="closes"):
        await ask(store, show, closes_at="2000-01-01T00:00:00+00:00")
    assert await store.predictions.predictions(show_id=show.id) == []


async def test_a_guess_is_stored_with_its_server_and_a_dm_guess_without(store, show):
    prediction = await ask(store, show)
    _, first, replaced = await guess(store, prediction, 1, "8")
    _, dm, _ = await guess(store, prediction, 2, "9", guild_id=None)
    assert (first.answer, first.guild_id, first.points, replaced) == ("8", GUILD, None, None)
    assert dm.guild_id is None


async def test_a_second_guess_replaces_the_first(store, show):
    prediction = await ask(store, show)
    await guess(store, prediction, 1, "8")
    _, new, old = await guess(store, prediction, 1, "10", guild_id=OTHER_GUILD)
    assert (old.answer, new.answer, new.guild_id) == ("8", "10", OTHER_GUILD)
    assert await store.predictions.answer_counts([prediction.id]) == {prediction.id: [("10", 1)]}


@pytest.mark.parametrize(("kind", "answer"), [
    ("number", "eight"), ("number", "1.5"), ("number", "-1"), ("date", "2025-02-30"),
    ("date", "March 2025"), ("choice", "maybe"),
])
async def test_a_wrong_answer_for_the_kind_is_refused_naming_answer(store, show, kind, answer):
    prediction = await ask(store, show, kind, choices=("yes", "no") if kind == "choice" else ())
    with pytest.raises(InvalidInput) as caught:
        await guess(store, prediction, 1, answer)
    assert caught.value.option == "answer"
    assert await store.predictions.answer_counts([prediction.id]) == {prediction.id: []}


async def test_a_choice_answer_is_matched_without_case(store, show):
    prediction = await ask(store, show, "choice", choices=("Yes", "No"))
    _, stored, _ = await guess(store, prediction, 1, "  yES ")
    assert stored.answer == "Yes"


# -- closing -----------------------------------------------------------------------------------

async def test_a_question_closes_when_its_time_passes(store, show):
    prediction = await ask(store, show, closes_at=TOMORROW)
    await guess(store, prediction, 1, "8")
    store.predictions.clock = lambda: dt.datetime.now(dt.UTC) + dt.timedelta(days=2)
    with pytest.raises(UserError, match="closed"):
        await guess(store, prediction, 1, "9")
    closed = await store.predictions.prediction(prediction.id)
    assert closed.state == "closed" and closed.closed_at == TOMORROW
    assert await store.predictions.predictions(show_id=show.id) == []
    assert await store.predictions.answer_counts([prediction.id]) == {prediction.id: [("8", 1)]}


async def test_a_question_closes_when_its_entry_becomes_confirmed(store, show):
    await publish(store, show, cast_fact(confidence="rumored"))
    entry = store.view.entry(show.id, "cast", "park ji-hu")
    prediction = await ask(store, show, entry_id=entry.id)
    other = await ask(store, show)
    await publish(store, show, cast_fact(character="Changed", confidence="reported"))
    assert (await store.predictions.prediction(prediction.id)).open
    await publish(store, show, cast_fact(confidence="confirmed"))
    assert (await store.predictions.prediction(prediction.id)).state == "closed"
    assert (await store.predictions.prediction(other.id)).open
    with pytest.raises(UserError, match="closed"):
        await guess(store, prediction, 1, "3")


async def test_archiving_a_show_closes_its_open_questions(store, show):
    other_show = await store.shows.add_show("other-show", "Other Show", 1)
    prediction = await ask(store, show)
    elsewhere = await ask(store, other_show)
    await store.shows.update_show(dataclasses.replace(show, archived=True))
    assert (await store.predictions.prediction(prediction.id)).state == "closed"
    assert (await store.predictions.prediction(elsewhere.id)).open


# -- resolving ---------------------------------------------------------------------------------

async def test_resolving_scores_every_guess_by_the_rules(store, show):
    prediction = await ask(store, show)
    for user_id, answer in enumerate(["10", "8", "11", "0", "25"], start=1):
        await guess(store, prediction, user_id, answer)
    event = await store.predictions.resolve_prediction(prediction.id, "10", editor=BOB)
    resolved = await store.predictions.prediction(prediction.id)
    assert resolved.state == "resolved" and resolved.answer == "10" and resolved.resolved_by == BOB.id
    ranking, total = await store.predictions.ranking(prediction.id, 10)
    assert total == 5
    assert [(g.answer, g.points) for g in ranking] == [
        ("10", 100), ("11", 90), ("8", 80), ("0", 0), ("25", 0)]
    assert all(g.points == score("number", g.answer, "10") for g in ranking)
    assert event.top == (("user1", "10", 100), ("user3", "11", 90), ("user2", "8", 80))
    assert event.guesses == 5 and not event.correction


async def test_date_and_choice_questions_score_by_days_and_right_or_wrong(store, show):
    when = await ask(store, show, "date")
    pick = await ask(store, show, "choice", choices=("yes", "no"))
    await guess(store, when, 1, "2025-03-14")
    await guess(store, when, 2, "2025-01-01")
    await guess(store, pick, 1, "no")
    await guess(store, pick, 2, "YES")
    await store.predictions.resolve_prediction(when.id, "2025-03-04", editor=BOB)
    await store.predictions.resolve_prediction(pick.id, "Yes", editor=BOB)
    ranking = store.predictions.ranking
    assert [(g.user_id, g.points) for g in (await ranking(when.id, 5))[0]] == [(1, 90), (2, 38)]
    assert [(g.user_id, g.points) for g in (await ranking(pick.id, 5))[0]] == [(2, 100), (1, 0)]


async def test_equal_points_go_to_the_earlier_guess(store, show):
    prediction = await ask(store, show)
    await guess(store, prediction, 1, "9")
    await guess(store, prediction, 2, "11")
    await guess(store, prediction, 1, "9")  # a changed (even re-made) guess counts from its new time
    await store.predictions.resolve_prediction(prediction.id, "10", editor=BOB)
    assert [g.user_id for g in (await store.predictions.ranking(prediction.id, 5))[0]] == [2, 1]
    standings, _ = await store.predictions.leaderboard(show.id)
    assert [(s.rank, s.user_id, s.points) for s in standings] == [(1, 2, 90), (2, 1, 90)]


async def test_a_resolved_question_can_be_corrected_and_is_rescored(store, show):
    prediction = await ask(store, show)
    await guess(store, prediction, 1, "8")
    await guess(store, prediction, 2, "12")
    await store.predictions.resolve_prediction(prediction.id, "8", editor=BOB)
    event = await store.predictions.resolve_prediction(prediction.id, "12", editor=BOB)
    assert event.correction and event.answer == "12"
    ranked = (await store.predictions.ranking(prediction.id, 5))[0]
    assert [(g.user_id, g.points) for g in ranked] == [(2, 100), (1, 60)]
    with pytest.raises(UserError, match="already resolved"):
        await store.predictions.resolve_prediction(prediction.id, "12", editor=BOB)


async def test_resolving_an_open_question_closes_it_to_guesses(store, show):
    prediction = await ask(store, show)
    await store.predictions.resolve_prediction(prediction.id, "3", editor=BOB)
    with pytest.raises(UserError, match="closed"):
        await guess(store, prediction, 1, "3")


async def test_ten_thousand_guesses_resolve_in_one_quick_transaction(store, show):
    prediction = await ask(store, show)
    await store.predictions.add_guesses(prediction.id, ((i, f"fan{i}", GUILD,
                                                         str(i % 40)) for i in range(10_000)))
    started = time.perf_counter()
    event = await store.predictions.resolve_prediction(prediction.id, "20", editor=BOB)
    assert time.perf_counter() - started < 1.5
    assert event.guesses == 10_000 and event.top[0][2] == 100


# -- leaderboards ------------------------------------------------------------------------------

async def test_the_leaderboard_sums_resolved_questions_per_person_and_scope(store, show):
    first, second, unresolved = await ask(store, show), await ask(store, show), await ask(store, show)
    await guess(store, first, 1, "10")                           # 100
    await guess(store, first, 2, "9", guild_id=OTHER_GUILD)      # 90
    await guess(store, second, 2, "5", guild_id=OTHER_GUILD)     # 100
    await guess(store, second, 3, "4", guild_id=None)            # 90
    await guess(store, unresolved, 3, "1")
    await store.predictions.resolve_prediction(first.id, "10", editor=BOB)
    await store.predictions.resolve_prediction(second.id, "5", editor=BOB)
    everyone, total = await store.predictions.leaderboard(show.id)
    assert total == 3
    assert [(s.user_id, s.points, s.questions) for s in everyone] == [(2, 190, 2), (1, 100, 1), (3, 90, 1)]
    here, total_here = await store.predictions.leaderboard(show.id, guild_id=GUILD)
    assert [(s.user_id, s.points) for s in here] == [(1, 100)] and total_here == 1


async def test_equal_totals_go_to_whoever_guessed_first_over_all_their_guesses(store, show):
    first, second = await ask(store, show), await ask(store, show)
    await guess(store, first, 2, "9")    # user 2's first guess is the earliest of all
    await guess(store, first, 1, "11")
    await guess(store, second, 1, "5")   # user 1's last guess comes before user 2's last
    await guess(store, second, 2, "5")
    await store.predictions.resolve_prediction(first.id, "10", editor=BOB)
    await store.predictions.resolve_prediction(second.id, "5", editor=BOB)
    standings, _ = await store.predictions.leaderboard(show.id)
    assert [(s.rank, s.user_id, s.points, s.questions) for s in standings] == [
        (1, 2, 190, 2), (2, 1, 190, 2)]


async def test_the_leaderboard_returns_the_top_and_the_callers_own_place(store, show):
    prediction = await ask(store, show)
    for user_id in range(1, 31):
        await guess(store, prediction, user_id, str(user_id))
    await store.predictions.resolve_prediction(prediction.id, "1", editor=BOB)
    standings, total = await store.predictions.leaderboard(show.id, limit=3, user_id=25)
    assert total == 30
    assert [(s.rank, s.user_id) for s in standings] == [(1, 1), (2, 2), (3, 3), (25, 25)]


# -- announcements -----------------------------------------------------------------------------

async def test_opening_and_resolving_queue_deliveries_for_the_predictions_topic_only(store, show):
    await store.alerts.subscribe(GUILD, 1, show_id=show.id, topics=("predictions",), created_by=5)
    await store.alerts.subscribe(GUILD, 2, show_id=None, created_by=5)  # every topic
    await store.alerts.subscribe(GUILD, 3, show_id=None, topics=("cast", "release"), created_by=5)
    await store.alerts.subscribe(GUILD, 4, show_id=None, topics=("predictions",), min_confidence="confirmed",
                          created_by=5)
    assert not store.alerts.deliveries_queued.is_set()
    prediction = await ask(store, show)
    assert store.alerts.deliveries_queued.is_set()
    opened = [d for d in await store.alerts.deliveries() if d.event_id is not None]
    assert sorted(d.channel_id for d in opened) == [1, 2, 4]
    assert all(d.change_id is None and d.state == "pending" for d in opened)
    event = await store.predictions.resolve_prediction(prediction.id, "3", editor=BOB)
    assert sorted(d.channel_id for d in await store.alerts.deliveries(event_id=event.id)) == [1, 2, 4]
    loaded = await store.predictions.prediction_event(event.id)
    assert loaded == event and loaded.kind == "resolved" and loaded.prediction.answer == "3"


async def test_an_archived_show_announces_no_prediction_events(store, show):
    await store.alerts.subscribe(GUILD, 1, show_id=None, created_by=5)
    prediction = await ask(store, show)
    await store.shows.update_show(dataclasses.replace(show, archived=True))
    before = len(await store.alerts.deliveries())
    await store.predictions.resolve_prediction(prediction.id, "3", editor=BOB)
    assert len(await store.alerts.deliveries()) == before
    with pytest.raises(InvalidInput, match="show"):
        await ask(store, store.view.show(show.id))


async def test_a_delivery_points_at_exactly_one_change_or_event(store, show):
    await store.alerts.subscribe(GUILD, 1, show_id=None, created_by=5)
    change = await publish(store, show, cast_fact())
    [delivery] = await store.alerts.deliveries(change_id=change.id)
    assert delivery.change_id == change.id and delivery.event_id is None
    with pytest.raises(Exception, match=r"CHECK constraint failed|violates check constraint"):
        await store.database.execute(
            "INSERT INTO delivery (change_id, event_id, subscription_id, channel_id, next_attempt_at, "
            "created_at) VALUES (?, NULL, ?, 99, 0, 'x'), (NULL, NULL, ?, 98, 0, 'x')",
            (change.id, delivery.subscription_id, delivery.subscription_id))


# -- the migration -----------------------------------------------------------------------------

async def test_upgrading_from_version_2_keeps_every_delivery_and_its_indexes(tmp_path):
    path = tmp_path / "v2.sqlite"
    with sqlite3.connect(path) as db:
        for migration in migrations()[:2]:
            db.executescript(migration.script)
        db.executescript(
            "INSERT INTO show (id, slug, title, season) VALUES (1, 's', 'S', 1);"
            "INSERT INTO entry (id, show_id, kind, key, version, data, updated_at) "
            "VALUES (1, 1, 'release', 'release', 1, NULL, 'x');"
            "INSERT INTO change (id, entry_id, version, editor_id, editor_name, created_at) "
            "VALUES (7, 1, 1, 1, 'a', 'x');"
            "INSERT INTO subscription (id, guild_id, channel_id, topics, created_by, created_at, "
            "updated_at) VALUES (3, 10, 20, 'release', 1, 'x', 'x');"
            "INSERT INTO delivery (id, change_id, subscription_id, channel_id, state, attempts, "
            "next_attempt_at, message_id, created_at) VALUES (5, 7, 3, 20, 'delivered', 2, 1.5, 99, 'x');")
    store = await Store.open(path)
    try:
        assert await store.schema_version() == len(migrations())  # every later migration too
        [delivery] = await store.alerts.deliveries()
        assert (delivery.id, delivery.change_id, delivery.event_id, delivery.state, delivery.attempts,
                delivery.message_id) == (5, 7, None, "delivered", 2, 99)
    finally:
        await store.close()
    with sqlite3.connect(path) as db:
        indexes = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE tbl_name = 'delivery' "
                                            "AND type = 'index' AND sql IS NOT NULL")}
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert indexes == {"delivery_due", "delivery_in_flight", "delivery_by_subscription"}


# -- the announcer ---------------------------------------------------------------------------

async def test_the_announcer_sends_a_prediction_event_and_a_change_together(store, show):
    from bot.alerts.announcements import delivery_ids
    from bot.alerts.announcer import Announcer
    from tests.unit.alerts.test_announcer import FakeChannel, FakeClient, settle

    channel = FakeChannel(1)
    await store.alerts.subscribe(GUILD, channel.id, show_id=None, created_by=5)
    prediction = await ask(store, show, closes_at=TOMORROW)
    await publish(store, show, cast_fact())
    announcer = Announcer(store, FakeClient(channel), rate=1000)
    announcer.start()
    try:
        await settle(announcer)
    finally:
        await announcer.stop()
    [message] = channel.sent
    opened, change = message.embeds
    assert opened.title == f"Test Show season 2 · New prediction #{prediction.id}"
    assert "Guess a whole number." in opened.description and "Closes <t:" in opened.description
    assert "Cast: Park Ji-hu" in change.title
    deliveries = await store.alerts.deliveries()
    assert [d.state for d in deliveries] == ["delivered", "delivered"]
    assert [delivery_ids(e) for e in message.embeds] == [[d.id] for d in deliveries]
    assert opened.url == f"https://discord.com/channels/{GUILD}/{channel.id}#sw-delivery-{deliveries[0].id}"
    assert [e.footer.text for e in message.embeds] == [f"seasonwatch · question #{prediction.id}",
                                                       f"seasonwatch · change #{deliveries[1].change_id}"]
