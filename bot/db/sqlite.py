"""The SQLite dialect: what the store does SQLite's way.

Everything else in the package is SQL that SQLite and PostgreSQL read alike; what differs (the
PRAGMAs, the scoring function, noticing other writers, the fan-out, claiming deliveries,
backups) lives here, under the names `bot.db.connection` lists, as it does in `bot.db.postgres`.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import aiosqlite

from bot.db.connection import Params, Row
from bot.db.faults import failed_writes, probe, written_whole

log = logging.getLogger(__name__)


class SQLite:
    """SQLite through aiosqlite, in WAL mode, on one connection in autocommit mode."""

    name = "sqlite"
    Error = sqlite3.Error
    # Resolving scores every guess in one UPDATE, by the rules in bot.predictions.rules.
    score = "prediction_score(?, answer, ?)"

    def __init__(self, functions: Mapping[str, Callable[..., Any]] | None = None) -> None:
        # SQL functions the features bring (the prediction game's scoring), registered on connect.
        self.functions = dict(functions or {})

    async def connect(self, path: Path) -> SQLiteConnection:
        """A connection to `path` (created if missing), set up for the store."""
        await asyncio.to_thread(probe, path)
        conn = await aiosqlite.connect(path, isolation_level=None)
        conn.row_factory = sqlite3.Row
        try:
            # busy_timeout first: another process's short write must not fail the journal_mode.
            for pragma in ("busy_timeout=5000", "journal_mode=WAL", "synchronous=FULL",
                           "foreign_keys=ON"):
                await conn.execute(f"PRAGMA {pragma}")
            for name, function in self.functions.items():
                arity = len(inspect.signature(function).parameters)
                await conn.create_function(name, arity, function, deterministic=True)
        except BaseException:
            await conn.close()
            raise
        return SQLiteConnection(conn, path)

    @staticmethod
    def marks(count: int) -> str:
        """`count` placeholders, comma-separated, for an `IN (…)` list."""
        return ", ".join("?" * count)

    @staticmethod
    def fan_out(column: str) -> str:
        """INSERT one delivery per channel with a matching active subscription, for a change or a
        prediction event (`column` names which): params (ref, next attempt, created at, show id,
        topic, confidence rank).

        Per channel one row, from its show subscription if that matches, else its all-shows one:
        SQLite takes a bare column from the row that gave `max()` (PostgreSQL: DISTINCT ON)."""
        assert column in ("change_id", "event_id")  # a column name, never user text
        return (
            f"INSERT INTO delivery ({column}, subscription_id, channel_id, next_attempt_at, "
            "created_at) SELECT ?, id, channel_id, ?, ? FROM (SELECT s.id, s.channel_id, "
            "max(s.show_id IS NOT NULL) FROM subscription s WHERE "
            "s.state = 'active' AND (s.show_id = ? OR s.show_id IS NULL)"
            " AND instr(',' || s.topics || ',', ',' || ? || ',') > 0"
            " AND (CASE s.min_confidence WHEN 'speculation' THEN 0 WHEN 'rumored' THEN 1"
            " WHEN 'reported' THEN 2 ELSE 3 END) <= ? GROUP BY s.channel_id)"
        )

    def claim(self, count: int) -> str:
        """UPDATE `count` deliveries still pending to `sending` in one batch, RETURNING the ids
        claimed: params (batch, now, claimed by, lease until, *ids). A write is the whole
        database's, so no row locks."""
        return ("UPDATE delivery SET state = 'sending', batch = ?, attempts = attempts + 1, "
                f"last_attempt_at = ?, claimed_by = ?, lease_until = ? WHERE id IN ({self.marks(count)}) "
                "AND state = 'pending' RETURNING id")

    def backup(self, source: Path, target: Path) -> None:
        """Copy the database with SQLite's online backup, on connections of its own (blocking)."""
        with written_whole(target) as partial:
            src = sqlite3.connect(source)
            dst = sqlite3.connect(partial)
            try:
                src.backup(dst)  # all pages in one step: a single consistent snapshot
            finally:
                dst.close()
                src.close()


class SQLiteConnection:
    """The store's one aiosqlite connection."""

    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        self.raw = conn
        self.path = path
        self._data_version: int | None = None

    async def fetchall(self, sql: str, params: Params) -> list[Row]:
        """Every row of a query."""
        async with self.raw.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    async def execute(self, sql: str, params: Params) -> int:
        """Run a statement; how many rows it changed."""
        async with self.raw.execute(sql, params) as cursor:
            return cursor.rowcount

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        """Run a statement once per row of parameters."""
        await self.raw.executemany(sql, rows)

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """BEGIN IMMEDIATE … COMMIT, or ROLLBACK if the block fails."""
        # IMMEDIATE takes the write lock up front: a transaction that read first and then found
        # another writer ahead of it could only fail, never wait.
        await self.raw.execute("BEGIN IMMEDIATE")
        try:
            yield
            await self.raw.commit()
        except BaseException:
            await self.raw.rollback()
            raise

    @contextlib.contextmanager
    def failed_writes(self) -> Iterator[None]:
        """SQLite refusing a write (disk full, locked) as a WriteFailed."""
        with failed_writes(self.path):
            yield

    async def schema_version(self) -> int:
        """The schema version the migrations set (`PRAGMA user_version`)."""
        rows = await self.fetchall("PRAGMA user_version", ())
        return int(rows[0][0]) if rows else 0

    async def run_script(self, script: str, version: int) -> None:
        """Run a migration script (its own BEGIN … COMMIT, setting user_version); roll back
        what it left open."""
        try:
            await self.raw.executescript(script)
        except sqlite3.Error:
            if self.raw.in_transaction:
                await self.raw.rollback()
            raise

    async def others_committed(self) -> bool:
        """Whether `PRAGMA data_version` moved: it changes when another connection commits (our
        own commits keep it)."""
        rows = await self.fetchall("PRAGMA data_version", ())
        version = int(rows[0][0]) if rows else 0
        changed = self._data_version is not None and version != self._data_version
        self._data_version = version
        return changed

    async def close(self) -> None:
        """Close the connection."""
        await self.raw.close()
