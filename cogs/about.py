"""/about: what the bot is, how sure each badge is, where facts come from, who may do what."""

from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.ext import commands

import bot
from bot.app import SeasonwatchBot
from bot.render import about_embed
from bot.store import Store
from bot.texts import CAST_FILTER_HELP

log = logging.getLogger(__name__)


def subcommands(tree: app_commands.CommandTree[SeasonwatchBot], group: str) -> str:
    """`/edit status|release|…`, read from the tree so it never goes stale."""
    found = tree.get_command(group)
    if not isinstance(found, app_commands.Group):
        return ""
    return f"`/{group} " + "|".join(c.name for c in found.commands) + "`"


def who_does_what(tree: app_commands.CommandTree[SeasonwatchBot]) -> str:
    """The /about field on editors, owners and admins. Discord cannot run a group such as
    /edit by itself, so this field (and the group's description) is where its subcommands are
    listed; each subcommand's own description and options say the rest."""
    return (f"Editors: {subcommands(tree, 'edit')} (each shows a preview; nothing is written "
            f"before Publish), `/undo`, `/predict open|resolve`.\n"
            f"Owners: {subcommands(tree, 'shows')}.\n"
            f"Server admins (Manage Server): {subcommands(tree, 'alerts')}.")


class About(commands.Cog):
    """The /about command."""

    def __init__(self, store: Store) -> None:
        self.store = store

    @app_commands.command(name="about", description="What this bot is and how to read it")
    async def about(self, interaction: discord.Interaction[SeasonwatchBot]) -> None:
        embed = about_embed(self.store.shows(), bot.__version__)
        embed.add_field(name="/cast filters", value="\n".join(CAST_FILTER_HELP.values()), inline=False)
        embed.add_field(name="Who does what", value=who_does_what(interaction.client.tree)[:1024],
                        inline=False)
        await interaction.response.send_message(embed=embed)


async def setup(client: SeasonwatchBot) -> None:
    await client.add_cog(About(client.store))
