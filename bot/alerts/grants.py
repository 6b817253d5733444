"""Whether the `Notify me` button may hand out a role (DESIGN.md § Fans' own alerts).

A self-service button must never hand out access: the role may grant nothing that @everyone
does not already have in that server, neither through its own permissions nor through a
channel's overwrites (a role with no permissions of its own but allowed into #mod-room would
give every clicker that room). Roles made in Discord's client start with the default
permissions, so the comparison is with @everyone, not with "no permissions". The rule is read
from discord.py's cache, which follows the server's role and channel updates, so a check at
every click sees what the server is now.
"""

from __future__ import annotations

import discord

from bot.core.messages import N_, Msg
from bot.i18n import t

# Each permission bit by the name Discord's own settings show (permissions.mdx).
PERMISSION_NAMES: dict[int, Msg] = {
    0: N_("Create Invite"), 1: N_("Kick Members"), 2: N_("Ban Members"), 3: N_("Administrator"),
    4: N_("Manage Channels"), 5: N_("Manage Server"), 6: N_("Add Reactions"),
    7: N_("View Audit Log"), 8: N_("Priority Speaker"), 9: N_("Video"), 10: N_("View Channel"),
    11: N_("Send Messages"), 12: N_("Send Text-to-Speech Messages"), 13: N_("Manage Messages"),
    14: N_("Embed Links"), 15: N_("Attach Files"), 16: N_("Read Message History"),
    17: N_("Mention @everyone, @here and All Roles"), 18: N_("Use External Emoji"),
    19: N_("View Server Insights"), 20: N_("Connect"), 21: N_("Speak"), 22: N_("Mute Members"),
    23: N_("Deafen Members"), 24: N_("Move Members"), 25: N_("Use Voice Activity"),
    26: N_("Change Nickname"), 27: N_("Manage Nicknames"), 28: N_("Manage Roles"),
    29: N_("Manage Webhooks"), 30: N_("Manage Expressions"), 31: N_("Use Application Commands"),
    32: N_("Request to Speak"), 33: N_("Manage Events"), 34: N_("Manage Threads"),
    35: N_("Create Public Threads"), 36: N_("Create Private Threads"),
    37: N_("Use External Stickers"), 38: N_("Send Messages in Threads"), 39: N_("Use Activities"),
    40: N_("Timeout Members"), 41: N_("View Creator Monetization Analytics"),
    42: N_("Use Soundboard"), 43: N_("Create Expressions"), 44: N_("Create Events"),
    45: N_("Use External Sounds"), 46: N_("Send Voice Messages"), 48: N_("Set Voice Channel Status"),
    49: N_("Create Polls"), 50: N_("Use External Apps"), 51: N_("Pin Messages"),
    52: N_("Bypass Slowmode"),
}


def permission_names(value: int, lang: str) -> str:
    """`Manage Messages, View Channel`: the permissions set in `value`, in `lang`; a bit
    Discord added after this table still shows, by its number."""
    bits = [bit for bit in range(value.bit_length()) if value >> bit & 1]
    return ", ".join(t(lang, PERMISSION_NAMES[bit]) if bit in PERMISSION_NAMES else f"#{bit}"
                     for bit in bits)


def _everyone_in(channel: discord.abc.GuildChannel, everyone: discord.Role) -> int:
    """What @everyone has in `channel`: its server permissions and the channel's overwrite."""
    allow, deny = channel.overwrites_for(everyone).pair()
    return (everyone.permissions.value & ~deny.value) | allow.value


def _overwrite_grant(role: discord.Role) -> tuple[discord.abc.GuildChannel, int] | None:
    """The first channel (in the server's order) whose overwrite allows `role` more than
    @everyone has there, and what more; None if there is none."""
    everyone = role.guild.default_role
    for channel in sorted(role.guild.channels, key=lambda c: (c.position, c.id)):
        allow = channel.overwrites_for(role).pair()[0].value
        more = allow & ~_everyone_in(channel, everyone)
        if more:
            return channel, more
    return None


def missing_for(guild: discord.Guild, role: discord.Role) -> list[Msg]:
    """What the bot lacks to give or take `role` (per its cache): Manage Roles, a higher role."""
    me = guild.me
    missing = []
    if not me.guild_permissions.manage_roles:
        missing.append(N_("the **Manage Roles** permission"))
    if me.top_role <= role:
        missing.append(N_("a role above {role} (move the bot's role higher in Server Settings → Roles)"))
    return missing


def grant_problem(role: discord.Role, lang: str) -> str | None:
    """Why the button may not hand out `role` now, in `lang` (None: it may)."""
    if role.is_default():
        return t(lang, "everyone has @everyone already")
    if role.managed:
        return t(lang, "{role} is managed by an integration", role=role.mention)
    everyone = role.guild.default_role.permissions
    if not everyone.administrator:  # else nothing can be more than @everyone has
        more = role.permissions.value & ~everyone.value
        if more:
            return t(lang, "{role} can do more than @everyone ({permissions})", role=role.mention,
                     permissions=permission_names(more, lang))
        found = _overwrite_grant(role)
        if found is not None:
            channel, more = found
            return t(lang, "{role} is allowed more than @everyone in {channel} ({permissions})",
                     role=role.mention, channel=channel.mention, permissions=permission_names(more, lang))
    missing = missing_for(role.guild, role)
    if missing:
        what = t(lang, " and ").join(t(lang, m, role=role.mention) for m in missing)
        return t(lang, "I lack {missing}", missing=what)
    return None
