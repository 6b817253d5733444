"""The bot process: the Bot subclass, its command tree, and how it is started and stopped."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gc
import hashlib
import json
import logging
import signal
from collections.abc import AsyncIterator, Sequence
from typing import Any

import discord
import yarl
from discord import app_commands
from discord.ext import commands

from bot.alerts.announcer import Announcer
from bot.alerts.premieres import EventSender
from bot.config import ConfigError, Settings
from bot.i18n import CatalogueTranslator, lang_of, t
from bot.interactions.access import Access
from bot.interactions.replies import NO_MENTIONS, outcome_of, reply, reply_error
from bot.metrics import count_interaction, http_trace
from bot.reminders.sender import DMSender
from bot.services import Services, holds_shard_zero, open_store
from bot.store import Store

log = logging.getLogger(__name__)

DRAIN_SECONDS = 10.0
OUTCOME = "seasonwatch.outcome"  # in interaction.extras: what an error made of the command
# What the bot loads: each module's `setup` gives its cog what it needs from `bot.services`
# (built in bot/services.py); helpers live in bot/, not here.
EXTENSIONS = ("cogs.about", "cogs.alerts", "cogs.editors", "cogs.fans", "cogs.news", "cogs.predict",
              "cogs.remind", "cogs.shows")


class SeasonTree(app_commands.CommandTree["SeasonwatchBot"]):
    """The command tree: counts work in flight and turns every error into an ephemeral reply."""

    def __init__(self, client: SeasonwatchBot) -> None:
        super().__init__(client)
        self.in_flight: set[asyncio.Task[object]] = set()
        self.draining = False

    async def interaction_check(self, interaction: discord.Interaction[SeasonwatchBot]) -> bool:
        return await self.admit(interaction)

    async def admit(self, interaction: discord.Interaction[SeasonwatchBot]) -> bool:
        """Refuse work while shutting down; otherwise count it as in flight until it ends."""
        if self.draining:
            if interaction.command is not None:  # buttons and forms pass this gate too
                count_interaction(command_name(interaction), "refused")
            await reply(interaction, t(lang_of(interaction), "The bot is restarting; try again in a minute."),
                        best_effort=True)
            return False
        task = asyncio.current_task()
        if task is not None:
            self.in_flight.add(task)
            task.add_done_callback(self.in_flight.discard)
            if interaction.type is discord.InteractionType.application_command:
                # Counted as the command's task ends: `on_error` has said by then if it failed.
                task.add_done_callback(functools.partial(count_ended, interaction))
        return True

    async def on_error(
        self, interaction: discord.Interaction[SeasonwatchBot], error: app_commands.AppCommandError
    ) -> None:
        interaction.extras[OUTCOME] = outcome_of(error)
        await reply_error(interaction, error)


def count_ended(interaction: discord.Interaction[Any], task: asyncio.Task[object]) -> None:
    """Count a slash command whose task ended: `ok` unless an error said otherwise."""
    count_interaction(command_name(interaction), interaction.extras.get(OUTCOME, "ok"))


def command_name(interaction: discord.Interaction[Any]) -> str:
    """The command an interaction ran, as counted: `edit cast`."""
    return interaction.command.qualified_name if interaction.command is not None else "?"


class SeasonwatchBot(commands.Bot):
    """seasonwatch's bot: gets its settings, store and extensions from whoever builds it; what
    the cogs share and the background tasks are its `services` (bot/services.py).

    `sync_only` (for `seasonwatch sync`): sync the global commands even if their definitions
    did not change, and start nothing else (no announcer, no database watch).
    """

    def __init__(self, settings: Settings, store: Store, extensions: Sequence[str], *,
                 sync_only: bool = False) -> None:
        intents = discord.Intents.none()
        intents.guilds = True  # channel and role cache for permission checks, GUILD/CHANNEL_DELETE
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents,
            tree_cls=SeasonTree,
            # The one place replies get their allowed_mentions (parse: []): discord.py adds it to
            # every send and edit; only announcements override it, to name their own role.
            allowed_mentions=NO_MENTIONS,
            help_command=None,
            guild_ready_timeout=0.5,
            http_trace=http_trace(),  # 429s and reply latency (bot/metrics.py)
            **self.shard_options(settings),
        )
        self.settings = settings
        self.store = store
        self.initial_extensions = tuple(extensions)
        self.sync_only = sync_only
        self.runner: asyncio.Task[None] | None = None  # the task running `start`, set by `running`
        self.services = Services(settings, store, self)

    @staticmethod
    def shard_options(settings: Settings) -> dict[str, Any]:
        """What discord.py's client is told about shards: nothing, for one process."""
        return {}

    @property
    def holds_shard_zero(self) -> bool:
        """Whether this process syncs the commands and runs the shard-0 duties (bot/services.py)."""
        return holds_shard_zero(self.settings)

    # What checks (bot/interactions/access.py) and tests reach on the bot; built by the services.
    @property
    def access(self) -> Access:
        return self.services.access

    @property
    def announcer(self) -> Announcer:
        return self.services.announcer

    @property
    def dm_sender(self) -> DMSender:
        return self.services.dm_sender

    @property
    def event_sender(self) -> EventSender:
        return self.services.event_sender

    @property
    def season_tree(self) -> SeasonTree:
        """The tree, typed as ours."""
        assert isinstance(self.tree, SeasonTree)
        return self.tree

    async def setup_hook(self) -> None:
        for name in self.initial_extensions:
            await self.load_extension(name)
        await self.tree.set_translator(CatalogueTranslator())
        if self.sync_only or self.holds_shard_zero:
            synced = await self.sync_commands(force=self.sync_only)
            log.info("loaded %d cogs; global commands %s", len(self.cogs),
                     "synced" if synced else "unchanged, not synced")
        else:
            log.info("loaded %d cogs; shards %s: the process holding shard 0 syncs the commands",
                     len(self.cogs), self.settings.shards)
        if not self.sync_only:
            self.services.start()

    async def sync_commands(self, *, force: bool = False) -> bool:
        """Sync the global commands if they changed since the last sync (a hash kept in the
        database), or if forced; DEV_GUILD_ID always gets them. Whether the global ones synced."""
        key = f"commands-hash:{self.application_id}"  # another application needs its own sync
        digest = await commands_hash(self.tree)
        synced = force or await self.store.setting(key) != digest
        if synced:
            await self.tree.sync()
            await self.store.set_setting(key, digest)
        if self.settings.dev_guild_id:
            guild = discord.Object(self.settings.dev_guild_id)
            self.tree.copy_global_to(guild=guild)
            await self.tree.sync(guild=guild)
        return synced

    async def close(self) -> None:
        await self.services.stop()
        await super().close()

    async def on_ready(self) -> None:
        log.info("ready as %s in %d servers", self.user, len(self.guilds))

    async def drain(self, grace: float = DRAIN_SECONDS) -> None:
        """Stop taking new interactions and wait for those in flight to finish."""
        tree = self.season_tree
        tree.draining = True
        pending = {t for t in tree.in_flight if t is not asyncio.current_task()}
        if pending:
            log.info("waiting for %d interactions in flight", len(pending))
            await asyncio.wait(pending, timeout=grace)


class ShardedSeasonwatchBot(SeasonwatchBot, commands.AutoShardedBot):
    """seasonwatch's bot for the shards SHARD_IDS of SHARD_COUNT: one gateway connection each."""

    @staticmethod
    def shard_options(settings: Settings) -> dict[str, Any]:
        assert settings.shards is not None
        return {"shard_count": settings.shards.count, "shard_ids": list(settings.shards.ids)}


def make_bot(settings: Settings, store: Store, extensions: Sequence[str], *,
             sync_only: bool = False) -> SeasonwatchBot:
    """The bot for these settings: sharded if SHARD_COUNT and SHARD_IDS are set."""
    cls = ShardedSeasonwatchBot if settings.shards else SeasonwatchBot
    return cls(settings, store, extensions, sync_only=sync_only)


async def commands_hash(tree: app_commands.CommandTree[SeasonwatchBot]) -> str:
    """A digest of the global commands exactly as a sync would send them to Discord, their
    translations included: a changed catalogue must be synced too."""
    translator = tree.translator
    payload = sorted([await c.get_translated_payload(tree, translator) if translator else c.to_dict(tree)
                      for c in tree.get_commands()], key=lambda c: str(c["name"]))
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def point_at(settings: Settings) -> None:
    """Send discord.py's REST and gateway traffic where the settings say (a proxy, the stand-in)."""
    discord.http.Route.BASE = settings.api_base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.gateway_url)


@contextlib.asynccontextmanager
async def running(settings: Settings,
                  extensions: Sequence[str] = EXTENSIONS) -> AsyncIterator[SeasonwatchBot]:
    """Open the store, start the bot, yield it once ready; stop both cleanly on exit."""
    if not settings.token:
        raise ConfigError("DISCORD_TOKEN is not set: put the bot token in .env (see .env.example)")
    point_at(settings)
    store = await open_store(settings)
    try:
        # The catalogue lives as long as the process: keep the garbage collector from
        # re-scanning it on every full collection (those pauses showed up as p99 latency).
        gc.collect()
        gc.freeze()
        async with make_bot(settings, store, extensions) as bot:
            runner = asyncio.create_task(bot.start(settings.token), name="seasonwatch-bot")
            bot.runner = runner
            ready = asyncio.create_task(bot.wait_until_ready())
            await asyncio.wait({runner, ready}, return_when=asyncio.FIRST_COMPLETED)
            if runner.done():
                ready.cancel()
                runner.result()  # re-raises why the bot could not start
                raise RuntimeError("the bot stopped before it was ready")
            try:
                yield bot
            finally:
                await bot.drain()
                await bot.close()
                with contextlib.suppress(asyncio.CancelledError):
                    await runner
    finally:
        await store.close()


async def run(settings: Settings) -> None:
    """Run the bot until SIGINT/SIGTERM or until its connection ends for good."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with running(settings) as bot:
        stopping = asyncio.create_task(stop.wait())
        assert bot.runner is not None
        await asyncio.wait({stopping, bot.runner}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        log.info("shutting down")


async def sync(settings: Settings, extensions: Sequence[str] = EXTENSIONS) -> None:
    """`seasonwatch sync`: log in over REST only and sync the commands now, changed or not."""
    if not settings.token:
        raise ConfigError("DISCORD_TOKEN is not set: put the bot token in .env (see .env.example)")
    point_at(settings)
    store = await Store.open(settings.database)
    try:
        async with make_bot(settings, store, extensions, sync_only=True) as bot:
            await bot.login(settings.token)  # runs setup_hook, which syncs; no gateway
    finally:
        await store.close()
