"""What `/shows import` shows: the matches as buttons, the preview with its multi-select of facts,
and the persistent components. Custom ids carry what a restart must keep: a match button its
TVmaze id and season (it works after a restart); the preview's components a token for the plan in
memory (after a restart they say the import expired)."""

from __future__ import annotations

import re
from typing import Any, Protocol, cast

import discord
from discord.ext import commands

from bot.catalogue.diff import entry_label, fact_text
from bot.catalogue.render import escape, link
from bot.core.facts import quote
from bot.i18n import DEFAULT, t
from bot.interactions.access import OWNERS
from bot.interactions.buttons import CogButton, Guarded
from bot.listings.imports import EXPIRED, Pending, Plan
from bot.listings.provider import Match

COG = "Shows"
COLOR = 0x3C948B  # TVmaze's teal: these replies quote TVmaze


class ImportActions(Protocol):
    """What the import's components need from the shows cog."""

    async def pick_pressed(self, interaction: discord.Interaction[Any], external_id: str,
                           season: int | None) -> None: ...

    async def facts_chosen(self, interaction: discord.Interaction[Any], token: str,
                           values: list[str]) -> None: ...

    async def plan_pressed(self, interaction: discord.Interaction[Any], token: str, action: str) -> None: ...


def matches_text(matches: list[Match], query: str, lang: str = DEFAULT) -> str:
    """The matches, one line each, with the TVmaze link (shown without a preview card)."""
    lines = [t(lang, "TVmaze shows like `{query}`: pick one to see what would be imported.",
               query=quote(query))]
    for n, match in enumerate(matches, 1):
        # What TVmaze leaves out is left out (a streaming service has no country).
        facts = (str(match.year or ""), match.network or "", match.country or "")
        about = " · ".join(escape(x) for x in facts if x)
        lines.append(f"{n}. **{escape(match.title)}**" + (f" ({about})" if about else "")
                     + f" <{match.page_url}>")
    return "\n".join(lines)


def matches_view(matches: list[Match], season: int | None) -> discord.ui.View:
    """One button per match."""
    view = discord.ui.View(timeout=None)
    for n, match in enumerate(matches, 1):
        label = f"{n}. {match.title}" + (f" ({match.year})" if match.year else "")
        view.add_item(PickButton(match.external_id, season, label[:80]))
    return view


def preview_embed(pending: Pending, lang: str = DEFAULT) -> discord.Embed:
    """The show and every fact of the season, chosen ones ticked."""
    plan = pending.plan
    listing, show = plan.listing, plan.show
    lines = []
    if show.original_title:
        lines.append(t(lang, "Original title: {title}", title=escape(show.original_title)))
    if show.network:
        lines.append(t(lang, "Network: {network}", network=escape(show.network)))
    if show.aliases:
        lines.append(t(lang, "Other names: {names}", names=escape(", ".join(show.aliases))))
    lines.append(t(lang, "Season {season} · {page}", season=plan.season,
                   page=link(t(lang, "TVmaze page"), listing.page_url)))
    lines.append(_situation(plan, lang))
    embed = discord.Embed(title=t(lang, "Import from TVmaze: {title}", title=escape(listing.title))[:256],
                          description="\n".join(lines), colour=COLOR)
    facts = [("✅ " if n in pending.chosen else "▫️ ") + escape(fact_text(f.kind, f.fact, show, lang))
             for n, f in enumerate(plan.facts)]
    more = ""
    if plan.unshown:  # past the select menu's limit: said, so the owner knows what is not imported
        more = "\n" + t(lang, "+{count} more not shown (not imported)", count=len(plan.unshown))
    embed.add_field(name=t(lang, "Facts ({chosen} of {count} chosen)", chosen=len(pending.chosen),
                           count=len(plan.facts)),
                    value=_fit("\n".join(facts) or t(lang, "TVmaze states nothing about this season."),
                               1024 - len(more)) + more,
                    inline=False)
    embed.set_footer(text=t(lang, "Listings from TVmaze (CC BY-SA). Imported facts are written silently, "
                                  "as changes by TVmaze."))
    return embed


def _situation(plan: Plan, lang: str) -> str:
    if plan.tracked is not None:
        return t(lang, "Already tracked as `{slug}` and linked to this TVmaze show: nothing to import. "
                       "Its differences from TVmaze become proposals in /queue.", slug=plan.tracked.slug)
    if plan.similar is not None:
        text = t(lang, "A tracked show, `{slug}`, has this name. Link it to this TVmaze show instead of "
                       "importing a second one?", slug=plan.similar.slug)
        if plan.similar.season != plan.season:
            text += " " + t(lang, "Linked, it keeps following its own season {season}; change that with "
                                  "`/shows edit season:`.", season=plan.similar.season)
        return text
    return t(lang, "Choose the facts to import, then press Import. Nothing is written before.")


def _fit(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: text.rfind("\n", 0, limit - 2)] + "\n…"


def preview_view(token: str, pending: Pending, lang: str = DEFAULT) -> discord.ui.View | None:
    """The fact select and Import / Cancel; Link / Cancel for a show already tracked by name."""
    plan = pending.plan
    if plan.tracked is not None:
        return None
    view = discord.ui.View(timeout=None)
    if plan.similar is not None:
        view.add_item(PlanButton(token, "link", t(lang, "Link to {slug}", slug=plan.similar.slug)[:80]))
        view.add_item(PlanButton(token, "cancel", t(lang, "Cancel")))
        return view
    if plan.facts:
        view.add_item(FactSelect.build(token, pending, lang))
    view.add_item(PlanButton(token, "import", t(lang, "Import")))
    view.add_item(PlanButton(token, "cancel", t(lang, "Cancel")))
    return view


# -- the components ------------------------------------------------------------------------------

class PickButton(CogButton, template=r"sw:li:p:(?P<id>[0-9]{1,12}):(?P<season>[0-9]{1,3})"):
    """A match: its TVmaze id and the season asked for (0: the latest) are in the custom id."""

    cog_name = COG
    rule = OWNERS  # /shows import's rule
    expired = EXPIRED

    def __init__(self, external_id: str, season: int | None, label: str = "") -> None:
        super().__init__(discord.ui.Button(label=label or external_id, style=discord.ButtonStyle.primary,
                                           custom_id=f"sw:li:p:{external_id}:{season or 0}"))
        self.external_id, self.season = external_id, season

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any],
                             match: re.Match[str], /) -> PickButton:
        return cls(match["id"], int(match["season"]) or None)

    async def pressed(self, interaction: discord.Interaction[Any], cog: commands.Cog) -> None:
        await cast(ImportActions, cog).pick_pressed(interaction, self.external_id, self.season)


class PlanButton(CogButton, template=r"sw:li:(?P<action>import|link|cancel):(?P<token>[0-9a-f]{16})"):
    """Import, Link to…, Cancel on a preview."""

    cog_name = COG
    rule = OWNERS
    expired = EXPIRED

    def __init__(self, token: str, action: str, label: str = "") -> None:
        style = discord.ButtonStyle.danger if action == "cancel" else discord.ButtonStyle.success
        super().__init__(discord.ui.Button(label=label or action, style=style,
                                           custom_id=f"sw:li:{action}:{token}"))
        self.token, self.action = token, action

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any],
                             match: re.Match[str], /) -> PlanButton:
        return cls(match["token"], match["action"])

    async def pressed(self, interaction: discord.Interaction[Any], cog: commands.Cog) -> None:
        await cast(ImportActions, cog).plan_pressed(interaction, self.token, self.action)


class FactSelect(Guarded, discord.ui.DynamicItem[discord.ui.Select[Any]],
                 template=r"sw:li:s:(?P<token>[0-9a-f]{16})"):
    """The multi-select of a preview's facts (all chosen at first)."""

    cog_name = COG
    rule = OWNERS
    expired = EXPIRED

    def __init__(self, token: str, select: discord.ui.Select[Any] | None = None) -> None:
        super().__init__(select or discord.ui.Select(custom_id=f"sw:li:s:{token}"))
        self.token = token

    @classmethod
    def build(cls, token: str, pending: Pending, lang: str) -> FactSelect:
        plan = pending.plan
        options = [discord.SelectOption(label=entry_label(f.kind, f.fact.fields, plan.show, lang)[:100],
                                        description=fact_text(f.kind, f.fact, plan.show, lang)[:100],
                                        value=str(n), default=n in pending.chosen)
                   for n, f in enumerate(plan.facts)]
        select: discord.ui.Select[Any] = discord.ui.Select(
            custom_id=f"sw:li:s:{token}", placeholder=t(lang, "Facts to import"), min_values=0,
            max_values=len(options), options=options)
        return cls(token, select)

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any],
                             match: re.Match[str], /) -> FactSelect:
        return cls(match["token"])

    async def interaction_check(self, interaction: discord.Interaction[Any], /) -> bool:
        return await self.allowed(interaction)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        data: Any = interaction.data or {}
        values = [str(v) for v in data.get("values") or []]
        await self.answer(interaction,
                          lambda cog: cast(ImportActions, cog).facts_chosen(interaction, self.token, values))
