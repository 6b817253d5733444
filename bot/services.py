"""The composition root: the database, the one send budget, every background task and what the
cogs share are built here, once. The bot (bot/app.py) starts them all from `setup_hook` and stops
them at `close`; each cog's `setup` passes its part to the cog's constructor."""

from __future__ import annotations

import asyncio
import logging
from typing import Protocol

import discord
from aiohttp import web

from bot.alerts.announcements import render_announcement
from bot.alerts.announcer import Announcer
from bot.alerts.notify import notify_view
from bot.alerts.premieres import EventSender
from bot.catalogue.previews import Previews
from bot.config import Settings
from bot.interactions.access import Access, home_roles
from bot.listings.flow import ImportFlow
from bot.listings.imports import Importer
from bot.listings.tvmaze import TVmaze
from bot.listings.watch import Watcher
from bot.news.fetch import Fetcher
from bot.news.poller import Poller
from bot.news.review import ReviewSender
from bot.outbox.budget import SendBudget
from bot.reminders.sender import DMSender
from bot.store import Store
from bot.web.health import Health, gateway_of
from bot.web.ops import ops_routes
from bot.web.pages import Pages
from bot.web.server import WebServer

log = logging.getLogger(__name__)

# Other processes' commits reach the in-memory view within a second (a PostgreSQL NOTIFY is
# only looked at here; SQLite's data_version is one cheap PRAGMA).
DB_WATCH_SECONDS = 0.5


class Task(Protocol):
    """A background task: started once the bot is set up, stopped at close."""

    def start(self) -> None: ...

    async def stop(self) -> None: ...


async def open_store(settings: Settings) -> Store:
    """The database, migrated, with the seed catalogue on first start."""
    store = await Store.open(settings.database)
    try:
        await store.files.seed_if_empty()
    except BaseException:
        await store.close()
        raise
    return store


def holds_shard_zero(settings: Settings) -> bool:
    """Whether this process syncs the commands, sends direct messages (Discord routes DMs to
    shard 0), keeps premiere events, polls the news feeds, watches the listings and posts the
    reviews: the one holding shard 0, or the only process. The others would only race it for
    the same rows."""
    return settings.shards is None or 0 in settings.shards.ids


class Services:
    """Everything the cogs and the background tasks share, for one client (the bot)."""

    def __init__(self, settings: Settings, store: Store, client: discord.Client) -> None:
        self.settings = settings
        self.store = store
        self.access = Access(settings, lambda guild_id, user_id: home_roles(client, guild_id, user_id))
        self.announcer = Announcer(store, client, rate=settings.announce_share,
                                   shards=settings.shards, lease=settings.delivery_lease)
        # Announcements that ping a role carry `Notify me` (answered by cogs/remind.py).
        self.announcer.buttons = notify_view
        # One budget: reminder DMs, premiere events, review posts and `Notify me` role changes
        # spend the announcer's, so together they stay within ANNOUNCE_RATE.
        self.budget: SendBudget = self.announcer.budget
        self.dm_sender = DMSender(store, client, self.budget)
        self.event_sender = EventSender(store, client, self.budget, hour=settings.release_hour_utc)
        self.poller = Poller(store, Fetcher(allow_private=settings.feeds_allow_private),
                             interval=settings.feed_poll_minutes * 60,
                             review_channel=settings.review_channel_id)
        self.reviews = (ReviewSender(store, client, self.budget)
                        if settings.review_channel_id else None)
        self.previews = Previews(store.view, render_announcement)
        # One TVmaze client for the import and the watch: their requests share its pace.
        self.tvmaze = TVmaze(settings.tvmaze_api_base, allow_private=settings.feeds_allow_private)
        # `/shows import`; the watch adds its "check this show now" to `importer.on_linked`.
        self.importer = Importer(store.database, store.view, store.shows, store.catalogue, store.listings,
                                 store.proposals, self.tvmaze,
                                 poll_seconds=settings.listings_poll_hours * 3600)
        self.imports = ImportFlow(self.importer)
        # The watch: linked shows checked every LISTINGS_POLL_HOURS, differences proposed in the
        # review queue; a show linked by /shows import is checked at once.
        self.watcher = Watcher(store, self.tvmaze, interval=settings.listings_poll_hours * 3600,
                               review_channel=settings.review_channel_id)
        self.importer.on_linked.append(self.watcher.linked)
        # What /healthz judges and /metrics reads at scrape time: the client's gateway is
        # handed over as a callable, so bot/web never imports the bot.
        self.health = Health(store, lambda: gateway_of(client))
        # The season pages and feeds, when WEB_PORT is set; every process may serve its own.
        self.pages = Pages(store.view, store.catalogue, settings.public_url)
        self.announcer.page_url = self.pages.page_url  # announcements link the page (PUBLIC_URL)
        self.web = (WebServer(settings.web_host, settings.web_port, self.pages.routes(),
                              extra_routes=self.operator_routes(), error_page=self.pages.error_page)
                    if settings.web_port is not None else None)
        self._watcher: asyncio.Task[None] | None = None

    @property
    def holds_shard_zero(self) -> bool:
        return holds_shard_zero(self.settings)

    def operator_routes(self) -> list[web.RouteDef]:
        """What the web server serves beside the pages, for operators (`/healthz`, `/metrics`)."""
        return ops_routes(self.health)

    def everywhere(self) -> list[Task]:
        """What every process runs: each announces to the servers on its own shards, and serves
        the web pages if WEB_PORT is set."""
        return [self.announcer, *([self.web] if self.web is not None else [])]

    def shard_zero_duties(self) -> list[Task]:
        """What only the process holding shard 0 runs."""
        duties: list[Task] = [self.dm_sender, self.event_sender, self.poller, self.watcher]
        return duties + ([self.reviews] if self.reviews is not None else [])

    def start(self) -> None:
        """Start the background tasks: the senders wait for the client to be ready and resume
        what a stopped process left; the database watch picks up other processes' commits."""
        if self.settings.feed_poll_minutes < 5:
            log.info("FEED_POLL_MINUTES=%g: under 5 minutes is for tests and the sandbox; feeds' "
                     "servers may block a bot that polls this often", self.settings.feed_poll_minutes)
        if self.settings.listings_poll_hours < 1:
            log.info("LISTINGS_POLL_HOURS=%g: under an hour is for tests and the sandbox; TVmaze "
                     "asks for restraint", self.settings.listings_poll_hours)
        duties = self.everywhere() + (self.shard_zero_duties() if self.holds_shard_zero else [])
        for task in duties:
            task.start()
        self._watcher = asyncio.create_task(self._follow_database(), name="seasonwatch-db-watch")

    async def stop(self) -> None:
        """Stop every task, started or not (the poller's connections close either way); unsent
        rows stay in their outboxes for the next start."""
        if self._watcher is not None:
            self._watcher.cancel()
        for task in self.everywhere() + self.shard_zero_duties():
            await task.stop()
        await self.tvmaze.close()

    async def _follow_database(self) -> None:
        """Pick up what other processes (`seasonwatch import`) commit, every few seconds."""
        while True:
            await asyncio.sleep(DB_WATCH_SECONDS)
            try:
                await self.store.view.refresh_if_changed()
            except Exception:
                log.exception("checking the database for other writers failed")
