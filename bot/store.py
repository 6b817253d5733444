"""The database, opened once, and each feature's store on it.

`Store` opens (and migrates) the database and builds every feature's store on its one connection
(`db.Database`) and its one way to transact; callers use the store of the feature they need,
`store.alerts.subscribe(...)`, so each depends on that feature's queries only:

- `view`        the current shows and entries in memory, for reads that must not wait
- `catalogue`   writing entries as changes (the single write path), history and undo
- `shows`       adding and saving shows
- `files`       export, import, the packaged seed, backups
- `alerts`      subscriptions and the outbox of deliveries
- `predictions` questions, guesses, scores
- `news`        news sources and the review queue
- `tips`        fans' tips to that queue, and their hourly limit
- `reviews`     the outbox of the review queue's posts
- `proposals`   listed facts that differ from the catalogue, queued for review
- `reminders`   fans' own reminders and the outbox of their DMs
- `premieres`   the scheduled event per server and season, kept in step with the release
- `listings`    shows linked to a listings database (TVmaze) and how checking them goes
- `migrate`     the numbered schema scripts
- `sqlite`, `postgres`  what each backend does its own way (its dialect)
- `copy`        copying every table into an empty PostgreSQL database
- `rows`        how rows become models
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from bot.alerts.premieres_store import Premieres
from bot.alerts.store import Alerts
from bot.catalogue.files import Files
from bot.catalogue.shows import Shows
from bot.catalogue.store import Catalogue
from bot.catalogue.view import View
from bot.core.errors import StoreError
from bot.db import faults as dbfaults
from bot.db import postgres
from bot.db.connection import Database
from bot.db.copy import copy_database
from bot.db.migrate import Migration, Migrator, migrations
from bot.db.postgres import Postgres
from bot.db.sqlite import SQLite
from bot.listings.store import Listings
from bot.news.proposals_store import Proposals
from bot.news.reviews_store import Reviews
from bot.news.store import News
from bot.news.tips_store import Tips
from bot.predictions.rules import score
from bot.predictions.store import Predictions
from bot.reminders.store import Reminders

log = logging.getLogger(__name__)
# How `seasonwatch db copy URL` names its target in messages: the argument the user gave.
COPY_TARGET = "db copy target"

# The migration scripts for a backend ("sqlite", "postgresql"): the packaged ones unless given.
MigrationSource = Callable[[str], list[Migration]]

class Store:
    """The catalogue's database and its in-memory view. Open with `await Store.open(target)`."""

    def __init__(self, database: Database, migrations: MigrationSource = migrations) -> None:
        self.database = database
        self.path = database.path
        self.name = database.name
        self._migrations = migrations
        self.view = View(database)
        self.premieres = Premieres(database)
        self.alerts = Alerts(database, self.view, self.premieres)
        self.predictions = Predictions(database, self.view, self.alerts)
        self.reminders = Reminders(database, self.view)
        # Every change is followed, in its transaction, by the features that act on it.
        self.catalogue = Catalogue(database, self.view,
                                   (self.alerts, self.reminders, self.premieres, self.predictions))
        self.shows = Shows(database, self.view, on_archive=(self.predictions.close_show,))
        self.files = Files(database, self.view, self.shows, self.catalogue)
        self.news = News(database, self.view, self.catalogue, self.alerts)
        self.tips = Tips(database, self.view, self.news)
        self.reviews = Reviews(database)
        self.proposals = Proposals(database, self.news)
        self.listings = Listings(database)
        self.view.on_others_commit = self._others_committed

    # -- opening, closing, migrating ---------------------------------------------------------------

    @classmethod
    async def open(cls, target: Path | str, *, upgrade: bool = True,
                   migrations: MigrationSource = migrations, setting: str = "DATABASE_URL") -> Store:
        """Open (creating if needed) the database, migrate it and load the catalogue.

        `target` is a SQLite file, or a `postgresql://` URL given in `setting` (DATABASE_URL, or
        a command's argument such as `db copy`'s target). What cannot be opened or read is a
        StoreError naming DATABASE_PATH or the URL's setting, and what to do. `migrations`
        gives the scripts for a backend (by default the packaged ones)."""
        if postgres.is_url(target):
            url = str(target)
            try:
                conn = await Postgres().connect(url)
                database = Database(conn, Postgres(), postgres.named(url, setting), None, setting)
                return await cls._open(database, upgrade, migrations)
            except (*Postgres.Error, ValueError) as exc:  # ValueError: a URL asyncpg cannot read
                raise StoreError(postgres.explain(url, exc, setting)) from exc
        path = Path(target)
        try:
            dialect = SQLite({"prediction_score": score})  # PostgreSQL's is in its migration
            database = Database(await dialect.connect(path), dialect, str(path), path)
            return await cls._open(database, upgrade, migrations)
        except SQLite.Error as exc:
            raise StoreError(dbfaults.explain(path, exc)) from exc

    @classmethod
    async def _open(cls, database: Database, upgrade: bool, migrations: MigrationSource) -> Store:
        store = cls(database, migrations)
        try:
            await store._migrator().refuse_newer()
            if upgrade:
                await store.upgrade()
            elif store._migrator().is_current(await store.schema_version()):
                await store.view.load()
            await database.others_committed()  # the baseline for noticing other writers
        except BaseException:
            await database.close()
            raise
        return store

    def is_current(self, version: int) -> bool:
        """Whether `version` is the latest schema version this code knows."""
        return self._migrator().is_current(version)

    def _migrator(self) -> Migrator:
        return Migrator(self.database, self._migrations(self.database.dialect.name))

    async def upgrade(self) -> tuple[int, int]:
        """Apply pending migrations, each atomically; return (version before, version after)."""
        migrator = self._migrator()
        await migrator.refuse_newer()
        start = await self.schema_version()
        async with self.database.lock:
            await migrator.apply_pending()
            await self.view.load()
        return start, await self.schema_version()

    async def copy_to(self, url: str) -> dict[str, int]:
        """Copy everything, ids included, into the empty PostgreSQL database at `url`, in one
        transaction; the rows per table, verified on both sides. Refuses a non-empty target."""
        target = await Store.open(url, setting=COPY_TARGET)
        try:
            return await copy_database(self.database, target.database)
        except Postgres.Error as exc:
            if self.database.dialect.name == "postgresql":
                raise  # both are PostgreSQL: which one failed, only the driver can say
            raise StoreError(postgres.explain(url, exc, COPY_TARGET)) from exc
        finally:
            await target.close()

    async def schema_version(self) -> int:
        """The database's schema version (the last migration applied)."""
        return await self.database.schema_version()

    async def close(self) -> None:
        """Close the database connection."""
        await self.database.close()

    async def __aenter__(self) -> Store:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self.close()

    def _others_committed(self) -> None:
        # Another process's commit may have queued deliveries for this one's shards, or DMs,
        # premiere rows and review posts for shard 0's: every sender looks.
        for event in (self.alerts.deliveries_queued, self.reminders.dms_queued,
                      self.premieres.queued, self.news.reviews_queued):
            event.set()
        self.reminders.untold_stale = True  # and shard 0's may have paused a reminder

    # -- settings ----------------------------------------------------------------------------------

    async def setting(self, key: str) -> str | None:
        """A value kept with `set_setting` (the synced commands' hash), or None."""
        value = await self.database.value("SELECT value FROM setting WHERE key = ?", (key,))
        return None if value is None else str(value)

    async def set_setting(self, key: str, value: str) -> None:
        """Keep a value under a key, replacing the one before."""
        async with self.database.lock:
            await self.database.execute(
                "INSERT INTO setting (key, value) VALUES (?, ?) ON CONFLICT (key) "
                "DO UPDATE SET value = excluded.value", (key, value))
