"""Sending reminder DMs: one task drains the DM outbox (`dm` rows) within the announcer's
global send budget (bot/outbox/budget.py), exactly once per reminder and change.

Like the announcer: a DM is claimed in the database before its request, sent with a nonce
derived from its id (so a resend after a crash is the same message), looked for in the DM
channel's recent history when its last attempt is older than Discord's nonce memory, and
retried with backoff on 5xx and timeouts. A 50007 (the person does not accept DMs from the
bot) pauses the reminder; `/remind`'s cog tells the person at their next command.
"""

from __future__ import annotations

import asyncio
import collections
import datetime as dt
import functools
import logging
import random
import time
from collections.abc import Callable
from typing import Any, Protocol

import discord

from bot.alerts.announcements import render_announcement
from bot.core.models import Change, DirectMessage, Reminder, Show
from bot.i18n import t
from bot.interactions.replies import NO_MENTIONS
from bot.outbox.budget import SendBudget
from bot.outbox.dispatcher import (
    FIRST_RETRY,
    GIVE_UP_AFTER,
    HISTORY_LIMIT,
    LOOKUP_AFTER,
    SEND_TIMEOUT,
    TRANSIENT,
    Dispatcher,
    Workers,
    backoff,
    describe,
)
from bot.reminders.store import DMS_CLOSED
from bot.store import Store

log = logging.getLogger(__name__)

CANNOT_DM = 50007  # "Cannot send messages to this user"
DUE_BATCH = 500
CHANNEL_CACHE = 4096  # user id -> DM channel id: opening a DM channel is a request too
POLL_SECONDS = 2.0  # also look at the outbox this often: another process may have queued DMs
_MARKER = "dm {id}"  # in the footer: how a resend finds an earlier message, in every language


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
    footer = t(lang, "seasonwatch · reminder #{id}", id=reminder.id)
    embed.set_footer(text=footer if dm_id is None else f"{footer} · {_MARKER.format(id=dm_id)}")
    content = t(lang, "Something you asked to hear about changed (reminder #{id}). "
                      "Stop it with `/remind stop`.", id=reminder.id)
    return content, embed


class DMSender(Dispatcher):
    """The one sender of reminder DMs. `start()` after the bot is set up, `stop()` at close."""

    task_name = "seasonwatch-dm-sender"

    def __init__(self, store: Store, client: Client, budget: SendBudget, *,
                 concurrency: int = 16, first_retry: float = FIRST_RETRY,
                 lookup_after: float = LOOKUP_AFTER, rand: Callable[[], float] = random.random) -> None:
        super().__init__(client, store.reminders.dms_queued)
        self.store = store
        self.budget = budget
        self.first_retry = first_retry
        self.lookup_after = lookup_after
        self._rand = rand
        # One task per person with a DM in flight: theirs go out in order.
        self.workers = Workers(concurrency, self.wake)
        self._channels: collections.OrderedDict[int, int] = collections.OrderedDict()
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
            await self.workers.start(dm.user_id, f"dm-{dm.id}", functools.partial(self._work, dm))
            started += 1
        return started

    async def _work(self, dm: DirectMessage) -> None:
        try:
            await self._deliver(dm)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.exception("DM sender: DM %d failed unexpectedly", dm.id)
            await self.store.reminders.dm_retry_later(dm.id, time.time() + self._delay(dm), f"internal error: {exc!r}")

    async def _deliver(self, dm: DirectMessage) -> None:
        reminder = await self.store.reminders.reminder(dm.reminder_id)
        change = await self.store.catalogue.change(dm.change_id)
        show = self.store.view.show(change.show_id) if change else None
        if reminder is None or not reminder.active:
            return  # stopped or paused meanwhile: its DMs went or were skipped with it
        if change is None or show is None:
            await self.store.reminders.dm_failed(dm.id, "the change or its show is gone")
            return
        now = time.time()
        if not await self.store.reminders.claim_dm(dm.id, now):
            return
        content, embed = render_dm(show, change, reminder, dm.id)
        try:
            channel = await self._channel(dm.user_id)
            if dm.last_attempt_at is not None and now - dm.last_attempt_at > self.lookup_after:
                found = await self._find_sent(channel, dm.id)
                if found is not None:
                    await self.store.reminders.dm_delivered(dm.id, found)
                    return
            async with self.budget.request():
                message = await asyncio.wait_for(
                    channel.send(content=content, embed=embed, allowed_mentions=NO_MENTIONS,
                                 nonce=f"swdm{dm.id}"), SEND_TIMEOUT)
        except discord.Forbidden as exc:
            await self._refused(dm, exc)
            return
        except discord.NotFound as exc:  # the user is gone
            await self.store.reminders.dm_failed(dm.id, describe(exc))
            return
        except TRANSIENT as exc:
            await self._retry(dm, describe(exc))
            return
        except discord.HTTPException as exc:
            if exc.status == 429:
                await self._retry(dm, describe(exc))
            else:
                log.error("reminder DM %d refused: %s", dm.id, exc)
                await self.store.reminders.dm_failed(dm.id, f"Discord refused it: {describe(exc)}")
            return
        await self.store.reminders.dm_delivered(dm.id, message.id)

    async def _channel(self, user_id: int) -> Any:
        """The DM channel with a person: opened once (a request in the budget), then remembered."""
        channel_id = self._channels.get(user_id)
        if channel_id is None:
            # One route for every open, which discord.py sends one at a time anyway: opening
            # them one by one keeps the others' places in the budget free meanwhile.
            async with self._opening, self.budget.request():
                data = await asyncio.wait_for(self.client.http.start_private_message(user_id),
                                              SEND_TIMEOUT)
            channel_id = int(data["id"])
            self._channels[user_id] = channel_id
            if len(self._channels) > CHANNEL_CACHE:
                self._channels.popitem(last=False)
        self._channels.move_to_end(user_id)
        return self.client.get_partial_messageable(channel_id, type=discord.ChannelType.private)

    async def _find_sent(self, channel: Any, dm_id: int) -> int | None:
        """The message of an earlier attempt that reached the person before a crash, if any."""
        marker, user = _MARKER.format(id=dm_id), self.client.user
        try:
            async with self.budget.request():
                messages = [m async for m in channel.history(limit=HISTORY_LIMIT)]
        except discord.HTTPException as exc:
            log.warning("looking for an earlier reminder DM %d failed: %s", dm_id, exc)
            return None
        for message in messages:
            if user is not None and message.author.id == user.id and any(
                    (e.footer.text or "").endswith(marker) for e in message.embeds):
                return int(message.id)
        return None

    async def _refused(self, dm: DirectMessage, exc: discord.Forbidden) -> None:
        # 50007: DMs closed (privacy settings, or no server in common). Trying again would be
        # refused the same way: pause, and tell the person at their next command.
        reason = DMS_CLOSED if exc.code == CANNOT_DM else f"Discord refused it: {describe(exc)}"
        log.info("pausing reminder %d: %s", dm.reminder_id, reason)
        await self.store.reminders.pause(dm.reminder_id, reason)

    async def _retry(self, dm: DirectMessage, error: str) -> None:
        created = dm.created_at
        if time.time() - _epoch(created) > GIVE_UP_AFTER:
            await self.store.reminders.dm_failed(dm.id, f"gave up after 24 hours; last error: {error}")
            return
        await self.store.reminders.dm_retry_later(dm.id, time.time() + self._delay(dm), error)

    def _delay(self, dm: DirectMessage) -> float:
        return backoff(dm.attempts + 1, self._rand, self.first_retry)


def _epoch(iso: str) -> float:
    return dt.datetime.fromisoformat(iso).timestamp()
