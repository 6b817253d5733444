"""Edits shown before they are written: the announcement an edit would send, with Publish,
Publish silently and Cancel. /edit and /undo (cogs/editors.py) and a queue item's Add as news
(cogs/news.py) open them; the composition root builds the one `Previews` both cogs are given."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from typing import Any

import discord

from bot.catalogue.drafts import Draft, DraftButton, Drafts
from bot.catalogue.view import View
from bot.core.errors import UserError
from bot.core.facts import check_fact, check_line, news_key
from bot.core.models import Basis, Change, Editor, Fact, Show
from bot.db.rows import now_iso
from bot.i18n import lang_of, t
from bot.interactions.replies import reply

log = logging.getLogger(__name__)

# How a change reads as an announcement: given by the composition root (the alerts feature
# renders announcements), so the catalogue does not import the features built on it.
Render = Callable[..., discord.Embed]


def today() -> str:
    return dt.datetime.now(dt.UTC).date().isoformat()


def carried(old: Basis | None, source_url: str, source_name: str | None,
            note: str | None) -> tuple[str | None, str | None]:
    """The source name and note an edit ends up with: the old ones fill in only while the link
    is the same, because a new source says nothing the old one did."""
    if old is None or old.source_url != source_url.strip():
        return source_name, note
    return source_name or old.source_name, old.note if note is None else note


class Previews:
    """Open previews: each waits in `drafts` for its buttons (settled in the editors' cog)."""

    def __init__(self, view: View, render: Render) -> None:
        self.view = view
        self.render = render
        self.drafts = Drafts()

    def fact(self, show: Show, kind: str, key: str, fields: dict[str, Any], confidence: str,
             source_url: str, source_name: str | None) -> Fact:
        """The fact an edit proposes; the source's name and note carry over only from the same link."""
        current = self.view.entry(show.id, kind, key)
        old = current.fact.basis() if current else None
        source_name, note = carried(old, source_url, source_name, fields.get("note"))
        return Fact({**fields, "note": note}, confidence, source_name, source_url, today())

    async def open(self, interaction: discord.Interaction[Any], show: Show, kind: str, key: str,
                   fact: Fact | None, *, reason: str | None = None, undo_of: int | None = None,
                   news_item: int | None = None) -> None:
        """Show the announcement this edit would send, with Publish / Publish silently / Cancel."""
        current = self.view.entry(show.id, kind, key)
        before = current.fact if current else None
        if fact is not None:
            fact = check_fact(kind, fact)
        if fact == before:
            raise UserError("That is what the entry already says; there is nothing to change.")
        lang = lang_of(interaction)
        editor = Editor(interaction.user.id, interaction.user.display_name)
        version = self.view.entry_version(show.id, kind, key)
        draft = Draft(show.id, kind, key, fact, version, editor, reason, undo_of, time.monotonic(), news_item)
        token = self.drafts.add(draft)
        change = Change(0, 0, show.id, kind, key, version + 1, before, fact, editor, now_iso(),
                        reason, False, undo_of)
        view = discord.ui.View(timeout=None)
        for action in ("publish", "silent", "cancel"):
            view.add_item(DraftButton(token, action, lang))
        embed = self.render(show, change, lang=lang)
        await reply(interaction, t(lang, "**Preview**: the announcement as it would be sent. Nothing is "
                                         "saved until you press Publish (this preview lasts 10 minutes)."),
                    embed=embed.set_footer(text=t(lang, "Preview · not published yet")), view=view)

    async def news(self, interaction: discord.Interaction[Any], show: Show, headline: str, url: str,
                   confidence: str, published: str | None, note: str | None, *,
                   source_name: str | None = None, news_item: int | None = None) -> None:
        """The preview of a news entry: `/edit news`, and `Add as news` on a queue item."""
        headline = check_line(headline, "headline", limit=200)
        fields = {"headline": headline, "url": url, "published": published, "note": note}
        key = news_key(headline)
        await self.open(interaction, show, "news", key,
                        self.fact(show, "news", key, fields, confidence, url, source_name),
                        news_item=news_item)
