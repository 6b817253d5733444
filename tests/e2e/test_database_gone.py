"""PostgreSQL going away while the bot runs, through the stand-in: the editor's Publish is
refused in one clear ephemeral line, and nothing the bot logs about it shows a password, not
even one given as DATABASE_URL's `?password=` query parameter.

The bot reaches the test server through a local TCP relay; closing the relay (its listener and
every connection through it) is the server going away, without touching the shared server.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import urllib.parse

import pytest

pytestmark = pytest.mark.postgresql_only

SECRET = "hunter2-query-secret"
SOURCE = "https://www.example.com/report"


class Relay:
    """A TCP port that forwards each connection to the PostgreSQL server of `url`."""

    def __init__(self, url: str) -> None:
        parts = urllib.parse.urlsplit(url)
        query = dict(urllib.parse.parse_qsl(parts.query))
        port = parts.port or int(query.get("port", 5432))
        host = query.get("host") or parts.hostname or "localhost"
        self._unix = f"{host}/.s.PGSQL.{port}" if host.startswith("/") else None
        self._tcp = (host, port)
        self._server: asyncio.Server | None = None
        self._writers: list[asyncio.StreamWriter] = []

    async def start(self) -> int:
        self._server = await asyncio.start_server(self._forward, "127.0.0.1", 0)
        return int(self._server.sockets[0].getsockname()[1])

    async def _forward(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self._unix:
            up_reader, up_writer = await asyncio.open_unix_connection(self._unix)
        else:
            up_reader, up_writer = await asyncio.open_connection(*self._tcp)
        self._writers += [writer, up_writer]
        await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))

    @staticmethod
    async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError):
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        writer.close()

    async def cut(self) -> None:
        """The server gone: no new connection is accepted, and every open one drops."""
        assert self._server is not None
        self._server.close()
        for writer in self._writers:
            writer.transport.abort()
        await self._server.wait_closed()


def through(url: str, port: int) -> str:
    """`url`'s database, user and password by way of the relay, with SECRET as `?password=`
    (a password in the user-info, if any, is the one used; the test server trusts the rest)."""
    parts = urllib.parse.urlsplit(url)
    userinfo = parts.netloc.rpartition("@")[0] or "postgres"
    return f"postgresql://{userinfo}@127.0.0.1:{port}{parts.path}?password={SECRET}"


async def until_logged(proc, text: str) -> str:
    deadline = time.monotonic() + 10
    while text not in proc.log_text():
        assert time.monotonic() < deadline, f"never logged {text!r}:\n{proc.log_text()[-3000:]}"
        await asyncio.sleep(0.1)
    return proc.log_text()


async def test_a_write_after_postgresql_went_away_is_refused_and_logged_without_the_password(
        standin, scene, bot_env, bot_process):
    relay = Relay(bot_env["DATABASE_URL"])
    url = through(bot_env["DATABASE_URL"], await relay.start())
    proc = await bot_process(DATABASE_URL=url)
    preview = await standin.command(scene.editor, scene.home_general, "edit cast", person="Kim Newcomer",
                                    confidence="rumored", source_url=SOURCE)
    await relay.cut()

    refused = await standin.click(scene.editor, preview, "Publish")
    assert refused.ephemeral
    assert "could not be written" in refused.content and "nothing was saved" in refused.content
    assert SECRET not in refused.content
    log = await until_logged(proc, "a write failed")
    [line] = [ln for ln in log.splitlines() if "a write failed" in ln]
    assert "ERROR" in line and "bot.store.postgres" in line
    assert "DATABASE_URL=postgresql://" in line and "?password=***" in line, line
    assert SECRET not in log
