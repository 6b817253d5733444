"""bot/interactions/access.py: who is an editor, an owner, a manager, and how long a look-up is trusted."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any
from unittest.mock import Mock

import discord
import pytest
from discord import app_commands

from bot.config import Settings
from bot.interactions.access import (
    EDITORS,
    EDITORS_ONLY,
    EVERYONE,
    MANAGERS,
    MANAGERS_IN_DMS,
    MANAGERS_ONLY,
    MEMBER_CACHE_SECONDS,
    NO_ACCESS,
    OWNERS,
    OWNERS_ONLY,
    Access,
    Refused,
    RuledCog,
    rule_for,
    ruled,
)
from bot.interactions.replies import error_message

OWNER, EDITOR, FAN = 1, 2, 3
HOME, OTHER = 100, 200
EDITOR_ROLE, OTHER_ROLE = 10, 11


class Clock:
    def __init__(self) -> None:
        self.now = 50.0

    def __call__(self) -> float:
        return self.now


class Lookup:
    """The home server's roles per user, counting the REST look-ups made."""

    def __init__(self) -> None:
        self.roles: dict[int, list[int] | None] = {EDITOR: [EDITOR_ROLE], FAN: [OTHER_ROLE]}
        self.calls: list[tuple[int, int]] = []
        self.fail = False

    async def __call__(self, guild_id: int, user_id: int) -> list[int] | None:
        self.calls.append((guild_id, user_id))
        if self.fail:
            raise discord.HTTPException(SimpleNamespace(status=500, reason="boom"), "boom")
        return self.roles.get(user_id)


def settings(**changes: Any) -> Settings:
    values: dict[str, Any] = {"owner_ids": frozenset({OWNER}), "home_guild_id": HOME,
                              "editor_role_ids": frozenset({EDITOR_ROLE})}
    values.update(changes)
    return Settings(**values)


def interaction(user_id: int, guild_id: int | None, *, roles: tuple[int, ...] | None = None,
                manage_guild: bool = False, access: Access | None = None, command: Any = None) -> Any:
    """An interaction as discord.py gives it: a Member (with roles) in a server, a User in DMs."""
    if roles is not None:
        user: Any = Mock(spec=discord.Member)
        user.roles = [SimpleNamespace(id=r) for r in roles]
    else:
        user = Mock(spec=discord.User)
    user.id = user_id
    return SimpleNamespace(
        user=user, guild_id=guild_id, guild=SimpleNamespace(id=guild_id) if guild_id else None,
        permissions=discord.Permissions(manage_guild=manage_guild),
        client=SimpleNamespace(access=access), command=command,
    )


@pytest.fixture
def lookup() -> Lookup:
    return Lookup()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def access(lookup: Lookup, clock: Clock) -> Access:
    return Access(settings(), lookup, clock)


async def test_owners_are_editors_anywhere_without_a_look_up(access, lookup):
    assert await access.is_editor(interaction(OWNER, None))
    assert await access.is_editor(interaction(OWNER, OTHER, roles=()))
    assert lookup.calls == []


async def test_in_the_home_server_the_member_roles_decide(access, lookup):
    assert await access.is_editor(interaction(EDITOR, HOME, roles=(EDITOR_ROLE,)))
    assert not await access.is_editor(interaction(FAN, HOME, roles=(OTHER_ROLE,)))
    assert lookup.calls == []


async def test_elsewhere_and_in_dms_the_home_roles_are_looked_up(access, lookup):
    # An editor role id given in another server means nothing: only the home roles count.
    assert not await access.is_editor(interaction(FAN, OTHER, roles=(EDITOR_ROLE,)))
    assert await access.is_editor(interaction(EDITOR, None))
    assert lookup.calls == [(HOME, FAN), (HOME, EDITOR)]


async def test_not_a_member_of_the_home_server_is_no_editor(access, lookup):
    lookup.roles[EDITOR] = None
    assert not await access.is_editor(interaction(EDITOR, OTHER, roles=()))


async def test_without_a_home_server_or_editor_roles_only_owners_edit(lookup, clock):
    for changes in ({"home_guild_id": None}, {"editor_role_ids": frozenset()}):
        access = Access(settings(**changes), lookup, clock)
        assert not await access.is_editor(interaction(EDITOR, None))
        assert await access.is_editor(interaction(OWNER, None))
    assert lookup.calls == []


async def test_a_look_up_is_trusted_for_a_minute_then_repeated(access, lookup, clock):
    assert await access.is_editor(interaction(EDITOR, None))
    lookup.roles[EDITOR] = [OTHER_ROLE]  # the role is taken away at home
    clock.now += MEMBER_CACHE_SECONDS - 1
    assert await access.is_editor(interaction(EDITOR, None))  # still the cached answer
    assert len(lookup.calls) == 1
    clock.now += 1
    assert not await access.is_editor(interaction(EDITOR, None))
    assert len(lookup.calls) == 2


async def test_a_cached_refusal_expires_too(access, lookup, clock):
    assert not await access.is_editor(interaction(FAN, None))
    lookup.roles[FAN] = [EDITOR_ROLE]
    clock.now += MEMBER_CACHE_SECONDS
    assert await access.is_editor(interaction(FAN, None))


async def test_require_editor_refuses_with_the_editors_message(access):
    with pytest.raises(Refused) as refused:
        await access.require_editor(interaction(FAN, HOME, roles=()))
    assert str(refused.value) == EDITORS_ONLY
    await access.require_editor(interaction(EDITOR, HOME, roles=(EDITOR_ROLE,)))


def test_only_owners_pass_require_owner(access):
    access.require_owner(interaction(OWNER, None))
    with pytest.raises(Refused, match="Only the bot's owners"):
        access.require_owner(interaction(EDITOR, HOME, roles=(EDITOR_ROLE,)))


def test_managers_need_manage_server_here_owners_do_not(access):
    access.require_manager(interaction(FAN, HOME, roles=(), manage_guild=True))
    access.require_manager(interaction(OWNER, OTHER, roles=(), manage_guild=False))
    with pytest.raises(Refused) as refused:
        access.require_manager(interaction(FAN, HOME, roles=(), manage_guild=False))
    assert str(refused.value) == MANAGERS_ONLY
    with pytest.raises(Refused) as in_dms:
        access.require_manager(interaction(OWNER, None))
    assert str(in_dms.value) == MANAGERS_IN_DMS


async def test_the_rules_read_the_clients_access_and_refuse_without_one(access):
    assert await EDITORS(interaction(EDITOR, None, access=access))
    assert await OWNERS(interaction(OWNER, None, access=access))
    assert await MANAGERS(interaction(FAN, HOME, roles=(), manage_guild=True, access=access))
    for rule in (OWNERS, MANAGERS, EDITORS):
        with pytest.raises(Refused, match="cannot be checked"):
            await rule(interaction(OWNER, HOME, roles=(), manage_guild=True, access=None))
    assert await EVERYONE(interaction(FAN, None, access=None))  # asks nobody


async def test_a_failed_look_up_refuses_and_says_so(access, lookup):
    lookup.fail = True
    with pytest.raises(Refused) as refused:
        await EDITORS(interaction(EDITOR, None, access=access))
    assert str(refused.value) == NO_ACCESS
    assert not await EDITORS.allows(interaction(EDITOR, None, access=access))  # autocomplete: nothing


async def test_allows_answers_without_raising(access):
    assert await EDITORS.allows(interaction(EDITOR, None, access=access))
    assert not await EDITORS.allows(interaction(FAN, None, access=access))
    assert await EVERYONE.allows(interaction(FAN, None, access=access))


async def test_a_refusal_is_a_check_failure_told_as_its_own_message(access):
    # The tree answers CheckFailure itself; the text must be ours, not "You can't use this".
    with pytest.raises(discord.app_commands.CheckFailure) as refused:
        await OWNERS(interaction(FAN, HOME, roles=(), access=access))
    assert error_message(refused.value) == OWNERS_ONLY


class Ruled(RuledCog):
    """Owners by default; a group of editors' commands; one command for everyone."""

    rule = OWNERS
    group = app_commands.Group(name="group", description="g", extras=ruled(EDITORS))

    @group.command(name="inner", description="in the group")
    async def inner(self, interaction: discord.Interaction[Any]) -> None: ...

    @group.command(name="open", description="its own rule", extras=ruled(EVERYONE))
    async def open(self, interaction: discord.Interaction[Any]) -> None: ...

    @app_commands.command(name="plain", description="the cog's rule")
    async def plain(self, interaction: discord.Interaction[Any]) -> None: ...


def commands_of(cog: RuledCog) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for command in cog.walk_app_commands():
        found[command.qualified_name] = command
    return found


def test_a_command_takes_its_own_rule_else_its_groups_else_the_cogs():
    named = commands_of(Ruled())
    assert rule_for(named["plain"], OWNERS) is OWNERS
    assert rule_for(named["group inner"], OWNERS) is EDITORS
    assert rule_for(named["group open"], OWNERS) is EVERYONE
    assert rule_for(None, None) is None  # no command, no rule: nothing to enforce


async def test_the_cogs_check_applies_the_nearest_rule_to_every_command(access):
    cog = Ruled()
    named = commands_of(cog)
    assert await cog.interaction_check(interaction(OWNER, None, access=access, command=named["plain"]))
    with pytest.raises(Refused) as refused:
        await cog.interaction_check(interaction(EDITOR, None, access=access, command=named["plain"]))
    assert str(refused.value) == OWNERS_ONLY
    assert await cog.interaction_check(interaction(EDITOR, None, access=access, command=named["group inner"]))
    with pytest.raises(Refused) as refused:
        await cog.interaction_check(interaction(FAN, None, access=access, command=named["group inner"]))
    assert str(refused.value) == EDITORS_ONLY
    assert await cog.interaction_check(interaction(FAN, None, access=access, command=named["group open"]))
