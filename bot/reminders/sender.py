"""Sending reminder DMs: one task drains the DM outbox (`dm` rows) within the announcer's
global send budget (bot/outbox/budget.py), exactly once per reminder and change.

Like the announcer, through the one exactly-once send (bot/outbox/sender.py): a DM is claimed
in the database before its request, sent with a nonce derived from its id (so a resend after a
crash is the same message), looked for in the DM channel's recent history when its last
attempt is older than Discord's nonce memory, and retried with backoff on 5xx and timeouts. A
50007 (the person does not accept DMs from the bot) pauses the reminder; `/remind`'s cog tells
the person at their next command.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import discord

from bot.alerts.announcements import render_announcement
from bot.catalogue.store import Catalogue
from bot.catalogue.view import View
from bot.core.messages import N_
from bot.core.models import Change, DirectMessage, Reminder, Show
from bot.i18n import t
from bot.i18n.notices import Notice
from bot.interactions.replies import NO_MENTIONS
from bot.outbox.budget import SendBudget
from bot.outbox.dispatcher import FIRST_RETRY, LOOKUP_AFTER, Workers, describe
from bot.outbox.markers import marked_ids, marked_url
from bot.outbox.sender import ExactlyOnce, Recent, Tries
from bot.reminders.store import DMS_CLOSED, Reminders

log = logging.getLogger(__name__)


class Stores(Protocol):
    """The stores the DM sender reads and writes (the bot's `Store` has them all)."""

    catalogue: Catalogue
    reminders: Reminders
    view: View

CANNOT_DM = 50007  # "Cannot send messages to this user"
DUE_BATCH = 500
CHANNEL_CACHE = 4096  # user id -> DM channel id: opening a DM channel is a request too
POLL_SECONDS = 2.0  # also look at the outbox this often: another process may have queued DMs


class Client(Protocol):
    """What the DM sender needs from discord.py's client (its `http` opens DM channels)."""

    @property
    def user(self) -> Any: ...

    @property
    def http(self) -> Any: ...

    async def wait_until_ready(self) -> None: ...

    def get_partial_messageable(self, id: int, /, *, guild_id: int | None = None,
                                type: discord.ChannelType | None = None) -> Any: ...


def render_dm(show: Show, change: Change, reminder: Reminder, dm_id: int | None = None
              ) -> tuple[str, discord.Embed]:
    """A reminder's DM: a line saying which reminder and how to stop it, and the change's
    announcement, in the language the person set the reminder in."""
    lang = reminder.language
    embed = render_announcement(show, change, None, lang)
    embed.set_footer(text=t(lang, "seasonwatch · reminder #{id}", id=reminder.id))
    fact = change.after or change.before
    if dm_id is not None and fact is not None:  # how a resend finds the DM: bot/outbox/markers.py
        embed.url = marked_url(fact.source_url, "dm", dm_id)
    content = t(lang, "Something you asked to hear about changed (reminder #{id}). "
                      "Stop it with `/remind stop`.", id=reminder.id)
    return content, embed


@dataclass
class Outgoing:
    """One reminder DM: as due, then claimed and rendered."""

    dm: DirectMessage
    content: str = ""
    embed: discord.Embed | None = None


class DMSender(ExactlyOnce[Outgoing]):
    """The one sender of reminder DMs. `start()` after the bot is set up, `stop()` at close."""

    task_name = "seasonwatch-dm-sender"
    kind = "dm"

    def __init__(self, store: Stores, client: Client, budget: SendBudget, *,
                 concurrency: int = 16, first_retry: float = FIRST_RETRY,
                 lookup_after: float = LOOKUP_AFTER, rand: Callable[[], float] = random.random) -> None:
        super().__init__(client, store.reminders.dms_queued, budget, first_retry=first_retry,
                         lookup_after=lookup_after, rand=rand)
        self.store = store
        # One task per person with a DM in flight: theirs go out in order.
        self.workers = Workers(concurrency, self.wake)
        self._channels: Recent[int, int] = Recent(CHANNEL_CACHE)
        self._opening = asyncio.Lock()

    async def stop(self, grace: float = 5.0) -> None:
        """Stop taking work; give DMs in flight `grace` seconds, then cancel them."""
        await super().stop()
        await self.workers.finish(grace)

    async def resume(self) -> None:
        resumed = await self.store.reminders.resume_dms_in_flight(time.time())
        if resumed:
            log.info("resuming %d reminder DMs left in flight", resumed)

    async def look(self) -> float:
        if await self._dispatch_due():
            return 0
        next_at = await self.store.reminders.next_dm_time()
        if next_at is None and not self.workers:
            self.idle.set()
        wait = POLL_SECONDS if next_at is None else min(POLL_SECONDS, next_at - time.time())
        return max(wait, 0.05)

    async def _dispatch_due(self) -> int:
        started = 0
        for dm in await self.store.reminders.due_dms(time.time(), DUE_BATCH):
            if self.workers.busy(dm.user_id):
                continue
            self.idle.clear()
            await self.workers.start(dm.user_id, f"dm-{dm.id}",
                                     functools.partial(self.deliver, Outgoing(dm)))
            started += 1
        return started

    # -- one DM, as bot/outbox/sender.py runs it ----------------------------------------------

    def tries(self, job: Outgoing) -> Tries:
        return Tries(job.dm.attempts, job.dm.last_attempt_at, job.dm.created_at)

    async def claim(self, job: Outgoing, now: float) -> Outgoing | None:
        dm = job.dm
        reminder = await self.store.reminders.reminder(dm.reminder_id)
        change = await self.store.catalogue.change(dm.change_id)
        show = self.store.view.show(change.show_id) if change else None
        if reminder is None or not reminder.active:
            return None  # stopped or paused meanwhile: its DMs went or were skipped with it
        if change is None or show is None:
            await self.store.reminders.dm_failed(dm.id, "the change or its show is gone")
            return None
        if not await self.store.reminders.claim_dm(dm.id, now):
            return None
        content, embed = render_dm(show, change, reminder, dm.id)
        return Outgoing(dm, content, embed)

    async def find_sent(self, job: Outgoing) -> Outgoing | None:
        """None if an earlier attempt reached the person before a crash (now recorded)."""
        channel = await self._channel(job.dm.user_id)
        for message in await self.own_messages(channel, f"an earlier reminder DM {job.dm.id}"):
            if any(job.dm.id in marked_ids(e, "dm") for e in message.embeds):
                await self.store.reminders.dm_delivered(job.dm.id, int(message.id))
                return None
        return job

    async def send(self, job: Outgoing) -> None:
        channel = await self._channel(job.dm.user_id)
        message = await self.request(channel.send(content=job.content, embed=job.embed,
                                                  allowed_mentions=NO_MENTIONS, nonce=f"swdm{job.dm.id}"))
        await self.store.reminders.dm_delivered(job.dm.id, message.id)

    async def _channel(self, user_id: int) -> Any:
        """The DM channel with a person: opened once (a request in the budget), then remembered."""
        channel_id = await self._channels.get(user_id, self._open)
        return self.client.get_partial_messageable(channel_id, type=discord.ChannelType.private)

    async def _open(self, user_id: int) -> int:
        # One route for every open, which discord.py sends one at a time anyway: opening them
        # one by one keeps the others' places in the budget free meanwhile.
        async with self._opening:
            data = await self.request(self.client.http.start_private_message(user_id))
        return int(data["id"])

    async def refused(self, job: Outgoing, exc: discord.HTTPException) -> None:
        if isinstance(exc, discord.Forbidden):
            # 50007: DMs closed (privacy settings, or no server in common). Trying again would be
            # refused the same way: pause, and tell the person at their next command.
            reason = (DMS_CLOSED if exc.code == CANNOT_DM  # worded by the cog for the person
                      else Notice.of(N_("Discord refused it: {why}"), why=describe(exc)).dump())
            log.info("pausing reminder %d: %s", job.dm.reminder_id, reason)
            await self.store.reminders.pause(job.dm.reminder_id, reason)
        elif isinstance(exc, discord.NotFound):  # the user is gone
            await self.store.reminders.dm_failed(job.dm.id, describe(exc))
        else:
            log.error("reminder DM %d refused: %s", job.dm.id, exc)
            await self.store.reminders.dm_failed(job.dm.id, f"Discord refused it: {describe(exc)}")

    async def retry_at(self, job: Outgoing, at: float, error: str) -> None:
        await self.store.reminders.dm_retry_later(job.dm.id, at, error)

    async def failed(self, job: Outgoing, error: str) -> None:
        await self.store.reminders.dm_failed(job.dm.id, error)
