"""The announcement embeds: one change to one entry, each field old to new; prediction events."""

from __future__ import annotations

import datetime as dt

import discord

from bot.catalogue.diff import change_diff, source_name
from bot.catalogue.render import COLOUR, badge, escape, heading, link
from bot.core.models import Change, PredictionEvent, Show
from bot.i18n import DEFAULT, t
from bot.i18n.dates import window_text
from bot.i18n.texts import UNDO_REASON, closing_text
from bot.outbox.markers import marked_ids, marked_url

DESCRIPTION_CHARS = 3000  # leaves room for merging several announcements in 6,000 characters


def change_lines(show: Show, change: Change, lang: str = DEFAULT) -> list[str]:
    """The change's rows, old → new, escaped for an embed (the same words as /history)."""
    return [escape(line) for line in change_diff(change, show, lang).lines()]


def delivery_ids(embed: discord.Embed) -> list[int]:
    """The deliveries an announcement read back from Discord was sent for."""
    return marked_ids(embed, "delivery")


def mark(embed: discord.Embed, delivery_id: int | None, link: str) -> None:
    """Link the title to `link`, marked with the delivery (how a resend finds the message)."""
    if delivery_id is not None:
        embed.url = marked_url(link, "delivery", delivery_id)


def render_announcement(show: Show, change: Change, delivery_id: int | None = None,
                        lang: str = DEFAULT, page: str | None = None) -> discord.Embed:
    """The announcement of one change: show, entry, each field old → new, badge, source, time.
    With the season's web `page`, the title leads there (the Source field still links the
    source); the delivery marker rides in that link's fragment either way."""
    fact = change.after or change.before
    assert fact is not None
    correction = change.correction_of is not None
    title = f"{heading(show, lang)} · {escape(change_diff(change, show, lang).name)}"
    if correction:
        title = t(lang, "Correction · {title}", title=title)
    embed = discord.Embed(title=title[:256], colour=COLOUR)
    lines = change_lines(show, change, lang)
    if correction:
        lines.append(t(lang, "This corrects change #{id}.", id=change.correction_of))
    description = "\n".join(lines)
    if len(description) > DESCRIPTION_CHARS:
        description = description[: DESCRIPTION_CHARS - 1] + "…"
    embed.description = description
    embed.add_field(name=t(lang, "Confidence"), value=badge(fact.confidence, lang))
    embed.add_field(name=t(lang, "Source"), value=link(source_name(fact), fact.source_url)[:1024])
    created = dt.datetime.fromisoformat(change.created_at)
    embed.add_field(name=t(lang, "When"), value=discord.utils.format_dt(created, "f"))
    if change.reason:
        embed.add_field(name=t(lang, "Why"), value=reason_text(change, lang)[:1024], inline=False)
    embed.timestamp = created
    embed.set_footer(text=t(lang, "seasonwatch · change #{id}", id=change.id))
    if page is not None:
        embed.url = page
    # A fan who clicks the title reaches the season page, else the source.
    mark(embed, delivery_id, page or fact.source_url)
    return embed


def reason_text(change: Change, lang: str = DEFAULT) -> str:
    """Why a change was made: the editor's own words as typed, or the words /undo records,
    worded for a reader of `lang`."""
    reason = change.reason or ""
    if change.correction_of is not None and reason == UNDO_REASON.format(id=change.correction_of):
        return t(lang, UNDO_REASON, id=change.correction_of)
    return escape(reason)


# -- predictions -----------------------------------------------------------------------------


def answer_text(kind: str, answer: str, lang: str = DEFAULT) -> str:
    """An answer as read: dates in words, the rest escaped."""
    return window_text(answer, lang) if kind == "date" else escape(answer)


def _opened_lines(event: PredictionEvent, lang: str) -> list[str]:
    question = event.prediction
    lines = [f"**{escape(question.question)}**", ""]
    if question.kind == "choice":
        choices = ", ".join(escape(c) for c in question.choices)
        lines.append(t(lang, "Pick one of: {choices}", choices=choices))
    elif question.kind == "date":
        lines.append(t(lang, "Guess a date (YYYY-MM-DD)."))
    else:
        lines.append(t(lang, "Guess a whole number."))
    closing = closing_text(question, lang)
    closing = f"{closing[:1].upper()}{closing[1:]}"  # a sentence's start (English; no-op in Korean)
    lines.append(t(lang, "{closing}. Guess with `/predict make`.", closing=closing))
    return lines


def _resolved_lines(event: PredictionEvent, lang: str) -> list[str]:
    question = event.prediction
    assert event.answer is not None
    lines = [f"**{escape(question.question)}**", "",
             t(lang, "Answer: **{answer}**", answer=answer_text(question.kind, event.answer, lang))]
    if event.top:
        lines.append(t(lang, "Closest:"))
        for place, (name, answer, points) in enumerate(event.top, start=1):
            lines.append(t(lang, "{place}. {name}: {answer} ({points} points)", place=place,
                           name=escape(name), answer=answer_text(question.kind, answer, lang), points=points))
    scored = (t(lang, "1 guess scored.") if event.guesses == 1 else
              t(lang, "{count} guesses scored.", count=event.guesses))
    lines.append(t(lang, "{scored} `/predict leaderboard` has the standings.", scored=scored))
    return lines


def render_prediction_event(show: Show, event: PredictionEvent, delivery_id: int | None = None,
                            lang: str = DEFAULT, link: str = "https://discord.com/channels/@me"
                            ) -> discord.Embed:
    """A question opened (question, kind, choices, closing) or resolved (answer and top 3);
    its title links to `link` (the channel it is posted in) when sent as a delivery."""
    question = event.prediction
    if event.kind == "opened":
        title = t(lang, "{heading} · New prediction #{id}", heading=heading(show, lang), id=question.id)
        lines = _opened_lines(event, lang)
    else:
        title = t(lang, "{heading} · Prediction #{id} resolved", heading=heading(show, lang), id=question.id)
        if event.correction:
            title = t(lang, "Correction · {title}", title=title)
        lines = _resolved_lines(event, lang)
    embed = discord.Embed(title=title[:256], colour=COLOUR,
                          description="\n".join(lines)[:DESCRIPTION_CHARS])
    created = dt.datetime.fromisoformat(event.created_at)
    embed.timestamp = created
    embed.set_footer(text=t(lang, "seasonwatch · question #{id}", id=question.id))
    mark(embed, delivery_id, link)
    return embed
