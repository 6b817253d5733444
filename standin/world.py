"""The simulated Discord world: users, guilds, roles, channels, members, messages.

Permission computation follows Discord's documented algorithm (permissions.mdx):
base permissions from @everyone and the member's roles, ADMINISTRATOR and guild ownership
short-circuit to everything, then channel overwrites are applied in the order
@everyone -> roles (deny all, then allow all) -> member.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

log = logging.getLogger(__name__)

# Permission bits used by the stand-in (permissions.mdx).
CREATE_INSTANT_INVITE = 1 << 0
KICK_MEMBERS = 1 << 1
BAN_MEMBERS = 1 << 2
ADMINISTRATOR = 1 << 3
MANAGE_CHANNELS = 1 << 4
MANAGE_GUILD = 1 << 5
ADD_REACTIONS = 1 << 6
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
MANAGE_MESSAGES = 1 << 13
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
MENTION_EVERYONE = 1 << 17
MANAGE_ROLES = 1 << 28
USE_APPLICATION_COMMANDS = 1 << 31
SEND_MESSAGES_IN_THREADS = 1 << 38
MANAGE_EVENTS = 1 << 33
CREATE_EVENTS = 1 << 44
ALL_PERMISSIONS = (1 << 53) - 1

# What a fresh server gives @everyone in the stand-in: enough to read, talk and use
# commands, but nothing that makes a difference to the bot's behaviour (no mention-everyone).
DEFAULT_EVERYONE = (
    VIEW_CHANNEL | SEND_MESSAGES | READ_MESSAGE_HISTORY | ADD_REACTIONS | USE_APPLICATION_COMMANDS
)
DEFAULT_BOT = VIEW_CHANNEL | SEND_MESSAGES | EMBED_LINKS | READ_MESSAGE_HISTORY

TEXT = 0
DM = 1
ANNOUNCEMENT = 5

DISCORD_EPOCH_MS = 1420070400000


class SnowflakeFactory:
    """Time-based snowflakes, so discord.py's `created_at` is right and ids sort by time."""

    def __init__(self) -> None:
        self._last = 0

    def __call__(self) -> int:
        now = (int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22
        self._last = max(self._last + 1, now)
        return self._last

    def on_shard(self, shard_id: int, count: int) -> int:
        """A snowflake whose guild would be on this shard: the next millisecond that fits."""
        stamp = max((self() >> 22) + 1, 0)
        stamp += (shard_id - stamp) % count
        self._last = stamp << 22
        return self._last


def iso_now() -> str:
    return datetime.now(UTC).isoformat()


@dataclass(eq=False)
class User:
    id: int
    name: str
    bot: bool = False
    # The language of this person's Discord client: every interaction they start carries it.
    locale: str = "en-US"
    # Privacy settings that refuse DMs from the bot: sending one is 403 50007.
    dms_closed: bool = False

    def payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "username": self.name,
            "global_name": None if self.bot else self.name,
            "discriminator": "0",
            "avatar": None,
            "bot": self.bot,
            "public_flags": 0,
        }

    @property
    def mention(self) -> str:
        return f"<@{self.id}>"


@dataclass(eq=False)
class Role:
    id: int
    guild_id: int
    name: str
    permissions: int = 0
    mentionable: bool = False
    position: int = 0
    managed: bool = False

    def payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "name": self.name,
            "color": 0,
            "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
            "hoist": False,
            "icon": None,
            "unicode_emoji": None,
            "position": self.position,
            "permissions": str(self.permissions),
            "managed": self.managed,
            "mentionable": self.mentionable,
            "flags": 0,
        }

    @property
    def mention(self) -> str:
        return f"<@&{self.id}>"


@dataclass
class Overwrite:
    """A channel permission overwrite; type 0 = role, 1 = member."""

    id: int
    type: int
    allow: int = 0
    deny: int = 0

    @classmethod
    def for_(cls, target: Role | Member | User, *, allow: int = 0, deny: int = 0) -> Overwrite:
        kind = 0 if isinstance(target, Role) else 1
        return cls(target.id, kind, allow, deny)

    def payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "type": self.type,
            "allow": str(self.allow),
            "deny": str(self.deny),
        }


@dataclass(eq=False)
class Message:
    id: int
    channel_id: int
    author: User
    content: str = ""
    embeds: list[dict[str, Any]] = field(default_factory=list)
    components: list[dict[str, Any]] = field(default_factory=list)
    flags: int = 0
    allowed_mentions: dict[str, Any] | None = None
    nonce: str | int | None = None
    pings: Pings | None = None  # who was notified
    # Whom the content mentions under its allowed_mentions, ignoring that an ephemeral message
    # notifies nobody: what stops a ping is allowed_mentions, not luck.
    would_ping: Pings | None = None
    timestamp: str = field(default_factory=iso_now)
    edited_timestamp: str | None = None
    guild_id: int | None = None
    interaction_id: int | None = None  # set for interaction responses and followups
    application_id: int | None = None
    deleted: bool = False
    crossposted: bool = False

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & 64)

    def payload(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": str(self.id),
            "channel_id": str(self.channel_id),
            "type": 20 if self.interaction_id else 0,
            "author": self.author.payload(),
            "content": self.content,
            "embeds": self.embeds,
            "components": self.components,
            "attachments": [],
            "mentions": [],
            "mention_roles": [],
            "mention_everyone": bool(self.pings and self.pings.everyone),
            "pinned": False,
            "tts": False,
            "timestamp": self.timestamp,
            "edited_timestamp": self.edited_timestamp,
            "flags": self.flags | (2 if self.crossposted else 0),
        }
        if self.guild_id is not None:
            data["guild_id"] = str(self.guild_id)
        if self.nonce is not None:
            data["nonce"] = self.nonce
        if self.application_id is not None:
            data["application_id"] = str(self.application_id)
            data["webhook_id"] = str(self.application_id)
        return data


@dataclass
class Pings:
    """Who a message really notified, after Discord's allowed_mentions rules."""

    message_id: int
    channel_id: int
    users: set[int] = field(default_factory=set)
    roles: set[int] = field(default_factory=set)
    everyone: bool = False  # @everyone or @here actually pinged

    @property
    def anyone(self) -> bool:
        return bool(self.users or self.roles or self.everyone)


@dataclass(eq=False)
class Channel:
    id: int
    name: str
    type: int
    guild: Guild | None = None
    overwrites: list[Overwrite] = field(default_factory=list)
    position: int = 0
    recipient: User | None = None  # DM channels only
    messages: list[Message] = field(default_factory=list)
    deleted: bool = False

    @property
    def mention(self) -> str:
        return f"<#{self.id}>"

    def payload(self) -> dict[str, Any]:
        if self.type == DM:
            assert self.recipient is not None
            return {
                "id": str(self.id),
                "type": DM,
                "last_message_id": None,
                "recipients": [self.recipient.payload()],
                "flags": 0,
            }
        assert self.guild is not None
        return {
            "id": str(self.id),
            "type": self.type,
            "guild_id": str(self.guild.id),
            "name": self.name,
            "position": self.position,
            "permission_overwrites": [o.payload() for o in self.overwrites],
            "parent_id": None,
            "topic": None,
            "nsfw": False,
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "flags": 0,
        }


@dataclass(eq=False)
class Member:
    user: User
    guild: Guild
    roles: list[Role] = field(default_factory=list)
    joined_at: str = field(default_factory=iso_now)

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def name(self) -> str:
        return self.user.name

    @property
    def mention(self) -> str:
        return self.user.mention

    def payload(self, *, with_user: bool = True) -> dict[str, Any]:
        data: dict[str, Any] = {
            "roles": [str(r.id) for r in self.roles],
            "nick": None,
            "avatar": None,
            "joined_at": self.joined_at,
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "pending": False,
            "flags": 0,
            "communication_disabled_until": None,
        }
        if with_user:
            data["user"] = self.user.payload()
        return data


@dataclass(eq=False)
class Guild:
    id: int
    name: str
    world: World
    owner: User
    roles: dict[int, Role] = field(default_factory=dict)
    channels: dict[int, Channel] = field(default_factory=dict)
    members: dict[int, Member] = field(default_factory=dict)
    bot_role: Role | None = None
    preferred_locale: str = "en-US"  # a community server's language; interactions carry it

    @property
    def everyone(self) -> Role:
        # Discord gives the @everyone role the guild's own id.
        return self.roles[self.id]

    @property
    def bot_member(self) -> Member | None:
        return self.members.get(self.world.bot.id)

    def add_role(self, name: str, permissions: int = 0, mentionable: bool = False) -> Role:
        role = Role(
            self.world.new_id(), self.id, name, permissions, mentionable, position=len(self.roles)
        )
        self.roles[role.id] = role
        return role

    def add_channel(
        self, name: str, *, announcement: bool = False, overwrites: Iterable[Overwrite] = ()
    ) -> Channel:
        kind = ANNOUNCEMENT if announcement else TEXT
        ch = Channel(
            self.world.new_id(), name, kind, self, list(overwrites), position=len(self.channels)
        )
        self.channels[ch.id] = ch
        self.world.channels[ch.id] = ch
        return ch

    def add_member(
        self,
        name: str | User,
        *,
        roles: Iterable[Role] = (),
        permissions_via_role: int | None = None,
    ) -> Member:
        """Add a member (a new user unless a User is passed).

        `permissions_via_role` creates a role named after the member holding those permissions,
        the way a server admin would grant them.
        """
        user = name if isinstance(name, User) else self.world.add_user(name)
        member = Member(user, self, list(roles))
        if permissions_via_role is not None:
            member.roles.append(self.add_role(f"{user.name}-role", permissions_via_role))
        self.members[user.id] = member
        return member

    def member(self, user_id: int) -> Member | None:
        return self.members.get(user_id)

    def base_permissions(self, member: Member) -> int:
        if member.id == self.owner.id:
            return ALL_PERMISSIONS
        perms = self.everyone.permissions
        for role in member.roles:
            perms |= role.permissions
        if perms & ADMINISTRATOR:
            return ALL_PERMISSIONS
        return perms

    def permissions_in(self, member: Member, channel: Channel) -> int:
        perms = self.base_permissions(member)
        if perms & ADMINISTRATOR:
            return ALL_PERMISSIONS
        by_id = {o.id: o for o in channel.overwrites}
        everyone = by_id.get(self.id)
        if everyone is not None:
            perms = (perms & ~everyone.deny) | everyone.allow
        allow = deny = 0
        for role in member.roles:
            ow = by_id.get(role.id)
            if ow is not None and ow.type == 0:
                allow |= ow.allow
                deny |= ow.deny
        perms = (perms & ~deny) | allow
        own = by_id.get(member.id)
        if own is not None and own.type == 1:
            perms = (perms & ~own.deny) | own.allow
        # A channel you cannot see grants nothing else (Discord applies this implicitly).
        if not perms & VIEW_CHANNEL:
            return 0
        return perms

    def payload(self) -> dict[str, Any]:
        """GET /guilds/{id} and GUILD_UPDATE shape (`gateway_payload` adds channels and members)."""
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "owner_id": str(self.owner.id),
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 1,
            "explicit_content_filter": 0,
            "roles": [r.payload() for r in self.roles.values()],
            "emojis": [],
            "stickers": [],
            "features": [],
            "mfa_level": 0,
            "application_id": None,
            "system_channel_id": None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "vanity_url_code": None,
            "description": None,
            "banner": None,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "preferred_locale": self.preferred_locale,
            "public_updates_channel_id": None,
            "nsfw_level": 0,
            "premium_progress_bar_enabled": False,
            "max_members": 500000,
            "max_video_channel_users": 25,
        }

    def gateway_payload(self) -> dict[str, Any]:
        data = self.payload()
        data.update(
            {
                "joined_at": iso_now(),
                "large": False,
                "unavailable": False,
                "member_count": len(self.members),
                "voice_states": [],
                # Without the privileged members intent Discord only sends the bot's own member.
                "members": [m.payload() for m in self.members.values() if m.user.bot],
                "channels": [c.payload() for c in self.channels.values() if not c.deleted],
                "threads": [],
                "presences": [],
                "stage_instances": [],
                "guild_scheduled_events": [],
                "soundboard_sounds": [],
            }
        )
        return data


class World:
    """Everything the stand-in knows about; tests build it through these methods."""

    def __init__(self, bot_name: str = "seasonwatch") -> None:
        self.new_id = SnowflakeFactory()
        self.users: dict[int, User] = {}
        self.guilds: dict[int, Guild] = {}
        self.channels: dict[int, Channel] = {}
        self._dms: dict[int, Channel] = {}  # user id -> their DM channel with the bot
        self.bot = self.add_user(bot_name, bot=True)
        self.application_id = self.bot.id  # Discord bots share their application's id

    def add_user(self, name: str, *, bot: bool = False) -> User:
        user = User(self.new_id(), name, bot)
        self.users[user.id] = user
        return user

    def add_guild(
        self,
        name: str,
        *,
        bot_permissions: int = DEFAULT_BOT,
        everyone_permissions: int = DEFAULT_EVERYONE,
        owner: User | None = None,
        with_bot: bool = True,
        shard: tuple[int, int] | None = None,
    ) -> Guild:
        """A guild; the bot joins it with a managed role holding `bot_permissions`. `shard`
        (id, count): give it an id that puts it on that shard."""
        owner = owner or self.add_user(f"{name.lower()}-owner")
        gid = self.new_id.on_shard(*shard) if shard else self.new_id()
        guild = Guild(gid, name, self, owner)
        guild.roles[gid] = Role(gid, gid, "@everyone", everyone_permissions, position=0)
        guild.add_member(owner)
        if with_bot:
            guild.bot_role = guild.add_role(self.bot.name, bot_permissions)
            guild.bot_role.managed = True
            guild.add_member(self.bot, roles=[guild.bot_role])
        self.guilds[gid] = guild
        return guild

    def dm_channel(self, user: User) -> Channel:
        """The DM channel between the bot and `user` (created on first use, like Discord)."""
        ch = self._dms.get(user.id)
        if ch is None:
            ch = Channel(self.new_id(), "", DM, None, recipient=user)
            self.channels[ch.id] = ch
            self._dms[user.id] = ch
        return ch

    def user(self, user_id: int) -> User | None:
        return self.users.get(user_id)
