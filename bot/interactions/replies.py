"""Replying safely: the one ephemeral-reply helper (`reply`), no pings ever, and the one
error-to-message table (`error_message`), used by the command tree, buttons and forms alike."""

from __future__ import annotations

import logging
import secrets
from typing import Any

import discord
from discord import app_commands
from discord.utils import MISSING

from bot.core.errors import InvalidInput, NotAllowed, StoreError, UserError
from bot.core.messages import N_
from bot.i18n import catalogue, lang_of, t

log = logging.getLogger(__name__)

NO_MENTIONS = discord.AllowedMentions.none()
MESSAGE_CHARS = 2000

# Exception type -> what the user is told. The first matching type wins.
_MESSAGES: tuple[tuple[type[BaseException], str], ...] = (
    (app_commands.NoPrivateMessage, N_("This command only works in a server, not in DMs.")),
    (app_commands.CommandOnCooldown, N_("Slow down: try again in {retry:.0f} s.")),
    (app_commands.MissingPermissions, N_("You need the Manage Server permission for this.")),
    (app_commands.TransformerError, N_("`{value}` is not a valid value for this option.")),
    (app_commands.CheckFailure, N_("You can't use this command here.")),
)


def outcome_of(error: BaseException) -> str:
    """What an error made of an interaction, as bot/metrics.py counts it: `refused` by a check
    (permission, cooldown, DMs), a `user_error` (the input, a rule of the domain), or `failed`
    on our side (the database, a bug)."""
    original = error.original if isinstance(error, app_commands.CommandInvokeError) else error
    if isinstance(original, StoreError):  # a WriteFailed is told like a UserError: still ours
        return "failed"
    if isinstance(original, (NotAllowed, app_commands.CheckFailure)):
        return "refused"
    if isinstance(original, (UserError, app_commands.TransformerError)):
        return "user_error"
    return "failed"


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


def clip(text: str, limit: int = MESSAGE_CHARS) -> str:
    """`text`, cut to Discord's limit with "…" if longer."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


async def reply(interaction: discord.Interaction[Any], content: str | None = None, *,
                embed: discord.Embed | None = None, view: discord.ui.View | None = None,
                best_effort: bool = False) -> None:
    """The one way to answer only the person who asked: ephemeral, pinging nobody (the
    client's allowed_mentions), as a follow-up once the interaction is answered or deferred.

    `best_effort`: a reply nothing depends on (an error, a notice): if Discord refuses it,
    log a warning rather than raise."""
    text = clip(content) if content is not None else MISSING  # None would send `content: null`
    shown = embed if embed is not None else MISSING
    buttons = view if view is not None else MISSING
    try:
        if interaction.response.is_done():
            await interaction.followup.send(text, embed=shown, view=buttons, ephemeral=True)
        else:
            await interaction.response.send_message(text, embed=shown, view=buttons, ephemeral=True)
    except discord.HTTPException:
        if not best_effort:
            raise
        log.warning("could not deliver a reply", exc_info=True)


async def reply_error(interaction: discord.Interaction[Any], error: BaseException) -> None:
    """Tell the person what went wrong (`error_message`), ephemerally; never raises."""
    await reply(interaction, error_message(error, interaction), best_effort=True)


async def think(interaction: discord.Interaction[Any]) -> None:
    """Answer Discord now ("thinking…", seen only by the person) when the reply may take longer
    than its 3 seconds; `reply` then completes it."""
    await interaction.response.defer(ephemeral=True, thinking=True)
