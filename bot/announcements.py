"""The announcement embeds: one change to one entry, each field old to new; prediction events."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import urlsplit

import discord

from bot.facts import render_window
from bot.models import KIND_FIELDS, Change, Fact, PredictionEvent, Show
from bot.render import BADGES, COLOUR, entry_label, escape, link, stage_label

VALUE_CHARS = 200  # one field value in a change line
DESCRIPTION_CHARS = 3000  # leaves room for merging several announcements in 6,000 characters
_DELIVERY = re.compile(r"\bdelivery (\d+)\b")
# The field that says what an entry is about, shown with the confidence on each side.
_MAIN_FIELD = {"status": "when", "release": "when", "cast": "character", "episodes": "count",
               "news": "headline"}
# What the main field reads when it is not known.
_UNKNOWN = {"status": "date unknown", "release": "date unknown", "cast": "in the cast",
            "episodes": "count unknown"}
# Fields that name the entry rather than describe it.
_NAMING_FIELD = {"status": "stage", "cast": "person"}


def entry_name(show: Show, change: Change) -> str:
    """What the entry is, in words: `Release`, `Cast: Park Ji-hu`, `Status: Filming`."""
    fact = change.after or change.before
    return entry_label(change.kind, fact.fields if fact else {}, show)


def _value(name: str, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if name in ("when", "published"):
        text = render_window(str(value))
    elif name == "runtime":
        text = f"{value} min"
    elif name == "character":
        text = f"as {value}"
    else:
        text = str(value)
    text = text if len(text) <= VALUE_CHARS else text[: VALUE_CHARS - 1] + "…"
    return escape(text)


def _main_label(show: Show, change: Change) -> str:
    fact = change.after or change.before
    fields = fact.fields if fact else {}
    if change.kind == "status":
        return stage_label(str(fields.get("stage") or change.key), show)
    if change.kind == "cast":
        return escape(str(fields.get("person") or change.key))
    return {"release": "Release", "episodes": "Episodes", "news": "Headline"}.get(
        change.kind, change.kind.capitalize())


def change_lines(show: Show, change: Change) -> list[str]:
    """`Release: late 2024 – early 2025 (speculation) → March 2025 (confirmed)`, and the rest."""
    before, after = change.before, change.after
    main = _MAIN_FIELD.get(change.kind, "")
    label = _main_label(show, change)

    def side(fact: Fact) -> str:
        value = fact.fields.get(main)
        shown = _value(main, value) if value not in (None, "") else _UNKNOWN.get(change.kind, "—")
        return f"{shown} ({fact.confidence})"

    if after is None:
        assert before is not None
        return [f"Removed: {label}: {side(before)}"]
    if before is None:
        lines = [f"New: {label}: {side(after)}"]
        for name in KIND_FIELDS.get(change.kind, ()):
            if name not in (main, _NAMING_FIELD.get(change.kind)) and after.fields.get(name):
                lines.append(f"{name.capitalize()}: {_value(name, after.fields[name])}")
        return lines
    lines = []
    if before.fields.get(main) != after.fields.get(main) or before.confidence != after.confidence:
        lines.append(f"{label}: {side(before)} → {side(after)}")
    for name in KIND_FIELDS.get(change.kind, ()):
        old, new = before.fields.get(name), after.fields.get(name)
        if name != main and old != new:
            lines.append(f"{name.capitalize()}: {_value(name, old)} → {_value(name, new)}")
    if (before.source_name, before.source_url) != (after.source_name, after.source_url):
        lines.append(f"Source: {_source_name(before)} → {_source_name(after)}")
    return lines or ["Re-checked: nothing visible changed."]


def _source_name(fact: Fact) -> str:
    return escape(fact.source_name or urlsplit(fact.source_url).hostname or "source")


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
    title = f"{show.title} season {show.season} · {entry_name(show, change)}"
    if correction:
        title = f"Correction · {title}"
    embed = discord.Embed(title=escape(title)[:256], colour=COLOUR)
    lines = change_lines(show, change)
    if correction:
        lines.append(f"This corrects change #{change.correction_of}.")
    description = "\n".join(lines)
    if len(description) > DESCRIPTION_CHARS:
        description = description[: DESCRIPTION_CHARS - 1] + "…"
    embed.description = description
    embed.add_field(name="Confidence", value=BADGES.get(fact.confidence, fact.confidence))
    embed.add_field(name="Source", value=link(fact.source_name or urlsplit(fact.source_url).hostname
                                              or "source", fact.source_url)[:1024])
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
        title = f"{escape(show.title)} season {show.season} · New prediction #{question.id}"
        lines = [f"**{escape(question.question)}**", ""]
        if question.kind == "choice":
            lines.append("Pick one of: " + ", ".join(escape(c) for c in question.choices))
        else:
            lines.append({"date": "Guess a date (YYYY-MM-DD).",
                          "number": "Guess a whole number."}[question.kind])
        lines.append(f"Closes {_closes(question.closes_at)}. Guess with `/predict make`.")
    else:
        title = f"{escape(show.title)} season {show.season} · Prediction #{question.id} resolved"
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


def _closes(closes_at: str | None) -> str:
    if closes_at is None:
        return "when the answer is known"
    return discord.utils.format_dt(dt.datetime.fromisoformat(closes_at), "f")
