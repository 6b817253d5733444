"""PostgreSQL going away under the running bot, through the stand-in: a fan's /tip and /remind me
get the same "could not be written" reply, nothing is saved, and no traceback is logged.

The bot reaches the test server through a local relay (`Relay`); cutting it closes every open
connection and refuses new ones, as a server that stopped does.
"""

import asyncio
import contextlib
import logging
import urllib.parse

import asyncpg
import pytest

pytestmark = pytest.mark.postgresql_only

NOT_WRITTEN = "The database could not be written, so nothing was saved or announced."


class Relay:
    """A TCP relay to a PostgreSQL server (on a Unix socket or a host), which can be cut."""

    def __init__(self) -> None:
        self.url = ""  # the database's own URL, which the test reads it through
        self.server: asyncio.Server | None = None
        self.writers: list[asyncio.StreamWriter] = []

    async def _upstream(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        port = int(self.query.get("port") or self.parts.port or 5432)
        host = self.query.get("host") or self.parts.hostname or "127.0.0.1"
        if host.startswith("/"):
            return await asyncio.open_unix_connection(f"{host}/.s.PGSQL.{port}")
        return await asyncio.open_connection(host, port)

    async def start(self, url: str) -> str:
        """Listen; the URL that reaches the database at `url` through the relay."""
        self.url, self.parts = url, urllib.parse.urlsplit(url)
        self.query = dict(urllib.parse.parse_qsl(self.parts.query))
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        port = self.server.sockets[0].getsockname()[1]
        user = self.parts.netloc.rpartition("@")[0] or "postgres"
        query = urllib.parse.urlencode({k: v for k, v in self.query.items() if k not in ("host", "port")})
        return urllib.parse.urlunsplit(("postgresql", f"{user}@127.0.0.1:{port}", self.parts.path, query, ""))

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await self._upstream()
        self.writers += [writer, up_writer]
        await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))

    @staticmethod
    async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError):
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        writer.close()

    def cut(self) -> None:
        """The server is gone: open connections drop, new ones are refused."""
        if self.server is not None:
            self.server.close()
        for writer in self.writers:
            writer.transport.abort()


@pytest.fixture
async def relay():
    relay = Relay()
    yield relay
    relay.cut()


@pytest.fixture
async def bot_env(bot_env, relay):
    """The bot reaches its database through the relay."""
    return {**bot_env, "DATABASE_URL": await relay.start(bot_env["DATABASE_URL"])}


async def count(url, table):
    conn = await asyncpg.connect(url)
    try:
        return await conn.fetchval(f"SELECT count(*) FROM {table}")
    finally:
        await conn.close()


async def test_a_tip_while_the_database_is_gone_says_it_could_not_be_written(
        standin, scene, bot, relay, caplog):
    relay.cut()
    caplog.set_level(logging.ERROR)
    reply = await standin.command(scene.fan, scene.home_general, "tip", url="https://fans.example/gone")
    assert reply.ephemeral and reply.content.startswith(NOT_WRITTEN), reply.content
    reminded = await standin.command(scene.fan, scene.home_general, "remind me")
    assert reminded.ephemeral and reminded.content.startswith(NOT_WRITTEN), reminded.content
    # Classified: no "error <id> in /tip" with its traceback (the background senders' own
    # complaints about the database are theirs).
    assert [r.getMessage() for r in caplog.records if r.name == "bot.replies"] == []
    assert await count(relay.url, "news_item") == 0
    assert await count(relay.url, "reminder") == 0
