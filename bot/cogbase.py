"""What every catalogue cog shares: finding the show an option names, and autocomplete."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.errors import UserError
from bot.models import Show
from bot.render import entry_label
from bot.search import MAX_CHOICES, entry_names, rank, resolve_show, show_names
from bot.store import Store


class CatalogueCog(commands.Cog):
    """A cog reading the catalogue; its autocomplete callbacks are shared by subclasses."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def show_for(self, typed: str | None) -> Show:
        """The show an option names, or the only tracked one."""
        return resolve_show(self.store.shows(), typed, self.store.shows(include_archived=True))

    async def show_autocomplete(self, interaction: discord.Interaction[Any],
                                current: str) -> list[app_commands.Choice[str]]:
        shows = self.store.shows()
        found = rank(current, ((s, show_names(s)) for s in shows)) if current else shows
        return [app_commands.Choice(name=f"{s.title} (season {s.season})"[:100], value=s.slug)
                for s in found[:MAX_CHOICES]]

    def _show_in(self, interaction: discord.Interaction[Any]) -> Show | None:
        try:
            return self.show_for(getattr(interaction.namespace, "show", None))
        except UserError:
            return None

    async def person_autocomplete(self, interaction: discord.Interaction[Any],
                                  current: str) -> list[app_commands.Choice[str]]:
        show = self._show_in(interaction)
        if show is None:
            return []
        cast = self.store.entries(show.id, "cast")
        found = rank(current, ((e, [str(e.fact.fields["person"])]) for e in cast)) if current else cast
        names = [str(e.fact.fields["person"])[:100] for e in found[:MAX_CHOICES]]
        return [app_commands.Choice(name=n, value=n) for n in names]

    async def entry_autocomplete(self, interaction: discord.Interaction[Any],
                                 current: str) -> list[app_commands.Choice[str]]:
        show = self._show_in(interaction)
        if show is None:
            return []
        entries = self.store.entries(show.id)
        found = rank(current, ((e, entry_names(e, show)) for e in entries)) if current else entries
        return [app_commands.Choice(name=entry_label(e.kind, e.fact.fields, show)[:100], value=str(e.id))
                for e in found[:MAX_CHOICES]]

