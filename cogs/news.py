"""News intake: /sources and /queue for editors, /tip for fans (the work itself, the poller and
the review posts, lives in bot/news/; bot/services.py runs them)."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import SeasonwatchBot
from bot.catalogue.previews import Previews
from bot.catalogue.render import escape
from bot.config import Settings
from bot.core.errors import InvalidInput, UserError
from bot.core.facts import check_line, check_text, check_url, fold, parse_date, quote
from bot.core.messages import N_
from bot.core.models import CONFIDENCES, Editor, Show
from bot.i18n import lang_of, language, t, term
from bot.i18n.notices import Notice
from bot.interactions.access import EDITORS, EVERYONE, ruled
from bot.interactions.cooldown import fan_cooldown
from bot.interactions.replies import reply, think
from bot.listings.store import Link
from bot.listings.watch import provider_name
from bot.news.fetch import FetchFailed
from bot.news.links import canonical, link_headline
from bot.news.match import keyword_list
from bot.news.models import Candidate, QueueItem, Source
from bot.news.parse import Item, NotAFeed, parse_feed
from bot.news.poller import Poller, explain
from bot.news.proposals import accepted_fact, proposal_text
from bot.news.views import (
    AddNewsForm,
    ConfidenceButton,
    QueueButton,
    QueuePageButton,
    add_news_form,
    confidence_view,
    item_embed,
    item_view,
    sources_text,
)
from bot.store import Store
from cogs.base import CatalogueCog

log = logging.getLogger(__name__)

TIPS_PER_HOUR = 3
GONE = N_("That queue item no longer exists.")


class News(CatalogueCog):
    """Sources, the review queue and tips: the cog's check lets only editors in, but for /tip."""

    rule = EDITORS
    sources = app_commands.Group(
        name="sources", description="News feeds the bot watches for the review queue (editors)"
    )

    def __init__(self, store: Store, settings: Settings, poller: Poller, previews: Previews) -> None:
        super().__init__(store)
        self.settings = settings
        # Runs only in shard 0's process (bot/services.py); every process checks a feed with its
        # fetcher and wakes it when a source is added.
        self.poller = poller
        self.previews = previews  # Add as news ends in the same preview as /edit news
        self.minutes = f"{settings.feed_poll_minutes:g}"  # 15, or 0.5 in the sandbox

    def _optional_show(self, typed: str | None) -> Show | None:
        return self.show_for(typed) if typed else None

    # -- /sources --

    @sources.command(name="add", description="Watch an RSS or Atom feed (fetched now to check it)")
    @app_commands.describe(
        url="The feed's address (http/https)",
        show="Attach it to one show: every item becomes a candidate for it",
        keywords="Comma-separated words an item must mention to count",
    )
    @app_commands.autocomplete(show=CatalogueCog.show_autocomplete)
    async def sources_add(
        self,
        interaction: discord.Interaction[SeasonwatchBot],
        url: str,
        show: str | None = None,
        keywords: str | None = None,
    ) -> None:
        lang = lang_of(interaction)
        url = check_url(url, "url")
        chosen = self._optional_show(show)
        words = keyword_list(
            check_text(keywords, "keywords", limit=200, required=False) if keywords else None
        )
        await think(interaction)
        try:
            got = await self.poller.fetcher.fetch(url)
            if got.body is None:
                raise FetchFailed(N_("the server answered HTTP {status}"), status=304)
            feed = await asyncio.to_thread(parse_feed, got.body, got.headers, got.url)
        except (FetchFailed, NotAFeed) as exc:
            await reply(
                interaction,
                t(
                    lang,
                    "Not added: `{url}` is not a usable feed: {reason}. Nothing was saved.",
                    url=quote(url, 100),
                    reason=explain(exc, lang),
                ),
            )
            return
        source, new = await self.store.news.add_source(
            url,
            feed.title,
            show_id=chosen.id if chosen else None,
            keywords=words,
            added_by=interaction.user.id,
            seen=[i.key for i in feed.items],
            next_poll_at=self.poller.next_time(),
            etag=got.etag,
            last_modified=got.last_modified,
        )
        self.poller.wake()
        done = (
            N_(
                "Added **{name}**: it holds {count} items, recorded as seen; new ones are checked every "
                "{minutes} minutes."
            )
            if new
            else N_(
                "Updated **{name}** and resumed it: it holds {count} items, recorded as seen; new ones are "
                "checked every {minutes} minutes."
            )
        )
        await reply(
            interaction,
            t(lang, done, name=escape(source.name), count=len(feed.items), minutes=self.minutes),
        )

    @sources.command(name="list", description="Every watched feed and how its fetches go")
    async def sources_list(self, interaction: discord.Interaction[SeasonwatchBot]) -> None:
        lang = lang_of(interaction)
        found = await self.store.news.sources()
        async with self.store.database.lock:
            links = await self.store.listings.links()
        if not found and not links:
            await reply(interaction, t(lang, "No feeds are watched yet. Add one with /sources add."))
            return
        feeds = [self._source_line(s, lang) for s in found]
        # A linked show is a source too: its listing is watched. Failing ones first.
        links = sorted(links, key=lambda link: (link.failures == 0, link.show_id))
        linked = [self._link_line(link, lang) for link in links]
        text = sources_text(feeds, t(lang, "**Linked listings**"), linked, lang)
        embed = discord.Embed(title=t(lang, "News sources"), description=text)
        await reply(interaction, embed=embed)

    def _link_line(self, link: Link, lang: str) -> str:
        """A linked show: its listing, and how checking it goes (failing: since when and why)."""
        show = self.store.view.show(link.show_id)
        title = escape(show.title) if show else "?"
        parts = [f"**{title}** · {provider_name(link.provider)} <{link.page_url.replace('>', '%3E')}>"]
        if link.failures:
            parts.append(t(lang, "⚠️ failing since <t:{since}:R> ({count} tries): {reason}; next try "
                                 "<t:{next}:R>", since=int(link.failing_since or 0), count=link.failures,
                           reason=escape(Notice.load(link.last_error or "?").text(lang)),
                           next=int(link.next_check_at)))
        elif link.last_ok_at:
            parts.append(t(lang, "✅ last checked <t:{when}:R>", when=int(link.last_ok_at)))
        else:
            parts.append(t(lang, "⏳ not checked yet"))
        return "\n".join(parts)

    def _source_line(self, source: Source, lang: str) -> str:
        show = self.store.view.show(source.show_id) if source.show_id else None
        parts = [f"**#{source.id} {escape(source.name)}** <{source.url.replace('>', '%3E')}>"]
        if show:
            parts.append(t(lang, "show: {title}", title=escape(show.title)))
        if source.keywords:
            parts.append(t(lang, "keywords: {words}", words=escape(", ".join(source.keywords))))
        if not source.active:
            parts.append(
                t(
                    lang,
                    "⏸️ paused: {reason}. Run /sources add with this URL to resume.",
                    reason=escape(Notice.load(source.paused_reason or "?").text(lang)),
                )
            )
        elif source.failures:
            parts.append(
                t(
                    lang,
                    "⚠️ failing since <t:{since}:R> ({count} tries): {reason}; next try <t:{next}:R>",
                    since=int(source.failing_since or 0),
                    count=source.failures,
                    reason=escape(Notice.load(source.last_error or "?").text(lang)),
                    next=int(source.next_poll_at),
                )
            )
        elif source.last_ok_at:
            parts.append(t(lang, "✅ last fetched <t:{when}:R>", when=int(source.last_ok_at)))
            if source.last_error:  # with no failures: what the last fetch's caps skipped
                parts.append(escape(Notice.load(source.last_error).text(lang)))
        return "\n".join(parts)

    async def source_autocomplete(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        wanted = fold(current)
        return [
            app_commands.Choice(name=f"#{s.id} {s.name}"[:100], value=str(s.id))
            for s in await self.store.news.sources()
            if wanted in fold(f"{s.id} {s.name} {s.url}")
        ][:25]

    @sources.command(name="remove", description="Stop watching a feed (its queued items stay)")
    @app_commands.describe(source="The feed, as listed by /sources list")
    @app_commands.autocomplete(source=source_autocomplete)
    async def sources_remove(self, interaction: discord.Interaction[SeasonwatchBot], source: str) -> None:
        lang = lang_of(interaction)
        listed = {str(s.id): s for s in await self.store.news.sources()}
        chosen = listed.get(source.strip().lstrip("#"))
        if chosen is None:
            raise InvalidInput(
                "source", "there is no source `{text}`; pick one from the list.", text=quote(source)
            )
        await self.store.news.remove_source(chosen.id)
        stopped = t(lang, "Stopped watching **{name}**. Its queued items stay in /queue.",
                    name=escape(chosen.name))
        await reply(interaction, stopped)

    # -- /queue --

    @app_commands.command(name="queue", description="Pending news items to add or dismiss (editors)")
    @app_commands.describe(show="Only this show's items")
    @app_commands.autocomplete(show=CatalogueCog.show_autocomplete)
    async def queue(self, interaction: discord.Interaction[SeasonwatchBot], show: str | None = None) -> None:
        chosen = self._optional_show(show)
        embed, view = await self._page(chosen.id if chosen else 0, 0, lang_of(interaction))
        await reply(interaction, embed=embed, view=view)

    async def _page(
        self, show_id: int, offset: int, lang: str
    ) -> tuple[discord.Embed, discord.ui.View | None]:
        items, total = await self.store.news.pending_items(show_id or None, offset=offset, limit=1)
        if not items and offset:
            items, total = await self.store.news.pending_items(show_id or None, offset=0, limit=1)
            offset = 0
        if not items:
            return discord.Embed(description=t(lang, "The review queue is empty: nothing is waiting.")), None
        embed = item_embed(items[0], self.store.view, lang)
        embed.set_author(name=t(lang, "Item {number} of {total}", number=offset + 1, total=total))
        return embed, item_view(items[0], lang, page=(show_id, offset, total))

    async def page_pressed(self, interaction: discord.Interaction[Any], show_id: int, offset: int) -> None:
        """Previous / Next in /queue."""
        embed, view = await self._page(show_id, offset, lang_of(interaction))
        await interaction.response.edit_message(embed=embed, view=view)

    # -- the buttons and the modal --

    async def _pending(self, item_id: int) -> QueueItem:
        item = await self.store.news.queue_item(item_id)
        if item is None:
            raise UserError(GONE)
        if not item.pending:
            raise UserError("This item was already settled ({state}).", state=item.state)
        return item

    async def add_pressed(self, interaction: discord.Interaction[Any], item_id: int) -> None:
        """Add as news: the modal, prefilled from the item."""
        item = await self._pending(item_id)
        await interaction.response.send_modal(add_news_form(item, lang_of(interaction)))

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction[Any]) -> None:
        """The Add-as-news form submitted (opened in this run or before a restart)."""
        await AddNewsForm.receive(interaction)

    async def add_submitted(self, interaction: discord.Interaction[Any], item_id: int,
                            values: dict[str, str]) -> None:
        """The form's values checked, then the usual /edit news preview, tied to the item."""
        item = await self._pending(item_id)
        await self._add(interaction, item, values.get("headline", ""), values.get("published", ""),
                        values.get("confidence", ""), values.get("note", ""))

    async def _add(self, interaction: discord.Interaction[Any], item: QueueItem, headline: str,
                   published: str, confidence: str, note: str) -> None:
        lang = lang_of(interaction)
        wanted = {fold(c): c for c in CONFIDENCES} | {fold(term(lang, c)): c for c in CONFIDENCES}
        level = wanted.get(fold(confidence))
        if level is None:
            raise InvalidInput(
                "confidence",
                "`{text}` is not one of: {allowed}.",
                text=quote(confidence),
                allowed=", ".join(term(lang, c) for c in CONFIDENCES),
            )
        day = parse_date(published, "published") if published.strip() else None
        remark = check_text(note, "note", limit=1000, required=False) or None
        item = await self._pending(item.id)
        show = self.store.view.show(item.show_id)
        if show is None:
            raise UserError(GONE)
        await self.previews.news(
            interaction,
            show,
            headline,
            item.url,
            level,
            day,
            remark,
            source_name=item.source_name,
            news_item=item.id,
        )

    async def accept_pressed(self, interaction: discord.Interaction[Any], item_id: int) -> None:
        """Accept on a proposal: which confidence to publish it with (the listing's, highlighted)."""
        item = await self._pending(item_id)
        lang = lang_of(interaction)
        assert item.proposal is not None
        current = self.store.view.entry(item.show_id, item.proposal.kind, item.proposal.key)
        text = proposal_text(item.proposal, self.store.view.show(item.show_id),
                             current.fact if current else None, lang)
        await reply(interaction, t(lang, "{proposal}\nPublish it with which confidence? The preview "
                                         "comes next; nothing is written before Publish.",
                                   proposal=escape(text)), view=confidence_view(item, lang))

    async def confidence_chosen(self, interaction: discord.Interaction[Any], item_id: int,
                                confidence: str) -> None:
        """The usual /edit preview of the proposed fact at that confidence, tied to the item."""
        item = await self._pending(item_id)
        proposal = item.proposal
        show = self.store.view.show(item.show_id)
        if proposal is None or show is None or confidence not in CONFIDENCES:
            raise UserError(GONE)
        current = self.store.view.entry(show.id, proposal.kind, proposal.key)
        fact = accepted_fact(proposal, current.fact if current else None, confidence,
                             dt.datetime.now(dt.UTC).date())
        await self.previews.open(interaction, show, proposal.kind, proposal.key, fact, news_item=item.id)

    async def dismiss_pressed(self, interaction: discord.Interaction[Any], item_id: int) -> None:
        """Dismiss: settled, and the message pressed shows who dismissed it."""
        user = interaction.user
        item = await self.store.news.dismiss_item(item_id, Editor(user.id, user.display_name))
        on_post = interaction.message is not None and interaction.message.id == item.review_message
        # The review channel reads in its server's language; /queue's page in the editor's own.
        lang = language(interaction.guild_locale) if on_post else lang_of(interaction)
        await interaction.response.edit_message(embed=item_embed(item, self.store.view, lang), view=None)
        if on_post:
            await self.store.reviews.review_synced(item.id, item.state)

    # -- /tip --

    @app_commands.command(name="tip", description="Send the editors a link worth a look",
                          extras=ruled(EVERYONE))
    @app_commands.describe(
        url="The article's address (http/https)",
        note="What it says, in a line",
        show="Which show it is about",
    )
    @app_commands.autocomplete(show=CatalogueCog.show_autocomplete)
    @fan_cooldown()
    async def tip(
        self,
        interaction: discord.Interaction[SeasonwatchBot],
        url: str,
        note: str | None = None,
        show: str | None = None,
    ) -> None:
        lang = lang_of(interaction)
        url = check_url(url, "url")
        remark = check_line(note, "note", limit=200, required=False) if note else None
        chosen = self.show_for(show)
        link = canonical(url)
        user = interaction.user
        # The fan's note is theirs, not the article's headline or summary: it stays the note.
        item = Item(link, link_headline(link), url, link, None, "")
        # Known link, archived show, the hourly limit and the insert: one transaction, so
        # concurrent tips cannot all pass the limit and a database gone is a WriteFailed.
        queued = await self.store.tips.queue_tip(
            Candidate(item, chosen.id, ()),
            tipper=Editor(user.id, user.display_name),
            note=remark,
            review_channel=self.settings.review_channel_id,
            per_hour=TIPS_PER_HOUR,
        )
        text = (
            N_("Thanks! Your tip is in the editors' queue; they decide what becomes news.")
            if queued
            else N_("Already known: that link is in the timeline or the editors' queue. Thanks!")
        )
        await reply(interaction, t(lang, text))


async def setup(client: SeasonwatchBot) -> None:
    services = client.services
    client.add_dynamic_items(QueueButton, QueuePageButton, ConfidenceButton)
    await client.add_cog(News(services.store, services.settings, services.poller, services.previews))
