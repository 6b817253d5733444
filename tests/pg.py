"""A PostgreSQL server for the tests: TEST_DATABASE_URL's, or a throw-away one that pgserver
(a test dependency whose wheel carries PostgreSQL's binaries) starts in a temporary directory.
Each test gets a database of its own, made empty and dropped afterwards."""

from __future__ import annotations

import os
import tempfile
import urllib.parse
import uuid
from typing import Any

import asyncpg


class Server:
    """The server the tests use, started on first use and stopped at the end of the session."""

    def __init__(self) -> None:
        self._server: Any = None
        self._url: str | None = os.environ.get("TEST_DATABASE_URL") or None

    @property
    def url(self) -> str:
        """An administrator's URL (CREATE DATABASE, DROP DATABASE)."""
        if self._url is None:
            import pgserver

            # A short path: the server's Unix socket lives there (sockets allow ~100 characters).
            root = tempfile.mkdtemp(prefix="swpg-", dir="/tmp")
            self._server = pgserver.get_server(root, cleanup_mode="delete")
            self._url = str(self._server.get_uri())
        return self._url

    def stop(self) -> None:
        """Stop the throw-away server and delete its files (an existing server is left alone)."""
        if self._server is not None:
            self._server.cleanup()
            self._server = None

    async def create(self) -> str:
        """A new, empty database; its URL."""
        name = f"sw_test_{uuid.uuid4().hex[:16]}"
        conn = await asyncpg.connect(self.url)
        try:
            await conn.execute(f"CREATE DATABASE {name}")
        finally:
            await conn.close()
        parts = urllib.parse.urlsplit(self.url)
        return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))

    async def drop(self, url: str) -> None:
        """Drop a database `create` made, whoever is still connected to it."""
        name = urllib.parse.urlsplit(url).path.lstrip("/")
        assert name.startswith("sw_test_")  # never anything the tests did not make
        conn = await asyncpg.connect(self.url)
        try:
            await conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        finally:
            await conn.close()


def with_password(url: str, password: str) -> str:
    """`url` with a password (the throw-away server trusts local connections, so any works)."""
    parts = urllib.parse.urlsplit(url)
    user = parts.username or "postgres"
    host = parts.netloc.rpartition("@")[2]
    return urllib.parse.urlunsplit(parts._replace(netloc=f"{user}:{password}@{host}"))
