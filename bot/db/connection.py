"""The one connection every part of the store shares, its lock, and its one way to transact.

All SQL goes through `Database`: the parts never hold a cursor. SQL is written once, with `?`
placeholders, in what SQLite and PostgreSQL read alike; a backend's `Connection` runs it (the
PostgreSQL one turns `?` into `$n`), and its `Dialect` holds the few statements that differ.
The connection is used by one task at a time (`lock`), reads included, so that a read never sees
another task's transaction half done.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Iterable, Iterator, Sequence
from contextlib import AbstractAsyncContextManager, AbstractContextManager
from pathlib import Path
from typing import Any, Protocol

log = logging.getLogger(__name__)

Params = Sequence[Any]


class Row(Protocol):
    """A result row: by column name or position."""

    def __getitem__(self, key: int | str, /) -> Any: ...

    def __iter__(self) -> Iterator[Any]: ...

    def keys(self) -> Iterable[str]: ...


class Connection(Protocol):
    """One backend's way to run the store's SQL (`bot.db.sqlite`, `bot.db.postgres`)."""

    async def fetchall(self, sql: str, params: Params) -> list[Row]: ...
    async def execute(self, sql: str, params: Params) -> int: ...
    async def executemany(self, sql: str, rows: Iterable[Params]) -> None: ...
    def transaction(self) -> AbstractAsyncContextManager[None]: ...  # a write transaction
    def failed_writes(self) -> AbstractContextManager[None]: ...  # refused writes -> WriteFailed
    async def schema_version(self) -> int: ...
    async def run_script(self, script: str, version: int) -> None: ...  # one migration, atomically
    async def others_committed(self) -> bool: ...  # the first call never
    async def close(self) -> None: ...


class Dialect(Protocol):
    """The statements one database engine writes its own way."""

    @property
    def name(self) -> str: ...  # "sqlite" or "postgresql": which migrations apply
    @property
    def Error(self) -> type[Exception] | tuple[type[Exception], ...]: ...  # what the driver raises
    @property
    def score(self) -> str: ...  # SQL for a guess's points: params (kind, answer)

    def marks(self, count: int) -> str: ...
    def fan_out(self, column: str) -> str: ...
    def claim(self, count: int) -> str: ...
    def backup(self, source: Path, target: Path) -> None: ...


class Database:
    """The store's one connection, the lock that serialises its use, and its dialect.

    `name` says which database it is in messages (never with a password); `path` is the SQLite
    file, None for PostgreSQL; `setting` is where the user named it (DATABASE_PATH, DATABASE_URL,
    a command's argument), for messages that tell them to name another."""

    def __init__(self, conn: Connection, dialect: Dialect, name: str, path: Path | None,
                 setting: str | None = None) -> None:
        self.conn = conn
        self.dialect = dialect
        self.name = name
        self.path = path
        self.setting = setting or ("DATABASE_PATH" if path else "DATABASE_URL")
        self.lock = asyncio.Lock()

    async def close(self) -> None:
        """Close the connection."""
        await self.conn.close()

    @contextlib.asynccontextmanager
    async def transaction(self, *, tell_user: bool = True) -> AsyncIterator[None]:
        """One write transaction: committed if the block ends normally, else rolled back.

        The caller holds `lock` (and keeps it while it updates the in-memory view after the
        commit). The database refusing the write (disk full, locked, gone) becomes a WriteFailed
        for the person who asked; `tell_user=False` lets the driver's own error through, for the
        command line, which explains it naming the database."""
        assert self.lock.locked(), "take Database.lock first"
        with self.conn.failed_writes() if tell_user else contextlib.nullcontext():
            async with self.conn.transaction():
                yield

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        """The first row of a query, if any."""
        rows = await self.conn.fetchall(sql, params)
        return rows[0] if rows else None

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        """Every row of a query."""
        return await self.conn.fetchall(sql, params)

    async def value(self, sql: str, params: Params = ()) -> Any:
        """The first column of the first row, or None."""
        row = await self.fetchone(sql, params)
        return None if row is None else row[0]

    async def insert(self, sql: str, params: Params = ()) -> int:
        """Run an `INSERT … RETURNING id`; the new row's id."""
        row = await self.fetchone(sql, params)
        assert row is not None
        return int(row[0])

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run a statement; how many rows it changed."""
        return await self.conn.execute(sql, params)

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        """Run a statement once per row of parameters."""
        await self.conn.executemany(sql, rows)

    async def schema_version(self) -> int:
        """The version the last applied migration set."""
        return await self.conn.schema_version()

    async def others_committed(self) -> bool:
        """Whether another process committed since the last call (the first call never)."""
        return await self.conn.others_committed()
