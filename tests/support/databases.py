"""Which database a store or a bot uses, as `Store.open` takes it: a SQLite file or a PostgreSQL URL."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def target_of(store: Any) -> Path | str:
    """What `Store.open` opened: the SQLite file or the PostgreSQL URL."""
    return store.path or store.database.conn.url


def database_of(env: dict[str, str]) -> str:
    """The database a bot with this environment uses: DATABASE_URL if set, else the file."""
    return env.get("DATABASE_URL") or env["DATABASE_PATH"]
