"""What fans ask: /status, /cast, /episodes, /news, /history, answered from the in-memory catalogue."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import SeasonwatchBot
from bot.catalogue.render import (
    CAST_FILTERS,
    HISTORY_PAGE,
    cast_list,
    cast_page,
    entry_label,
    episodes_embed,
    history_embed,
    news_list,
    news_page,
    person_embed,
    status_embed,
)
from bot.catalogue.search import fold, resolve_entry, resolve_person
from bot.core.errors import UserError
from bot.core.messages import N_
from bot.core.models import CONFIDENCES, Entry, Show
from bot.i18n import DEFAULT, lang_of, t
from bot.i18n.texts import CAST_FILTER_HELP
from bot.interactions.buttons import CogButton
from bot.interactions.cooldown import fan_cooldown
from bot.store import Store
from bot.web.pages import PageUrl
from cogs.base import CatalogueCog

log = logging.getLogger(__name__)

EXPIRED = N_("This list expired; run the command again.")


class PageButton(CogButton, template=r"sw:p:(?P<state>.*)"):
    """Previous/Next: the list, show, filter and page live in the custom id, so restarts don't matter."""

    cog_name = "Fans"
    expired = EXPIRED

    def __init__(self, label: str, state: str, *, disabled: bool = False) -> None:
        super().__init__(discord.ui.Button(label=label, custom_id=f"sw:p:{state}",
                                           style=discord.ButtonStyle.secondary, disabled=disabled))
        self.state = state

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any],
                             match: re.Match[str], /) -> PageButton:
        label = item.label if isinstance(item, discord.ui.Button) else None
        return cls(str(label), match["state"])

    async def pressed(self, interaction: discord.Interaction[Any], cog: commands.Cog) -> None:
        """Show the page the button points at, in the language of whoever pressed it."""
        assert isinstance(cog, Fans)
        listing = await cog.turn_page(self.state, lang_of(interaction))
        await interaction.response.edit_message(embed=listing.embed, view=listing.view)


def pager(kind: str, show: Show, arg: str, number: int, count: int,
          lang: str = DEFAULT) -> discord.ui.View | None:
    """Previous/Next buttons for page `number` of `count`, or None when one page is all."""
    if count <= 1:
        return None
    view = discord.ui.View(timeout=None)
    view.add_item(PageButton(t(lang, "Previous"), f"{kind}:{show.id}:{arg}:{max(number - 1, 0)}",
                             disabled=number == 0))
    view.add_item(PageButton(t(lang, "Next"), f"{kind}:{show.id}:{arg}:{number + 1}",
                             disabled=number >= count - 1))
    return view


@dataclass(frozen=True)
class Listing:
    """A rendered page of a list and its buttons."""

    embed: discord.Embed
    view: discord.ui.View | None


class Fans(CatalogueCog):
    """Read-only commands anyone may use. `page_url` gives a season's web page (slug, language),
    or None when PUBLIC_URL is not set: /status links it."""

    def __init__(self, store: Store, page_url: PageUrl = lambda slug, lang: None) -> None:
        super().__init__(store)
        self.page_url = page_url

    async def reply(self, interaction: discord.Interaction[Any], embed: discord.Embed,
                    view: discord.ui.View | None = None) -> None:
        """Answer publicly with one embed (and buttons), pinging nobody. Nothing known yet is an
        answer too, one a fan may want the channel to see (DESIGN.md § Command surface); only
        bad input is ephemeral, and that is raised as a UserError before getting here."""
        if view is None:
            await interaction.response.send_message(embed=embed)
        else:
            await interaction.response.send_message(embed=embed, view=view)

    async def reply_listing(self, interaction: discord.Interaction[Any], listing: Listing) -> None:
        """Answer with a list page, an empty one included."""
        await self.reply(interaction, listing.embed, listing.view)

    def _news_about(self, show: Show, person: str) -> list[Entry]:
        """The news items (newest first) whose headline or note names a person."""
        name = person.casefold()
        news = self.memo(show.id, "news:None",
                         lambda: news_list(self.store.view.entries(show.id, "news"), None))
        return [e for e in news
                if name in f"{e.fact.fields['headline']} {e.fact.fields.get('note') or ''}".casefold()][:5]

    # -- paged lists ------------------------------------------------------------------------------

    async def cast_listing(self, show: Show, which: str, number: int, lang: str = DEFAULT) -> Listing:
        """A page of /cast."""
        listed = self.memo(show.id, f"cast:{which}",
                           lambda: cast_list(self.store.view.entries(show.id, "cast"), which))
        embed, page = cast_page(show, listed, which, number, lang)
        return Listing(embed, pager("cast", show, which, page.number, page.count, lang))

    async def news_listing(self, show: Show, confidence: str | None, number: int,
                           lang: str = DEFAULT) -> Listing:
        """A page of /news."""
        listed = self.memo(show.id, f"news:{confidence}",
                           lambda: news_list(self.store.view.entries(show.id, "news"), confidence))
        embed, page = news_page(show, listed, confidence, number, lang)
        view = pager("news", show, confidence or "-", page.number, page.count, lang)
        return Listing(embed, view)

    async def history_listing(self, show: Show, entry_id: int | None, number: int,
                              lang: str = DEFAULT) -> Listing:
        """A page of /history, for the show or one entry."""
        entry = self.store.view.entry_by_id(entry_id) if entry_id is not None else None
        if entry_id is not None and (entry is None or entry.show_id != show.id):
            raise UserError(EXPIRED)
        # Each change bumps its entry's version by one, so the version counts its changes.
        total = entry.version if entry else self.store.view.change_count(show.id)
        count = max(1, -(-total // HISTORY_PAGE))
        number = max(0, min(number, count - 1))
        changes = await self.memo_async(
            show.id, f"history:{entry_id}:{number}",
            lambda: self.store.catalogue.changes(show.id, entry_id=entry_id, offset=number * HISTORY_PAGE,
                                                 limit=HISTORY_PAGE))
        label = entry_label(entry.kind, entry.fact.fields, show, lang) if entry else None
        embed = history_embed(show, changes, number, count, label, lang)
        view = pager("hist", show, str(entry_id) if entry_id else "-", number, count, lang)
        return Listing(embed, view)

    async def turn_page(self, state: str, lang: str = DEFAULT) -> Listing:
        """Render the page a Previous/Next button points at."""
        try:
            kind, show_id, arg, number_text = state.split(":")
            show, number = self.store.view.show(int(show_id)), int(number_text)
        except ValueError:
            raise UserError(EXPIRED) from None
        if show is None:
            raise UserError(EXPIRED)
        if kind == "cast" and arg in CAST_FILTERS:
            return await self.cast_listing(show, arg, number, lang)
        if kind == "news" and (arg == "-" or arg in CONFIDENCES):
            return await self.news_listing(show, None if arg == "-" else arg, number, lang)
        if kind == "hist" and (arg == "-" or arg.isdigit()):
            return await self.history_listing(show, None if arg == "-" else int(arg), number, lang)
        raise UserError(EXPIRED)

    # -- the commands ------------------------------------------------------------------------------------

    @app_commands.command(name="status",
                          description="Where the season stands: stage, release window, sources")
    @app_commands.describe(show="Which show (defaults to the only one tracked)")
    @app_commands.autocomplete(show=CatalogueCog.show_autocomplete)
    @fan_cooldown()
    async def status(self, interaction: discord.Interaction[SeasonwatchBot],
                     show: str | None = None) -> None:
        chosen = self.show_for(show)
        statuses = self.store.view.entries(chosen.id, "status")
        release = self.store.view.entry(chosen.id, "release", "release")
        lang = lang_of(interaction)
        embed = status_embed(chosen, statuses, release, self.store.view.latest_as_of(chosen.id),
                             lang, self.page_url(chosen.slug, lang))
        await self.reply(interaction, embed)

    @app_commands.command(name="cast",
                          description="Who is in the season, or everything known about one person")
    @app_commands.describe(show="Which show", person="One person's card",
                           filter="Which part of the cast to list (each choice says what it lists)")
    # Discord shows each choice's name; its value stays the filter's name (`filter:rumored`).
    @app_commands.choices(filter=[app_commands.Choice(name=CAST_FILTER_HELP[f], value=f)
                                  for f in CAST_FILTERS])
    @app_commands.autocomplete(show=CatalogueCog.show_autocomplete,
                               person=CatalogueCog.person_autocomplete)
    @fan_cooldown()
    async def cast(self, interaction: discord.Interaction[SeasonwatchBot], show: str | None = None,
                   person: str | None = None, filter: str = "all") -> None:
        chosen = self.show_for(show)
        if person:
            exact = self.memo(chosen.id, "cast-by-name", lambda: self.cast_names(chosen.id).by_name())
            entry = exact.get(fold(person)) or resolve_person(self.cast_names(chosen.id), person)
            related = self.memo(chosen.id, f"news-about:{entry.key}",
                                lambda: self._news_about(chosen, str(entry.fact.fields["person"])))
            await self.reply(interaction, person_embed(chosen, entry, related, lang_of(interaction)))
            return
        listing = await self.cast_listing(chosen, filter, 0, lang_of(interaction))
        await self.reply_listing(interaction, listing)

    @app_commands.command(name="episodes", description="Episode count, runtime and rating, with sources")
    @app_commands.describe(show="Which show")
    @app_commands.autocomplete(show=CatalogueCog.show_autocomplete)
    @fan_cooldown()
    async def episodes(self, interaction: discord.Interaction[SeasonwatchBot],
                       show: str | None = None) -> None:
        chosen = self.show_for(show)
        entry = self.store.view.entry(chosen.id, "episodes", "episodes")
        embed = episodes_embed(chosen, entry, lang_of(interaction))
        await self.reply(interaction, embed)

    @app_commands.command(name="news", description="The news timeline, newest first")
    @app_commands.describe(show="Which show", confidence="Only news this sure")
    @app_commands.choices(confidence=[app_commands.Choice(name=c, value=c) for c in CONFIDENCES])
    @app_commands.autocomplete(show=CatalogueCog.show_autocomplete)
    @fan_cooldown()
    async def news(self, interaction: discord.Interaction[SeasonwatchBot], show: str | None = None,
                   confidence: str | None = None) -> None:
        chosen = self.show_for(show)
        listing = await self.news_listing(chosen, confidence, 0, lang_of(interaction))
        await self.reply_listing(interaction, listing)

    @app_commands.command(name="history",
                          description="What changed, when, by whom, from what to what")
    @app_commands.describe(show="Which show", entry="Only the changes of this entry")
    @app_commands.autocomplete(show=CatalogueCog.show_autocomplete,
                               entry=CatalogueCog.entry_autocomplete)
    @fan_cooldown()
    async def history(self, interaction: discord.Interaction[SeasonwatchBot], show: str | None = None,
                      entry: str | None = None) -> None:
        chosen = self.show_for(show)
        lang = lang_of(interaction)
        entries = self.store.view.entries(chosen.id)
        entry_id = resolve_entry(entries, chosen, entry, lang).id if entry else None
        listing = await self.history_listing(chosen, entry_id, 0, lang)
        await self.reply_listing(interaction, listing)


async def setup(client: SeasonwatchBot) -> None:
    client.add_dynamic_items(PageButton)
    await client.add_cog(Fans(client.services.store, client.services.pages.page_url))
