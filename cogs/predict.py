"""/predict: fans guess what the season will bring; editors open questions and resolve them."""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Sequence
from typing import Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.alerts.announcements import answer_text
from bot.app import SeasonwatchBot
from bot.catalogue.render import entry_label, escape, show_title
from bot.catalogue.search import MAX_CHOICES, fold, resolve_entry
from bot.core.errors import InvalidInput, UserError
from bot.core.facts import quote
from bot.core.messages import N_
from bot.core.models import ANSWER_FIELD, Editor, Entry, Prediction, Show
from bot.i18n import DEFAULT, lang_of, t
from bot.i18n.texts import closing_text
from bot.interactions.access import EDITORS, ruled
from bot.interactions.buttons import CogButton
from bot.interactions.cooldown import fan_cooldown
from bot.interactions.replies import reply, think
from bot.predictions.rules import PREDICTION_KINDS, parse_answer, parse_choices, parse_closes
from bot.predictions.views import (
    BOARD_ROWS,
    KIND_HELP,
    LIST_OPEN,
    board_embed,
    counted,
    list_embed,
    make_text,
    mine_embed,
    short,
)
from cogs.base import CatalogueCog

log = logging.getLogger(__name__)

LIST_RESOLVED = 5
MINE_ROWS = 20
# A question's state as editors see it in the `question` autocomplete.
QUESTION_STATES = {"open": N_("open"), "closed": N_("closed"), "resolved": N_("resolved")}
BOARD_EXPIRED = N_("This leaderboard expired; run the command again.")


def entry_value(entry: Entry | None) -> str | None:
    """What a confirmed tied entry says, as a candidate answer (None if not confirmed)."""
    if entry is None:
        return None
    field = ANSWER_FIELD.get(entry.kind, "")
    if entry.fact.basis(field).confidence != "confirmed":  # the answering value's own confidence
        return None
    value = entry.fact.fields.get(field)
    return None if value in (None, "") else str(value)


class BoardButton(CogButton, template=r"sw:lb:(?P<show>\d+):(?P<guild>\d+):(?P<page>\d+)"):
    """Previous/Next on a leaderboard: the show, scope and page live in the custom id."""

    cog_name = "Predict"
    expired = BOARD_EXPIRED

    def __init__(self, label: str, show_id: int, guild_id: int | None, page: int, *,
                 disabled: bool = False) -> None:
        super().__init__(discord.ui.Button(label=label, style=discord.ButtonStyle.secondary,
                                           custom_id=f"sw:lb:{show_id}:{guild_id or 0}:{page}",
                                           disabled=disabled))
        self.show_id, self.guild_id, self.page = show_id, guild_id, page

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any],
                             match: re.Match[str], /) -> BoardButton:
        label = item.label if isinstance(item, discord.ui.Button) else None
        return cls(str(label), int(match["show"]), int(match["guild"]) or None, int(match["page"]))

    async def pressed(self, interaction: discord.Interaction[Any], cog: commands.Cog) -> None:
        """Show the leaderboard page the button points at."""
        assert isinstance(cog, Predict)
        show = cog.store.view.show(self.show_id)
        if show is None:
            raise UserError(BOARD_EXPIRED)
        embed, view = await cog.board(show, self.guild_id, self.page, None, lang_of(interaction))
        await interaction.response.edit_message(embed=embed, view=view)


class Predict(CatalogueCog):
    """/predict open|make|list|mine|leaderboard|resolve: open and resolve are for editors
    (their own rule), the rest for everyone."""

    predict = app_commands.Group(name="predict",
                                 description="Guess what the season will bring, scored once it is known")

    # -- finding questions ----------------------------------------------------------------------

    async def question_for(self, typed: str, states: Sequence[str]) -> Prediction:
        """The question an option names: its number (from autocomplete) or its words."""
        text = typed.strip().lstrip("#")
        if re.fullmatch(r"[0-9]{1,15}", text):
            found = await self.store.predictions.prediction(int(text))
            if found is not None and found.state in states:
                return found
        else:
            wanted = fold(text)
            candidates = await self.store.predictions.predictions(states=states, limit=200)
            matches = [p for p in candidates if wanted and wanted in fold(p.question)]
            if len(matches) == 1:
                return matches[0]
        problem = (N_("`{text}` is not an open question; pick one from the list "
                      "(`/predict list` shows them).")
                   if tuple(states) == ("open",) else
                   N_("`{text}` is not a question; pick one from the list (`/predict list` shows them)."))
        raise InvalidInput("question", problem, text=quote(typed, 60))

    def _entry(self, prediction: Prediction) -> Entry | None:
        if prediction.entry_id is None:
            return None
        return self.store.view.entry_by_id(prediction.entry_id)

    def _label(self, prediction: Prediction, lang: str, *, states: bool) -> str:
        """`#3 When does it premiere?`; for editors also its state and what a tied entry says."""
        label = f"#{prediction.id} {prediction.question}"
        if states:
            status = (t(lang, QUESTION_STATES[prediction.state]) if prediction.answer is None else
                      t(lang, "resolved: {answer}", answer=prediction.answer))
            label = f"#{prediction.id} [{status}] {prediction.question}"
            value = entry_value(self._entry(prediction))
            if value is not None and prediction.state != "resolved":
                label = f"{label[:70]} · " + t(lang, "entry says {value}", value=value)
        return short(label, 100)

    async def _question_choices(self, interaction: discord.Interaction[Any], current: str,
                                states: Sequence[str], *, labelled: bool) -> list[app_commands.Choice[str]]:
        wanted = fold(current.lstrip("#"))
        out = []
        for p in await self.store.predictions.predictions(states=states, limit=100):
            show = self.store.view.show(p.show_id)
            if show is None or show.archived:
                continue
            label = self._label(p, lang_of(interaction), states=labelled)
            if not wanted or wanted in fold(label):
                out.append(app_commands.Choice(name=label, value=str(p.id)))
        return out[:MAX_CHOICES]

    async def open_autocomplete(self, interaction: discord.Interaction[Any],
                                current: str) -> list[app_commands.Choice[str]]:
        return await self._question_choices(interaction, current, ("open",), labelled=False)

    async def resolvable_autocomplete(self, interaction: discord.Interaction[Any],
                                      current: str) -> list[app_commands.Choice[str]]:
        if not await EDITORS.allows(interaction):  # /predict resolve's rule
            return []
        return await self._question_choices(interaction, current, ("open", "closed", "resolved"),
                                            labelled=True)

    async def answer_autocomplete(self, interaction: discord.Interaction[Any],
                                  current: str) -> list[app_commands.Choice[str]]:
        typed = str(getattr(interaction.namespace, "question", "") or "").lstrip("#")
        numbered = re.fullmatch(r"[0-9]{1,15}", typed)
        prediction = await self.store.predictions.prediction(int(typed)) if numbered else None
        if prediction is None:
            return []
        offered: list[str] = []
        resolving = interaction.command is not None and interaction.command.name == "resolve"
        value = entry_value(self._entry(prediction)) if resolving else None
        if value is not None:
            try:
                offered.append(parse_answer(prediction.kind, value, prediction.choices))
            except InvalidInput:
                pass
        offered += [c for c in prediction.choices if c not in offered]
        wanted = fold(current)
        return [app_commands.Choice(name=short(a, 100), value=a[:100]) for a in offered
                if not wanted or wanted in fold(a)][:MAX_CHOICES]

    # -- editors --------------------------------------------------------------------------------

    @predict.command(name="open", description="Open a prediction question (editors)", extras=ruled(EDITORS))
    @app_commands.describe(question="What fans guess at (up to 200 characters)",
                           kind="date (a release date), number (an episode count) or choice",
                           choices="For kind choice: 2 to 10 options, comma-separated",
                           closes="When guessing stops: YYYY-MM-DD or YYYY-MM-DDTHH:MM (UTC)",
                           entry="Close by itself when this entry becomes confirmed",
                           show="Which show")
    @app_commands.choices(kind=[app_commands.Choice(name=k, value=k) for k in PREDICTION_KINDS])
    @app_commands.autocomplete(show=CatalogueCog.show_autocomplete, entry=CatalogueCog.entry_autocomplete)
    async def predict_open(self, interaction: discord.Interaction[SeasonwatchBot], question: str,
                           kind: str, choices: str | None = None, closes: str | None = None,
                           entry: str | None = None, show: str | None = None) -> None:
        chosen, lang = self.show_for(show), lang_of(interaction)
        if kind == "choice":
            options = parse_choices(choices)
        elif choices:
            raise InvalidInput("choices", "only kind `choice` takes choices; a `{kind}` question "
                                          "is answered with {help}.", kind=kind, help=KIND_HELP[kind])
        else:
            options = ()
        closes_at = parse_closes(closes, dt.datetime.now(dt.UTC)) if closes else None
        tied = resolve_entry(self.store.view.entries(chosen.id), chosen, entry, lang) if entry else None
        editor = Editor(interaction.user.id, interaction.user.display_name)
        prediction = await self.store.predictions.open_prediction(
            chosen.id, question, kind, choices=options, closes_at=closes_at,
            entry_id=tied.id if tied else None, editor=editor)
        tie = " " + t(lang, "It closes when {entry} becomes confirmed.",
                      entry=escape(entry_label(tied.kind, tied.fact.fields, chosen, lang))) if tied else ""
        text = t(lang, "Opened question **#{id}** on {title}: {question} ({closing}).{tie} Announced to "
                       "channels subscribed to `predictions`.", id=prediction.id,
                 title=escape(show_title(chosen, lang)), question=escape(prediction.question),
                 closing=closing_text(prediction, lang), tie=tie)
        await reply(interaction, text)

    @predict.command(name="resolve", description="Give a question its answer and score every guess (editors)",
                     extras=ruled(EDITORS))
    @app_commands.describe(question="The question (open, closed, or resolved to correct it)",
                           answer="The true answer, as the question's kind expects")
    @app_commands.autocomplete(question=resolvable_autocomplete, answer=answer_autocomplete)
    async def predict_resolve(self, interaction: discord.Interaction[SeasonwatchBot], question: str,
                              answer: str) -> None:
        prediction = await self.question_for(question, ("open", "closed", "resolved"))
        parse_answer(prediction.kind, answer, prediction.choices)  # wrong answers: before deferring
        await think(interaction)
        editor = Editor(interaction.user.id, interaction.user.display_name)
        event = await self.store.predictions.resolve_prediction(prediction.id, answer, editor=editor)
        assert event.answer is not None
        lang = lang_of(interaction)
        how = (N_("Corrected **#{id}** ({question}): the answer is **{answer}**. {scored}; announced to "
                  "channels subscribed to `predictions`.") if event.correction else
               N_("Resolved **#{id}** ({question}): the answer is **{answer}**. {scored}; announced to "
                  "channels subscribed to `predictions`."))
        scored = counted(lang, N_("Scored 1 guess"), N_("Scored {count} guesses"), event.guesses)
        lines = [t(lang, how, id=prediction.id, question=escape(prediction.question),
                   answer=answer_text(prediction.kind, event.answer, lang), scored=scored)]
        for place, (name, guessed, points) in enumerate(event.top, start=1):
            said = answer_text(prediction.kind, guessed, lang)
            lines.append(t(lang, "{place}. {name}: {answer} ({points} points)", place=place,
                           name=escape(name), answer=said, points=points))
        await reply(interaction, "\n".join(lines))

    # -- everyone -------------------------------------------------------------------------------

    @predict.command(name="make", description="Guess the answer to an open question")
    @app_commands.describe(question="An open question",
                           answer="Your guess (you can change it until it closes)")
    @app_commands.autocomplete(question=open_autocomplete, answer=answer_autocomplete)
    @fan_cooldown()
    async def predict_make(self, interaction: discord.Interaction[SeasonwatchBot], question: str,
                           answer: str) -> None:
        target = await self.question_for(question, ("open", "closed", "resolved"))
        prediction, guess, old = await self.store.predictions.guess(
            target.id, user_id=interaction.user.id, user_name=interaction.user.display_name,
            guild_id=interaction.guild_id, answer=answer)
        await reply(interaction, make_text(prediction, guess, old, lang_of(interaction)))

    @predict.command(name="list", description="Open questions with the guesses so far, and the last results")
    @app_commands.describe(show="Which show")
    @app_commands.autocomplete(show=CatalogueCog.show_autocomplete)
    @fan_cooldown()
    async def predict_list(self, interaction: discord.Interaction[SeasonwatchBot],
                           show: str | None = None) -> None:
        chosen = self.show_for(show)
        waiting = await self.store.predictions.predictions(show_id=chosen.id, states=("open", "closed"),
                                                           limit=50)
        waiting.sort(key=lambda p: (p.state != "open", -p.id))
        resolved = await self.store.predictions.last_resolved(chosen.id, LIST_RESOLVED)
        counts = await self.store.predictions.answer_counts([p.id for p in waiting[:LIST_OPEN]])
        embed = list_embed(chosen, waiting, counts, resolved, lang_of(interaction))
        if waiting or resolved:
            await interaction.response.send_message(embed=embed)
        else:  # nothing to show the channel
            await reply(interaction, embed=embed)

    @predict.command(name="mine", description="Your guesses and how they scored")
    @fan_cooldown()
    async def predict_mine(self, interaction: discord.Interaction[SeasonwatchBot]) -> None:
        rows, total = await self.store.predictions.user_guesses(interaction.user.id, MINE_ROWS)
        await reply(interaction, embed=mine_embed(rows, total, lang_of(interaction)))

    @predict.command(name="leaderboard", description="Who guessed best, in this server or everywhere")
    @app_commands.describe(show="Which show", scope="server: guesses made here; everyone: all of them")
    @app_commands.autocomplete(show=CatalogueCog.show_autocomplete)
    @fan_cooldown()
    async def predict_leaderboard(self, interaction: discord.Interaction[SeasonwatchBot],
                                  show: str | None = None,
                                  scope: Literal["server", "everyone"] | None = None) -> None:
        chosen = self.show_for(show)
        scope = scope or ("server" if interaction.guild_id else "everyone")
        if scope == "server" and interaction.guild_id is None:
            raise InvalidInput("scope", "in DMs there is no server; use `everyone`.")
        await interaction.response.defer(thinking=True)
        guild_id = interaction.guild_id if scope == "server" else None
        embed, view = await self.board(chosen, guild_id, 0, interaction.user.id, lang_of(interaction))
        if view is None:
            await interaction.followup.send(embed=embed)
        else:
            await interaction.followup.send(embed=embed, view=view)

    async def board(self, show: Show, guild_id: int | None, page: int, me: int | None,
                    lang: str = DEFAULT) -> tuple[discord.Embed, discord.ui.View | None]:
        """One page of a leaderboard (everyone who guessed is on some page), with its buttons."""
        standings, total = await self.store.predictions.leaderboard(show.id, guild_id=guild_id,
                                                        offset=page * BOARD_ROWS, limit=BOARD_ROWS,
                                                        user_id=me)
        count = max(1, -(-total // BOARD_ROWS))
        if page >= count and page > 0:  # fewer people than when the button was made
            return await self.board(show, guild_id, count - 1, me, lang)
        embed = board_embed(show, standings, page, count, total, guild_id is not None, me, lang)
        if count <= 1:
            return embed, None
        view = discord.ui.View(timeout=None)
        view.add_item(BoardButton(t(lang, "Previous"), show.id, guild_id, max(page - 1, 0),
                                  disabled=page == 0))
        view.add_item(BoardButton(t(lang, "Next"), show.id, guild_id, page + 1,
                                  disabled=page >= count - 1))
        return embed, view



async def setup(client: SeasonwatchBot) -> None:
    client.add_dynamic_items(BoardButton)
    await client.add_cog(Predict(client.services.store))
