"""bot/interactions/replies.py: the one ephemeral-reply helper and the error reply."""

from __future__ import annotations

from types import SimpleNamespace

import discord
import pytest
from discord import app_commands

from bot.core.errors import InvalidInput, UserError, WriteFailed
from bot.interactions.access import Refused
from bot.interactions.replies import MESSAGE_CHARS, outcome_of, reply, reply_error, think
from tests.unit.interactions.fakes import interaction


async def test_a_reply_answers_ephemerally_then_follows_up():
    asked = interaction()
    embed, view = discord.Embed(title="x"), discord.ui.View()
    await reply(asked, "first", embed=embed, view=view)
    await reply(asked, "second")
    first, second = asked.channel.sent
    assert (first.how, first.content, first.embed, first.view, first.ephemeral) == (
        "response", "first", embed, view, True)
    assert (second.how, second.content, second.embed, second.view, second.ephemeral) == (
        "followup", "second", None, None, True)


async def test_an_embed_alone_sends_no_content():
    asked = interaction()
    await reply(asked, embed=discord.Embed(title="x"))
    await reply(asked, embed=discord.Embed(title="y"))  # a follow-up must not send `content: null`
    assert [s.content for s in asked.channel.sent] == [None, None]


async def test_a_deferred_interaction_is_completed_by_a_follow_up():
    asked = interaction()
    deferred: list[dict[str, bool]] = []

    async def defer(**how: bool) -> None:
        deferred.append(how)
        asked.channel.done = True

    asked.response = type("Response", (), {"defer": staticmethod(defer), "is_done": asked.channel.is_done})()
    await think(asked)
    await reply(asked, "done")
    assert deferred == [{"ephemeral": True, "thinking": True}]
    assert [(s.how, s.ephemeral) for s in asked.channel.sent] == [("followup", True)]


async def test_a_long_reply_is_clipped_to_discords_limit():
    asked = interaction()
    await reply(asked, "x" * 3000)
    text = asked.channel.sent[0].content
    assert text is not None and len(text) == MESSAGE_CHARS and text.endswith("…")


async def test_a_refused_reply_raises_unless_best_effort():
    asked = interaction()
    asked.channel.refuse = True
    with pytest.raises(discord.HTTPException):
        await reply(asked, "answer")
    await reply(asked, "a notice", best_effort=True)  # logged, not raised


async def test_an_error_is_told_in_the_users_words_and_never_raises():
    asked = interaction()
    await reply_error(asked, UserError("Pick one of {names}.", names="a, b"))
    assert [(s.content, s.ephemeral) for s in asked.channel.sent] == [("Pick one of a, b.", True)]
    asked.channel.refuse = True
    await reply_error(asked, UserError("again"))


command = SimpleNamespace(name="edit cast")


@pytest.mark.parametrize(("error", "outcome"), [
    (UserError("No such show."), "user_error"),
    (app_commands.CommandInvokeError(command, InvalidInput("when", "Not a date.")), "user_error"),
    (app_commands.TransformerError("x", discord.AppCommandOptionType.integer, app_commands.Transformer()),
     "user_error"),
    (Refused("Editors only."), "refused"),
    (app_commands.NoPrivateMessage(), "refused"),
    (app_commands.CommandOnCooldown(app_commands.Cooldown(1, 10), 5.0), "refused"),
    (app_commands.CommandInvokeError(command, WriteFailed("The database could not be written.")), "failed"),
    (app_commands.CommandInvokeError(command, RuntimeError("a bug")), "failed"),
])
def test_outcome_of_an_error_is_what_the_interaction_counter_records(error, outcome):
    assert outcome_of(error) == outcome
