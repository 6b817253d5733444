"""What /predict shows: the list of questions, your guesses, the leaderboard, in a language."""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.alerts.announcements import answer_text
from bot.catalogue.render import COLOUR, base_embed, escape, fit, heading, show_title
from bot.core.messages import N_, Msg
from bot.core.models import Guess, Prediction, Show, Standing
from bot.i18n import DEFAULT, t
from bot.i18n.texts import closing_text
from bot.predictions.rules import spread

LIST_OPEN = 6  # open questions shown by /predict list, each with its spread
BOARD_ROWS = 20
FIELD_CHARS = 1024
KIND_HELP = {"date": N_("a date, YYYY-MM-DD"), "number": N_("a whole number"),
             "choice": N_("one of the choices")}


def counted(lang: str, one: Msg, many: Msg, count: int) -> str:
    """`1 point` / `3 points`: English has two forms, Korean one (both are catalogue messages)."""
    return t(lang, one if count == 1 else many, count=count)


def _what(prediction: Prediction, lang: str) -> str:
    if prediction.kind == "choice":
        return t(lang, "Choices: {choices}", choices=", ".join(escape(c) for c in prediction.choices))
    return t(lang, "Answer with {help}", help=KIND_HELP[prediction.kind])


def name(guess: Guess | Standing) -> str:
    return escape(guess.user_name)


def short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _points(lang: str, count: int) -> str:
    return counted(lang, N_("1 point"), N_("{count} points"), count)


def leaderboard_lines(standings: Sequence[Standing], page: int, me: int | None,
                      lang: str = DEFAULT) -> list[str]:
    """`1. alice — 180 points (2 questions)`: one page, and the caller marked (added if elsewhere)."""
    lines: list[str] = []
    first, last = page * BOARD_ROWS + 1, (page + 1) * BOARD_ROWS
    for s in standings:
        you = " " + t(lang, "**← you**") if s.user_id == me else ""
        questions = counted(lang, N_("1 question"), N_("{count} questions"), s.questions)
        line = f"{s.rank}. {name(s)} — {_points(lang, s.points)} ({questions}){you}"
        if s.rank < first:
            lines[:0] = [line, "…"]
        elif s.rank > last:
            lines += ["…", line]
        else:
            lines.append(line)
    return lines


def board_embed(show: Show, standings: Sequence[Standing], page: int, count: int, total: int,
                where_server: bool, me: int | None, lang: str = DEFAULT) -> discord.Embed:
    """One page of a leaderboard."""
    where = t(lang, "this server") if where_server else t(lang, "everyone")
    title = t(lang, "{heading}: predictions leaderboard ({where})", heading=heading(show, lang), where=where)
    embed = base_embed(title, show, lang)
    lines = leaderboard_lines(standings, page, me, lang)
    embed.description = "\n".join(lines) if lines else t(lang, "No resolved questions with guesses yet.")
    paging = t(lang, "Page {number} of {count} ({total} people) · ", number=page + 1, count=count,
               total=total) if count > 1 else ""
    embed.set_footer(text=paging + t(lang, "Total points over resolved questions; ties go to the earlier "
                                           "guess. /about has the scoring."))
    return fit(embed)


def make_text(prediction: Prediction, guess: Guess, old: Guess | None, lang: str = DEFAULT) -> str:
    """What a fan is told after guessing."""
    said = answer_text(prediction.kind, guess.answer, lang)
    replaces = ""
    if old is not None and old.answer != guess.answer:
        replaces = " " + t(lang, "(replaces {old})", old=answer_text(prediction.kind, old.answer, lang))
    return t(lang, "Your guess for **#{id}** ({question}): **{said}**{replaces}. You can change it until "
                   "the question closes ({closing}); a changed guess counts as a new guess, as late as "
                   "the change.", id=prediction.id, question=escape(prediction.question), said=said,
             replaces=replaces, closing=closing_text(prediction, lang))


def mine_embed(rows: Sequence[tuple[Prediction, Guess]], total: int, lang: str = DEFAULT) -> discord.Embed:
    """/predict mine: your guesses, newest first, and how the resolved ones scored."""
    embed = discord.Embed(title=t(lang, "Your predictions"), colour=COLOUR)
    lines = []
    for prediction, guess in rows:
        said = answer_text(prediction.kind, guess.answer, lang)
        line = f"**#{prediction.id}** {escape(short(prediction.question, 120))}: {said}"
        if prediction.answer is not None:
            answer = answer_text(prediction.kind, prediction.answer, lang)
            points = _points(lang, guess.points or 0)  # resolved: scored
            line += " · " + t(lang, "answer {answer}", answer=answer) + f" · **{points}**"
        else:
            line += f" · {closing_text(prediction, lang)}"
        lines.append(line)
    if total > len(rows):
        lines.append(t(lang, "… and {count} older", count=total - len(rows)))
    empty = t(lang, "You have not guessed yet: try `/predict list`.")
    embed.description = "\n".join(lines) if lines else empty
    return fit(embed)


def _open_field(p: Prediction, counts: dict[int, list[tuple[str, int]]], lang: str) -> tuple[str, str]:
    answers = [escape(a) for a, n in counts.get(p.id, []) for _ in range(n)]
    guesses = counted(lang, N_("1 guess"), N_("{count} guesses"), len(answers))
    head = f"{_what(p, lang)} · {closing_text(p, lang)} · {guesses}"
    bars = spread(p.kind, answers, [escape(c) for c in p.choices])
    value = "\n".join([head, *(t(lang, b) if isinstance(b, Msg) else b for b in bars)])
    return short(f"#{p.id} · {escape(p.question)}", 256), short(value, FIELD_CHARS)


def _resolved_line(p: Prediction, best: Guess | None, guesses: int, lang: str) -> str:
    assert p.answer is not None
    line = f"**#{p.id}** {escape(short(p.question, 80))}: **{answer_text(p.kind, p.answer, lang)}**"
    if best is not None:
        answer = answer_text(p.kind, best.answer, lang)
        line += " · " + t(lang, "closest: {name} ({answer}, {points}; {guesses} guessed)", name=name(best),
                          answer=answer, points=_points(lang, best.points or 0), guesses=guesses)
    return line


def list_embed(show: Show, waiting: Sequence[Prediction], counts: dict[int, list[tuple[str, int]]],
               resolved: Sequence[tuple[Prediction, Guess | None, int]],
               lang: str = DEFAULT) -> discord.Embed:
    """/predict list: open questions with their spread, then the last results."""
    embed = base_embed(t(lang, "{heading}: predictions", heading=heading(show, lang)), show, lang)
    footer = t(lang, "{title} season {season} · scoring: /about", title=show_title(show, lang),
               season=show.season)
    embed.set_footer(text=footer[:2048])
    if not waiting and not resolved:
        embed.description = t(lang, "No questions yet. Editors open them with `/predict open`.")
        return embed
    taking = any(p.open for p in waiting)
    embed.description = (t(lang, "Guess with `/predict make`; one guess each, changeable until the question "
                                 "closes.") if taking else t(lang, "No open questions right now."))
    for p in waiting[:LIST_OPEN]:
        field_name, value = _open_field(p, counts, lang)
        embed.add_field(name=field_name, value=value, inline=False)
    if len(waiting) > LIST_OPEN:
        embed.add_field(name=t(lang, "More"), inline=False, value=t(
            lang, "… and {count} more open questions (they autocomplete in `/predict make`).",
            count=len(waiting) - LIST_OPEN))
    if resolved:
        lines = [_resolved_line(p, best, guesses, lang) for p, best, guesses in resolved]
        embed.add_field(name=t(lang, "Last resolved"), value=short("\n".join(lines), FIELD_CHARS),
                        inline=False)
    return fit(embed)
