"""The schema's migrations: numbered scripts in `bot/db/migrations` (SQLite) and
`bot/db/migrations/postgresql` (the same schema in PostgreSQL's DDL), each applied atomically, and a
database newer than the code refused."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

from bot.core.errors import StoreError
from bot.db.connection import Database

log = logging.getLogger(__name__)

_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


@dataclass(frozen=True)
class Migration:
    """One numbered schema script."""

    version: int
    name: str
    script: str


def migrations(backend: str = "sqlite") -> list[Migration]:
    """The packaged migrations for a backend ("sqlite" or "postgresql"), in order."""
    folder = resources.files("bot.db.migrations")
    if backend != "sqlite":
        folder = folder / backend
    found = []
    for item in folder.iterdir():
        match = _MIGRATION_NAME.match(item.name)
        if match:
            found.append(Migration(int(match.group(1)), item.name, item.read_text("utf-8")))
    found.sort(key=lambda m: m.version)
    if [m.version for m in found] != list(range(1, len(found) + 1)):
        raise StoreError("migrations must be numbered 0001, 0002, … without gaps")
    return found


class Migrator:
    """Brings a database up to the migrations this code knows (`known`, in order)."""

    def __init__(self, db: Database, known: Sequence[Migration]) -> None:
        self._db = db
        self.known = known

    async def refuse_newer(self) -> None:
        """Raise StoreError if the database was migrated by a newer seasonwatch."""
        current, latest = await self._db.schema_version(), len(self.known)
        if current > latest:
            raise StoreError(
                f"{self._db.name} is at schema version {current}, newer than this seasonwatch "
                f"(knows up to {latest}); upgrade seasonwatch or use another {self._db.setting}"
            )

    def is_current(self, version: int) -> bool:
        """Whether `version` is the latest the code knows."""
        return version == len(self.known)

    async def apply_pending(self) -> None:
        """Apply, in order, every migration past the database's version (the caller holds the lock)."""
        for migration in self.known:
            if migration.version <= await self._db.schema_version():
                continue
            await self._apply(migration)

    async def _apply(self, migration: Migration) -> None:
        try:
            await self._db.conn.run_script(migration.script, migration.version)
        except self._db.dialect.Error as exc:
            raise StoreError(f"migration {migration.name} failed: {exc}") from exc
        if await self._db.schema_version() != migration.version:
            raise StoreError(f"migration {migration.name} did not set the schema version")
        log.info("applied migration %s", migration.name)
