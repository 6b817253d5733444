"""The SQLite dialect: what the store does SQLite's way.

Everything else in the package is SQL that SQLite and PostgreSQL read alike (`?` placeholders
aside, which a PostgreSQL dialect would turn into `$n` where the SQL is run, in `bot.store.db`).
What differs lives here, under the names `bot.store.db.Dialect` lists, so that a
`bot/store/postgres.py` can sit beside this module and the rest of the package need not change.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from pathlib import Path

import aiosqlite

from bot.dbfaults import probe, written_whole
from bot.predictions import score

log = logging.getLogger(__name__)


class SQLite:
    """SQLite through aiosqlite, in WAL mode, on one connection in autocommit mode."""

    Error = sqlite3.Error
    # IMMEDIATE takes the write lock up front: a transaction that read first and then found
    # another writer ahead of it could only fail, never wait.
    begin = "BEGIN IMMEDIATE"
    # Resolving scores every guess in one UPDATE, by the rules in bot.predictions.
    score = "prediction_score(?, answer, ?)"

    async def connect(self, path: Path) -> aiosqlite.Connection:
        """A connection to `path` (created if missing), set up for the store."""
        await asyncio.to_thread(probe, path)
        conn = await aiosqlite.connect(path, isolation_level=None)
        conn.row_factory = sqlite3.Row
        try:
            # busy_timeout first: another process's short write must not fail the journal_mode.
            for pragma in ("busy_timeout=5000", "journal_mode=WAL", "synchronous=FULL",
                           "foreign_keys=ON"):
                await conn.execute(f"PRAGMA {pragma}")
            await conn.create_function("prediction_score", 3, score, deterministic=True)
        except BaseException:
            await conn.close()
            raise
        return conn

    @staticmethod
    def marks(count: int) -> str:
        """`count` placeholders, comma-separated, for an `IN (…)` list."""
        return ", ".join("?" * count)

    async def schema_version(self, conn: aiosqlite.Connection) -> int:
        """The schema version the migrations set (`PRAGMA user_version`)."""
        async with conn.execute("PRAGMA user_version") as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def run_script(self, conn: aiosqlite.Connection, script: str) -> None:
        """Run a migration script (its own BEGIN … COMMIT); roll back what it left open."""
        try:
            await conn.executescript(script)
        except sqlite3.Error:
            if conn.in_transaction:
                await conn.rollback()
            raise

    async def data_version(self, conn: aiosqlite.Connection) -> int:
        """A number that changes when another connection commits (our own commits keep it)."""
        async with conn.execute("PRAGMA data_version") as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    @staticmethod
    def fan_out(column: str) -> str:
        """INSERT one delivery per channel with a matching active subscription, for a change or a
        prediction event (`column` names which): params (ref, next attempt, created at, show id,
        topic, confidence rank).

        Per channel one row, from its show subscription if that matches, else its all-shows one:
        SQLite takes a bare column from the row that gave `max()`; PostgreSQL would use
        DISTINCT ON."""
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
        claimed: params (batch, now, *ids). One process sends, so no row locks are needed."""
        return ("UPDATE delivery SET state = 'sending', batch = ?, attempts = attempts + 1, "
                f"last_attempt_at = ? WHERE id IN ({self.marks(count)}) "
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
