"""/about: what the bot is, how sure each badge is, where facts come from, who may do what."""

from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.ext import commands

import bot
from bot.app import SeasonwatchBot
from bot.catalogue.render import BADGES, COLOUR, badge, heading, link
from bot.core.models import Show
from bot.i18n import DEFAULT, catalogue, lang_of, t
from bot.i18n.texts import CAST_FILTER_HELP
from bot.predictions.rules import scoring_rules
from bot.store import Store
from bot.web.pages import PageUrl

TVMAZE = "https://www.tvmaze.com"
CC_BY_SA = "https://creativecommons.org/licenses/by-sa/4.0/"
FIELD_LIMIT = 1024  # characters in an embed field's value, Discord's limit
MORE = "…"

log = logging.getLogger(__name__)


def subcommands(tree: app_commands.CommandTree[SeasonwatchBot], group: str, lang: str = DEFAULT) -> str:
    """`/edit status|release|…`, read from the tree so it never goes stale, with the names the
    reader's client shows (Korean clients: `/편집 상태|공개|…`)."""
    found = tree.get_command(group)
    if not isinstance(found, app_commands.Group):
        return ""
    names = catalogue(lang)

    def shown(name: str) -> str:
        return names.get(("command", name), name)

    return f"`/{shown(group)} " + "|".join(shown(c.name) for c in found.commands) + "`"


def who_does_what(tree: app_commands.CommandTree[SeasonwatchBot], lang: str = DEFAULT) -> str:
    """The /about field on editors, owners and admins. Discord cannot run a group such as
    /edit by itself, so this field (and the group's description) is where its subcommands are
    listed; each subcommand's own description and options say the rest."""
    return t(lang, "Editors: {edit} (each shows a preview; nothing is written before Publish), "
                   "`/undo`, `/predict open|resolve`.\nOwners: {shows}.\n"
                   "Server admins (Manage Server): {alerts}.",
             edit=subcommands(tree, "edit", lang), shows=subcommands(tree, "shows", lang),
             alerts=subcommands(tree, "alerts", lang)) + "\n" + news_intake(tree, lang)


def news_intake(tree: app_commands.CommandTree[SeasonwatchBot], lang: str = DEFAULT) -> str:
    """Who may do what in news intake: its own line of the /about field."""
    return t(lang, "News intake: editors watch feeds with {sources} and settle `/queue`; anyone can "
                   "`/tip` a link.", sources=subcommands(tree, "sources", lang))


def about_embed(shows: list[Show], version: str, lang: str = DEFAULT,
                page_url: PageUrl = lambda slug, lang: None) -> discord.Embed:
    """The /about card; each tracked show links its web page when there is one."""
    tracked = whole_lines([f"• {_linked(heading(s, lang), page_url(s.slug, lang))}" for s in shows])
    tracked = tracked or t(lang, "none yet")
    embed = discord.Embed(title="seasonwatch", colour=COLOUR, description=t(
        lang, "What is known about upcoming seasons of the shows this server follows: "
              "production status, release window, cast, episodes and the news behind them. "
              "Most of it is rumour until it isn't, so every fact carries how sure it is and "
              "where it comes from."))
    embed.add_field(name=t(lang, "Confidence"), value="\n".join(badge(c, lang) for c in BADGES), inline=False)
    embed.add_field(name=t(lang, "Where facts come from"), inline=False, value=t(
        lang, "Trusted editors post each fact with its source link; `/history` shows every "
              "change, who made it and what it replaced."))
    embed.add_field(name=t(lang, "Listings"), inline=False, value=t(
        lang, "Show, season and cast listings come from {tvmaze} under {licence}; each imported fact "
              "links its TVmaze page.", tvmaze=link("TVmaze", TVMAZE), licence=link("CC BY-SA", CC_BY_SA)))
    embed.add_field(name=t(lang, "Predictions"), inline=False,
                    value=t(lang, "`/predict`: guess, then get scored. {rules}", rules=scoring_rules(lang)))
    embed.add_field(name=t(lang, "Tracked"), value=tracked, inline=False)
    embed.set_footer(text=f"seasonwatch {version}")
    return embed


def whole_lines(lines: list[str], limit: int = FIELD_LIMIT) -> str:
    """As many whole lines as fit in an embed field, then "…" if some did not: a line cut
    short could leave half a link, which Discord shows as raw markdown."""
    if len(everything := "\n".join(lines)) <= limit:
        return everything
    kept: list[str] = []
    for line in lines:
        if len("\n".join([*kept, line, MORE])) > limit:
            return "\n".join([*kept, MORE])
        kept.append(line)
    return "\n".join(kept)


def _linked(text: str, url: str | None) -> str:
    """An escaped heading as a link to `url` (our own page's address), or as it is."""
    return f"[{text}](<{url}>)" if url else text


class About(commands.Cog):
    """The /about command."""

    def __init__(self, store: Store, page_url: PageUrl = lambda slug, lang: None) -> None:
        self.store = store
        self.page_url = page_url

    @app_commands.command(name="about", description="What this bot is and how to read it")
    async def about(self, interaction: discord.Interaction[SeasonwatchBot]) -> None:
        lang = lang_of(interaction)
        embed = about_embed(self.store.view.shows(), bot.__version__, lang, self.page_url)
        filters = (catalogue(lang).get(("choice", h), h) for h in CAST_FILTER_HELP.values())
        embed.add_field(name=t(lang, "/cast filters"), value="\n".join(filters), inline=False)
        roles = who_does_what(interaction.client.tree, lang)
        embed.add_field(name=t(lang, "Who does what"), value=roles[:1024], inline=False)
        await interaction.response.send_message(embed=embed)


async def setup(client: SeasonwatchBot) -> None:
    await client.add_cog(About(client.services.store, client.services.pages.page_url))
