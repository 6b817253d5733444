"""PostgreSQL going away under the running bot, through the stand-in: a fan's /tip and /remind me
get the same "could not be written" reply, nothing is saved, and no traceback is logged.

The bot reaches the test server through a local relay (`Relay`); cutting it closes every open
connection and refuses new ones, as a server that stopped does.
"""

import logging

import asyncpg
import pytest

from tests.support.pg_relay import Relay, through

pytestmark = pytest.mark.postgresql_only

NOT_WRITTEN = "The database could not be written, so nothing was saved or announced."


@pytest.fixture
def relays():
    return []


@pytest.fixture
async def bot_env(bot_env, relays):
    """The bot reaches its database through a relay the test can cut."""
    relay = Relay(bot_env["DATABASE_URL"])
    relay.url = bot_env["DATABASE_URL"]  # the database's own URL, which the test reads it through
    relays.append(relay)
    yield {**bot_env, "DATABASE_URL": through(relay.url, await relay.start())}
    await relay.cut()


@pytest.fixture
def relay(bot_env, relays):
    return relays[0]


async def count(url, table):
    conn = await asyncpg.connect(url)
    try:
        return await conn.fetchval(f"SELECT count(*) FROM {table}")
    finally:
        await conn.close()


async def test_a_tip_while_the_database_is_gone_says_it_could_not_be_written(
        standin, scene, bot, relay, caplog):
    await relay.cut()
    caplog.set_level(logging.ERROR)
    reply = await standin.command(scene.fan, scene.home_general, "tip", url="https://fans.example/gone")
    assert reply.ephemeral and reply.content.startswith(NOT_WRITTEN), reply.content
    reminded = await standin.command(scene.fan, scene.home_general, "remind me")
    assert reminded.ephemeral and reminded.content.startswith(NOT_WRITTEN), reminded.content
    # Classified: no "error <id> in /tip" with its traceback (the background senders' own
    # complaints about the database are theirs).
    assert [r.getMessage() for r in caplog.records if r.name == "bot.interactions.replies"] == []
    assert await count(relay.url, "news_item") == 0
    assert await count(relay.url, "reminder") == 0
