"""/about: what the bot is, how sure each badge is, where facts come from."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

import bot
from bot.app import SeasonwatchBot
from bot.render import about_embed
from bot.replies import NO_MENTIONS
from bot.store import Store


class About(commands.Cog):
    """The /about command."""

    def __init__(self, store: Store) -> None:
        self.store = store

    @app_commands.command(name="about", description="What this bot is and how to read it")
    async def about(self, interaction: discord.Interaction[SeasonwatchBot]) -> None:
        embed = about_embed(self.store.shows(), bot.__version__)
        await interaction.response.send_message(embed=embed, allowed_mentions=NO_MENTIONS)


async def setup(client: SeasonwatchBot) -> None:
    await client.add_cog(About(client.store))
