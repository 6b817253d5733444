"""/remind me|list|stop: a fan's own DM whenever an entry they follow changes; and the
`Notify me` button on announcements (bot/alerts/notify.py), which this cog answers."""

from __future__ import annotations

import logging
import re
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.alerts.notify import NotifyButton
from bot.app import SeasonwatchBot
from bot.catalogue.diff import entry_label
from bot.catalogue.render import escape, heading
from bot.catalogue.search import MAX_CHOICES, resolve_entry
from bot.core.errors import InvalidInput
from bot.core.models import Reminder
from bot.i18n import DEFAULT, lang_of, t
from bot.i18n.notices import Notice
from bot.interactions.buttons import CogButton
from bot.interactions.replies import reply
from bot.outbox.budget import SendBudget
from bot.reminders.store import DMS_CLOSED
from bot.store import Store
from cogs.base import CatalogueCog

log = logging.getLogger(__name__)

RELEASE = ("release", "release")  # the default: the show's release entry
# A /remind list page's text: Discord takes 2,000 characters; a line is clipped to leave room
# for at least two on a page (25 reminders on long headlines span several pages).
PAGE_LIMIT = 1900
LINE_LIMIT = 800


class ListPageButton(CogButton, template=r"sw:rl:(?P<page>[0-9]{1,4})"):
    """/remind list's Previous and Next: only the page lives in the custom id, and whoever presses
    sees their own reminders (the list is ephemeral: only its owner has the buttons)."""

    cog_name = "Remind"

    def __init__(self, label: str, page: int, *, disabled: bool = False) -> None:
        super().__init__(discord.ui.Button(label=label, style=discord.ButtonStyle.secondary,
                                           custom_id=f"sw:rl:{page}", disabled=disabled))
        self.page = page

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any],
                             match: re.Match[str], /) -> ListPageButton:
        label = item.label if isinstance(item, discord.ui.Button) else None
        return cls(str(label), int(match["page"]))

    async def pressed(self, interaction: discord.Interaction[Any], cog: commands.Cog) -> None:
        """Show the page the button points at."""
        assert isinstance(cog, Remind)
        text, view = await cog.list_page(interaction.user.id, self.page, lang_of(interaction))
        await interaction.response.edit_message(content=text, view=view)


class Remind(CatalogueCog):
    """Reminders are each person's own: every command acts on the caller's reminders only."""

    remind = app_commands.Group(name="remind", description="Direct messages about what you follow")

    def __init__(self, store: Store, budget: SendBudget) -> None:
        super().__init__(store)
        self.budget = budget  # the bot's global send budget: `Notify me` role changes spend it

    async def cog_load(self) -> None:
        await self.store.reminders.load_untold()

    def label(self, reminder: Reminder, lang: str = DEFAULT) -> str:
        """`All of Us Are Dead season 2 · Release`, escaped (names are editors' text)."""
        show = self.store.view.show(reminder.show_id)
        entry = self.store.view.entry(reminder.show_id, reminder.kind, reminder.key)
        # A removed entry is named from its key (a cast key is the person's name).
        fields = entry.fact.fields if entry else {"person": reminder.key, "stage": reminder.key,
                                                  "headline": reminder.key}
        name = escape(entry_label(reminder.kind, fields, show, lang))
        return f"{heading(show, lang)} · {name}" if show else name

    def line(self, reminder: Reminder, lang: str) -> str:
        """One reminder in /remind list, with what to do about a paused one."""
        text = f"`#{reminder.id}` {self.label(reminder, lang)}"
        if reminder.active:
            return text
        return f"{text}\n  ⏸️ {pause_text(reminder, lang)}"

    @remind.command(name="me", description="Get a direct message whenever an entry changes")
    @app_commands.describe(entry="The entry to follow (default: the release date)", show="Which show")
    @app_commands.autocomplete(entry=CatalogueCog.entry_autocomplete, show=CatalogueCog.show_autocomplete)
    async def remind_me(self, interaction: discord.Interaction[SeasonwatchBot],
                        entry: str | None = None, show: str | None = None) -> None:
        chosen = self.show_for(show)
        kind, key = RELEASE
        if entry:
            found = resolve_entry(self.store.view.entries(chosen.id), chosen, entry)
            kind, key = found.kind, found.key
        lang = lang_of(interaction)
        reminder, new = await self.store.reminders.add(interaction.user.id, chosen.id, kind, key, lang)
        said = (t(lang, "Reminder `#{id}` set: you will get a direct message whenever **{what}** "
                        "changes.", id=reminder.id, what=self.label(reminder, lang)) if new else
                t(lang, "Reminder `#{id}` is on: you will get a direct message whenever **{what}** "
                        "changes.", id=reminder.id, what=self.label(reminder, lang)))
        await reply(interaction, said + "\n" + t(
            lang, "`/remind list` shows your reminders; `/remind stop` ends them. Keep direct "
                  "messages from this server's members open, or the bot cannot reach you."))

    @remind.command(name="list", description="Your reminders")
    async def remind_list(self, interaction: discord.Interaction[SeasonwatchBot]) -> None:
        text, view = await self.list_page(interaction.user.id, 0, lang_of(interaction))
        await reply(interaction, text, view=view)

    async def list_page(self, user_id: int, number: int, lang: str) -> tuple[str, discord.ui.View | None]:
        """Page `number` (clamped) of a person's reminders, and its Previous/Next buttons."""
        reminders = await self.store.reminders.of_user(user_id)
        if not reminders:
            return t(lang, "You have no reminders. Set one with `/remind me`."), None
        title = t(lang, "Your reminders ({count}):", count=len(reminders))
        pages = text_pages([clip(self.line(r, lang), LINE_LIMIT) for r in reminders],
                           PAGE_LIMIT - len(title) - 40)  # 40: the page number line
        number = max(0, min(number, len(pages) - 1))
        if len(pages) == 1:
            return "\n".join([title, *pages[0]]), None
        where = t(lang, "Page {number} of {count}", number=number + 1, count=len(pages))
        view = discord.ui.View(timeout=None)
        view.add_item(ListPageButton(t(lang, "Previous"), max(number - 1, 0), disabled=number == 0))
        view.add_item(ListPageButton(t(lang, "Next"), number + 1, disabled=number >= len(pages) - 1))
        return "\n".join([title, *pages[number], where]), view

    @remind.command(name="stop", description="Stop a reminder (without one: all of yours)")
    @app_commands.describe(reminder="Which reminder (leave out to stop them all)")
    async def remind_stop(self, interaction: discord.Interaction[SeasonwatchBot],
                          reminder: str | None = None) -> None:
        lang = lang_of(interaction)
        user_id = interaction.user.id
        if reminder is None:
            count = await self.store.reminders.stop(user_id)
            await reply(interaction, t(lang, "Stopped all your reminders ({count}).", count=count)
                        if count else t(lang, "You have no reminders to stop."))
            return
        chosen = await self._own_reminder(user_id, reminder)
        await self.store.reminders.stop(user_id, chosen.id)
        await reply(interaction, t(lang, "Stopped reminder `#{id}` ({what}).", id=chosen.id,
                                   what=self.label(chosen, lang)))

    async def _own_reminder(self, user_id: int, typed: str) -> Reminder:
        text = typed.strip().lstrip("#")
        mine = {r.id: r for r in await self.store.reminders.of_user(user_id)}
        if text.isdigit() and int(text) in mine:
            return mine[int(text)]
        raise InvalidInput("reminder", "`{typed}` is not one of your reminders; pick one from the "
                                       "list, or see `/remind list`.", typed=escape(typed)[:50])

    @remind_stop.autocomplete("reminder")
    async def reminder_autocomplete(self, interaction: discord.Interaction[Any],
                                    current: str) -> list[app_commands.Choice[str]]:
        lang = lang_of(interaction)
        mine = await self.store.reminders.of_user(interaction.user.id)
        wanted = current.strip().lstrip("#").casefold()
        choices = [(f"#{r.id} {self.label(r, lang)}", str(r.id)) for r in mine]
        return [app_commands.Choice(name=name[:100], value=value) for name, value in choices
                if wanted in name.casefold()][:MAX_CHOICES]

    @commands.Cog.listener()
    async def on_app_command_completion(self, interaction: discord.Interaction[Any],
                                        command: Any) -> None:
        """Tell a person, once, that a reminder of theirs was paused (their DMs are closed)."""
        if not await self.store.reminders.is_untold(interaction.user.id):
            return
        lang = lang_of(interaction)
        paused = await self.store.reminders.mark_told(interaction.user.id)
        if paused:
            lines = [t(lang, "A reminder of yours is paused:")]
            lines += [f"`#{r.id}` {self.label(r, lang)}: {pause_text(r, lang)}" for r in paused]
            await reply(interaction, "\n".join(lines), best_effort=True)  # the command has answered


def clip(text: str, limit: int) -> str:
    """`text`, cut to `limit` characters with "…" if longer."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def text_pages(lines: list[str], limit: int) -> list[list[str]]:
    """The lines in order, as few pages as hold them, each page's lines within `limit`
    characters joined by newlines (a line longer than `limit` gets a page of its own)."""
    pages: list[list[str]] = [[]]
    size = -1  # the page's length so far, less the newline its first line does not need
    for line in lines:
        if pages[-1] and size + 1 + len(line) > limit:
            pages.append([])
            size = -1
        pages[-1].append(line)
        size += 1 + len(line)
    return pages


def pause_text(reminder: Reminder, lang: str) -> str:
    """Why a reminder is paused and how to resume it. The reason is stored as a catalogue
    message (a `Notice`), worded here for the reader; plain text reads as itself."""
    if reminder.paused_reason == DMS_CLOSED:
        return t(lang, "the bot cannot send you direct messages. Allow direct messages from this "
                       "server's members (Privacy Settings), then run `/remind me` for it again.")
    reason = Notice.load(reminder.paused_reason).text(lang) if reminder.paused_reason else ""
    return t(lang, "paused ({reason}). Run `/remind me` for it again to resume it.",
             reason=escape(reason)[:200])


async def setup(client: SeasonwatchBot) -> None:
    services = client.services
    client.add_dynamic_items(NotifyButton, ListPageButton)  # `Notify me`: see bot/services.py
    await client.add_cog(Remind(services.store, services.budget))
