"""The PostgreSQL dialect: what the store does PostgreSQL's way, through an asyncpg pool.

The SQL the rest of the package writes (with `?`) runs here with `$n` placeholders; what
differs from SQLite (the fan-out, noticing other writers with LISTEN/NOTIFY, the write lock,
the schema version kept in a table) lives here, under the names `bot.db.connection` lists.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import itertools
import logging
import os
import re
from collections.abc import AsyncIterator, Iterable, Iterator
from pathlib import Path
from typing import Any

import asyncpg

from bot.core.errors import StoreError, WriteFailed
from bot.db import url as dburl
from bot.db.connection import Params, Row

log = logging.getLogger(__name__)

CHANNEL = "seasonwatch"  # the triggers of migration 0001 NOTIFY on it
# Every write transaction, in every process, takes this advisory lock first: writes are then
# serialised as SQLite's are, so a version read inside a transaction stays true until it commits.
WRITE_LOCK = 0x5EA5_0A7C
SCHEMES = ("postgresql", "postgres")
CONNECT_TIMEOUT = 10.0
# What the connection, not the SQL, failing looks like: the server gone, the disk full.
_GONE = (OSError, asyncpg.PostgresConnectionError, asyncpg.InterfaceError,
         asyncpg.exceptions.OperatorInterventionError,
         asyncpg.exceptions.InsufficientResourcesError)
_PLACEHOLDER = re.compile(r"'(?:[^']|'')*'|\?")


def is_url(target: object) -> bool:
    """Whether `target` names a PostgreSQL database (a postgresql:// URL) rather than a file."""
    return isinstance(target, str) and target.split("://", 1)[0] in SCHEMES and "://" in target


def shown(url: str) -> str:
    """The URL as it may be printed: its password and secret query values as ***."""
    return dburl.shown(url)


def named(url: str, setting: str = "DATABASE_URL") -> str:
    """How messages name the database at `url`: as the user gave it, in the environment
    variable `setting` (`DATABASE_URL=postgresql://…`) or as the command-line argument
    `setting` (`the db copy target postgresql://…`)."""
    return f"{setting}={shown(url)}" if setting.isupper() else f"the {setting} {shown(url)}"


def explain(url: str, error: BaseException, setting: str = "DATABASE_URL") -> str:
    """Why the database at `url` cannot be used, on one line naming it as `named` does (no
    secret). A URL that cannot be read is said so in our words: the parser's would quote the
    password."""
    problem = dburl.unreadable(url)
    if problem is None:
        text = " ".join(str(error).split()) or type(error).__name__
        text = dburl.redact(text, (*dburl.secrets(url), *dburl.env_secrets(os.environ)))
        problem = (f"cannot use it ({text}); check the host, port, database name, user and "
                   "password, and that PostgreSQL is running")
    return f"{named(url, setting)}: {problem}"


@functools.lru_cache(maxsize=1024)
def numbered(sql: str) -> str:
    """`sql` with its `?` placeholders as PostgreSQL's `$1, $2, …` (string literals untouched)."""
    counter = itertools.count(1)
    return _PLACEHOLDER.sub(lambda m: f"${next(counter)}" if m.group() == "?" else m.group(), sql)


def rowcount(status: str) -> int:
    """How many rows a command changed, from its status (`UPDATE 3`, `INSERT 0 1`)."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


class Postgres:
    """PostgreSQL through an asyncpg pool."""

    name = "postgresql"
    Error = (asyncpg.PostgresError, *_GONE, TimeoutError)
    # prediction_score is a SQL function, created by migration 0003.
    score = "prediction_score(?, answer, ?)"

    async def connect(self, url: str) -> PostgresConnection:
        """A pool of connections to `url`, and one more that listens for other writers. A URL
        that cannot be read is a ValueError before any connection: asyncpg would read a password
        holding `/` as a host, and try it."""
        if dburl.unreadable(url) is not None:
            raise ValueError("the database URL cannot be read")  # explain() says why
        conn = PostgresConnection(url)
        await conn.open()
        return conn

    @staticmethod
    def marks(count: int) -> str:
        """`count` placeholders, comma-separated, for an `IN (…)` list."""
        return ", ".join("?" * count)

    @staticmethod
    def fan_out(column: str) -> str:
        """INSERT one delivery per channel with a matching active subscription (as SQLite's):
        per channel its show subscription if that matches, else its all-shows one (DISTINCT ON,
        show subscriptions sorted first). The casts give the bare parameters their types."""
        assert column in ("change_id", "event_id")  # a column name, never user text
        return (
            f"INSERT INTO delivery ({column}, subscription_id, channel_id, next_attempt_at, "
            "created_at) SELECT DISTINCT ON (s.channel_id) CAST(? AS BIGINT), s.id, s.channel_id, "
            "CAST(? AS DOUBLE PRECISION), CAST(? AS TEXT) FROM subscription s WHERE "
            "s.state = 'active' AND (s.show_id = ? OR s.show_id IS NULL)"
            " AND strpos(',' || s.topics || ',', ',' || CAST(? AS TEXT) || ',') > 0"
            " AND (CASE s.min_confidence WHEN 'speculation' THEN 0 WHEN 'rumored' THEN 1"
            " WHEN 'reported' THEN 2 ELSE 3 END) <= ? ORDER BY s.channel_id, s.show_id IS NULL"
        )

    def claim(self, count: int) -> str:
        """UPDATE `count` pending deliveries to `sending` in one batch, RETURNING the ids claimed:
        params (batch, now, claimed by, lease until, *ids). Rows another process is claiming
        right now are skipped rather than waited for (SKIP LOCKED): they are its, not ours."""
        return ("UPDATE delivery SET state = 'sending', batch = ?, attempts = attempts + 1, "
                "last_attempt_at = CAST(? AS DOUBLE PRECISION), claimed_by = ?, "
                "lease_until = CAST(? AS DOUBLE PRECISION) WHERE id IN (SELECT id FROM delivery "
                f"WHERE id IN ({self.marks(count)}) AND state = 'pending' FOR UPDATE SKIP LOCKED) "
                "RETURNING id")

    def backup(self, source: Path, target: Path) -> None:
        """Not for PostgreSQL: its own tools copy it."""
        raise StoreError("seasonwatch backup copies a SQLite file; with DATABASE_URL set, back "
                         "PostgreSQL up with pg_dump")


class PostgresConnection:
    """An asyncpg pool for statements and transactions, and a listening connection."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._pool: Any = None
        self._listener: Any = None
        self._own: set[int] = set()  # our pool's server pids: our own NOTIFYs are not news
        self._notified = False
        self._tx: Any = None  # the connection of the open transaction, and its task
        self._tx_task: asyncio.Task[Any] | None = None

    async def open(self) -> None:
        """Open the pool and start listening."""
        self._pool = await asyncpg.create_pool(self.url, min_size=1, max_size=4, init=self._init,
                                               timeout=CONNECT_TIMEOUT)
        try:
            await self._listen()
        except BaseException:
            await self._pool.close()
            raise

    async def _init(self, conn: Any) -> None:
        self._own.add(conn.get_server_pid())

    async def _listen(self) -> None:
        if self._listener is not None:
            self._listener.terminate()
        self._listener = await asyncpg.connect(self.url, timeout=CONNECT_TIMEOUT)
        await self._listener.add_listener(CHANNEL, self._on_notify)

    def _on_notify(self, conn: Any, pid: int, channel: str, payload: str) -> None:
        if pid not in self._own:
            self._notified = True

    @contextlib.asynccontextmanager
    async def _conn(self) -> AsyncIterator[Any]:
        """The open transaction's connection for its own task; else one from the pool."""
        if self._tx is not None and asyncio.current_task() is self._tx_task:
            yield self._tx
        else:
            async with self._pool.acquire() as conn:
                yield conn

    async def fetchall(self, sql: str, params: Params) -> list[Row]:
        """Every row of a query."""
        async with self._conn() as conn:
            return list(await conn.fetch(numbered(sql), *params))

    async def execute(self, sql: str, params: Params) -> int:
        """Run a statement; how many rows it changed."""
        async with self._conn() as conn:
            return rowcount(await conn.execute(numbered(sql), *params))

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        """Run a statement once per row of parameters."""
        async with self._conn() as conn:
            await conn.executemany(numbered(sql), list(rows))

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """A transaction on one pooled connection, holding the write lock until it ends."""
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock($1)", WRITE_LOCK)
            self._tx, self._tx_task = conn, asyncio.current_task()
            try:
                yield
            finally:
                self._tx = self._tx_task = None

    @contextlib.contextmanager
    def failed_writes(self) -> Iterator[None]:
        """The server gone or its disk full, mid-write: a WriteFailed (the transaction is gone
        with it, so nothing was saved)."""
        try:
            yield
        except _GONE as exc:
            log.error("a write failed and was rolled back: %s", explain(self.url, exc))
            raise WriteFailed(
                "The database could not be written, so nothing was saved or announced. The "
                "bot's operator can see why in its log; try again later.") from exc

    async def schema_version(self) -> int:
        """The version in `schema_version` (0 before the first migration made it)."""
        async with self._conn() as conn:
            return await self._version(conn)

    @staticmethod
    async def _version(conn: Any) -> int:
        if await conn.fetchval("SELECT to_regclass('schema_version')") is None:
            return 0
        return int(await conn.fetchval("SELECT version FROM schema_version"))

    async def run_script(self, script: str, version: int) -> None:
        """Run a migration in one transaction, under the write lock; skipped if another process
        applied it while we waited for the lock."""
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock($1)", WRITE_LOCK)
            if await self._version(conn) < version:
                await conn.execute(script)

    async def others_committed(self) -> bool:
        """Whether another process changed the catalogue since the last call (it NOTIFYs at
        commit). After the listening connection was lost, listen again and say yes: what was
        sent meanwhile is lost, so the caller reloads."""
        if self._listener is None or self._listener.is_closed():
            await self._listen()
            self._notified = False
            log.warning("listening for other writers again after a lost connection")
            return True
        changed, self._notified = self._notified, False
        return changed

    async def close(self) -> None:
        """Close the listener and the pool."""
        if self._listener is not None:
            await self._listener.close()
        await self._pool.close()
