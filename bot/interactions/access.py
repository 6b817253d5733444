"""Who may do what, checked by the bot on every call (Discord's default_permissions only hides):
the rules (`EDITORS`, `OWNERS`, `MANAGERS`), where they are declared, and the cog check that
enforces them."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, ClassVar, Protocol

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.errors import NotAllowed
from bot.core.messages import N_

log = logging.getLogger(__name__)

MEMBER_CACHE_SECONDS = 60.0
EDITORS_ONLY = N_(
    "Only editors can do this: the bot's owners, and members with an editor role in the home server. "
    "Nothing was changed."
)
OWNERS_ONLY = N_("Only the bot's owners can do this. Nothing was changed.")
MANAGERS_IN_DMS = N_("Announcements are set per server: run this in the server, not in DMs.")
MANAGERS_ONLY = N_("You need the Manage Server permission in this server to set up alerts.")
NO_ACCESS = N_("Permissions cannot be checked right now; try again in a minute. Nothing was changed.")

# (guild id, user id) -> the user's role ids there, or None if they are not a member.
RoleLookup = Callable[[int, int], Awaitable[list[int] | None]]


class Refused(app_commands.CheckFailure, NotAllowed):
    """A permission check said no; the message says who may. A CheckFailure, so that the
    tree answers it (ephemerally) before the command body or any option conversion runs."""


class AccessSettings(Protocol):
    """Who the bot's owners and editors are (the bot's Settings has these)."""

    @property
    def owner_ids(self) -> frozenset[int]: ...
    @property
    def home_guild_id(self) -> int | None: ...
    @property
    def editor_role_ids(self) -> frozenset[int]: ...


class Access:
    """Answers 'is this user an editor / an owner / a manager of this server?'."""

    def __init__(self, settings: AccessSettings, lookup: RoleLookup,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.settings = settings
        self._lookup = lookup
        self._clock = clock
        self._cache: dict[int, tuple[float, bool]] = {}

    def is_owner(self, user_id: int) -> bool:
        """Whether the user is one of OWNER_IDS."""
        return user_id in self.settings.owner_ids

    def _has_editor_role(self, role_ids: Iterable[int]) -> bool:
        return bool(self.settings.editor_role_ids.intersection(role_ids))

    async def is_editor(self, interaction: discord.Interaction[Any]) -> bool:
        """Owners, and holders of an editor role in the home server, wherever they call from."""
        user = interaction.user
        if self.is_owner(user.id):
            return True
        home = self.settings.home_guild_id
        if home is None or not self.settings.editor_role_ids:
            return False
        if interaction.guild_id == home and isinstance(user, discord.Member):
            return self._has_editor_role(r.id for r in user.roles)
        return await self._editor_at_home(home, user.id)

    async def _editor_at_home(self, home: int, user_id: int) -> bool:
        now = self._clock()
        cached = self._cache.get(user_id)
        if cached and cached[0] > now:
            return cached[1]
        roles = await self._lookup(home, user_id)
        answer = roles is not None and self._has_editor_role(roles)
        self._cache[user_id] = (now + MEMBER_CACHE_SECONDS, answer)
        return answer

    async def require_editor(self, interaction: discord.Interaction[Any]) -> None:
        """Raise Refused unless the caller is an editor."""
        if not await self.is_editor(interaction):
            raise Refused(EDITORS_ONLY)

    def require_owner(self, interaction: discord.Interaction[Any]) -> None:
        """Raise Refused unless the caller is an owner."""
        if not self.is_owner(interaction.user.id):
            raise Refused(OWNERS_ONLY)

    def require_manager(self, interaction: discord.Interaction[Any]) -> None:
        """Raise Refused unless the caller has Manage Server in the server they call from."""
        if interaction.guild is None:
            raise Refused(MANAGERS_IN_DMS)
        if self.is_owner(interaction.user.id):
            return
        if not interaction.permissions.manage_guild:
            raise Refused(MANAGERS_ONLY)


def access_of(interaction: discord.Interaction[Any]) -> Access:
    """The bot's Access; refuses (never allows) if the client has none."""
    access = getattr(interaction.client, "access", None)
    if not isinstance(access, Access):
        raise Refused(NO_ACCESS)
    return access


class Rule:
    """One permission rule, the same wherever it is declared: on a cog (`RuledCog.rule`), a
    group or a command (`extras=ruled(...)`), a button or a form (`buttons.Guarded.rule`).

    Calling it is the check: True, or Refused saying who may. A failed home-server look-up
    refuses too, never guesses."""

    def __init__(self, name: str, test: Callable[[discord.Interaction[Any]], Awaitable[None]]) -> None:
        self.name = name
        self._test = test

    def __repr__(self) -> str:
        return f"Rule({self.name})"

    async def __call__(self, interaction: discord.Interaction[Any]) -> bool:
        try:
            await self._test(interaction)
        except discord.HTTPException:  # the home-server look-up failed: refuse, never guess
            log.warning("could not look up the roles of user %d", interaction.user.id, exc_info=True)
            raise Refused(NO_ACCESS) from None
        return True

    async def allows(self, interaction: discord.Interaction[Any]) -> bool:
        """Whether the caller passes, for what can only leave things out (autocomplete)."""
        try:
            return await self(interaction)
        except Refused:
            return False


async def _everyone(interaction: discord.Interaction[Any]) -> None:
    return None


async def _editors(interaction: discord.Interaction[Any]) -> None:
    await access_of(interaction).require_editor(interaction)


async def _owners(interaction: discord.Interaction[Any]) -> None:
    access_of(interaction).require_owner(interaction)


async def _managers(interaction: discord.Interaction[Any]) -> None:
    access_of(interaction).require_manager(interaction)


EVERYONE = Rule("everyone", _everyone)  # declared where a cog's rule must not apply
EDITORS = Rule("editors", _editors)
OWNERS = Rule("owners", _owners)
MANAGERS = Rule("managers", _managers)  # Manage Server in the server called from; owners anywhere

RULE = "rule"  # the key of a group's or command's rule in its `extras`
AnyCommand = app_commands.Command[Any, ..., Any] | app_commands.Group | app_commands.ContextMenu


def ruled(rule: Rule) -> dict[str, Rule]:
    """The `extras` of a group or command with its own rule: `@group.command(..., extras=ruled(EDITORS))`."""
    return {RULE: rule}


def rule_for(command: AnyCommand | None, default: Rule | None) -> Rule | None:
    """The rule a command declares, else its group's (the nearest), else `default` (its cog's)."""
    while command is not None:
        rule = command.extras.get(RULE)
        if isinstance(rule, Rule):
            return rule
        command = command.parent if not isinstance(command, app_commands.ContextMenu) else None
    return default


class RuledCog(commands.Cog):
    """A cog whose commands are checked against a rule: the cog's own (`rule`), unless a group
    or a command declares another. The check runs before any option is converted; Discord's
    default_permissions only hides commands, this is what enforces."""

    rule: ClassVar[Rule | None] = None

    async def interaction_check(self, interaction: discord.Interaction[Any], /) -> bool:
        rule = rule_for(interaction.command, self.rule)
        return True if rule is None else await rule(interaction)


async def home_roles(client: discord.Client, guild_id: int, user_id: int) -> list[int] | None:
    """A user's role ids in a server over REST (no privileged intent), None if not a member."""
    try:
        data = await client.http.get_member(guild_id, user_id)
    except discord.NotFound:
        return None
    return [int(role) for role in data.get("roles", [])]
