"""Schema migrations: numbered, atomic, and never run backwards."""

import sqlite3

import pytest

from bot import store as store_module
from bot.errors import StoreError
from bot.store import Migration, Store, migrations


async def test_an_empty_database_is_migrated_to_the_latest_version(tmp_path):
    store = await Store.open(tmp_path / "db.sqlite", upgrade=False)
    try:
        assert await store.schema_version() == 0
        assert await store.upgrade() == (0, len(migrations()))
    finally:
        await store.close()


async def test_upgrading_again_is_a_no_op(tmp_path):
    path = tmp_path / "db.sqlite"
    await (await Store.open(path)).close()
    store = await Store.open(path)
    try:
        latest = len(migrations())
        assert await store.upgrade() == (latest, latest)
    finally:
        await store.close()


async def test_a_failing_migration_leaves_the_version_and_schema_unchanged(tmp_path, monkeypatch):
    path = tmp_path / "db.sqlite"
    good = migrations()
    broken = Migration(
        len(good) + 1,
        "9999_broken.sql",
        "BEGIN; CREATE TABLE half_done (x); INSERT INTO no_such_table VALUES (1);"
        f" PRAGMA user_version = {len(good) + 1}; COMMIT;",
    )
    monkeypatch.setattr(store_module, "migrations", lambda: [*good, broken])
    with pytest.raises(StoreError, match=r"9999_broken\.sql"):
        await Store.open(path)
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == len(good)
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "half_done" not in tables


async def test_a_database_newer_than_the_code_is_refused(tmp_path):
    path = tmp_path / "db.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA user_version = 999")
    with pytest.raises(StoreError, match="newer than this seasonwatch"):
        await Store.open(path)


def test_every_migration_sets_its_own_version_inside_a_transaction():
    for migration in migrations():
        script = migration.script
        assert "\nBEGIN;\n" in script
        assert f"PRAGMA user_version = {migration.version};" in script
        assert script.rstrip().endswith("COMMIT;")
