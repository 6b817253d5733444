"""Premiere events: keeping one Discord scheduled event per server and season in step with the
show's release entry (`/alerts subscribe … events:true`).

The store marks a server's row `pending` in the release change's transaction; this sender reads
the release as it is then and creates, moves or cancels the one event, within the bot's global
send budget. Creating twice is what must never happen: before creating, it looks for an event
of its own carrying the row's marker (a create that reached Discord just before a crash), and a
row only ever holds one event id. A refusal (no Create Events, Discord's limit of 100 events)
stops the row and shows a warning in /alerts list instead of retrying in a loop."""

from __future__ import annotations

import datetime as dt
import logging
import re
import time
from typing import Any, Protocol

import discord

from bot.alerts.premieres_store import Premieres
from bot.alerts.store import Alerts
from bot.catalogue.diff import source_name
from bot.catalogue.render import show_title
from bot.catalogue.view import View
from bot.core.messages import N_
from bot.core.models import ANSWER_FIELD, Entry, Premiere, Show
from bot.i18n import DEFAULT, t
from bot.i18n.notices import Notice
from bot.outbox.budget import SendBudget
from bot.outbox.dispatcher import FIRST_RETRY, describe
from bot.outbox.sender import ExactlyOnce, Tries

log = logging.getLogger(__name__)


class Stores(Protocol):
    """The stores the event sender reads and writes (the bot's `Store` has them all)."""

    alerts: Alerts
    premieres: Premieres
    view: View

EXTERNAL = 3  # entity type: somewhere outside Discord
GUILD_ONLY = 2  # privacy level
CANCELED = 4  # event status
POLL_SECONDS = 5.0
NO_PERMISSION = Notice.of(N_(
    "Premiere events: the bot lacks Create Events in this server, so the premiere is not in its "
    "Events tab. Grant it, then run /alerts subscribe again."))
REFUSED = N_("Premiere events: Discord refused ({why}).")
REFUSED_EVENT = N_("Premiere events: Discord refused the event ({why}).")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def marker(premiere_id: int) -> str:
    """What identifies the bot's event for a row, in every language (its description's end)."""
    return f"seasonwatch premiere {premiere_id}"


def premiere_day(entry: Entry | None) -> str | None:
    """The release day an event is wanted for: a confirmed release on one day, else None."""
    if entry is None:
        return None
    when = str(entry.fact.fields.get("when") or "")
    basis = entry.fact.basis(ANSWER_FIELD["release"])
    return when if basis.confidence == "confirmed" and _DAY.fullmatch(when) else None


def event_body(show: Show, entry: Entry, day: str, hour: int, premiere_id: int,
               lang: str = DEFAULT) -> dict[str, Any]:
    """The scheduled event: external, at the show's network, the release day from `hour` UTC
    for a day; the name and description as DESIGN.md says, plain text (events never ping)."""
    start = dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=dt.UTC)
    basis = entry.fact.basis(ANSWER_FIELD["release"])
    name = t(lang, "{title} season {season} premiere", title=show_title(show, lang), season=show.season)
    about = t(lang, "Release date confirmed by {source}: {url}", source=source_name(basis),
              url=basis.source_url)
    return {
        "name": name[:100],
        "description": f"{about[:900]}\n{marker(premiere_id)}",
        "entity_type": EXTERNAL,
        "privacy_level": GUILD_ONLY,
        "entity_metadata": {"location": (show.network or t(lang, "Streaming"))[:100]},
        "scheduled_start_time": start.isoformat(),
        "scheduled_end_time": (start + dt.timedelta(days=1)).isoformat(),
    }


class EventSender(ExactlyOnce[Premiere]):
    """The one keeper of premiere events. `start()` after set-up, `stop()` at close."""

    task_name = "seasonwatch-premieres"
    kind = "event"

    def __init__(self, store: Stores, client: Any, budget: SendBudget, *, hour: int = 8,
                 first_retry: float = FIRST_RETRY) -> None:
        super().__init__(client, store.premieres.queued, budget, first_retry=first_retry)
        self.store = store
        self.hour = hour

    async def resume(self) -> None:
        await self.store.premieres.resume_premieres_in_flight()

    async def look(self) -> float:
        due = await self.store.premieres.due_premieres(time.time())
        if due:
            self.idle.clear()
            for premiere in due:  # few and rare: one at a time
                await self.deliver(premiere)
            return 0
        self.idle.set()
        next_at = await self.store.premieres.next_premiere_time()
        wait = POLL_SECONDS if next_at is None else min(POLL_SECONDS, next_at - time.time())
        return max(wait, 0.05)

    # -- one server's event, as bot/outbox/sender.py runs it -------------------------------------

    def tries(self, job: Premiere) -> Tries:
        # Never stale: `_sync` looks for an earlier create each time it would create. Never
        # given up on: the row follows the release for as long as the show runs.
        return Tries(job.attempts, None, None)

    async def claim(self, job: Premiere, now: float) -> Premiere | None:
        return job if await self.store.premieres.claim_premiere(job.id) else None

    async def send(self, job: Premiere) -> None:
        await self._sync(job)

    async def refused(self, job: Premiere, exc: discord.HTTPException) -> None:
        if isinstance(exc, discord.Forbidden):
            await self.store.premieres.block_premiere(job, NO_PERMISSION if exc.code == 50013 else
                                            Notice.of(REFUSED, why=describe(exc)))
        else:  # 400s such as the 100-event limit: retrying will not help
            await self.store.premieres.block_premiere(job, Notice.of(REFUSED_EVENT, why=describe(exc)),
                                            final="failed")

    async def retry_at(self, job: Premiere, at: float, error: str) -> None:
        await self.store.premieres.retry_premiere(job.id, at, error)

    async def _sync(self, premiere: Premiere) -> None:
        """Make Discord's event match the release: create, move, cancel or leave it."""
        show = self.store.view.show(premiere.show_id)
        entry = self.store.view.entry(premiere.show_id, "release", "release")
        wanted = await self.store.premieres.premiere_wanted(premiere.guild_id, premiere.show_id)
        day = premiere_day(entry) if wanted and show is not None and not show.archived else None
        if day is not None and self._start(day) <= time.time():
            day = None if premiere.event_id is None else premiere.event_day  # never in the past
        event_id, have = premiere.event_id, premiere.event_day
        if day == have and (event_id is not None or day is None):
            await self.store.premieres.settle_premiere(premiere.id, event_id, have)
            return
        guild = self.client.get_guild(premiere.guild_id)
        me = getattr(guild, "me", None)
        if me is not None and not (me.guild_permissions.create_events or me.guild_permissions.manage_events):
            await self.store.premieres.block_premiere(premiere, NO_PERMISSION)
            return
        http = self.client.http
        if day is None:
            if event_id is not None:
                await self._request(http.edit_scheduled_event(premiere.guild_id, event_id, status=CANCELED),
                                    missing_ok=True)
            await self.store.premieres.settle_premiere(premiere.id, None, None)
            return
        assert show is not None and entry is not None
        body = event_body(show, entry, day, self.hour, premiere.id, await self._language(premiere))
        if event_id is None:
            event_id = await self._find(premiere)
        if event_id is None:
            created = await self._request(http.create_guild_scheduled_event(premiere.guild_id, **body))
            await self.store.premieres.settle_premiere(premiere.id, int(created["id"]), day)
            return
        if await self._request(http.edit_scheduled_event(premiere.guild_id, event_id, **body),
                                 missing_ok=True) is None:
            # Deleted by someone meanwhile: forget it; the next look creates a new one.
            await self.store.premieres.settle_premiere(premiere.id, None, None)
            await self.store.premieres.queue(premiere.show_id, premiere.season, premiere.guild_id)
            return
        await self.store.premieres.settle_premiere(premiere.id, event_id, day)

    def _start(self, day: str) -> float:
        return dt.datetime.fromisoformat(day).replace(hour=self.hour, tzinfo=dt.UTC).timestamp()

    async def _request(self, call: Any, *, missing_ok: bool = False) -> Any:
        """One request within the global budget; None for a 404 when that is fine."""
        try:
            return await self.request(call)
        except discord.NotFound:
            if missing_ok:
                return None
            raise

    async def _find(self, premiere: Premiere) -> int | None:
        """The bot's own event for this row, if an earlier create reached Discord."""
        wanted, bot_id = marker(premiere.id), getattr(self.client.user, "id", None)
        events = await self._request(self.client.http.get_scheduled_events(premiere.guild_id, False))
        for event in events or []:
            if (event.get("description") or "").endswith(wanted) and (
                    bot_id is None or int(event.get("creator_id") or 0) == bot_id):
                return int(event["id"])
        return None

    async def _language(self, premiere: Premiere) -> str:
        subs = [s for s in await self.store.alerts.subscriptions(premiere.guild_id) if s.events]
        return subs[0].language if subs else DEFAULT
