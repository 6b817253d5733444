"""Replying safely: no pings ever, ephemeral errors, and the error-to-message table."""

from __future__ import annotations

import logging
import secrets
from typing import Any

import discord
from discord import app_commands

from bot.core.errors import InvalidInput, UserError
from bot.i18n import N_, catalogue, lang_of, t

log = logging.getLogger(__name__)

NO_MENTIONS = discord.AllowedMentions.none()

# Exception type -> what the user is told. The first matching type wins.
_MESSAGES: tuple[tuple[type[BaseException], str], ...] = (
    (app_commands.NoPrivateMessage, N_("This command only works in a server, not in DMs.")),
    (app_commands.CommandOnCooldown, N_("Slow down: try again in {retry:.0f} s.")),
    (app_commands.MissingPermissions, N_("You need the Manage Server permission for this.")),
    (app_commands.TransformerError, N_("`{value}` is not a valid value for this option.")),
    (app_commands.CheckFailure, N_("You can't use this command here.")),
)


def user_error_text(error: UserError, lang: str) -> str:
    """A UserError in `lang`; an invalid option is named as the user sees it in their client."""
    text = t(lang, error.message, **error.values)
    if isinstance(error, InvalidInput):
        option = catalogue(lang).get(("option", error.option), error.option)
        return f"`{option}`: {text}"
    return text


def error_message(error: BaseException, interaction: discord.Interaction[Any] | None = None) -> str:
    """What to tell the user about an error, in their language; unexpected ones are logged
    with a short id."""
    lang = lang_of(interaction) if interaction is not None else "en"
    original = error.original if isinstance(error, app_commands.CommandInvokeError) else error
    if isinstance(original, UserError):
        return user_error_text(original, lang)
    for kind, template in _MESSAGES:
        if isinstance(original, kind):
            return t(lang, template, retry=getattr(original, "retry_after", 0.0),
                     value=str(getattr(original, "value", ""))[:100])
    error_id = secrets.token_hex(4)
    command = interaction.command.qualified_name if interaction and interaction.command else "?"
    log.error("error %s in /%s", error_id, command, exc_info=original)
    return t(lang, "Something went wrong on our side (error `{error_id}`). "
                   "It has been logged; quote that id if you report it.", error_id=error_id)


async def send_ephemeral(interaction: discord.Interaction[Any], message: str) -> None:
    """Answer (or follow up) with an ephemeral message that pings nobody."""
    message = message if len(message) <= 2000 else message[:1999] + "…"
    try:
        if interaction.response.is_done():
            await interaction.followup.send(message, ephemeral=True)
        else:
            await interaction.response.send_message(
                message, ephemeral=True
            )
    except discord.HTTPException:
        log.warning("could not deliver an error reply", exc_info=True)
