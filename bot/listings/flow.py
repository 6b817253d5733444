"""`/shows import` as the owner goes through it: matches, preview, choosing facts, Import, Link or
Cancel; and `/shows edit tvmaze:` linking and unlinking. The shows cog passes its interactions
here (cogs/shows.py); what is written is `bot.listings.imports`."""

from __future__ import annotations

import logging
from typing import Any

import discord

from bot.catalogue.render import escape
from bot.core.errors import UserError
from bot.core.facts import check_int
from bot.core.models import Show
from bot.i18n import lang_of, t
from bot.interactions.replies import reply, think
from bot.listings.imports import Importer
from bot.listings.provider import Listing
from bot.listings.views import matches_text, matches_view, preview_embed, preview_view

log = logging.getLogger(__name__)


class ImportFlow:
    """The import's replies and components, for one bot."""

    def __init__(self, importer: Importer) -> None:
        self.importer = importer

    async def start(self, interaction: discord.Interaction[Any], query: str, season: int | None) -> None:
        """Search TVmaze and offer the matches."""
        query = " ".join(query.split())[:100]
        if not query:
            raise UserError("Type part of the show's title to search TVmaze for.")
        if season is not None:
            check_int(season, "season", 1, 100)
        await think(interaction)  # TVmaze may take a few seconds at its pace
        matches = await self.importer.search(query)
        lang = lang_of(interaction)
        await reply(interaction, matches_text(matches, query, lang), view=matches_view(matches, season))

    async def pick(self, interaction: discord.Interaction[Any], external_id: str, season: int | None) -> None:
        """A match was picked: the preview replaces the matches."""
        await interaction.response.defer()
        plan = await self.importer.plan(external_id, season)
        token = self.importer.keep(plan, interaction.user.id)
        pending = self.importer.pending(token)
        lang = lang_of(interaction)
        await interaction.edit_original_response(content=None, embed=preview_embed(pending, lang),
                                                 view=preview_view(token, pending, lang))

    async def choose(self, interaction: discord.Interaction[Any], token: str, values: list[str]) -> None:
        """The fact select changed: the preview shows the new choice."""
        pending = self.importer.choose(token, (int(v) for v in values if v.isdigit()))
        lang = lang_of(interaction)
        await interaction.response.edit_message(embed=preview_embed(pending, lang),
                                                view=preview_view(token, pending, lang))

    async def settle(self, interaction: discord.Interaction[Any], token: str, action: str) -> None:
        """Import, Link or Cancel: each acts once; the preview becomes the outcome."""
        pending = self.importer.drop(token)
        # Linking checks the show at once (TVmaze at its pace): past Discord's 3 s to answer.
        await interaction.response.defer()
        lang = lang_of(interaction)
        plan = pending.plan
        if action == "cancel":
            text = t(lang, "Import cancelled. Nothing was written.")
        elif action == "link" and plan.similar is not None:
            await self.importer.link(plan.similar, plan.listing)
            text = t(lang, "Linked **{title}** (`{slug}`) to TVmaze instead of importing it again. Its "
                           "differences from TVmaze become proposals in /queue.",
                     title=escape(plan.similar.title), slug=plan.similar.slug)
        else:
            show, count = await self.importer.import_show(pending, interaction.user.display_name)
            text = t(lang, "Imported **{title}** season {season} as `{slug}`: {count} facts, written "
                           "silently as changes by TVmaze, and linked to TVmaze.",
                     title=escape(show.title), season=show.season, slug=show.slug, count=count)
        await interaction.edit_original_response(content=text, embed=None, view=None)

    async def edit_listing(self, show: Show, tvmaze: int) -> Listing | None:
        """`/shows edit tvmaze:`, before the show is saved: the listing to link (None to unlink),
        or a UserError saying why it cannot be linked."""
        check_int(tvmaze, "tvmaze", 0, 999_999_999)
        if tvmaze == 0:
            return None
        listing = await self.importer.provider.listing(str(tvmaze))
        await self.importer.linkable(show, listing)
        return listing

    async def edited(self, interaction: discord.Interaction[Any], before: Show, after: Show,
                     tvmaze: int | None, listing: Listing | None) -> str:
        """After `/shows edit` saved the show: a new season or an unlink withdraws what the listing
        proposed; then the link (checked at once, for the season just saved). What to say."""
        lang = lang_of(interaction)
        if tvmaze == 0:
            if await self.importer.unlink(after):
                return t(lang, "Unlinked from TVmaze.")
            return t(lang, "It was not linked to TVmaze.")
        if after.season != before.season:
            await self.importer.season_changed(after)
        if listing is None:
            return ""
        await self.importer.link(after, listing)
        page = "<" + listing.page_url + ">"  # no preview card
        return t(lang, "Linked to TVmaze's {title} ({page}); its differences from TVmaze become "
                       "proposals in /queue.", title=escape(listing.title), page=page)
