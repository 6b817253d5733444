"""/alerts: which channels of a server get announcements, for server admins (Manage Server)."""

from __future__ import annotations

import logging
from typing import Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.alerts.announcer import Announcer, missing_permissions
from bot.alerts.grants import grant_problem
from bot.app import SeasonwatchBot
from bot.catalogue.render import COLOUR, escape
from bot.core.errors import InvalidInput, UserError
from bot.core.messages import N_
from bot.core.models import MIN_CONFIDENCES, TOPICS, Subscription
from bot.i18n import DEFAULT, lang_of, language, t, term
from bot.interactions.access import MANAGERS
from bot.interactions.replies import reply, think
from bot.outbox.dispatcher import describe
from bot.store import Store
from cogs.base import CatalogueCog

log = logging.getLogger(__name__)

MinConfidence = Literal["speculation", "rumored", "reported", "confirmed"]
# Each language by its own name, as people look for it (not translated: an endonym).
LANGUAGE_NAMES = {"en": "English", "ko": "한국어"}
LANGUAGE_CHOICES = [app_commands.Choice(name="English", value="en"),
                    app_commands.Choice(name="Korean", value="ko")]


def default_language(interaction: discord.Interaction[Any]) -> str:
    """A new subscription's language when none is given: Korean for a server whose preferred
    locale is Korean (a Korean community), else English."""
    return "ko" if language(interaction.guild_locale) == "ko" else "en"
LIST_CHARS = 3900


def parse_topics(text: str | None) -> tuple[str, ...]:
    """`cast, release` → ("release", "cast"); nothing given means every topic."""
    if text is None or not text.strip():
        return TOPICS
    given = [part.strip().lower() for part in text.split(",") if part.strip()]
    unknown = [t for t in given if t not in TOPICS]
    if unknown or not given:
        shown = ", ".join(f"`{escape(t)[:30]}`" for t in unknown[:5])
        raise InvalidInput("topics", "unknown topic {shown}; use a comma-separated list of "
                                     "{topics} (or leave it out for all of them).",
                           shown=shown, topics=", ".join(TOPICS))
    return tuple(t for t in TOPICS if t in given)


def button_off(guild: discord.Guild, role_id: int, lang: str) -> str | None:
    """Why announcements pinging this role carry no `Notify me` button now; None if they do."""
    role = guild.get_role(role_id)
    reason = grant_problem(role, lang) if role is not None else t(lang, "the role no longer exists")
    return None if reason is None else t(lang, "`Notify me` button off: {reason}.", reason=reason)


def subscription_line(sub: Subscription, show_name: str, counts: dict[str, int],
                      lang: str = DEFAULT, button: str | None = None) -> str:
    """One subscription in /alerts list, with what to do about a paused one and why its
    announcements carry no `Notify me` button (`button`), if they don't."""
    topics = t(lang, "all topics") if set(sub.topics) == set(TOPICS) else ", ".join(sub.topics)
    parts = [f"<#{sub.channel_id}>", show_name, topics]
    if sub.min_confidence != MIN_CONFIDENCES[0]:
        parts.append(t(lang, "{confidence} and surer", confidence=term(lang, sub.min_confidence)))
    if sub.role_id:
        role = f"<@&{sub.role_id}>"
        parts.append(t(lang, "pings {role}", role=role))
    if sub.publish:
        parts.append(t(lang, "crossposted"))
    if sub.events:
        parts.append(t(lang, "premiere events"))
    parts.append(LANGUAGE_NAMES.get(sub.language, sub.language))
    line = " · ".join(parts)
    if sub.active:
        line = f"▶️ {line}"
    else:
        reason = sub.paused_reason.text(lang) if sub.paused_reason else ""
        line = f"⏸️ {line}\n  " + t(lang, "**Paused:** {reason}", reason=reason)
    if sub.warning:
        line += f"\n  ⚠️ {escape(sub.warning.text(lang))}"
    if button:
        line += f"\n  🔕 {button}"
    waiting = counts.get("pending", 0) + counts.get("sending", 0)
    if waiting:
        line += "\n  " + t(lang, N_("1 announcement waiting to be sent.") if waiting == 1 else
                           N_("{count:,} announcements waiting to be sent."), count=waiting)
    failed = counts.get("failed", 0)
    if failed:
        gone = (N_("1 announcement failed: Discord kept failing for 24 hours.") if failed == 1
                else N_("{count:,} announcements failed: Discord kept failing for 24 hours."))
        line += "\n  ❗ " + t(lang, gone, count=failed)
    return line


def list_footer(count: int, paused: int, lang: str = DEFAULT) -> str:
    """`3 subscriptions, 1 paused · fix the cause, …`: the /alerts list footer."""
    footer = t(lang, N_("1 subscription") if count == 1 else N_("{count:,} subscriptions"), count=count)
    if paused:
        footer += t(lang, ", {paused} paused · fix the cause, then /alerts subscribe the channel again to "
                          "resume", paused=paused)
    return footer


class Alerts(CatalogueCog):
    """/alerts subscribe|unsubscribe|list|test and the events that remove subscriptions. Every
    command: Manage Server here, or an owner (the cog's check, on every call; Discord's
    default_permissions only hides the commands)."""

    rule = MANAGERS

    alerts = app_commands.Group(
        name="alerts",
        description="Choose which channels of this server get announcements",
        guild_only=True,
        default_permissions=discord.Permissions(manage_guild=True),
    )

    def __init__(self, store: Store, announcer: Announcer) -> None:
        super().__init__(store)
        self.announcer = announcer

    @staticmethod
    def _guild(interaction: discord.Interaction[Any]) -> discord.Guild:
        assert interaction.guild is not None  # the cog's rule refuses DMs
        return interaction.guild

    def _usable(self, guild: discord.Guild, channel: discord.TextChannel, lang: str) -> None:
        if channel.guild.id != guild.id:
            raise InvalidInput("channel", "pick a channel of this server.")
        if channel.type not in (discord.ChannelType.text, discord.ChannelType.news):
            raise InvalidInput("channel", "pick a text or announcement channel.")
        missing = missing_permissions(channel)
        if missing:
            raise UserError(
                "I can't post announcements in {channel}: I lack {missing} there. Grant it to my "
                "role in the channel's settings (Permissions), then run this again.",
                channel=channel.mention, missing=", ".join(f"**{t(lang, m)}**" for m in missing))

    @staticmethod
    def _notify_notes(guild: discord.Guild, role: discord.Role, lang: str) -> list[str]:
        """Why these announcements will carry no `Notify me` button, if they won't: any role
        may be pinged, but the button only hands out what grants nothing @everyone lacks."""
        off = button_off(guild, role.id, lang)
        if off is None:
            return []
        return [f"🔕 {off} " + t(lang, "The subscription works; its announcements come without "
                                       "the button.")]

    async def _premiere_notes(self, guild: discord.Guild, show_id: int | None, lang: str) -> list[str]:
        """Put the premiere in the Events tab now if its date is already known; warn without
        Create Events (the bot needs it to make events)."""
        for show in [self.store.view.show(show_id)] if show_id else self.store.view.shows():
            if show is not None:
                await self.store.premieres.queue(show.id, show.season, guild.id)
        perms = guild.me.guild_permissions
        if perms.create_events or perms.manage_events:
            return []
        return [t(lang, "Note: premiere events need the **Create Events** permission, which I lack "
                        "here; grant it, then run this again.")]

    # -- /alerts subscribe -----------------------------------------------------------------

    @alerts.command(name="subscribe", description="Post announcements in a channel")
    @app_commands.describe(
        channel="Where announcements go (a text or announcement channel)",
        show="Only this show (default: every show)",
        topics="Comma-separated: status, release, cast, episodes, news, predictions (default: all)",
        min_confidence="Only announce facts at least this sure (default: everything)",
        mention_role="The role to ping with each announcement (nobody else is ever pinged)",
        publish="Crosspost each announcement to servers following this announcement channel",
        language="The announcements' language (default: Korean if this server's language is Korean)",
        events="Put the premiere in this server's Events tab once the release date is confirmed",
    )
    @app_commands.choices(language=LANGUAGE_CHOICES)
    async def subscribe(self, interaction: discord.Interaction[SeasonwatchBot],
                        channel: discord.TextChannel, show: str | None = None,
                        topics: str | None = None, min_confidence: MinConfidence | None = None,
                        mention_role: discord.Role | None = None, publish: bool = False,
                        language: str | None = None, events: bool = False) -> None:
        guild = self._guild(interaction)
        self._usable(guild, channel, lang_of(interaction))
        chosen_show = self.show_for(show) if show else None
        if chosen_show is not None and chosen_show.archived:
            raise InvalidInput("show", "{title} is archived and announces nothing more; pick a tracked "
                                       "show.", title=escape(chosen_show.title))
        chosen_topics = parse_topics(topics)
        if publish and not channel.is_news():
            raise InvalidInput("publish", "{channel} is not an announcement channel, so there is "
                                          "nothing to crosspost; leave `publish` off or pick an "
                                          "announcement channel.", channel=channel.mention)
        notes = []
        lang = lang_of(interaction)
        if mention_role is not None:
            if mention_role.is_default():
                raise InvalidInput("mention_role", "announcements never ping @everyone; pick a role.")
            if mention_role.guild.id != guild.id:
                raise InvalidInput("mention_role", "pick a role of this server.")
            notes += self._notify_notes(guild, mention_role, lang)
            if not mention_role.mentionable and not channel.permissions_for(guild.me).mention_everyone:
                notes.append(t(lang, "Note: {role} is not mentionable and I lack Mention Everyone, so it "
                                     "won't actually be pinged. Make the role mentionable in Server "
                                     "Settings → Roles.", role=mention_role.mention))
        sub, created = await self.store.alerts.subscribe(
            guild.id, channel.id, show_id=chosen_show.id if chosen_show else None,
            topics=chosen_topics, min_confidence=min_confidence or MIN_CONFIDENCES[0],
            role_id=mention_role.id if mention_role else None, publish=publish,
            created_by=interaction.user.id, language=language or default_language(interaction),
            events=events,
        )
        if events:
            notes += await self._premiere_notes(guild, chosen_show.id if chosen_show else None, lang)
        what = f"**{escape(chosen_show.title)}**" if chosen_show else t(lang, "every show")
        done = (N_("Subscribed {channel} to {what}.") if created else
                N_("Updated the subscription of {channel} to {what}."))
        line = subscription_line(sub, what, {}, lang)
        head = t(lang, done, channel=channel.mention, what=what)
        await reply(interaction, "\n".join([head, line, *notes]))

    @subscribe.autocomplete("show")
    async def _subscribe_show(self, interaction: discord.Interaction[Any],
                              current: str) -> list[app_commands.Choice[str]]:
        return await self.show_autocomplete(interaction, current)

    # -- /alerts unsubscribe ---------------------------------------------------------------

    @alerts.command(name="unsubscribe", description="Stop announcements in a channel")
    @app_commands.describe(channel="The subscribed channel",
                           show="Only this show's subscription (default: all of the channel's)")
    async def unsubscribe(self, interaction: discord.Interaction[SeasonwatchBot],
                          channel: discord.TextChannel, show: str | None = None) -> None:
        guild = self._guild(interaction)
        chosen = self.show_for(show) if show else None
        removed = await self.store.alerts.unsubscribe(guild.id, channel.id, chosen.id if chosen else None)
        if not removed:
            if chosen:
                raise UserError("{channel} has no subscription to **{title}**; /alerts list shows "
                                "this server's subscriptions.", channel=channel.mention,
                                title=escape(chosen.title))
            raise UserError("{channel} has no subscription; /alerts list shows this server's "
                            "subscriptions.", channel=channel.mention)
        lang = lang_of(interaction)
        if chosen:
            text = t(lang, "Removed its **{title}** subscription from {channel}.", title=escape(chosen.title),
                     channel=channel.mention)
        else:
            many = (N_("Removed 1 subscription from {channel}.") if removed == 1 else
                    N_("Removed {count:,} subscriptions from {channel}."))
            text = t(lang, many, count=removed, channel=channel.mention)
        await reply(interaction, text)

    @unsubscribe.autocomplete("show")
    async def _unsubscribe_show(self, interaction: discord.Interaction[Any],
                                current: str) -> list[app_commands.Choice[str]]:
        return await self.show_autocomplete(interaction, current)

    # -- /alerts list ------------------------------------------------------------------------

    @alerts.command(name="list", description="This server's subscriptions, and why any are paused")
    async def list_(self, interaction: discord.Interaction[SeasonwatchBot]) -> None:
        guild, lang = self._guild(interaction), lang_of(interaction)
        subs = await self.store.alerts.subscriptions(guild.id)
        if not subs:
            await reply(interaction, t(lang, "No channel of this server gets announcements yet; "
                                             "add one with /alerts subscribe."))
            return
        counts = await self.store.alerts.delivery_counts(guild.id)
        lines: list[str] = []
        size = 0
        for i, sub in enumerate(subs):
            show = self.store.view.show(sub.show_id) if sub.show_id else None
            name = f"**{escape(show.title)}**" if show else t(lang, "every show")
            button = button_off(guild, sub.role_id, lang) if sub.role_id else None
            line = subscription_line(sub, name, counts.get(sub.id, {}), lang, button)
            if size + len(line) > LIST_CHARS:
                lines.append(t(lang, "…and {count} more.", count=len(subs) - i))
                break
            lines.append(line)
            size += len(line) + 1
        title = t(lang, "Announcements in {guild}", guild=escape(guild.name))
        embed = discord.Embed(title=title[:256], colour=COLOUR, description="\n".join(lines))
        embed.set_footer(text=list_footer(len(subs), sum(not s.active for s in subs), lang))
        await reply(interaction, embed=embed)

    # -- /alerts test ------------------------------------------------------------------------

    @alerts.command(name="test", description="Send a sample announcement to a channel now")
    @app_commands.describe(channel="Where to send the sample")
    async def test(self, interaction: discord.Interaction[SeasonwatchBot],
                   channel: discord.TextChannel) -> None:
        guild = self._guild(interaction)
        self._usable(guild, channel, lang_of(interaction))
        shows = self.store.view.shows()
        entries = [e for s in shows for e in self.store.view.entries(s.id)]
        if not entries:
            raise UserError("There is nothing to announce yet: no show has any entry.")
        entry = max(entries, key=lambda e: e.updated_at)
        show = self.store.view.show(entry.show_id)
        assert show is not None
        await think(interaction)
        lang = lang_of(interaction)
        try:
            message = await self.announcer.send_test(channel, show, entry, lang)
        except discord.HTTPException as exc:
            text = t(lang, "Discord refused the sample in {channel}: {why}.", channel=channel.mention,
                     why=describe(exc))
        else:
            text = t(lang, "Sent a sample announcement to {channel}: {url}", channel=channel.mention,
                     url=message.jump_url)
        await reply(interaction, text)

    # -- events that remove subscriptions -----------------------------------------------------
    # Nobody could remove them later: /alerts unsubscribe only offers channels that exist, and
    # a server that removed the bot cannot run /alerts at all.

    @commands.Cog.listener()
    async def on_guild_remove(self, guild: discord.Guild) -> None:
        """The bot left the server (an outage is on_guild_unavailable): drop its subscriptions."""
        removed = await self.store.alerts.remove_guild(guild.id)
        if removed:
            log.info("removed from guild %d: dropped %d subscriptions", guild.id, removed)

    @commands.Cog.listener()
    async def on_guild_channel_delete(self, channel: discord.abc.GuildChannel) -> None:
        """A deleted channel's subscriptions and unsent announcements go with it."""
        removed = await self.store.alerts.remove_channel(channel.id)
        if removed:
            log.info("channel %d deleted: dropped %d subscriptions", channel.id, removed)


async def setup(client: SeasonwatchBot) -> None:
    await client.add_cog(Alerts(client.services.store, client.services.announcer))
