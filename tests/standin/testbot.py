"""A tiny discord.py bot exercising what the stand-in must support (not the product bot)."""

from __future__ import annotations

import asyncio
import logging

import discord
from discord import app_commands
from discord.ext import commands

log = logging.getLogger(__name__)

NO_PINGS = discord.AllowedMentions.none()


class Pager(discord.ui.View):
    def __init__(self, page: int = 1) -> None:
        super().__init__(timeout=60)
        self.page = page

    @discord.ui.button(label="Next", custom_id="pager:next")
    async def next(
        self, interaction: discord.Interaction, button: discord.ui.Button[Pager]
    ) -> None:
        self.page += 1
        await interaction.response.edit_message(content=f"page {self.page}", view=self)


class Feedback(discord.ui.Modal, title="Feedback"):
    text: discord.ui.TextInput[Feedback] = discord.ui.TextInput(
        label="Your text", custom_id="fb:text", max_length=50
    )

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"got {self.text.value}", ephemeral=True)


class MiniBot(commands.Bot):
    def __init__(self) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=discord.Intents.default(),
            allowed_mentions=NO_PINGS,
            guild_ready_timeout=0.05,
        )
        self.errors: list[discord.HTTPException] = []
        self.sent_codes: list[int] = []
        self._add_commands()

    async def setup_hook(self) -> None:
        await self.tree.sync()

    def _add_commands(self) -> None:
        tree = self.tree

        @tree.command(description="Answer pong")
        @app_commands.describe(text="what to echo")
        async def ping(interaction: discord.Interaction, text: str | None = None) -> None:
            await interaction.response.send_message(f"pong {text or ''}".strip())

        @tree.command(description="A cast member")
        @app_commands.choices(
            filter=[
                app_commands.Choice(name="All", value="all"),
                app_commands.Choice(name="New", value="new"),
            ]
        )
        async def cast(
            interaction: discord.Interaction,
            person: str,
            filter: str = "all",
            count: app_commands.Range[int, 1, 10] = 1,
        ) -> None:
            await interaction.response.send_message(f"{person}/{filter}/{count}", ephemeral=True)

        @cast.autocomplete("person")
        async def cast_person(
            interaction: discord.Interaction, current: str
        ) -> list[app_commands.Choice[str]]:
            names = ["Park Ji-hu", "Park Solomon", "Yoon Chan-young"]
            return [
                app_commands.Choice(name=n, value=n) for n in names if current.lower() in n.lower()
            ]

        edit = app_commands.Group(name="edit", description="Editor commands")

        @edit.command(name="cast", description="Edit a cast entry")
        async def edit_cast(
            interaction: discord.Interaction,
            person: str,
            role: discord.Role | None = None,
            who: discord.Member | None = None,
        ) -> None:
            await interaction.response.send_message(
                f"edited {person} {role.name if role else '-'} {who.name if who else '-'}"
            )

        tree.add_command(edit)

        @tree.command(description="Paged output")
        async def pager(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("page 1", view=Pager())

        @tree.command(description="Paged output only the caller sees")
        async def secret_pager(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("page 1", view=Pager(), ephemeral=True)

        @tree.command(description="Deferred answer")
        async def slow(interaction: discord.Interaction) -> None:
            await interaction.response.defer(thinking=True)
            await asyncio.sleep(0.1)
            await interaction.edit_original_response(content="done slowly")

        @tree.command(description="Open a modal")
        async def form(interaction: discord.Interaction) -> None:
            await interaction.response.send_modal(Feedback())

        @tree.command(description="Answer after the deadline")
        async def late(interaction: discord.Interaction, seconds: float) -> None:
            await asyncio.sleep(seconds)
            try:
                await interaction.response.send_message("too late")
            except discord.HTTPException as exc:
                self.errors.append(exc)

        @tree.command(description="Send to a channel")
        async def say(
            interaction: discord.Interaction,
            channel: discord.TextChannel,
            text: str,
            title: str | None = None,
            channel_id: str | None = None,
        ) -> None:
            await interaction.response.defer(ephemeral=True)
            target: discord.abc.Messageable = channel
            if channel_id is not None:
                target = self.get_partial_messageable(int(channel_id))
            embed = discord.Embed(title=title) if title is not None else None
            try:
                msg = await target.send(text, embed=embed, allowed_mentions=NO_PINGS)
            except discord.HTTPException as exc:
                self.errors.append(exc)
                await interaction.edit_original_response(content=f"error {exc.status} {exc.code}")
            else:
                await interaction.edit_original_response(content=f"sent {msg.id}")
