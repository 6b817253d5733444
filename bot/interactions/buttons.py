"""What every button shares: the shutdown gate, the permission check, the cog, the error reply."""

from __future__ import annotations

import logging
from typing import Any, ClassVar, Protocol, runtime_checkable

import discord
from discord.ext import commands

from bot.core.errors import UserError
from bot.i18n import N_
from bot.interactions.access import Refused, check_editor
from bot.interactions.replies import error_message, send_ephemeral

log = logging.getLogger(__name__)

EXPIRED = N_("This expired; run the command again.")


@runtime_checkable
class Gate(Protocol):
    """The bot's command tree (bot/app.py), named by what it does so this module does not
    import the app built on it."""

    async def admit(self, interaction: discord.Interaction[Any], /) -> bool: ...


async def admit(interaction: discord.Interaction[Any]) -> bool:
    """The same shutdown gate and in-flight count as slash commands."""
    tree = interaction.client.tree
    return await tree.admit(interaction) if isinstance(tree, Gate) else True


# The base is never registered, so its own template only has to match nothing.
class CogButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"(?!)"):
    """A persistent button handled by a cog: subclasses give the template and `pressed`.

    Set `for_editors` on a button that changes anything: the editors-only rule is then
    checked before `pressed` runs, like `/edit`'s. Any error becomes an ephemeral reply.
    """

    cog_name: ClassVar[str] = ""
    for_editors: ClassVar[bool] = False
    expired: ClassVar[str] = EXPIRED

    async def interaction_check(self, interaction: discord.Interaction[Any], /) -> bool:
        if not await admit(interaction):
            return False
        if self.for_editors:
            try:
                await check_editor(interaction)
            except Refused as exc:
                await send_ephemeral(interaction, error_message(exc, interaction))
                return False
        return True

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        cog = interaction.client.get_cog(self.cog_name)
        try:
            if cog is None:  # unloaded: nothing can answer this button any more
                raise UserError(self.expired)
            await self.pressed(interaction, cog)
        except Exception as exc:  # never "interaction failed": say what happened
            await send_ephemeral(interaction, error_message(exc, interaction))

    async def pressed(self, interaction: discord.Interaction[Any], cog: commands.Cog) -> None:
        """Do what the button is for, answering the interaction."""
        raise NotImplementedError
