"""Schema migrations: numbered, atomic, and never run backwards, on both backends."""

import asyncio
import sqlite3

import pytest

from bot.core.errors import StoreError
from bot.db.migrate import Migration, migrations
from bot.store import Store

# A migration that fails half-way, in each backend's form (PostgreSQL's runner adds the
# transaction; SQLite's scripts carry their own).
BROKEN = {
    "sqlite": "BEGIN; CREATE TABLE half_done (x); INSERT INTO no_such_table VALUES (1);"
              " PRAGMA user_version = {v}; COMMIT;",
    "postgresql": "CREATE TABLE half_done (x INTEGER); INSERT INTO no_such_table VALUES (1);"
                  " UPDATE schema_version SET version = {v};",
}
TABLE_COUNT = {
    "sqlite": "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?",
    "postgresql": "SELECT count(*) FROM pg_tables WHERE tablename = ?",
}
SET_VERSION = {"sqlite": "PRAGMA user_version = 999", "postgresql": "UPDATE schema_version SET version = 999"}


async def test_an_empty_database_is_migrated_to_the_latest_version(new_database, backend):
    store = await Store.open(await new_database(), upgrade=False)
    try:
        assert await store.schema_version() == 0
        assert await store.upgrade() == (0, len(migrations(backend)))
    finally:
        await store.close()


async def test_both_backends_know_the_same_migrations():
    assert [m.name for m in migrations("sqlite")] == [m.name for m in migrations("postgresql")]


async def test_upgrading_again_is_a_no_op(new_database, backend):
    target = await new_database()
    await (await Store.open(target)).close()
    store = await Store.open(target)
    try:
        latest = len(migrations(backend))
        assert await store.upgrade() == (latest, latest)
    finally:
        await store.close()


async def test_a_failing_migration_leaves_the_version_and_schema_unchanged(new_database, backend):
    target = await new_database()
    good = migrations(backend)
    broken = Migration(len(good) + 1, "9999_broken.sql", BROKEN[backend].format(v=len(good) + 1))
    with pytest.raises(StoreError, match=r"9999_broken\.sql"):
        await Store.open(target, migrations=lambda backend: [*good, broken])
    store = await Store.open(target, upgrade=False)
    try:
        assert await store.schema_version() == len(good)
        assert await store.database.value(TABLE_COUNT[backend], ("half_done",)) == 0
    finally:
        await store.close()


async def test_a_database_newer_than_the_code_is_refused(new_database, backend):
    target = await new_database()
    store = await Store.open(target)
    await store.database.execute(SET_VERSION[backend])
    await store.close()
    with pytest.raises(StoreError, match="newer than this seasonwatch"):
        await Store.open(target)


def test_a_sqlite_database_newer_than_the_code_is_refused_before_anything_is_written(tmp_path):
    path = tmp_path / "db.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA user_version = 999")
    with pytest.raises(StoreError, match=r"newer than this seasonwatch.*DATABASE_PATH"):
        asyncio.run(Store.open(path))


def test_every_migration_sets_its_own_version_inside_a_transaction():
    for migration in migrations():
        script = migration.script
        assert "\nBEGIN;\n" in script
        assert f"PRAGMA user_version = {migration.version};" in script
        assert script.rstrip().endswith("COMMIT;")
    for migration in migrations("postgresql"):  # the runner wraps each in a transaction
        assert migration.script.rstrip().endswith(f"UPDATE schema_version SET version = {migration.version};")
        assert "BEGIN;" not in migration.script and "COMMIT;" not in migration.script
