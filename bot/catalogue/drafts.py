"""Previews of edits: a draft waits in memory for Publish, Publish silently or Cancel (nothing
reaches the database before), and the persistent buttons that settle it (cogs/editors.py)."""

from __future__ import annotations

import re
import secrets
import time
from dataclasses import dataclass
from typing import Any, Protocol, cast

import discord
from discord.ext import commands

from bot.core.messages import N_
from bot.core.models import Editor, Fact
from bot.i18n import DEFAULT, lang_of, t
from bot.interactions.access import EDITORS
from bot.interactions.buttons import CogButton

PREVIEW_SECONDS = 600.0
EXPIRED = N_("This preview expired (previews last 10 minutes). Nothing was written; run the command again.")


BUTTON_LABELS = {"publish": N_("Publish"), "silent": N_("Publish silently"), "cancel": N_("Cancel")}
BUTTON_STYLES = {"publish": discord.ButtonStyle.success, "silent": discord.ButtonStyle.secondary,
                 "cancel": discord.ButtonStyle.danger}


class DraftActions(Protocol):
    """What the preview's buttons need from the editors' cog."""

    async def settle(self, interaction: discord.Interaction[Any], token: str, action: str,
                     lang: str) -> tuple[str, discord.Embed | None]: ...


@dataclass(frozen=True)
class Draft:
    """An edit waiting for Publish: what it would write and the version it was prepared from."""

    show_id: int
    kind: str
    key: str
    fact: Fact | None
    expected_version: int
    editor: Editor
    reason: str | None
    undo_of: int | None
    created: float
    news_item: int | None = None  # a queue item this news entry settles (News intake)


class Drafts:
    """Previews in memory: nothing reaches the database before Publish; a restart drops them."""

    def __init__(self) -> None:
        self._drafts: dict[str, Draft] = {}

    def add(self, draft: Draft) -> str:
        """Keep a draft; returns its token."""
        self._drafts = {t: d for t, d in self._drafts.items() if not self._expired(d)}
        token = secrets.token_hex(8)
        self._drafts[token] = draft
        return token

    def take(self, token: str) -> Draft | None:
        """Remove and return a live draft, so it can be published or cancelled once only."""
        draft = self._drafts.pop(token, None)
        return None if draft is None or self._expired(draft) else draft

    @staticmethod
    def _expired(draft: Draft) -> bool:
        return time.monotonic() - draft.created > PREVIEW_SECONDS


class DraftButton(CogButton, template=r"sw:d:(?P<token>[0-9a-f]+):(?P<action>publish|silent|cancel)"):
    """Publish, Publish silently, Cancel on a preview: for editors, like the command that made it."""

    cog_name = "Editors"
    rule = EDITORS  # the Editors cog's rule: checked before `settle` can take the draft
    expired = EXPIRED

    def __init__(self, token: str, action: str, lang: str = DEFAULT) -> None:
        super().__init__(discord.ui.Button(label=t(lang, BUTTON_LABELS[action]), style=BUTTON_STYLES[action],
                                           custom_id=f"sw:d:{token}:{action}"))
        self.token, self.action = token, action

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any],
                             match: re.Match[str], /) -> DraftButton:
        return cls(match["token"], match["action"])

    async def pressed(self, interaction: discord.Interaction[Any], cog: commands.Cog) -> None:
        """Publish or cancel the draft; the preview message becomes the outcome."""
        content, embed = await cast(DraftActions, cog).settle(interaction, self.token, self.action,
                                                            lang_of(interaction))
        await interaction.response.edit_message(content=content, embed=embed, view=None)
