"""A TCP relay to the test PostgreSQL server that a test can cut: the server going away while the
bot runs, without touching the server other tests share."""

from __future__ import annotations

import asyncio
import contextlib
import urllib.parse


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
        self.port = 0

    async def start(self) -> int:
        self._server = await asyncio.start_server(self._forward, "127.0.0.1", self.port)
        self.port = int(self._server.sockets[0].getsockname()[1])
        return self.port

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

    async def restore(self) -> None:
        """The server back after a `cut`, on the same port: new connections go through again."""
        self._writers = []
        await self.start()


def through(url: str, port: int, password: str = "") -> str:
    """`url`'s database, user and password by way of the relay, with `password` as `?password=`
    (a password in the user-info, if any, is the one used; the test server trusts the rest)."""
    parts = urllib.parse.urlsplit(url)
    userinfo = parts.netloc.rpartition("@")[0] or "postgres"
    query = f"?password={password}" if password else ""
    return f"postgresql://{userinfo}@127.0.0.1:{port}{parts.path}{query}"
