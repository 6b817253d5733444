"""Importing a show from a listing: search, a plan of what would be written, and the one
transaction that writes it (the show, the chosen facts as silent changes by "TVmaze", the link).

A listing already linked is never imported twice; a tracked show of the same title or slug is
linked rather than duplicated once the owner confirms. Linking calls `on_linked` (the watch's
"check this show now": registered by the composition root), so a linked show's differences
become proposals.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, replace

from bot.catalogue.render import escape
from bot.catalogue.shows import Shows, check_names_free, check_show
from bot.catalogue.store import Catalogue
from bot.catalogue.view import View
from bot.core.errors import UserError
from bot.core.facts import fold, quote
from bot.core.messages import N_
from bot.core.models import Change, Editor, Show
from bot.db.connection import Database
from bot.listings.diff import proposal, stated
from bot.listings.mapping import MappedFact, map_season, show_for, without_names
from bot.listings.provider import Listing, Match, Provider
from bot.listings.store import Link, Listings
from bot.news.proposals_store import Proposals

log = logging.getLogger(__name__)

MAX_FACTS = 25  # a select menu's limit
MIN_SEASON, MAX_SEASON = 1, 100  # what a tracked show's season may be (check_show)
PLAN_SECONDS = 900.0
EXPIRED = N_("This import expired (imports wait 15 minutes, and not across a restart of the bot). "
             "Nothing was written; run /shows import again.")
NO_MATCH = N_("TVmaze lists no show like `{query}`. Check the spelling, or try its English title.")
NO_SEASON = N_("TVmaze lists no season {season} of {title}; it lists {seasons}. Pick one of those.")
NO_SEASONS = N_("TVmaze lists no season of {title} yet, so there is nothing to import.")
LINKED_ELSEWHERE = N_("{title} (`{slug}`) is already linked to another TVmaze show ({page}). Unlink it "
                      "first (`/shows edit tvmaze:0`), then link it again.")
YEAR_SEASON = N_("TVmaze numbers this season of {title} {season} (by year, as for some variety shows); "
                 "a tracked season is numbered {low} to {high}. Add the show with /shows add instead, "
                 "with the season number you use.")
TAKEN = N_("This TVmaze show is already linked to {title} (`{slug}`); unlink it there first "
           "(`/shows edit tvmaze:0`).")

OnLinked = Callable[[Link], Awaitable[None]]


@dataclass(frozen=True)
class Plan:
    """What an import would write, and what it found already tracked."""

    listing: Listing
    season: int
    show: Show  # as it would be created (id 0)
    facts: tuple[MappedFact, ...]  # the first MAX_FACTS, offered to choose from
    tracked: Show | None  # the show already linked to this listing
    similar: Show | None  # a tracked show of the same title or slug, not linked
    unshown: tuple[MappedFact, ...] = ()  # past MAX_FACTS: never imported, remembered as left out


@dataclass
class Pending:
    """A plan on screen: which of its facts are chosen, and for whom."""

    plan: Plan
    chosen: frozenset[int]
    user_id: int
    created: float


class Importer:
    """Searches, plans and imports; holds the plans on screen (in memory: a restart drops them)."""

    def __init__(self, db: Database, view: View, shows: Shows, catalogue: Catalogue,
                 listings: Listings, proposals: Proposals, provider: Provider, *, poll_seconds: float,
                 today: Callable[[], dt.date] = lambda: dt.datetime.now(dt.UTC).date()) -> None:
        self._db, self._view, self._shows, self._catalogue = db, view, shows, catalogue
        self._listings, self._proposals = listings, proposals
        self.provider = provider
        self.key = provider.name.lower()  # the provider's key in listing_link: "tvmaze"
        self.editor = Editor(0, provider.name)  # who the imported changes are by: "TVmaze"
        self._poll_seconds = poll_seconds
        self._today = today
        self._pending: dict[str, Pending] = {}
        self.on_linked: list[OnLinked] = []

    async def search(self, query: str) -> list[Match]:
        """The matches for a title; a UserError if there are none."""
        found = await self.provider.search(query)
        if not found:
            raise UserError(NO_MATCH, query=quote(query))
        return found

    async def plan(self, external_id: str, season: int | None = None) -> Plan:
        """Fetch the listing and work out what importing `season` (else the latest) would write."""
        listing = await self.provider.listing(external_id, season)
        number = season if season is not None else listing.latest_season
        title = escape(listing.title)  # TVmaze's text: never markdown in the reply
        if number is None:
            raise UserError(NO_SEASONS, title=title)
        if listing.season(number) is None:
            listed = ", ".join(str(s.number) for s in listing.seasons)
            raise UserError(NO_SEASON, season=number, title=title, seasons=listed)
        if not MIN_SEASON <= number <= MAX_SEASON:
            raise UserError(YEAR_SEASON, season=number, title=title, low=MIN_SEASON, high=MAX_SEASON)
        mapped = map_season(listing, number, self._today())
        async with self._db.lock:
            link = await self._listings.linked_to(self.key, listing.external_id)
        tracked = self._view.show(link.show_id) if link else None
        show = show_for(listing, number)
        return Plan(listing, number, show, tuple(mapped[:MAX_FACTS]), tracked,
                    None if tracked else self._similar(show), tuple(mapped[MAX_FACTS:]))

    def _similar(self, show: Show) -> Show | None:
        names = {fold(n) for n in (show.title, show.original_title or "") if n}
        for other in self._view.shows(include_archived=True):
            theirs = {fold(n) for n in (other.title, other.original_title or "", *other.aliases)}
            if other.slug == show.slug or names & theirs:
                return other
        return None

    # -- plans on screen ---------------------------------------------------------------------------

    def keep(self, plan: Plan, user_id: int) -> str:
        """Keep a plan for its buttons, every fact chosen; its token."""
        now = time.monotonic()
        self._pending = {k: p for k, p in self._pending.items() if now - p.created < PLAN_SECONDS}
        token = secrets.token_hex(8)
        self._pending[token] = Pending(plan, frozenset(range(len(plan.facts))), user_id, now)
        return token

    def pending(self, token: str) -> Pending:
        """The plan behind a token, or a UserError saying the import expired."""
        found = self._pending.get(token)
        if found is None or time.monotonic() - found.created >= PLAN_SECONDS:
            raise UserError(EXPIRED)
        return found

    def choose(self, token: str, chosen: Iterable[int]) -> Pending:
        """Change which facts of a plan are chosen."""
        found = self.pending(token)
        found.chosen = frozenset(i for i in chosen if 0 <= i < len(found.plan.facts))
        return found

    def drop(self, token: str) -> Pending:
        """Take a plan off screen (imported or cancelled): its buttons act once only."""
        found = self.pending(token)
        del self._pending[token]
        return found

    # -- writing -----------------------------------------------------------------------------------

    async def import_show(self, pending: Pending, by: str) -> tuple[Show, int]:
        """Create the show and its chosen facts, silently, and link it: one transaction. The
        show, and how many facts were written."""
        plan = pending.plan
        facts = [plan.facts[i] for i in sorted(pending.chosen)]
        # The owner left these out on purpose: the watch must not propose them right back.
        # Past the menu's limit counts as left out too: else each would be proposed at the first check.
        unchosen = [fact for i, fact in enumerate(plan.facts) if i not in pending.chosen]
        left_out = [proposal(fact, None) for fact in (*unchosen, *plan.unshown) if stated(fact)]
        reason = f"imported from {self.provider.name} by {by}"[:200]
        written: list[Change] = []
        async with self._db.lock:
            try:
                async with self._db.transaction():
                    await self._view.follow_other_writers()
                    await self._refuse_linked(plan.listing)
                    show = await self._shows.insert(self._free(plan.show))
                    self._view.put_show(show)  # the write path's listeners read it from the view
                    for fact in facts:
                        written.append(await self._catalogue.write_in_transaction(
                            show.id, fact.kind, fact.key, fact.fact, 0, self.editor, reason, True, None))
                    await self._proposals.remember_dismissed(show.id, left_out)
                    link = await self._link(show, plan.listing, time.time() + self._poll_seconds)
            except BaseException:
                await self._view.load()  # the show was put in the view as it went
                raise
            for change in written:
                self._view.remember_change(change)
        log.info("imported %s from %s %s: %d facts", show.slug, self.provider.name, link.external_id,
                 len(written))
        return show, len(written)

    async def linkable(self, show: Show, listing: Listing) -> None:
        """A UserError if `show` may not be linked to `listing` (before anything is saved)."""
        async with self._db.lock:
            await self._refuse_linked(listing, allowed=show.id)
            await self._refuse_relink(show, listing)

    async def link(self, show: Show, listing: Listing) -> Link:
        """Link a tracked show to a listing (checked at once: its differences become proposals)."""
        async with self._db.lock:
            async with self._db.transaction():
                await self._refuse_linked(listing, allowed=show.id)
                await self._refuse_relink(show, listing)
                link = await self._link(show, listing, 0.0)
        for linked in self.on_linked:
            await linked(link)
        return link

    async def unlink(self, show: Show) -> bool:
        """Unlink a show from TVmaze, its pending proposals withdrawn and what was listed
        forgotten (one transaction); whether it was linked."""
        async with self._db.lock:
            async with self._db.transaction():
                withdrawn = await self._proposals.forget_in_transaction(show.id)
                found = await self._listings.unlink(show.id, self.key)
        self._proposals.committed(withdrawn)
        return found

    async def season_changed(self, show: Show) -> None:
        """The show now follows another season: what the listing said of the old one is withdrawn
        and forgotten, and a linked show is checked again soon (one transaction)."""
        async with self._db.lock:
            async with self._db.transaction():
                withdrawn = await self._proposals.forget_in_transaction(show.id)
                link = await self._listings.link_of(show.id, self.key)
                if link is not None:
                    await self._listings.check_now(link.id)
        self._proposals.committed(withdrawn)
        log.info("show %s follows season %d: %d proposals withdrawn", show.slug, show.season,
                 len(withdrawn))

    async def link_of(self, show: Show) -> Link | None:
        """The show's TVmaze link, if any."""
        async with self._db.lock:
            return await self._listings.link_of(show.id, self.key)

    async def _refuse_linked(self, listing: Listing, allowed: int | None = None) -> None:
        link = await self._listings.linked_to(self.key, listing.external_id)
        holder = self._view.show(link.show_id) if link else None
        if link is not None and link.show_id != allowed:
            raise UserError(TAKEN, title=escape(holder.title) if holder else "?",
                            slug=holder.slug if holder else "?")

    async def _refuse_relink(self, show: Show, listing: Listing) -> None:
        # Replacing a link silently would keep the other listing's proposals and memory.
        link = await self._listings.link_of(show.id, self.key)
        if link is not None and link.external_id != listing.external_id:
            raise UserError(LINKED_ELSEWHERE, title=escape(show.title), slug=show.slug,
                            page="<" + link.page_url + ">")

    async def _link(self, show: Show, listing: Listing, next_check_at: float) -> Link:
        return await self._listings.link(show.id, self.key, listing.external_id, listing.page_url,
                                         next_check_at)

    def _free(self, show: Show) -> Show:
        """The show with a slug no other show has, without names another show is found by."""
        others = self._view.all_shows()
        slug, n = show.slug, 2
        while self._view.show_by_slug(slug) is not None:
            slug = f"{show.slug[:36]}-{n}"
            n += 1
        taken = {fold(x) for o in others for x in (o.title, o.slug, o.original_title or "", *o.aliases)}
        show = check_show(replace(without_names(show, taken), slug=slug))
        check_names_free(show, others)  # the title itself: the owner links that show instead
        return show
