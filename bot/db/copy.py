"""Copying every table, ids included, from one database into an empty PostgreSQL one, in one
transaction, and verifying the counts (`seasonwatch db copy URL`)."""

from __future__ import annotations

import logging

from bot.core.errors import StoreError
from bot.db.connection import Database

log = logging.getLogger(__name__)

# Parents before children, so every foreign key finds its row already copied.
TABLES = ("show", "entry", "change", "subscription", "prediction", "guess", "prediction_event",
          "delivery", "setting", "news_source", "news_seen", "news_item", "reminder", "dm",
          "premiere", "listing_link", "proposal_memory")
_WITH_IDS = frozenset(TABLES) - {"setting", "news_seen", "proposal_memory"}
# An identity column given explicit ids does not move on by itself: start after the largest.
_RESET_IDS = "SELECT setval(pg_get_serial_sequence('{0}', 'id'), max(id)) FROM {0}"


async def counts(db: Database) -> dict[str, int]:
    """How many rows each table holds."""
    return {table: int(await db.value(f"SELECT count(*) FROM {table}")) for table in TABLES}


async def copy_database(source: Database, target: Database) -> dict[str, int]:
    """Copy every row of `source` into `target` (empty, PostgreSQL) in one transaction; the
    counts, verified equal on both sides before the commit."""
    if target.dialect.name != "postgresql":
        raise StoreError("db copy: the target must be a PostgreSQL database (postgresql://…)")
    async with source.lock, target.lock:
        already = {t: n for t, n in (await counts(target)).items() if n}
        if already:
            held = ", ".join(f"{n} {t}" for t, n in already.items())
            raise StoreError(f"{target.name} is not empty ({held}); copy only into an empty "
                             "database")
        # The source's write transaction: nobody writes there while we read, so the tables agree.
        async with source.transaction(tell_user=False), target.transaction(tell_user=False):
            copied = {table: await _copy_table(source, target, table) for table in TABLES}
            found = await counts(target)
            if found != copied or await counts(source) != copied:
                raise StoreError(f"db copy: counts differ after copying ({copied} vs {found}); "
                                 "nothing was committed")
    log.info("copied %s into %s", copied, target.name)
    return copied


async def _copy_table(source: Database, target: Database, table: str) -> int:
    order = " ORDER BY id" if table in _WITH_IDS else ""
    rows = await source.fetchall(f"SELECT * FROM {table}{order}")
    if not rows:
        return 0
    columns = list(rows[0].keys())
    marks = ", ".join("?" * len(columns))
    await target.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                             [tuple(row) for row in rows])
    if table in _WITH_IDS:
        await target.execute(_RESET_IDS.format(table))
    return len(rows)
