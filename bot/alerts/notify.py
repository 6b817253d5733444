"""`Notify me`: the button on announcements of a subscription with a mention role, which gives
the clicker that role or takes it away, so that fans choose to be pinged themselves.

The button is attached only to roles that handing out grants nothing @everyone lacks, and the
bot has what Discord would ask for (Manage Roles, the role below its own highest role); every
click checks again, as the server may have changed since (`bot.alerts.grants`)."""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Iterable
from typing import Any

import discord
from discord.ext import commands

from bot.alerts.grants import grant_problem
from bot.core.errors import UserError
from bot.core.messages import N_
from bot.i18n import lang_of, t
from bot.interactions.buttons import CogButton
from bot.interactions.replies import reply, think

log = logging.getLogger(__name__)

GONE = N_("That role no longer exists; the server's admins can pick another with `/alerts subscribe`.")


def notify_view(guild: discord.Guild | None, role_ids: Iterable[int],
                lang: str) -> discord.ui.View | None:
    """The `Notify me` button(s) for an announcement in `guild` pinging these roles, one for
    each role the button may hand out now; None if there is none."""
    if guild is None:  # not in the cache: nothing to check against, so no button
        return None
    roles = sorted(r for r in set(role_ids)
                   if (role := guild.get_role(r)) is not None and grant_problem(role, lang) is None)
    if not roles:
        return None
    view = discord.ui.View(timeout=None)
    for role_id in roles[:5]:
        view.add_item(NotifyButton(role_id, t(lang, "Notify me")))
    return view


class NotifyButton(CogButton, template=r"sw:notify:(?P<role>[0-9]{1,20})"):
    """Toggles one role for whoever clicks; persistent (the role id lives in the custom id)."""

    cog_name = "Remind"

    def __init__(self, role_id: int, label: str = "Notify me") -> None:
        super().__init__(discord.ui.Button(label=label, custom_id=f"sw:notify:{role_id}",
                                           style=discord.ButtonStyle.primary, emoji="🔔"))
        self.role_id = role_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any],
                             match: re.Match[str], /) -> NotifyButton:
        return cls(int(match["role"]))

    async def pressed(self, interaction: discord.Interaction[Any], cog: commands.Cog) -> None:
        """Give the role, or take it away if the clicker has it; say which."""
        lang = lang_of(interaction)
        guild, member = interaction.guild, interaction.user
        role = guild.get_role(self.role_id) if guild is not None else None
        if role is None or not isinstance(member, discord.Member):
            raise UserError(GONE)
        problem = grant_problem(role, lang)
        if problem is not None:
            await reply(interaction, t(lang, "I can't change your roles: {reason}. Ask the server's "
                                             "admins; nothing was changed.", reason=problem),
                        best_effort=True)
            return
        budget = getattr(cog, "budget", None)  # the bot's global budget, like every request
        # A big fan-out can hold every place in the budget for a second or two: answer Discord
        # now ("thinking") rather than risk its 3-second deadline while waiting for one.
        await think(interaction)
        try:
            async with budget.request() if budget is not None else contextlib.nullcontext():
                text = await _toggle(member, role, lang)
        except discord.Forbidden:  # the cache was behind: Discord said what the checks would have
            text = t(lang, "Discord refused to change your roles: the bot needs the Manage Roles "
                           "permission and a role above {role}. Nothing was changed.", role=role.mention)
        await reply(interaction, text, best_effort=True)


async def _toggle(member: discord.Member, role: discord.Role, lang: str) -> str:
    """Take the role away if the member has it, else give it; what to tell them."""
    if member.get_role(role.id) is not None:
        await member.remove_roles(role, reason="Notify me: the member asked to stop")
        return t(lang, "You no longer have {role}: announcements will not ping you.", role=role.mention)
    await member.add_roles(role, reason="Notify me: the member asked to be pinged")
    return t(lang, "You now have {role}: announcements here will ping you. Press the "
                   "button again to stop.", role=role.mention)
