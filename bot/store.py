"""The only place SQL lives: the catalogue's database and an in-memory view of it.

`Store` is the front door the cogs, the announcer and the command line use; behind it, one part
per concern, all sharing one connection (`db.Database`) and its one way to transact:

- `view`        the current shows and entries in memory, for reads that must not wait
- `catalogue`   writing entries as changes (the single write path), history and undo
- `shows`       adding and saving shows
- `files`       export, import, the packaged seed, backups
- `alerts`      subscriptions and the outbox of deliveries
- `predictions` questions, guesses, scores
- `news`        news sources and the review queue
- `tips`        fans' tips to that queue, and their hourly limit
- `reviews`     the outbox of the review queue's posts
- `reminders`   fans' own reminders and the outbox of their DMs
- `premieres`   the scheduled event per server and season, kept in step with the release
- `migrate`     the numbered schema scripts
- `sqlite`, `postgres`  what each backend does its own way (its dialect)
- `copy`        copying every table into an empty PostgreSQL database
- `rows`        how rows become models
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any, Concatenate, Generic, ParamSpec, Self, TypeVar, overload

from bot.alerts.premieres_store import Premieres
from bot.alerts.store import Alerts
from bot.catalogue.files import EXPORT_FORMAT, IMPORTER, SEED_FILE, Files, ImportReport, parse_catalogue
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
from bot.db.rows import now_iso
from bot.db.sqlite import SQLite
from bot.news.reviews_store import Reviews
from bot.news.store import News
from bot.news.tips_store import Tips
from bot.predictions.store import Predictions
from bot.reminders.store import Reminders

__all__ = ["EXPORT_FORMAT", "IMPORTER", "SEED_FILE", "ImportReport", "Migration", "Store",
           "migrations", "now_iso", "parse_catalogue"]

log = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")
PartT = TypeVar("PartT")


class _Part(Generic[PartT, P, R]):
    """`Store.<name>` is the method of that name on one of the store's parts (its attribute
    `part`): one line per method here, and its signature and docstring stay in one place."""

    def __init__(self, part: str, method: Callable[Concatenate[PartT, P], R]) -> None:
        self.part, self.name, self.__doc__ = part, method.__name__, method.__doc__

    @overload
    def __get__(self, store: None, owner: type[Any]) -> Self: ...
    @overload
    def __get__(self, store: object, owner: type[Any]) -> Callable[P, R]: ...

    def __get__(self, store: object | None, owner: type[Any]) -> Self | Callable[P, R]:
        if store is None:
            return self
        method: Callable[P, R] = getattr(getattr(store, self.part), self.name)
        return method


class Store:
    """The catalogue's database and its in-memory view. Open with `await Store.open(target)`."""

    def __init__(self, database: Database) -> None:
        self._database = database
        # For tests to reach under the parts: SQLite's raw connection, else the Database (both
        # take `await _db.execute(sql, params)`).
        self._db: Any = getattr(database.conn, "raw", database)
        self.path = database.path
        self.name = database.name
        self._view = View(database)
        self._premieres = Premieres(database)
        self._alerts = Alerts(database, self._view, self._premieres)
        self._predictions = Predictions(database, self._view, self._alerts)
        self._reminders = Reminders(database, self._view)
        self._catalogue = Catalogue(database, self._view, self._alerts, self._predictions,
                                    self._reminders, self._premieres)
        self._shows = Shows(database, self._view, self._predictions)
        self._files = Files(database, self._view, self._shows, self._catalogue)
        self._news = News(database, self._view, self._catalogue, self._alerts)
        self._tips = Tips(database, self._view, self._news)
        self._reviews = Reviews(database)
        self._view.on_others_commit = self._others_committed

    # -- opening, closing, migrating ---------------------------------------------------------------

    @classmethod
    async def open(cls, target: Path | str, *, upgrade: bool = True) -> Store:
        """Open (creating if needed) the database, migrate it and load the catalogue.

        `target` is a SQLite file, or a `postgresql://` URL (DATABASE_URL). What cannot be opened
        or read is a StoreError naming DATABASE_PATH or DATABASE_URL and what to do."""
        if postgres.is_url(target):
            url = str(target)
            try:
                conn = await Postgres().connect(url)
                database = Database(conn, Postgres(), f"DATABASE_URL={postgres.shown(url)}", None)
                return await cls._open(database, upgrade)
            except (*Postgres.Error, ValueError) as exc:  # ValueError: a URL asyncpg cannot read
                raise StoreError(postgres.explain(url, exc)) from exc
        path = Path(target)
        try:
            database = Database(await SQLite().connect(path), SQLite(), str(path), path)
            return await cls._open(database, upgrade)
        except SQLite.Error as exc:
            raise StoreError(dbfaults.explain(path, exc)) from exc

    @classmethod
    async def _open(cls, database: Database, upgrade: bool) -> Store:
        store = cls(database)
        try:
            await store._migrator().refuse_newer()
            if upgrade:
                await store.upgrade()
            elif store._migrator().is_current(await store.schema_version()):
                await store._view.load()
            await database.others_committed()  # the baseline for noticing other writers
        except BaseException:
            await database.close()
            raise
        return store

    def is_current(self, version: int) -> bool:
        """Whether `version` is the latest schema version this code knows."""
        return self._migrator().is_current(version)

    def _migrator(self) -> Migrator:
        # `migrations` is looked up here, in bot.store, each time: tests put a broken one there.
        return Migrator(self._database, migrations(self._database.dialect.name))

    async def upgrade(self) -> tuple[int, int]:
        """Apply pending migrations, each atomically; return (version before, version after)."""
        migrator = self._migrator()
        await migrator.refuse_newer()
        start = await self.schema_version()
        async with self._database.lock:
            await migrator.apply_pending()
            await self._view.load()
        return start, await self.schema_version()

    async def copy_to(self, url: str) -> dict[str, int]:
        """Copy everything, ids included, into the empty PostgreSQL database at `url`, in one
        transaction; the rows per table, verified on both sides. Refuses a non-empty target."""
        target = await Store.open(url)
        try:
            return await copy_database(self._database, target._database)
        finally:
            await target.close()

    async def schema_version(self) -> int:
        """The database's schema version (the last migration applied)."""
        return await self._database.schema_version()

    async def close(self) -> None:
        """Close the database connection."""
        await self._database.close()

    async def __aenter__(self) -> Store:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self.close()

    # -- shared state the announcer and tests set --------------------------------------------------

    @property
    def deliveries_queued(self) -> asyncio.Event:
        """Set after a commit that may have queued deliveries; the announcer waits on it."""
        return self._alerts.deliveries_queued

    @deliveries_queued.setter
    def deliveries_queued(self, event: asyncio.Event) -> None:
        self._alerts.deliveries_queued = event

    def _others_committed(self) -> None:
        # Another process's commit may have queued deliveries for this one's shards, or DMs,
        # premiere rows and review posts for shard 0's: every sender looks.
        for event in (self._alerts.deliveries_queued, self._reminders.dms_queued,
                      self._premieres.queued, self._news.reviews_queued):
            event.set()
        self._reminders.untold_stale = True  # and shard 0's may have paused a reminder

    @property
    def reviews_queued(self) -> asyncio.Event:
        """Set after a commit that queued a review post or settled a queue item."""
        return self._news.reviews_queued

    @property
    def dms_queued(self) -> asyncio.Event:
        """Set after a commit that queued reminder DMs; the DM sender waits on it."""
        return self._reminders.dms_queued

    @property
    def premieres_queued(self) -> asyncio.Event:
        """Set after a commit that marked premiere rows; the event sender waits on it."""
        return self._premieres.queued

    @property
    def untold(self) -> set[int]:
        """People with a newly paused reminder they have not been told about."""
        return self._reminders.untold

    @property
    def clock(self) -> Callable[[], dt.datetime]:
        """What time it is for predictions' closing times (tests move it forward)."""
        return self._predictions.clock

    @clock.setter
    def clock(self, clock: Callable[[], dt.datetime]) -> None:
        self._predictions.clock = clock

    # -- settings ----------------------------------------------------------------------------------

    async def setting(self, key: str) -> str | None:
        """A value kept with `set_setting` (the synced commands' hash), or None."""
        value = await self._database.value("SELECT value FROM setting WHERE key = ?", (key,))
        return None if value is None else str(value)

    async def set_setting(self, key: str, value: str) -> None:
        """Keep a value under a key, replacing the one before."""
        async with self._database.lock:
            await self._database.execute(
                "INSERT INTO setting (key, value) VALUES (?, ?) ON CONFLICT (key) "
                "DO UPDATE SET value = excluded.value", (key, value))

    # -- the catalogue in memory (no awaits, but for catching up with other processes) -------------

    shows = _Part("_view", View.shows)
    show_by_slug = _Part("_view", View.show_by_slug)
    show = _Part("_view", View.show)
    entries = _Part("_view", View.entries)
    entry_by_id = _Part("_view", View.entry_by_id)
    revision = _Part("_view", View.revision)
    change_count = _Part("_view", View.change_count)
    last_change = _Part("_view", View.last_change)
    entry = _Part("_view", View.entry)
    person_key = _Part("_view", View.person_key)
    entry_version = _Part("_view", View.entry_version)
    refresh_if_changed = _Part("_view", View.refresh_if_changed)

    # -- writing entries, history ------------------------------------------------------------------

    write = _Part("_catalogue", Catalogue.write)
    undo = _Part("_catalogue", Catalogue.undo)
    change = _Part("_catalogue", Catalogue.change)
    changes = _Part("_catalogue", Catalogue.changes)
    count_changes = _Part("_catalogue", Catalogue.count_changes)
    recent_changes = _Part("_catalogue", Catalogue.recent_changes)

    # -- shows, files ------------------------------------------------------------------------------

    add_show = _Part("_shows", Shows.add_show)
    update_show = _Part("_shows", Shows.update_show)
    export = _Part("_files", Files.export)
    import_data = _Part("_files", Files.import_data)
    seed_if_empty = _Part("_files", Files.seed_if_empty)
    backup = _Part("_files", Files.backup)

    # -- alerts: subscriptions and the outbox ------------------------------------------------------

    subscribe = _Part("_alerts", Alerts.subscribe)
    unsubscribe = _Part("_alerts", Alerts.unsubscribe)
    subscriptions = _Part("_alerts", Alerts.subscriptions)
    subscriptions_by_id = _Part("_alerts", Alerts.subscriptions_by_id)
    pause_subscriptions = _Part("_alerts", Alerts.pause_subscriptions)
    pause_channel = _Part("_alerts", Alerts.pause_channel)
    remove_channel = _Part("_alerts", Alerts.remove_channel)
    remove_guild = _Part("_alerts", Alerts.remove_guild)
    set_subscription_warning = _Part("_alerts", Alerts.set_subscription_warning)
    due_deliveries = _Part("_alerts", Alerts.due_deliveries)
    next_delivery_time = _Part("_alerts", Alerts.next_delivery_time)
    next_lease_expiry = _Part("_alerts", Alerts.next_lease_expiry)
    batch_deliveries = _Part("_alerts", Alerts.batch_deliveries)
    deliveries = _Part("_alerts", Alerts.deliveries)
    start_attempt = _Part("_alerts", Alerts.start_attempt)
    mark_delivered = _Part("_alerts", Alerts.mark_delivered)
    retry_later = _Part("_alerts", Alerts.retry_later)
    skip_deliveries = _Part("_alerts", Alerts.skip_deliveries)
    mark_failed = _Part("_alerts", Alerts.mark_failed)
    resume_in_flight = _Part("_alerts", Alerts.resume_in_flight)
    take_over_claims = _Part("_alerts", Alerts.take_over_claims)
    release_claims = _Part("_alerts", Alerts.release_claims)
    delivery_counts = _Part("_alerts", Alerts.delivery_counts)

    # -- predictions -------------------------------------------------------------------------------

    open_prediction = _Part("_predictions", Predictions.open_prediction)
    prediction = _Part("_predictions", Predictions.prediction)
    predictions = _Part("_predictions", Predictions.predictions)
    guess = _Part("_predictions", Predictions.guess)
    add_guesses = _Part("_predictions", Predictions.add_guesses)
    resolve_prediction = _Part("_predictions", Predictions.resolve_prediction)
    answer_counts = _Part("_predictions", Predictions.answer_counts)
    user_guesses = _Part("_predictions", Predictions.user_guesses)
    ranking = _Part("_predictions", Predictions.ranking)
    prediction_event = _Part("_predictions", Predictions.prediction_event)
    last_resolved = _Part("_predictions", Predictions.last_resolved)
    leaderboard = _Part("_predictions", Predictions.leaderboard)

    # -- news intake: sources, the review queue and its posts -------------------------------------

    add_source = _Part("_news", News.add_source)
    sources = _Part("_news", News.sources)
    remove_source = _Part("_news", News.remove_source)
    due_sources = _Part("_news", News.due_sources)
    next_poll_time = _Part("_news", News.next_poll_time)
    reschedule_sources = _Part("_news", News.reschedule_sources)
    source_failed = _Part("_news", News.source_failed)
    source_fetched = _Part("_news", News.source_fetched)
    source_unchanged = _Part("_news", News.source_unchanged)
    in_timeline = _Part("_news", News.in_timeline)
    queue_tip = _Part("_tips", Tips.queue_tip)
    tips_since = _Part("_tips", Tips.tips_since)
    queued_link = _Part("_tips", Tips.queued_link)
    queue_item = _Part("_news", News.queue_item)
    pending_items = _Part("_news", News.pending_items)
    dismiss_item = _Part("_news", News.dismiss_item)
    publish_item = _Part("_news", News.publish_item)
    due_reviews = _Part("_reviews", Reviews.due_reviews)
    unsynced_reviews = _Part("_reviews", Reviews.unsynced_reviews)
    next_review_time = _Part("_reviews", Reviews.next_review_time)
    claim_review = _Part("_reviews", Reviews.claim_review)
    review_done = _Part("_reviews", Reviews.review_done)
    review_synced = _Part("_reviews", Reviews.review_synced)
    resume_reviews = _Part("_reviews", Reviews.resume_reviews)

    # -- fans' own reminders and their DMs ---------------------------------------------------------

    add_reminder = _Part("_reminders", Reminders.add)
    reminders_of = _Part("_reminders", Reminders.of_user)
    reminder = _Part("_reminders", Reminders.reminder)
    stop_reminders = _Part("_reminders", Reminders.stop)
    pause_reminder = _Part("_reminders", Reminders.pause)
    load_untold = _Part("_reminders", Reminders.load_untold)
    is_untold = _Part("_reminders", Reminders.is_untold)
    mark_told = _Part("_reminders", Reminders.mark_told)
    due_dms = _Part("_reminders", Reminders.due_dms)
    next_dm_time = _Part("_reminders", Reminders.next_dm_time)
    dms = _Part("_reminders", Reminders.dms)
    claim_dm = _Part("_reminders", Reminders.claim_dm)
    dm_delivered = _Part("_reminders", Reminders.dm_delivered)
    dm_retry_later = _Part("_reminders", Reminders.dm_retry_later)
    dm_failed = _Part("_reminders", Reminders.dm_failed)
    resume_dms_in_flight = _Part("_reminders", Reminders.resume_dms_in_flight)

    # -- premiere events ---------------------------------------------------------------------------

    queue_premieres = _Part("_premieres", Premieres.queue)
    premieres = _Part("_premieres", Premieres.premieres)
    premiere_wanted = _Part("_premieres", Premieres.premiere_wanted)
    due_premieres = _Part("_premieres", Premieres.due_premieres)
    next_premiere_time = _Part("_premieres", Premieres.next_premiere_time)
    claim_premiere = _Part("_premieres", Premieres.claim_premiere)
    settle_premiere = _Part("_premieres", Premieres.settle_premiere)
    retry_premiere = _Part("_premieres", Premieres.retry_premiere)
    block_premiere = _Part("_premieres", Premieres.block_premiere)
    resume_premieres_in_flight = _Part("_premieres", Premieres.resume_premieres_in_flight)
