"""What every catalogue cog shares: its permission rule (`RuledCog`), finding the show an option
names, and autocomplete."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar, cast

import discord
from discord import app_commands

from bot.catalogue.render import entry_label, person_name, show_title
from bot.catalogue.search import (
    MAX_CHOICES,
    SearchIndex,
    entry_names,
    person_names,
    prefold,
    rank,
    rank_folded,
    resolve_show,
    show_names,
)
from bot.core.errors import UserError
from bot.core.models import Entry, Show
from bot.i18n import lang_of, t
from bot.interactions.access import RuledCog
from bot.store import Store

T = TypeVar("T")
MEMO_SIZE = 4096


class CatalogueCog(RuledCog):
    """A cog reading the catalogue; its autocomplete callbacks are shared by subclasses."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._memo: dict[tuple[int, str], tuple[int, Any]] = {}

    def memo(self, show_id: int, name: str, build: Callable[[], T]) -> T:
        """`build()`, remembered until the show's entries next change."""
        revision, hit = self._lookup(show_id, name)
        return cast(T, hit[0]) if hit else self._remember(show_id, name, revision, build())

    async def memo_async(self, show_id: int, name: str, build: Callable[[], Awaitable[T]]) -> T:
        """`await build()`, remembered until the show's entries next change."""
        revision, hit = self._lookup(show_id, name)  # the revision before the await is the right one
        return cast(T, hit[0]) if hit else self._remember(show_id, name, revision, await build())

    def _lookup(self, show_id: int, name: str) -> tuple[int, tuple[Any] | None]:
        revision = self.store.view.revision(show_id)
        found = self._memo.get((show_id, name))
        return revision, (found[1],) if found is not None and found[0] == revision else None

    def _remember(self, show_id: int, name: str, revision: int, value: T) -> T:
        if len(self._memo) >= MEMO_SIZE:  # stale revisions pile up otherwise; rebuilding is cheap
            self._memo.clear()
        self._memo[(show_id, name)] = (revision, value)
        return value

    def cast_names(self, show_id: int) -> SearchIndex[Entry]:
        """Each cast entry with its name folded for search (see `search.prefold`)."""
        return self.memo(show_id, "cast-names", lambda: prefold(
            (e, person_names(e)) for e in self.store.view.entries(show_id, "cast")))

    def show_for(self, typed: str | None) -> Show:
        """The show an option names, or the only tracked one."""
        return resolve_show(self.store.view.shows(), typed, self.store.view.shows(include_archived=True))

    async def show_autocomplete(self, interaction: discord.Interaction[Any],
                                current: str) -> list[app_commands.Choice[str]]:
        shows = self.store.view.shows()
        found = rank(current, ((s, show_names(s)) for s in shows)) if current else shows
        lang = lang_of(interaction)
        return [app_commands.Choice(name=t(lang, "{title} (season {season})", title=show_title(s, lang),
                                           season=s.season)[:100], value=s.slug) for s in found[:MAX_CHOICES]]

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
        if current:
            found = rank_folded(current, self.cast_names(show.id))
        else:
            found = list(self.store.view.entries(show.id, "cast")[:MAX_CHOICES])
        # The value is the romanised name (what the commands resolve); a Korean client is shown
        # the Hangul name first, as in its replies.
        lang = lang_of(interaction)
        return [app_commands.Choice(name=person_name(e.fact.fields, lang)[:100],
                                    value=str(e.fact.fields["person"])[:100]) for e in found[:MAX_CHOICES]]

    async def entry_autocomplete(self, interaction: discord.Interaction[Any],
                                 current: str) -> list[app_commands.Choice[str]]:
        show = self._show_in(interaction)
        if show is None:
            return []
        entries = self.store.view.entries(show.id)
        if current:
            named = self.memo(show.id, "entry-names",
                              lambda: prefold((e, entry_names(e, show)) for e in entries))
            found = rank_folded(current, named)
        else:
            found = list(entries[:MAX_CHOICES])
        lang = lang_of(interaction)
        return [app_commands.Choice(name=entry_label(e.kind, e.fact.fields, show, lang)[:100],
                                    value=str(e.id)) for e in found[:MAX_CHOICES]]

