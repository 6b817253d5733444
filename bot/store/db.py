"""The one connection every part of the store shares, its lock, and its one way to transact.

All SQL goes through `Database`: the parts never hold a cursor. The connection is used by one
task at a time (`lock`), reads included, so that a read never sees another task's transaction
half done.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol

import aiosqlite

from bot.dbfaults import failed_writes

log = logging.getLogger(__name__)

Params = Sequence[Any]


class Row(Protocol):
    """A result row: by column name or position."""

    def __getitem__(self, key: int | str, /) -> Any: ...

    def __iter__(self) -> Iterator[Any]: ...

    def keys(self) -> list[str]: ...


class Dialect(Protocol):
    """What one database engine does its own way (`bot.store.sqlite` is the SQLite one)."""

    @property
    def Error(self) -> type[Exception]: ...  # what the driver raises
    @property
    def begin(self) -> str: ...  # the statement that starts a write transaction
    @property
    def score(self) -> str: ...  # SQL for a guess's points: params (kind, answer)

    async def connect(self, path: Path) -> aiosqlite.Connection: ...
    def marks(self, count: int) -> str: ...
    async def schema_version(self, conn: aiosqlite.Connection) -> int: ...
    async def run_script(self, conn: aiosqlite.Connection, script: str) -> None: ...
    async def data_version(self, conn: aiosqlite.Connection) -> int: ...
    def fan_out(self, column: str) -> str: ...
    def claim(self, count: int) -> str: ...
    def backup(self, source: Path, target: Path) -> None: ...


class Database:
    """The store's one connection (to `path`), the lock that serialises its use, and its dialect."""

    def __init__(self, conn: aiosqlite.Connection, path: Path, dialect: Dialect) -> None:
        self.conn = conn
        self.path = path
        self.dialect = dialect
        self.lock = asyncio.Lock()
        self._data_version: int | None = None

    @classmethod
    async def connect(cls, path: Path, dialect: Dialect) -> Database:
        """Open `path` the dialect's way."""
        return cls(await dialect.connect(path), path, dialect)

    async def close(self) -> None:
        """Close the connection."""
        await self.conn.close()

    @contextlib.asynccontextmanager
    async def transaction(self, *, tell_user: bool = True) -> AsyncIterator[None]:
        """One write transaction: committed if the block ends normally, else rolled back.

        The caller holds `lock` (and keeps it while it updates the in-memory view after the
        commit). SQLite refusing the write (disk full, locked) becomes a WriteFailed for the
        person who asked; `tell_user=False` lets SQLite's own error through, for the command
        line, which explains it naming DATABASE_PATH."""
        assert self.lock.locked(), "take Database.lock first"
        with failed_writes(self.path) if tell_user else contextlib.nullcontext():
            await self.conn.execute(self.dialect.begin)
            try:
                yield
                await self.conn.commit()
            except BaseException:
                await self.conn.rollback()
                raise

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        """The first row of a query, if any."""
        async with self.conn.execute(sql, params) as cursor:
            return await cursor.fetchone()

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        """Every row of a query."""
        async with self.conn.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

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
        async with self.conn.execute(sql, params) as cursor:
            return cursor.rowcount

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        """Run a statement once per row of parameters."""
        await self.conn.executemany(sql, rows)

    async def schema_version(self) -> int:
        """The version the last applied migration set."""
        return await self.dialect.schema_version(self.conn)

    async def others_committed(self) -> bool:
        """Whether another process committed since the last call (the first call never)."""
        version = await self.dialect.data_version(self.conn)
        changed = self._data_version is not None and version != self._data_version
        self._data_version = version
        return changed
