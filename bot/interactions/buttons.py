"""What every button and form shares: the shutdown gate, the permission rule, the cog that
answers, and the error reply. `Guarded` is that one path; `CogButton` (a persistent button)
and `CogForm` (a persistent modal's submit) are its two shapes."""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any, ClassVar, Protocol, runtime_checkable

import discord
from discord.ext import commands

from bot.core.errors import UserError
from bot.core.messages import N_
from bot.interactions.access import Refused, Rule
from bot.interactions.replies import reply_error

log = logging.getLogger(__name__)

EXPIRED = N_("This expired; run the command again.")


@runtime_checkable
class Gate(Protocol):
    """The command tree's shutdown gate (the app's tree has one)."""

    async def admit(self, interaction: discord.Interaction[Any], /) -> bool: ...


async def admit(interaction: discord.Interaction[Any]) -> bool:
    """The same shutdown gate and in-flight count as slash commands."""
    tree = getattr(interaction.client, "tree", None)
    return await tree.admit(interaction) if isinstance(tree, Gate) else True


class Guarded:
    """A component answered by a cog, after the same checks as a command.

    `rule` is the permission rule (`bot.interactions.access`), the same object the command
    that made the component declares; a refusal is an ephemeral reply and nothing runs.
    `cog_name` names the cog that answers; once it is unloaded the person is told `expired`.
    Any error becomes an ephemeral reply, never "interaction failed"."""

    cog_name: ClassVar[str] = ""
    rule: ClassVar[Rule | None] = None
    expired: ClassVar[str] = EXPIRED

    @classmethod
    async def allowed(cls, interaction: discord.Interaction[Any]) -> bool:
        """Past the shutdown gate and the rule (a refusal is answered here)."""
        if not await admit(interaction):
            return False
        if cls.rule is not None:
            try:
                await cls.rule(interaction)
            except Refused as exc:
                await reply_error(interaction, exc)
                return False
        return True

    @classmethod
    async def answer(cls, interaction: discord.Interaction[Any],
                     handle: Callable[[commands.Cog], Awaitable[None]]) -> None:
        """Run `handle` with the answering cog; any error is told to the person."""
        cog = interaction.client.get_cog(cls.cog_name)
        try:
            if cog is None:  # unloaded: nothing can answer this any more
                raise UserError(cls.expired)
            await handle(cog)
        except Exception as exc:
            await reply_error(interaction, exc)


# The base is never registered, so its own template only has to match nothing.
class CogButton(Guarded, discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"(?!)"):
    """A persistent button: subclasses give the template, `rule` if it changes anything, and
    `pressed`."""

    async def interaction_check(self, interaction: discord.Interaction[Any], /) -> bool:
        return await self.allowed(interaction)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await self.answer(interaction, lambda cog: self.pressed(interaction, cog))

    async def pressed(self, interaction: discord.Interaction[Any], cog: commands.Cog) -> None:
        """Do what the button is for, answering the interaction."""
        raise NotImplementedError


class CogForm(Guarded):
    """A persistent modal: its submit is taken by custom id (`pattern`), also one of a form
    opened before a restart, which discord.py would not route. The answering cog passes every
    interaction to `receive`; subclasses give `pattern`, `rule` and `submitted`."""

    pattern: ClassVar[re.Pattern[str]] = re.compile(r"(?!)")

    @classmethod
    async def receive(cls, interaction: discord.Interaction[Any]) -> bool:
        """Answer the interaction if it is this form's submit; whether it was."""
        data: Any = interaction.data or {}
        match = cls.pattern.fullmatch(str(data.get("custom_id", "")))
        if interaction.type is not discord.InteractionType.modal_submit or match is None:
            return False
        if await cls.allowed(interaction):
            values = submitted_values(data.get("components") or [])
            await cls.answer(interaction, lambda cog: cls.submitted(interaction, cog, match, values))
        return True

    @classmethod
    async def submitted(cls, interaction: discord.Interaction[Any], cog: commands.Cog,
                        match: re.Match[str], values: dict[str, str]) -> None:
        """Do what the form is for with its values, answering the interaction."""
        raise NotImplementedError


def submitted_values(components: list[dict[str, Any]]) -> dict[str, str]:
    """A submitted form's text inputs by custom id (in action rows or labels)."""
    values: dict[str, str] = {}
    for component in components:
        if component.get("type") == 4:
            values[str(component.get("custom_id"))] = str(component.get("value") or "")
        inner = component.get("components") or []
        if isinstance(component.get("component"), dict):
            inner = [*inner, component["component"]]
        values.update(submitted_values(inner))
    return values
