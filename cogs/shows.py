"""/shows add|edit|archive|import: which shows the bot tracks, for the bot's owners only. The
import's logic and components are bot/listings/ (flow, views, imports)."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

import discord
from discord import app_commands

from bot.app import SeasonwatchBot
from bot.catalogue.render import escape
from bot.catalogue.shows import check_names_free, check_show
from bot.core.facts import check_int, check_text
from bot.i18n import lang_of, t
from bot.interactions.access import OWNERS
from bot.interactions.replies import reply, think
from bot.listings.flow import ImportFlow
from bot.listings.views import FactSelect, PickButton, PlanButton
from bot.store import Store
from cogs.base import CatalogueCog

log = logging.getLogger(__name__)


def _optional(text: str | None, option: str, limit: int) -> str | None:
    return check_text(text, option, limit=limit, required=False) or None if text else None


def _aliases(text: str | None) -> tuple[str, ...]:
    return tuple(a.strip() for a in (text or "").split(",") if a.strip())


class Shows(CatalogueCog):
    """/shows: the cog's check lets only owners through, whatever the subcommand."""

    rule = OWNERS
    shows = app_commands.Group(name="shows", description="Tracked shows (owners)")

    def __init__(self, store: Store, imports: ImportFlow) -> None:
        super().__init__(store)
        self.imports = imports

    @shows.command(name="add", description="Track a new show (owners)")
    @app_commands.describe(slug="Short id: lowercase letters, digits, hyphens", title="The show's title",
                           season="The season to follow", original_title="Title in its own language",
                           network="Where it airs", aliases="Other names, comma-separated")
    async def shows_add(self, interaction: discord.Interaction[SeasonwatchBot], slug: str, title: str,
                        season: int, original_title: str | None = None, network: str | None = None,
                        aliases: str | None = None) -> None:
        check_int(season, "season", 1, 100)
        show = await self.store.shows.add_show(slug.strip(), title, season, original_title=original_title,
                                         network=network, aliases=_aliases(aliases))
        text = t(lang_of(interaction), "Now tracking **{title}** season {season} as `{slug}`.",
                 title=escape(show.title), season=show.season, slug=show.slug)
        await reply(interaction, text)

    @shows.command(name="edit", description="Change a tracked show (owners)")
    @app_commands.describe(show="Which show", title="New title", season="The season to follow",
                           original_title="Title in its own language", network="Where it airs",
                           aliases="Other names, comma-separated (replaces the list)",
                           tvmaze="Link to this TVmaze show id (0 unlinks)")
    @app_commands.autocomplete(show=CatalogueCog.show_autocomplete)
    async def shows_edit(self, interaction: discord.Interaction[SeasonwatchBot], show: str,
                         title: str | None = None, season: int | None = None,
                         original_title: str | None = None, network: str | None = None,
                         aliases: str | None = None, tvmaze: int | None = None) -> None:
        chosen = self.show_for(show)
        if tvmaze is not None:
            await think(interaction)  # TVmaze may take a few seconds at its pace
        if season is not None:
            check_int(season, "season", 1, 100)
        updated = replace(
            chosen,
            title=title or chosen.title,
            season=season or chosen.season,
            original_title=_optional(original_title, "original_title", 100) or chosen.original_title,
            network=_optional(network, "network", 100) or chosen.network,
            aliases=_aliases(aliases) if aliases is not None else chosen.aliases,
        )
        listing = None
        if tvmaze is not None:  # all checked first: a refused edit saves and links nothing
            check_names_free(check_show(updated), self.store.view.all_shows())
            listing = await self.imports.edit_listing(updated, tvmaze)
        # Saved before linking: the link's first check maps the season just saved.
        await self.store.shows.update_show(updated)
        said = await self.imports.edited(interaction, chosen, updated, tvmaze, listing)
        text = t(lang_of(interaction), "Updated **{title}** (`{slug}`).", title=escape(updated.title),
                 slug=updated.slug)
        await reply(interaction, text + (" " + said if said else ""))

    @shows.command(name="import", description="Import a show's season from TVmaze (owners)")
    @app_commands.describe(query="The show's title, to search TVmaze for",
                           season="Which season (default: the latest TVmaze lists)")
    async def shows_import(self, interaction: discord.Interaction[SeasonwatchBot], query: str,
                           season: int | None = None) -> None:
        await self.imports.start(interaction, query, season)

    # -- the import's components (bot/listings/views.py) -------------------------------------------

    async def pick_pressed(self, interaction: discord.Interaction[Any], external_id: str,
                           season: int | None) -> None:
        await self.imports.pick(interaction, external_id, season)

    async def facts_chosen(self, interaction: discord.Interaction[Any], token: str,
                           values: list[str]) -> None:
        await self.imports.choose(interaction, token, values)

    async def plan_pressed(self, interaction: discord.Interaction[Any], token: str, action: str) -> None:
        await self.imports.settle(interaction, token, action)

    @shows.command(name="archive", description="Stop tracking a show; its history stays (owners)")
    @app_commands.describe(show="Which show")
    @app_commands.autocomplete(show=CatalogueCog.show_autocomplete)
    async def shows_archive(self, interaction: discord.Interaction[SeasonwatchBot], show: str) -> None:
        chosen = self.show_for(show)
        await self.store.shows.update_show(replace(chosen, archived=True))
        text = t(lang_of(interaction), "Archived **{title}**: it leaves autocomplete and announces nothing "
                                       "more; `{slug}` still reads it.", title=escape(chosen.title),
                 slug=chosen.slug)
        await reply(interaction, text)


async def setup(client: SeasonwatchBot) -> None:
    await client.add_cog(Shows(client.services.store, client.services.imports))
    client.add_dynamic_items(PickButton, PlanButton, FactSelect)
