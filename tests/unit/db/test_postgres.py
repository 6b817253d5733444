"""What PostgreSQL does its own way: placeholders, the scoring function, the write lock,
claiming deliveries, noticing other processes' commits (LISTEN/NOTIFY, reloading after a lost
connection), and failing to connect as one line that names DATABASE_URL without its password.
Against the real test server (tests/pg.py), never a mock."""

import asyncio
import datetime as dt
import time

import asyncpg
import pytest

from bot.core.errors import ConflictError, StoreError
from bot.db.postgres import numbered, shown
from bot.predictions.rules import score
from bot.store import Store
from tests.pg import with_password
from tests.support.catalogue import ALICE, BOB, cast_fact

pytestmark = pytest.mark.postgresql_only


@pytest.fixture
async def url(new_database):
    return await new_database()


@pytest.fixture
async def two(url):
    """Two stores on one database, as two processes would have."""
    first, second = await Store.open(url), await Store.open(url)
    yield first, second
    await first.close()
    await second.close()


def test_placeholders_are_numbered_outside_string_literals():
    assert numbered("SELECT ?, 'a?b', ? FROM t WHERE x IN (?, ?)") == \
        "SELECT $1, 'a?b', $2 FROM t WHERE x IN ($3, $4)"
    assert numbered("SELECT 'it''s?', ?") == "SELECT 'it''s?', $1"


async def test_the_scoring_function_scores_as_the_python_rules(url):
    await (await Store.open(url)).close()  # migrated
    cases = [("choice", "a", "a"), ("choice", "a", "b"), ("number", "5", "5"), ("number", "3", "7"),
             ("number", "0", "1000000"), ("date", "2025-01-01", "2025-01-01"),
             ("date", "2025-01-01", "2025-03-01"), ("date", "2024-02-28", "2024-03-01"),
             ("date", "2020-01-01", "2025-01-01")]
    conn = await asyncpg.connect(url)
    try:
        for kind, guess, answer in cases:
            got = await conn.fetchval("SELECT prediction_score($1, $2, $3)", kind, guess, answer)
            assert got == score(kind, guess, answer), (kind, guess, answer)
    finally:
        await conn.close()


async def test_another_processs_commit_reaches_the_view_within_a_second(two):
    running, importer = two
    show = await importer.shows.add_show("elsewhere", "Elsewhere", 1)
    started = time.monotonic()
    while running.view.show(show.id) is None:
        assert time.monotonic() - started < 1.0, "not seen within 1 s"
        await asyncio.sleep(0.05)
        await running.view.refresh_if_changed()
    assert not await importer.view.refresh_if_changed()  # its own commit is not news to it


async def test_a_reminder_paused_by_another_process_is_told_by_this_one(two):
    # Shard 0's process sends DMs and pauses reminders; the person's next command may be
    # answered by any process, which must know to tell them.
    running, shard_zero = two
    show = await shard_zero.shows.add_show("paused", "Paused", 1)
    reminder, _ = await shard_zero.reminders.add(77, show.id, "release", "release")
    while running.view.show(show.id) is None:  # the show's notice is in: nothing else is pending
        await asyncio.sleep(0.05)
        await running.view.refresh_if_changed()
    assert not await running.reminders.is_untold(77)
    await shard_zero.reminders.pause(reminder.id, "dms_closed")
    started = time.monotonic()
    while not await running.reminders.is_untold(77):
        assert time.monotonic() - started < 1.0, "not seen within 1 s"
        await asyncio.sleep(0.05)
        await running.view.refresh_if_changed()
    assert [r.id for r in await running.reminders.mark_told(77)] == [reminder.id]
    reminders = shard_zero.reminders
    assert not await reminders.is_untold(77) or await reminders.mark_told(77) == []  # told once


async def test_after_the_listening_connection_is_lost_the_view_reloads(two, url):
    running, importer = two
    show = await running.shows.add_show("lost", "Lost", 1)
    listener = running.database.conn._listener
    admin = await asyncpg.connect(url)
    try:
        await admin.fetchval("SELECT pg_terminate_backend($1)", listener.get_server_pid())
    finally:
        await admin.close()
    for _ in range(100):  # until the client notices its socket closed
        if listener.is_closed():
            break
        await asyncio.sleep(0.02)
    # Committed while nobody listened: its NOTIFY is lost, so only a reload can show it.
    await importer.catalogue.write(show.id, "cast", "park ji-hu", cast_fact(), expected_version=0,
                                   editor=ALICE)
    assert await running.view.refresh_if_changed()
    assert running.view.entry(show.id, "cast", "park ji-hu") is not None
    await importer.shows.add_show("after", "After", 1)  # and it listens again
    await asyncio.sleep(0.2)
    assert await running.view.refresh_if_changed() and running.view.show_by_slug("after") is not None


async def test_two_processes_writing_one_version_get_one_conflict(two):
    first, second = two
    show = await first.shows.add_show("race", "Race", 1)
    await second.view.refresh_if_changed()
    results = await asyncio.gather(
        first.catalogue.write(show.id, "cast", "park ji-hu", cast_fact(character="A"), expected_version=0,
                    editor=ALICE),
        second.catalogue.write(show.id, "cast", "park ji-hu", cast_fact(character="B"), expected_version=0,
                     editor=BOB),
        return_exceptions=True)
    assert sorted(type(r).__name__ for r in results) == ["Change", "ConflictError"]
    assert any(isinstance(r, ConflictError) for r in results)


async def test_two_processes_never_claim_one_delivery(two):
    first, second = two
    show = await first.shows.add_show("claims", "Claims", 1)
    for channel in range(1, 41):
        await first.alerts.subscribe(1, channel, show_id=None, created_by=5)
    await first.catalogue.write(show.id, "cast", "park ji-hu", cast_fact(), expected_version=0, editor=ALICE)
    ids = [d.id for d in await first.alerts.due_deliveries(time.time() + 1)]
    assert len(ids) == 40
    a, b = await asyncio.gather(first.alerts.start_attempt(ids, time.time()),
                                second.alerts.start_attempt(list(reversed(ids)), time.time()))
    assert sorted(a + b) == sorted(ids) and not set(a) & set(b)


async def test_an_unreachable_server_is_one_line_naming_database_url_without_the_password():
    url = "postgresql://seasonwatch:hunter2-secret@127.0.0.1:1/seasonwatch"
    with pytest.raises(StoreError) as caught:
        await Store.open(url)
    message = str(caught.value)
    assert message.startswith("DATABASE_URL=postgresql://seasonwatch:***@127.0.0.1:1/seasonwatch")
    assert "hunter2-secret" not in message and "\n" not in message


async def test_a_missing_database_is_one_line_naming_database_url(url):
    missing = with_password(url.replace("/sw_test_", "/sw_missing_"), "pw-not-shown")
    with pytest.raises(StoreError, match=r"DATABASE_URL=.*does not exist") as caught:
        await Store.open(missing)
    assert "pw-not-shown" not in str(caught.value)


def test_a_shown_url_hides_the_password():
    assert shown("postgresql://u:p%40ss@h/db") == "postgresql://u:***@h/db"
    assert shown("postgresql://u@h/db") == "postgresql://u@h/db"


async def test_times_keep_their_precision(url):
    store = await Store.open(url)
    try:
        show = await store.shows.add_show("times", "Times", 1)
        await store.alerts.subscribe(1, 1, show_id=None, created_by=5)
        await store.catalogue.write(show.id, "cast", "park ji-hu", cast_fact(), expected_version=0,
                                    editor=ALICE)
        [delivery] = await store.alerts.deliveries()
        await store.alerts.retry_later([delivery.id], 1_700_000_000.123456, "later")
        [delivery] = await store.alerts.deliveries()
        assert delivery.next_attempt_at == 1_700_000_000.123456
        assert dt.datetime.fromisoformat(delivery.created_at)
    finally:
        await store.close()
