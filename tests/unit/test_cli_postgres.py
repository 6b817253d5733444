"""The command line with DATABASE_URL: a bad or unreachable URL stops it in one line naming
DATABASE_URL (never its password), and `seasonwatch db copy URL` copies everything into an
empty PostgreSQL database, verified, and refuses one that is not empty."""

import dataclasses
import logging
import sys
import time

import pytest

from bot.news.parse import Item
from bot.store import Store, copy
from bot.store.news import Candidate
from tests.pg import with_password
from tests.unit.conftest import ALICE, cast_fact
from tests.unit.test_cli import seasonwatch

UNREACHABLE = "postgresql://seasonwatch:hunter2-secret@127.0.0.1:1/seasonwatch"


@pytest.mark.parametrize("command", [["export"], ["run"], ["db", "upgrade"]])
def test_an_unreachable_database_url_stops_start_up_in_one_line(command, tmp_path):
    result = seasonwatch(*command, tmp_path=tmp_path, DATABASE_URL=UNREACHABLE, DISCORD_TOKEN="x.y.z")
    assert result.returncode == 1, result.stderr
    assert result.stderr.startswith("error: DATABASE_URL=postgresql://seasonwatch:***@127.0.0.1:1/")
    assert result.stderr.count("\n") == 1
    assert "hunter2-secret" not in result.stderr + result.stdout


def test_a_database_url_that_is_not_postgresql_is_a_configuration_error(tmp_path):
    result = seasonwatch("export", tmp_path=tmp_path, DATABASE_URL="mysql://u:hunter2-secret@h/db")
    assert result.returncode == 2
    assert "DATABASE_URL" in result.stderr and "hunter2-secret" not in result.stderr


async def fill(path):
    """A SQLite database with a row in every table."""
    store = await Store.open(path)
    try:
        await store.seed_if_empty()
        show = await store.add_show("copied", "Copied", 1)
        await store.subscribe(1, 10, show_id=None, created_by=5, role_id=99)
        await store.add_reminder(7, show.id, "cast", "park ji-hu")
        await store.subscribe(2, 11, show_id=show.id, created_by=5, events=True)
        await store.queue_premieres(show.id, show.season)
        await store.write(show.id, "cast", "park ji-hu", cast_fact(), expected_version=0, editor=ALICE)
        question = await store.open_prediction(show.id, "How many?", "number", editor=ALICE)
        await store.guess(question.id, user_id=7, user_name="fan", guild_id=1, answer="12")
        await store.resolve_prediction(question.id, "10", editor=ALICE)
        await store.start_attempt([d.id for d in await store.deliveries()][:1], time.time())
        await store.set_setting("commands-hash:1", "abc")
        source, _ = await store.add_source("https://feeds.example/rss", "Feed", show_id=show.id,
                                           keywords=("x",), added_by=5, seen=["guid-1"],
                                           next_poll_at=time.time())
        item = Item("guid-2", "Copied news", "https://feeds.example/2", "https://feeds.example/2", None, "")
        await store.source_fetched(source, keys=["guid-2"], found=[Candidate(item, show.id, ("Park Ji-hu",))],
                                   etag=None, last_modified=None, next_poll_at=time.time(), review_channel=9)
        return await copy.counts(store._database)
    finally:
        await store.close()


@pytest.mark.postgresql_only
async def test_db_copy_copies_everything_with_its_ids_and_refuses_a_second_time(new_database, tmp_path):
    source = tmp_path / "cli.db"
    expected = await fill(source)
    assert all(expected.values()), expected  # every table has something to copy
    url = with_password(await new_database(), "pw-not-shown")
    result = seasonwatch("db", "copy", url, tmp_path=tmp_path, LOG_LEVEL="DEBUG")
    assert result.returncode == 0, result.stderr
    counts = ", ".join(f"{n} {table}" for table, n in expected.items())
    assert f"verified counts: {counts}" in result.stdout
    assert "pw-not-shown" not in result.stdout + result.stderr

    old, new = await Store.open(source), await Store.open(url)
    try:
        assert new.export() == old.export()
        for table in copy.TABLES:
            order = {"setting": "key", "news_seen": "source_id, item_key"}.get(table, "id")
            rows = [tuple(r) for r in await old._database.fetchall(f"SELECT * FROM {table} ORDER BY {order}")]
            assert [tuple(r) for r in await new._database.fetchall(
                f"SELECT * FROM {table} ORDER BY {order}")] == rows, table
        [sub] = await new.subscriptions(1)
        assert dataclasses.asdict(sub) == dataclasses.asdict((await old.subscriptions(1))[0])
        later = await new.add_show("later", "Later", 1)  # new ids follow the copied ones
        assert later.id == max(s.id for s in old.shows(include_archived=True)) + 1
    finally:
        await old.close()
        await new.close()

    again = seasonwatch("db", "copy", url, tmp_path=tmp_path)
    assert again.returncode == 1
    assert "is not empty" in again.stderr and "pw-not-shown" not in again.stderr


def test_db_copy_needs_a_postgresql_url(tmp_path):
    result = seasonwatch("db", "copy", str(tmp_path / "other.db"), tmp_path=tmp_path)
    assert result.returncode == 2 and "postgresql://" in result.stderr


def test_the_database_password_is_scrubbed_from_every_log_line(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", UNREACHABLE)
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    from bot.cli import main

    try:
        assert main(["export"]) == 1
        # Whatever logs the URL later (a traceback, a driver's message) is scrubbed too.
        logging.getLogger("anything").error("connecting to %s", UNREACHABLE)
        captured = capsys.readouterr()
        assert "hunter2-secret" not in captured.err + captured.out
        assert "[redacted]" in captured.err
    finally:
        logging.getLogger().handlers.clear()
        sys.excepthook = sys.__excepthook__
