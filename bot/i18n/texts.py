"""Wording more than one place uses: counted nouns, /cast filters, when a question closes."""

from __future__ import annotations

import datetime as dt

import discord

from bot.core.messages import N_
from bot.core.models import Prediction
from bot.i18n import DEFAULT, t


def plural(count: int, noun: str, many: str | None = None) -> str:
    """`count` and the noun in the right number; `many` for irregular plurals."""
    if count == 1:
        return f"1 {noun}"
    if many is None:
        many = noun[:-1] + "ies" if noun.endswith("y") and noun[-2:-1] not in "aeiou" else noun + "s"
    return f"{count:,} {many}"


# Why an /undo was made: stored in English in the change, worded for each reader where shown
# (`bot.alerts.announcements.reason_text`).
UNDO_REASON = N_("undo of #{id}")

# What each /cast filter lists (`bot.catalogue.render.cast_matches`), as its choice in Discord and in /about.
CAST_FILTER_HELP = {
    "all": "all: everyone known",
    "confirmed": "confirmed: ✅ confirmed only",
    "rumored": "rumored: 💬 rumored and 🔮 speculation (nothing reported yet)",
    "returning": "returning: back from earlier seasons, any confidence",
    "new": "new: joining this season, any confidence",
}


def closing_text(prediction: Prediction, lang: str = DEFAULT) -> str:
    """`closes 14 March 2026 12:00, in 3 months`, `open until the answer is known` or `closed`:
    the same words in replies, lists and announcements."""
    if prediction.state != "open":
        return t(lang, "closed")
    if prediction.closes_at is None:
        return t(lang, "open until the answer is known")
    when = dt.datetime.fromisoformat(prediction.closes_at)
    return t(lang, "closes {when}, {relative}", when=discord.utils.format_dt(when, "f"),
             relative=discord.utils.format_dt(when, "R"))
