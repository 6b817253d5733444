"""The two backends' migrations build the same schema: the same tables, the same columns, the
same columns required, so that code and `db copy` written against one hold on the other."""

from bot.store import Store

# Where each backend keeps its schema version (SQLite: PRAGMA user_version).
BOOKKEEPING = {"schema_version"}


async def sqlite_schema(store: Store) -> dict[str, dict[str, bool]]:
    db = store.database
    tables = [row[0] for row in await db.fetchall(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    schema = {}
    for table in tables:
        columns = await db.fetchall(f"PRAGMA table_info({table})")
        # A primary key column is required whatever its declaration says.
        schema[table] = {c["name"]: bool(c["notnull"] or c["pk"]) for c in columns}
    return schema


async def postgresql_schema(store: Store) -> dict[str, dict[str, bool]]:
    rows = await store.database.fetchall(
        "SELECT table_name, column_name, is_nullable FROM information_schema.columns "
        "WHERE table_schema = 'public'")
    schema: dict[str, dict[str, bool]] = {}
    for row in rows:
        if row["table_name"] not in BOOKKEEPING:
            schema.setdefault(row["table_name"], {})[row["column_name"]] = row["is_nullable"] == "NO"
    return schema


async def test_both_backends_migrate_to_the_same_tables_columns_and_required_columns(tmp_path, pg_server):
    url = await pg_server.create()
    try:
        async with await Store.open(tmp_path / "parity.db") as lite, await Store.open(url) as pg:
            assert await lite.schema_version() == await pg.schema_version()
            mine, theirs = await sqlite_schema(lite), await postgresql_schema(pg)
    finally:
        await pg_server.drop(url)
    assert sorted(mine) == sorted(theirs)
    for table in mine:
        assert mine[table] == theirs[table], table
