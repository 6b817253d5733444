"""Member role routes of the stand-in: `PUT`/`DELETE /guilds/{g}/members/{u}/roles/{r}`, with
Discord's rules: the bot needs Manage Roles, and may only give or take a role below its own
highest role that no integration manages (403 50013 otherwise)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .rest_types import MISSING_PERMISSIONS, ApiError, unknown
from .world import ADMINISTRATOR, MANAGE_ROLES, Guild, Member, Role

if TYPE_CHECKING:
    from .rest_types import Call, Routes


def install(rest: Routes) -> None:
    """Add the member role routes to the stand-in's REST API."""
    template = "/guilds/{guild_id}/members/{user_id}/roles/{role_id}"

    async def add(call: Call) -> Any:
        member, role = _target(rest, call)
        if role not in member.roles:
            member.roles.append(role)
        rest.server.role_changes.append(("add", member.id, role.id))
        return None

    async def remove(call: Call) -> Any:
        member, role = _target(rest, call)
        if role in member.roles:
            member.roles.remove(role)
        rest.server.role_changes.append(("remove", member.id, role.id))
        return None

    rest.route("PUT", template, add)
    rest.route("DELETE", template, remove)


def _target(rest: Routes, call: Call) -> tuple[Member, Role]:

    guild = rest.guild(call)
    member = guild.member(int(call.params["user_id"]))
    if member is None:
        raise unknown("Member", 10007)
    role = guild.roles.get(int(call.params["role_id"]))
    if role is None:
        raise unknown("Role", 10011)
    if not may_manage(guild, role):
        raise ApiError(*MISSING_PERMISSIONS)
    return member, role


def may_manage(guild: Guild, role: Role) -> bool:
    """Whether the bot may give or take `role` (Discord's role hierarchy)."""
    me = guild.bot_member
    if me is None or role is guild.everyone or role.managed:
        return False
    if not guild.base_permissions(me) & (MANAGE_ROLES | ADMINISTRATOR):
        return False
    top = max((r.position for r in me.roles), default=0)
    return me.id == guild.owner.id or role.position < top
