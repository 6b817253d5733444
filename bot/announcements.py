"""The announcement embeds: one change to one entry, each field old to new; prediction events."""

from __future__ import annotations

import datetime as dt
import re

import discord

from bot.diff import change_diff, source_name
from bot.facts import render_window
from bot.models import Change, PredictionEvent, Show
from bot.render import BADGES, COLOUR, escape, heading, link
from bot.texts import closing_text

DESCRIPTION_CHARS = 3000  # leaves room for merging several announcements in 6,000 characters
_DELIVERY = re.compile(r"\bdelivery (\d+)\b")


def change_lines(show: Show, change: Change) -> list[str]:
    """The change's rows, old → new, escaped for an embed (the same words as /history)."""
    return [escape(line) for line in change_diff(change, show).lines()]


def delivery_footer(delivery_id: int | None, change: Change) -> str:
    """The footer text; the delivery id in it is how a resend finds an earlier message."""
    text = f"seasonwatch · change #{change.id}"
    return text if delivery_id is None else f"{text} · delivery {delivery_id}"


def delivery_ids(footer: str | None) -> list[int]:
    """The delivery ids an announcement's footer carries."""
    return [int(m) for m in _DELIVERY.findall(footer or "")]


def render_announcement(show: Show, change: Change, delivery_id: int | None = None) -> discord.Embed:
    """The announcement of one change: show, entry, each field old → new, badge, source, time."""
    fact = change.after or change.before
    assert fact is not None
    correction = change.correction_of is not None
    title = f"{heading(show)} · {escape(change_diff(change, show).name)}"
    if correction:
        title = f"Correction · {title}"
    embed = discord.Embed(title=title[:256], colour=COLOUR)
    lines = change_lines(show, change)
    if correction:
        lines.append(f"This corrects change #{change.correction_of}.")
    description = "\n".join(lines)
    if len(description) > DESCRIPTION_CHARS:
        description = description[: DESCRIPTION_CHARS - 1] + "…"
    embed.description = description
    embed.add_field(name="Confidence", value=BADGES.get(fact.confidence, fact.confidence))
    embed.add_field(name="Source", value=link(source_name(fact), fact.source_url)[:1024])
    created = dt.datetime.fromisoformat(change.created_at)
    embed.add_field(name="When", value=discord.utils.format_dt(created, "f"))
    if change.reason:
        embed.add_field(name="Why", value=escape(change.reason)[:1024], inline=False)
    embed.timestamp = created
    embed.set_footer(text=delivery_footer(delivery_id, change))
    return embed


# -- predictions -----------------------------------------------------------------------------

def prediction_footer(delivery_id: int | None, event: PredictionEvent) -> str:
    """The footer of a prediction announcement; carries the delivery id like a change's."""
    text = f"seasonwatch · question #{event.prediction.id}"
    return text if delivery_id is None else f"{text} · delivery {delivery_id}"


def answer_text(kind: str, answer: str) -> str:
    """An answer as read: dates in words, the rest escaped."""
    return render_window(answer) if kind == "date" else escape(answer)


def render_prediction_event(show: Show, event: PredictionEvent,
                            delivery_id: int | None = None) -> discord.Embed:
    """A question opened (question, kind, choices, closing) or resolved (answer and top 3)."""
    question = event.prediction
    if event.kind == "opened":
        title = f"{heading(show)} · New prediction #{question.id}"
        lines = [f"**{escape(question.question)}**", ""]
        if question.kind == "choice":
            lines.append("Pick one of: " + ", ".join(escape(c) for c in question.choices))
        else:
            lines.append({"date": "Guess a date (YYYY-MM-DD).",
                          "number": "Guess a whole number."}[question.kind])
        closing = closing_text(question)
        lines.append(f"{closing[:1].upper()}{closing[1:]}. Guess with `/predict make`.")
    else:
        title = f"{heading(show)} · Prediction #{question.id} resolved"
        if event.correction:
            title = f"Correction · {title}"
        assert event.answer is not None
        lines = [f"**{escape(question.question)}**", "",
                 f"Answer: **{answer_text(question.kind, event.answer)}**"]
        if event.top:
            lines.append("Closest:")
            for place, (name, answer, points) in enumerate(event.top, start=1):
                lines.append(f"{place}. {escape(name)}: {answer_text(question.kind, answer)} "
                             f"({points} points)")
        lines.append(f"{event.guesses} guess{'es' if event.guesses != 1 else ''} scored. "
                     "`/predict leaderboard` has the standings.")
    embed = discord.Embed(title=title[:256], colour=COLOUR,
                          description="\n".join(lines)[:DESCRIPTION_CHARS])
    created = dt.datetime.fromisoformat(event.created_at)
    embed.timestamp = created
    embed.set_footer(text=prediction_footer(delivery_id, event))
    return embed
