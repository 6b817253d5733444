"""Sending announcements: one task drains the delivery outbox under a global send budget.

The shape is a DB-driven dispatcher woken by an event: the store sets
`Store.deliveries_queued` after committing a change that queued deliveries; the sender task
reads what is due, groups it by channel, and hands each channel's batch to a short-lived
worker (at most one per channel, a bounded number at once) that holds a place in the
shared send budget (bot/outbox/budget.py) for every request it makes, through the one
exactly-once send (bot/outbox/sender.py). Retries are scheduled in the database
(`next_attempt_at`), so a restart resumes exactly where the last process stopped.
"""

from __future__ import annotations

import asyncio
import collections
import functools
import logging
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import discord

from bot.alerts.announcements import delivery_ids, render_announcement, render_prediction_event
from bot.alerts.claims import Claims
from bot.alerts.store import Alerts
from bot.catalogue.store import Catalogue
from bot.catalogue.view import View
from bot.core.messages import N_, Msg
from bot.core.models import Change, Delivery, Editor, Entry, PredictionEvent, Show, Subscription
from bot.i18n import DEFAULT, t
from bot.i18n.notices import Notice
from bot.outbox.budget import SendBudget
from bot.outbox.dispatcher import FIRST_RETRY, LOOKUP_AFTER, TRANSIENT, Workers, describe
from bot.outbox.sender import ExactlyOnce, Recent, Tries, epoch
from bot.outbox.shards import LEASE, Shards
from bot.predictions.store import Predictions

log = logging.getLogger(__name__)


class Stores(Protocol):
    """The stores the announcer reads and writes (the bot's `Store` has them all)."""

    alerts: Alerts
    catalogue: Catalogue
    predictions: Predictions
    view: View

MAX_EMBEDS = 10  # per message
MAX_EMBED_CHARS = 6000  # all embeds of a message together
CROSSPOST_TIMEOUT = 10.0
DUE_BATCH = 500  # deliveries read per look at the outbox
CHANGE_CACHE = 1024
# Each permission an announcement needs, named as Discord's own settings name it.
NEEDED = (("view_channel", N_("View Channel")), ("send_messages", N_("Send Messages")),
          ("embed_links", N_("Embed Links")))
CROSSPOST_ERRORS: tuple[type[BaseException], ...] = (discord.HTTPException, *TRANSIENT)


class Client(Protocol):
    """What the announcer needs from discord.py's client (a fake one in unit tests)."""

    @property
    def user(self) -> Any: ...

    async def wait_until_ready(self) -> None: ...

    def get_channel(self, id: int, /) -> Any: ...

    def get_partial_messageable(self, id: int, /, *, guild_id: int | None = None) -> Any: ...


@dataclass(frozen=True)
class Outcome:
    """What happened to one batch: for tests and logs."""

    channel_id: int
    delivery_ids: tuple[int, ...]
    result: str  # delivered, found, retry, failed, paused, removed
    detail: str = ""


@dataclass(repr=False)
class Batch:
    """One channel's deliveries for one message: as due, then claimed with their embeds."""

    channel_id: int
    rows: list[Delivery]
    embeds: list[discord.Embed] = field(default_factory=list)
    subs: dict[int, Subscription] = field(default_factory=dict)
    channel: Any = None

    def __repr__(self) -> str:
        return f"batch for channel {self.channel_id}"

    @property
    def ids(self) -> list[int]:
        return [d.id for d in self.rows]

    def without(self, ids: set[int]) -> Batch:
        """The batch less some deliveries."""
        kept = [(d, e) for d, e in zip(self.rows, self.embeds, strict=True) if d.id not in ids]
        return Batch(self.channel_id, [d for d, _ in kept], [e for _, e in kept], self.subs, self.channel)


class Announcer(ExactlyOnce[Batch]):
    """The one sender of announcements. `start()` after the bot is set up, `stop()` at close."""

    task_name = "seasonwatch-announcer"
    kind = "announcement"

    def __init__(self, store: Stores, client: Client, *, rate: float,
                 concurrency: int | None = None, first_retry: float = FIRST_RETRY,
                 lookup_after: float = LOOKUP_AFTER, rand: Callable[[], float] = random.random,
                 shards: Shards | None = None, lease: float = LEASE) -> None:
        super().__init__(client, store.alerts.deliveries_queued, SendBudget(rate), first_retry=first_retry,
                         lookup_after=lookup_after, rand=rand)
        self.store = store
        self.claims = Claims(store.alerts, shards, lease)
        self.workers = Workers(concurrency or max(4, int(rate * 2)), self.wake)
        self._changes: Recent[int, Change] = Recent(CHANGE_CACHE)
        self._events: Recent[int, PredictionEvent] = Recent(CHANGE_CACHE)
        self.outcomes: collections.deque[Outcome] = collections.deque(maxlen=1000)
        # Buttons for an announcement in this server pinging these roles, in this language
        # (`Notify me`): set by the cog that answers them.
        self.buttons: Callable[[Any, Sequence[int], str], discord.ui.View | None] | None = None
        # The season's web page by slug and language (set by the composition root when
        # PUBLIC_URL is); announcements link it.
        self.page_url: Callable[[str, str], str | None] = lambda slug, lang: None

    # -- running -----------------------------------------------------------------------------

    async def stop(self, grace: float = 5.0) -> None:
        """Stop taking work; give batches in flight `grace` seconds, then cancel them."""
        await super().stop()
        await self.workers.finish(grace)
        await self.claims.release()

    async def resume(self) -> None:
        await self.claims.take_over()

    async def look(self) -> float | None:
        await self.claims.resume_expired()
        if await self._dispatch_due():
            return 0
        next_at = await self.claims.next_due()
        if next_at is None and not self.workers:
            self.idle.set()
        timeout = None if next_at is None else next_at - time.time()
        if timeout is not None and timeout <= 0:
            timeout = None  # due but its channel is busy: a finishing worker wakes us
        return self.claims.wake_by(timeout)  # or when another's claim runs out

    async def _dispatch_due(self) -> int:
        due = await self.claims.due(time.time(), DUE_BATCH)
        groups: dict[int, list[Delivery]] = {}
        for delivery in due:
            if not self.workers.busy(delivery.channel_id):
                groups.setdefault(delivery.channel_id, []).append(delivery)
        for channel_id, rows in groups.items():
            self.idle.clear()
            await self.workers.start(channel_id, f"announce-{channel_id}",
                                     functools.partial(self.deliver, Batch(channel_id, rows)))
        return len(groups)

    def _record(self, batch: Batch, result: str, detail: str = "") -> None:
        self.outcomes.append(Outcome(batch.channel_id, tuple(batch.ids), result, detail))

    # -- one channel's batch, as bot/outbox/sender.py runs it -------------------------------------

    def tries(self, job: Batch) -> Tries:
        tried = [d.last_attempt_at for d in job.rows if d.last_attempt_at is not None]
        return Tries(max(d.attempts for d in job.rows), min(tried, default=None),
                     min((d.created_at for d in job.rows), key=epoch))

    async def claim(self, job: Batch, now: float) -> Batch | None:
        rows = job.rows
        retry = rows[0].batch is not None
        if rows[0].batch is not None:  # a retry: the same deliveries as before, the same nonce
            rows = [d for d in await self.store.alerts.batch_deliveries(rows[0].batch)
                    if d.state == "pending"]
        else:
            rows = [d for d in rows if d.batch is None]
        subs = await self.store.alerts.subscriptions_by_id(d.subscription_id for d in rows)
        rows = [d for d in rows if d.subscription_id in subs and subs[d.subscription_id].active]
        rendered = await self._render(rows, subs, fresh=not retry)
        claimed = set(await self.claims.claim([d.id for d, _ in rendered], now))
        rendered = [(d, e) for d, e in rendered if d.id in claimed]
        if not rendered:
            return None
        batch = Batch(job.channel_id, [d for d, _ in rendered], [e for _, e in rendered], subs)
        batch.channel = self.client.get_channel(job.channel_id)
        if batch.channel is None:  # not in the cache: let Discord's answer decide
            guild_id = subs[batch.rows[0].subscription_id].guild_id
            batch.channel = self.client.get_partial_messageable(job.channel_id, guild_id=guild_id)
        missing = missing_permissions(batch.channel)
        if missing:
            reason = Notice.of(N_("The bot lacks {missing} in {channel}. Grant it there, then run "
                                  "/alerts subscribe again."), missing=missing,
                               channel=f"<#{job.channel_id}>")
            await self._pause(batch, reason)
            return None
        return batch

    async def _render(self, rows: Sequence[Delivery], subs: dict[int, Subscription], *,
                      fresh: bool) -> list[tuple[Delivery, discord.Embed]]:
        """Embeds for a batch, each in its subscription's language; a new batch takes as many
        as fit in one message."""
        out: list[tuple[Delivery, discord.Embed]] = []
        size = 0
        for delivery in rows:
            embed = await self._embed(delivery, subs[delivery.subscription_id])
            if embed is None:
                await self.store.alerts.mark_failed([delivery.id], "the change or its show is gone")
                continue
            if fresh and out and (len(out) >= MAX_EMBEDS or size + len(embed) > MAX_EMBED_CHARS):
                break
            out.append((delivery, embed))
            size += len(embed)
        return out

    async def _embed(self, delivery: Delivery, sub: Subscription) -> discord.Embed | None:
        """The embed of one delivery: a change's announcement or a prediction event's."""
        lang = sub.language
        if delivery.event_id is not None:
            event = await self._events.get(delivery.event_id, self.store.predictions.prediction_event)
            show = self.store.view.show(event.prediction.show_id) if event else None
            link = f"https://discord.com/channels/{sub.guild_id}/{delivery.channel_id}"
            return render_prediction_event(show, event, delivery.id, lang, link) if event and show else None
        change = (await self._changes.get(delivery.change_id, self.store.catalogue.change)
                  if delivery.change_id is not None else None)
        show = self.store.view.show(change.show_id) if change else None
        if change is None or show is None:
            return None
        return render_announcement(show, change, delivery.id, lang, self.page_url(show.slug, lang))

    async def find_sent(self, job: Batch) -> Batch | None:
        """Deliveries already in the channel (an attempt that succeeded before a crash)."""
        channel = job.channel
        me = getattr(getattr(channel, "guild", None), "me", None)
        if me is not None and not channel.permissions_for(me).read_message_history:
            log.warning("cannot look for earlier sends in %s: no Read Message History", channel.id)
            return job
        wanted, found = set(job.ids), dict[int, int]()
        for message in await self.own_messages(channel, f"earlier sends in {channel.id}"):
            for embed in message.embeds:
                for delivery_id in delivery_ids(embed):
                    if delivery_id in wanted:
                        found[delivery_id] = message.id
        for message_id in set(found.values()):
            await self.store.alerts.mark_delivered([i for i, m in found.items() if m == message_id],
                                                   message_id)
        left = job.without(set(found))
        if not left.rows:
            self._record(job, "found")
            return None
        return left

    async def send(self, job: Batch) -> None:
        subs = [job.subs[d.subscription_id] for d in job.rows]
        roles = sorted({s.role_id for s in subs if s.role_id})
        content = " ".join(f"<@&{r}>" for r in roles) or None
        # parse: [] plus the subscription's own role: user text in the embeds can never ping.
        mentions = discord.AllowedMentions(everyone=False, users=False, replied_user=False,
                                           roles=[discord.Object(r) for r in roles] or False)
        nonce = f"sw{min(job.ids)}x{len(job.ids)}"  # the same deliveries always get the same nonce
        guild = getattr(job.channel, "guild", None)
        view = self.buttons(guild, roles, subs[0].language) if self.buttons and roles else None
        extra = {"view": view} if view is not None else {}
        message = await self.request(job.channel.send(content=content, embeds=job.embeds,
                                                      allowed_mentions=mentions, nonce=nonce, **extra))
        await self.store.alerts.mark_delivered(job.ids, message.id)
        publishing = list({s.id: s for s in subs if s.publish}.values())
        if publishing:  # one crosspost per message, whichever subscriptions asked for it
            await self._crosspost(message, publishing)
        self._record(job, "delivered")

    async def _crosspost(self, message: Any, subs: Sequence[Subscription]) -> None:
        try:
            # Discord allows about 10 crossposts an hour per channel and discord.py would wait
            # out that limit, holding the channel's later announcements: give up instead.
            async with self.budget.request():
                await asyncio.wait_for(message.publish(), CROSSPOST_TIMEOUT)
        except CROSSPOST_ERRORS as exc:
            stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
            for sub in subs:
                await self.store.alerts.set_subscription_warning(sub.id, Notice.of(
                    N_("Last crosspost failed ({when}): {why}. The message was posted in the "
                       "channel; following servers did not get it."), when=stamp, why=describe(exc)))
            return
        for sub in subs:
            if sub.warning is not None:
                await self.store.alerts.set_subscription_warning(sub.id, None)

    async def refused(self, job: Batch, exc: discord.HTTPException) -> None:
        if isinstance(exc, discord.NotFound):  # Unknown Channel: deleted while no CHANNEL_DELETE reached us
            # As for CHANNEL_DELETE: a paused subscription of a gone channel could never be removed.
            log.info("channel %d no longer exists: removing its subscriptions", job.channel_id)
            await self.store.alerts.remove_channel(job.channel_id)
            self._record(job, "removed", "Unknown Channel")
        elif isinstance(exc, discord.Forbidden):
            await self._pause(job, refusal(exc, job.channel_id))
        else:  # 400 and the like: resending will not help
            log.error("announcement %s to %d refused: %s", job.ids, job.channel_id, exc)
            await self.store.alerts.mark_failed(job.ids, f"Discord refused it: {describe(exc)}")
            self._record(job, "failed", describe(exc))

    async def retry_at(self, job: Batch, at: float, error: str) -> None:
        await self.store.alerts.retry_later(job.ids, at, error)
        self._record(job, "retry", error)

    async def failed(self, job: Batch, error: str) -> None:
        await self.store.alerts.mark_failed(job.ids, error)
        self._record(job, "failed", error)

    async def _pause(self, job: Batch, reason: Notice) -> None:
        log.info("pausing subscriptions of channel %d: %s", job.channel_id, reason)
        await self.store.alerts.pause_channel(job.channel_id, reason)
        await self.store.alerts.skip_deliveries(job.ids, reason.text())
        self._record(job, "paused", reason.text())

    # -- /alerts test ------------------------------------------------------------------------

    async def send_test(self, channel: Any, show: Show, entry: Entry | None,
                        lang: str = DEFAULT) -> discord.Message:
        """Send a sample announcement to a channel now (no ping); raises discord.HTTPException."""
        after = entry.fact if entry else None
        if after is None:
            raise ValueError("nothing to show")
        assert entry is not None
        sample = Change(0, entry.id, show.id, entry.kind, entry.key, entry.version, None, after,
                        Editor(0, "seasonwatch"), entry.updated_at, None, False, None)
        embed = render_announcement(show, sample, lang=lang)
        embed.title = t(lang, "Test · {title}", title=embed.title)[:256]
        embed.set_footer(text=t(lang, "seasonwatch · test announcement: this is what alerts look like"))
        async with self.budget.request():
            message: discord.Message = await channel.send(embed=embed)  # the bot-wide no-ping default
        return message


def missing_permissions(channel: Any) -> list[Msg]:
    """Which of View Channel, Send Messages and Embed Links the bot lacks there, per its cache."""
    guild = getattr(channel, "guild", None)
    me = getattr(guild, "me", None)
    if me is None or not hasattr(channel, "permissions_for"):
        return []  # not cached: nothing to check
    perms = channel.permissions_for(me)
    return [label for attr, label in NEEDED if not getattr(perms, attr)]


def refusal(exc: discord.HTTPException, channel_id: int) -> Notice:
    """Why a subscription was paused after a 403, and how to fix it."""
    where = f"<#{channel_id}>"
    if exc.code == 50001:
        return Notice.of(N_("The bot cannot see {channel} (Missing Access). Give it View Channel "
                            "there, then run /alerts subscribe again."), channel=where)
    if exc.code == 50013:
        return Notice.of(N_("The bot lacks permissions in {channel} (Missing Permissions): it needs "
                            "Send Messages and Embed Links. Grant them, then run /alerts subscribe "
                            "again."), channel=where)
    return Notice.of(N_("Discord refused the announcement in {channel}: {why}. Fix that, then run "
                        "/alerts subscribe again."), channel=where, why=describe(exc))

