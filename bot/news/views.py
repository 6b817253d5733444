"""What editors see of a queue item: its embed (in the review channel and in /queue), the
persistent Add as news / Dismiss buttons (Accept / Dismiss on a proposal, and the confidence
buttons Accept offers), /queue's paging and the Add-as-news modal."""

from __future__ import annotations

import logging
import re
from typing import Any, Protocol, cast

import discord
from discord.ext import commands

from bot.catalogue.render import escape, heading, link
from bot.catalogue.view import View
from bot.core.messages import N_
from bot.core.models import CONFIDENCES
from bot.i18n import DEFAULT, t, term
from bot.interactions.access import EDITORS
from bot.interactions.buttons import CogButton, CogForm
from bot.news.models import QueueItem
from bot.news.proposals import proposal_text, settled_text

log = logging.getLogger(__name__)

EXPIRED = N_("This queue item or page expired; run /queue again.")
FOOTER = "queue item {id}"  # the sender finds an earlier post by it after a crash


class QueueActions(Protocol):
    """What the buttons and the form need from the news cog (cogs/news.py)."""

    async def add_pressed(self, interaction: discord.Interaction[Any], item_id: int) -> None: ...
    async def add_submitted(
        self, interaction: discord.Interaction[Any], item_id: int, values: dict[str, str]
    ) -> None: ...
    async def dismiss_pressed(self, interaction: discord.Interaction[Any], item_id: int) -> None: ...
    async def accept_pressed(self, interaction: discord.Interaction[Any], item_id: int) -> None: ...
    async def confidence_chosen(
        self, interaction: discord.Interaction[Any], item_id: int, confidence: str
    ) -> None: ...
    async def page_pressed(
        self, interaction: discord.Interaction[Any], show_id: int, offset: int
    ) -> None: ...


def origin(item: QueueItem, lang: str) -> str:
    """Where an item came from: its source, or the fan who tipped it."""
    if item.tipper_name is not None:
        return t(lang, "tip from {name}", name=escape(item.tipper_name))
    return escape(item.source_name or "?")


def outcome(item: QueueItem, lang: str) -> str | None:
    """How a settled item was settled and by whom; None while pending."""
    who = escape(item.settled_by_name or "?")
    if item.state == "dismissed" and item.proposal is not None and item.settled_by == 0:
        source = escape(item.proposal.source_name)
        return t(lang, "↩️ Withdrawn: {source} no longer lists this.", source=source)
    if item.state == "added" and item.proposal is not None:
        return t(lang, "✅ Accepted by {name} (change #{id}).", name=who, id=item.change_id or "?")
    if item.state == "added":
        return t(lang, "✅ Added as news by {name} (change #{id}).", name=who, id=item.change_id or "?")
    if item.state == "dismissed":
        return t(lang, "🗑️ Dismissed by {name}.", name=who)
    return None


def proposal_embed(item: QueueItem, view: View, lang: str = DEFAULT) -> discord.Embed:
    """A proposal: what the listing says against what the catalogue says, where, the outcome."""
    proposal = item.proposal
    assert proposal is not None
    show = view.show(item.show_id)
    current = view.entry(item.show_id, proposal.kind, proposal.key)
    said = (proposal_text(proposal, show, current.fact if current else None, lang) if item.pending
            else settled_text(proposal, show, lang))
    lines = [escape(said)]
    done = outcome(item, lang)
    if done:
        lines.append(done)
    embed = discord.Embed(
        title=t(lang, "Listing proposal · {show}", show=heading(show, lang) if show else "?")[:256],
        description="\n\n".join(lines)[:4096],
    )
    embed.add_field(name=t(lang, "From"), value=link(proposal.source_name, proposal.source_url)[:1024])
    embed.set_footer(text=FOOTER.format(id=item.id))
    return embed


def item_embed(item: QueueItem, view: View, lang: str = DEFAULT) -> discord.Embed:
    """One queue item: headline, link, summary, show, origin, the cast it may concern, outcome."""
    if item.proposal is not None:
        return proposal_embed(item, view, lang)
    show = view.show(item.show_id)
    lines = [f"**{link(item.headline, item.url)}**"]
    if item.summary:
        lines.append(escape(item.summary))
    done = outcome(item, lang)
    if done:
        lines.append(done)
    embed = discord.Embed(
        title=t(lang, "News queue · {show}", show=heading(show, lang) if show else "?")[:256],
        description="\n\n".join(lines)[:4096],
    )
    embed.add_field(name=t(lang, "From"), value=origin(item, lang)[:1024])
    if item.published:
        embed.add_field(name=t(lang, "Published"), value=item.published)
    if item.people:
        embed.add_field(
            name=t(lang, "May concern"), value=escape(", ".join(item.people))[:1024], inline=False
        )
    if item.note:
        embed.add_field(name=t(lang, "Note"), value=escape(item.note)[:1024], inline=False)
    embed.set_footer(text=FOOTER.format(id=item.id))
    return embed


def item_view(
    item: QueueItem, lang: str = DEFAULT, *, page: tuple[int, int, int] | None = None
) -> discord.ui.View | None:
    """Add as news and Dismiss for a pending item (none once settled); `page` (show id, offset,
    total) adds /queue's Previous and Next."""
    view = discord.ui.View(timeout=None)
    if item.pending:
        view.add_item(QueueButton(item.id, "accept" if item.proposal else "add", lang))
        view.add_item(QueueButton(item.id, "dismiss", lang))
    if page is not None and page[2] > 1:
        show_id, offset, total = page
        view.add_item(QueuePageButton(t(lang, "Previous"), show_id, max(offset - 1, 0), disabled=offset == 0))
        view.add_item(QueuePageButton(t(lang, "Next"), show_id, offset + 1, disabled=offset >= total - 1))
    return view if view.children else None


_LABELS = {"add": N_("Add as news"), "accept": N_("Accept"), "dismiss": N_("Dismiss")}


class QueueButton(CogButton, template=r"sw:q:(?P<item>[0-9]+):(?P<action>add|accept|dismiss)"):
    """Add as news (Accept, on a proposal) / Dismiss: for editors only, on the review post and in
    /queue, across restarts."""

    cog_name = "News"
    rule = EDITORS  # /queue's rule
    expired = EXPIRED

    def __init__(self, item_id: int, action: str, lang: str = DEFAULT) -> None:
        label = t(lang, _LABELS[action])
        style = discord.ButtonStyle.secondary if action == "dismiss" else discord.ButtonStyle.success
        super().__init__(discord.ui.Button(label=label, style=style, custom_id=f"sw:q:{item_id}:{action}"))
        self.item_id, self.action = item_id, action

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> QueueButton:
        return cls(int(match["item"]), match["action"])

    async def pressed(self, interaction: discord.Interaction[Any], cog: commands.Cog) -> None:
        actions = cast(QueueActions, cog)
        if self.action == "add":
            await actions.add_pressed(interaction, self.item_id)
        elif self.action == "accept":
            await actions.accept_pressed(interaction, self.item_id)
        else:
            await actions.dismiss_pressed(interaction, self.item_id)


def confidence_view(item: QueueItem, lang: str = DEFAULT) -> discord.ui.View:
    """Accept's question: one button per confidence, the listing's own highlighted."""
    view = discord.ui.View(timeout=None)
    listed = item.proposal.confidence if item.proposal else None
    for level in CONFIDENCES:
        view.add_item(ConfidenceButton(item.id, level, lang, listed=level == listed))
    return view


class ConfidenceButton(CogButton, template=r"sw:qc:(?P<item>[0-9]+):(?P<level>[a-z]+)"):
    """A confidence for an accepted proposal: opens the /edit preview with it (editors only)."""

    cog_name = "News"
    rule = EDITORS
    expired = EXPIRED

    def __init__(self, item_id: int, level: str, lang: str = DEFAULT, *, listed: bool = False) -> None:
        style = discord.ButtonStyle.primary if listed else discord.ButtonStyle.secondary
        super().__init__(discord.ui.Button(label=term(lang, level), style=style,
                                           custom_id=f"sw:qc:{item_id}:{level}"))
        self.item_id, self.level = item_id, level

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> ConfidenceButton:
        return cls(int(match["item"]), match["level"])

    async def pressed(self, interaction: discord.Interaction[Any], cog: commands.Cog) -> None:
        await cast(QueueActions, cog).confidence_chosen(interaction, self.item_id, self.level)


class QueuePageButton(CogButton, template=r"sw:qp:(?P<show>[0-9]+):(?P<offset>[0-9]+)"):
    """/queue's Previous and Next: the show and position live in the custom id."""

    cog_name = "News"
    rule = EDITORS  # /queue's rule
    expired = EXPIRED

    def __init__(self, label: str, show_id: int, offset: int, *, disabled: bool = False) -> None:
        super().__init__(
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.secondary,
                custom_id=f"sw:qp:{show_id}:{offset}",
                disabled=disabled,
            )
        )
        self.show_id, self.offset = show_id, offset

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> QueuePageButton:
        label = item.label if isinstance(item, discord.ui.Button) else ""
        return cls(str(label), int(match["show"]), int(match["offset"]))

    async def pressed(self, interaction: discord.Interaction[Any], cog: commands.Cog) -> None:
        actions = cast(QueueActions, cog)
        await actions.page_pressed(interaction, self.show_id, self.offset)


class AddNewsForm(CogForm):
    """The Add-as-news form's submit: for editors, like the button that opened it."""

    pattern = re.compile(r"sw:qm:(?P<item>[0-9]{1,20})")
    cog_name = "News"
    rule = EDITORS
    expired = EXPIRED

    @classmethod
    async def submitted(cls, interaction: discord.Interaction[Any], cog: commands.Cog,
                        match: re.Match[str], values: dict[str, str]) -> None:
        await cast(QueueActions, cog).add_submitted(interaction, int(match["item"]), values)


def add_news_form(item: QueueItem, lang: str) -> discord.ui.Modal:
    """Headline, published date, confidence and note, prefilled from the item.

    Sent already stopped, so discord.py keeps no copy waiting for its submit: `AddNewsForm`
    takes every submit of this custom id, also one of a form opened before the bot restarted."""
    form = discord.ui.Modal(title=t(lang, "Add as news")[:45], custom_id=f"sw:qm:{item.id}")
    form.add_item(discord.ui.TextInput(
        label=t(lang, "Headline")[:45], custom_id="headline", default=item.headline[:200], max_length=200))
    form.add_item(discord.ui.TextInput(
        label=t(lang, "Published (YYYY-MM-DD)")[:45], custom_id="published",
        default=item.published or "", required=False, max_length=10))
    form.add_item(discord.ui.TextInput(
        label=t(lang, "Confidence")[:45], custom_id="confidence", default=term(lang, "reported"),
        max_length=20, placeholder="confirmed, reported, rumored, speculation, denied"))
    form.add_item(discord.ui.TextInput(
        label=t(lang, "Note")[:45], custom_id="note", default=(item.note or "")[:1000],
        required=False, max_length=1000))
    form.stop()
    return form


MORE_ROOM = 60  # kept free for the "… and N more" line


def sources_text(feeds: list[str], title: str, links: list[str], lang: str, limit: int = 4096) -> str:
    """`/sources list`: the feeds, then the linked shows under `title`, in whole blocks while they
    fit an embed's description (never cut inside a timestamp or a link), then how many were left
    out."""
    blocks = [*feeds, *([title] if links else []), *links]
    shown: list[str] = []
    size = 0
    for n, block in enumerate(blocks):
        room = limit if n == len(blocks) - 1 else limit - MORE_ROOM
        if size + len(block) > room:
            if n < len(feeds):
                shown.append(t(lang, "… and {count} more sources", count=len(feeds) - n + len(links)))
            else:
                left = min(len(links), len(blocks) - n)
                shown.append(t(lang, "… and {count} more linked shows", count=left))
            break
        shown.append(block)
        size += len(block) + 2
    return "\n\n".join(shown)
