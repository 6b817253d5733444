"""The command line with DATABASE_URL: a bad or unreachable URL stops it in one line naming
DATABASE_URL (never its password), and `seasonwatch db copy URL` copies everything into an
empty PostgreSQL database, verified, and refuses one that is not empty."""

import dataclasses
import logging
import sys
import time

import pytest

from bot.db import copy
from bot.news.models import Candidate, Proposal
from bot.news.parse import Item
from bot.news.proposals_store import Listed
from bot.store import Store
from tests.pg import with_password
from tests.support.catalogue import ALICE, cast_fact
from tests.unit.test_cli import seasonwatch

UNREACHABLE = "postgresql://seasonwatch:hunter2-secret@127.0.0.1:1/seasonwatch"
LEAKY_TARGET = "postgresql://sw:hunter2-secret#frag@127.0.0.1:1/db"  # unreadable: # in the password


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
        await store.files.seed_if_empty()
        show = await store.shows.add_show("copied", "Copied", 1)
        await store.alerts.subscribe(1, 10, show_id=None, created_by=5, role_id=99)
        await store.reminders.add(7, show.id, "cast", "park ji-hu")
        await store.alerts.subscribe(2, 11, show_id=show.id, created_by=5, events=True)
        await store.premieres.queue(show.id, show.season)
        await store.catalogue.write(show.id, "cast", "park ji-hu", cast_fact(), expected_version=0,
                                    editor=ALICE)
        question = await store.predictions.open_prediction(show.id, "How many?", "number", editor=ALICE)
        await store.predictions.guess(question.id, user_id=7, user_name="fan", guild_id=1, answer="12")
        await store.predictions.resolve_prediction(question.id, "10", editor=ALICE)
        await store.alerts.start_attempt([d.id for d in await store.alerts.deliveries()][:1], time.time())
        await store.set_setting("commands-hash:1", "abc")
        source, _ = await store.news.add_source("https://feeds.example/rss", "Feed", show_id=show.id,
                                           keywords=("x",), added_by=5, seen=["guid-1"],
                                           next_poll_at=time.time())
        item = Item("guid-2", "Copied news", "https://feeds.example/2", "https://feeds.example/2", None, "")
        await store.news.source_fetched(source, keys=["guid-2"], found=[Candidate(item, show.id,
                                                                                  ("Park Ji-hu",))],
                                   etag=None, last_modified=None, next_poll_at=time.time(), review_channel=9)
        page = "https://www.tvmaze.com/shows/1002/x"
        async with store.database.lock, store.database.transaction():
            await store.listings.link(show.id, "tvmaze", "1002", page, 0.0)
        listed = Proposal("release", "release", {"when": "2027-03-14"}, "reported", "TVmaze", page)
        await store.proposals.record(show.id, [Listed(listed, True)], headline="TVmaze", review_channel=9)
        return await copy.counts(store.database)
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
        assert new.files.export() == old.files.export()
        for table in copy.TABLES:
            order = {"setting": "key", "news_seen": "source_id, item_key",
                     "proposal_memory": "show_id, kind, key"}.get(table, "id")
            rows = [tuple(r) for r in await old.database.fetchall(f"SELECT * FROM {table} ORDER BY {order}")]
            assert [tuple(r) for r in await new.database.fetchall(
                f"SELECT * FROM {table} ORDER BY {order}")] == rows, table
        [sub] = await new.alerts.subscriptions(1)
        assert dataclasses.asdict(sub) == dataclasses.asdict((await old.alerts.subscriptions(1))[0])
        later = await new.shows.add_show("later", "Later", 1)  # new ids follow the copied ones
        assert later.id == max(s.id for s in old.view.shows(include_archived=True)) + 1
    finally:
        await old.close()
        await new.close()

    again = seasonwatch("db", "copy", url, tmp_path=tmp_path)
    assert again.returncode == 1
    assert "is not empty" in again.stderr and "pw-not-shown" not in again.stderr
    assert again.stderr.startswith("error: the db copy target postgresql://")
    assert "DATABASE_URL" not in again.stderr


@pytest.mark.parametrize(("target", "named"), [
    (UNREACHABLE, "the db copy target postgresql://seasonwatch:***@127.0.0.1:1/seasonwatch: cannot use it ("),
    (LEAKY_TARGET, "the db copy target postgresql://sw:***@127.0.0.1:1/db cannot be read: "),
])
def test_db_copy_names_its_target_as_given_not_as_database_url(target, named, tmp_path):
    assert seasonwatch("db", "upgrade", tmp_path=tmp_path).returncode == 0  # a source to copy
    result = seasonwatch("db", "copy", target, tmp_path=tmp_path)
    assert result.returncode in (1, 2), result.stderr
    assert result.stderr.startswith(f"error: {named}"), result.stderr
    assert "DATABASE_URL" not in result.stderr and "hunter2-secret" not in result.stderr


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


# Passwords every URL parser splits differently, and passwords given as query parameters. The
# first three made urllib read the password as the port, and its error quoted it.
LEAKY = [  # (DATABASE_URL, its secret, whether the answer says to percent-encode it)
    ("postgresql://sw:s3cr3tPW#frag@127.0.0.1:1/db", "s3cr3tPW", True),
    ("postgresql://sw:s3/cr3tPW@127.0.0.1:1/db", "s3", True),
    ("postgresql://sw:s3?cr3tPW@127.0.0.1:1/db", "s3", True),
    ("postgresql://sw:12/cr3tPW@127.0.0.1:1/db", "12/cr3tPW", True),  # urllib: port 12, host "sw"
    ("postgresql://sw:s3@cr3tPW@127.0.0.1:1/db", "cr3tPW", True),
    ("postgresql://sw@127.0.0.1:1/db?password=hunter2", "hunter2", False),
    ("postgresql://sw@127.0.0.1:1/db?sslmode=prefer&password=hunter2&sslpassword=k3yPW", "k3yPW", False),
    ("sw:s3cr3tPW@127.0.0.1:1/db", "s3cr3tPW", False),  # the scheme forgotten: the value starts secret
]


@pytest.mark.parametrize("command", [["db", "upgrade"], ["run"]])
@pytest.mark.parametrize(("url", "secret", "encode"), LEAKY)
def test_no_database_url_shows_its_password_at_start_up(command, url, secret, encode, tmp_path):
    result = seasonwatch(*command, tmp_path=tmp_path, DATABASE_URL=url, DISCORD_TOKEN="x.y.z")
    assert result.returncode in (1, 2), result.stderr
    assert secret not in result.stdout + result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith(("error: DATABASE_URL=", "configuration error: DATABASE_URL"))
    assert ("must have them percent-encoded (%40 %2F %3F %23)" in result.stderr) == encode, result.stderr


def test_a_password_with_a_hash_is_masked_whole_and_said_how_to_write(tmp_path):
    result = seasonwatch("db", "upgrade", tmp_path=tmp_path, DATABASE_URL=LEAKY[0][0])
    assert result.returncode == 2
    assert result.stderr == (
        "configuration error: DATABASE_URL=postgresql://sw:***@127.0.0.1:1/db cannot be read: a "
        "user name or password holding @ / ? or # must have them percent-encoded (%40 %2F %3F "
        "%23), and so must an @ after the host\n")
    assert "frag" not in result.stderr


def test_a_query_password_is_masked_in_the_start_up_error(tmp_path):
    result = seasonwatch("db", "upgrade", tmp_path=tmp_path, DATABASE_URL=LEAKY[6][0])
    assert result.returncode == 1
    assert result.stderr.startswith(
        "error: DATABASE_URL=postgresql://sw@127.0.0.1:1/db?sslmode=prefer&password=***&"
        "sslpassword=***: cannot use it ("), result.stderr


@pytest.mark.parametrize(("url", "secret", "encode"), LEAKY[:-1])
def test_db_copy_shows_no_password_of_its_target(url, secret, encode, tmp_path):
    assert seasonwatch("db", "upgrade", tmp_path=tmp_path).returncode == 0  # a source to copy
    result = seasonwatch("db", "copy", url, tmp_path=tmp_path)
    assert result.returncode in (1, 2), result.stderr
    assert secret not in result.stdout + result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert ("must have them percent-encoded (%40 %2F %3F %23)" in result.stderr) == encode, result.stderr


def test_query_passwords_and_pgpassword_are_scrubbed_from_every_log_line(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", "postgresql://sw@127.0.0.1:1/db?password=hunter2&sslpassword=k3yPW")
    monkeypatch.setenv("PGPASSWORD", "pg-env-secret")
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    from bot.cli import main

    try:
        assert main(["db", "copy", "postgresql://sw@127.0.0.1:1/db?password=copy%2Fsecret"]) == 1
        for secret in ("hunter2", "k3yPW", "pg-env-secret", "copy/secret", "copy%2Fsecret"):
            logging.getLogger("anything").error("the driver said %s", secret)
        captured = capsys.readouterr()
        for secret in ("hunter2", "k3yPW", "pg-env-secret", "copy/secret", "copy%2Fsecret"):
            assert secret not in captured.err + captured.out
        assert captured.err.count("[redacted]") == 5
    finally:
        logging.getLogger().handlers.clear()
        sys.excepthook = sys.__excepthook__
