"""Registered application commands, and building interaction data strictly from them.

A test can only invoke a command the way a Discord user could: the option names, types,
choices and ranges the bot registered. Anything else is a bug in the test and raises
`CommandUsageError` before anything is sent to the bot.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from .world import Channel, Guild, Member, Role, User, World

log = logging.getLogger(__name__)

SUB_COMMAND = 1
SUB_COMMAND_GROUP = 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER = 3, 4, 5, 6, 7, 8, 9, 10


class CommandUsageError(Exception):
    """The test tried to invoke a command in a way Discord's client would not allow."""


@dataclass
class Resolved:
    users: dict[str, Any] = field(default_factory=dict)
    members: dict[str, Any] = field(default_factory=dict)
    roles: dict[str, Any] = field(default_factory=dict)
    channels: dict[str, Any] = field(default_factory=dict)

    def payload(self) -> dict[str, Any]:
        return {k: v for k, v in vars(self).items() if v}


def find_command(
    registered: list[dict[str, Any]], path: str
) -> tuple[dict[str, Any], list[dict[str, Any]], list[str]]:
    """Resolve "edit cast" to (top-level command, leaf options schema, [sub names])."""
    words = path.split()
    top = next((c for c in registered if c["name"] == words[0] and c.get("type", 1) == 1), None)
    if top is None:
        raise CommandUsageError(
            f"/{words[0]} is not registered (registered: {sorted(c['name'] for c in registered)})"
        )
    options: list[dict[str, Any]] = top.get("options") or []
    subs: list[str] = []
    for word in words[1:]:
        sub = next(
            (
                o
                for o in options
                if o["name"] == word and o["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP)
            ),
            None,
        )
        if sub is None:
            raise CommandUsageError(
                f"/{path}: no subcommand {word!r} under /{' '.join([words[0], *subs])}"
            )
        subs.append(word)
        options = sub.get("options") or []
    if any(o["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP) for o in options):
        raise CommandUsageError(f"/{path} is a group; name a subcommand")
    return top, options, subs


def _nest(
    subs: list[str], registered_top: dict[str, Any], leaf: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Wrap leaf options in the subcommand/group options Discord nests them in."""
    options = leaf
    schema_opts = registered_top.get("options") or []
    chain = []
    for name in subs:
        sub = next(o for o in schema_opts if o["name"] == name)
        chain.append(sub)
        schema_opts = sub.get("options") or []
    for sub in reversed(chain):
        options = [{"name": sub["name"], "type": sub["type"], "options": options}]
    return options


def build_options(
    world: World,
    guild: Guild | None,
    top: dict[str, Any],
    leaf: list[dict[str, Any]],
    subs: list[str],
    values: dict[str, Any],
    *,
    focused: str | None = None,
) -> tuple[list[dict[str, Any]], Resolved]:
    by_name = {o["name"]: o for o in leaf}
    resolved = Resolved()
    for name in values:
        if name not in by_name:
            raise CommandUsageError(
                f"/{top['name']} {' '.join(subs)}: no option {name!r} (has {sorted(by_name)})"
            )
    if focused is not None:
        opt = by_name.get(focused)
        if opt is None or not opt.get("autocomplete"):
            raise CommandUsageError(f"option {focused!r} does not autocomplete")
    out = []
    for opt in leaf:
        name = opt["name"]
        if name not in values:
            if opt.get("required") and focused is None:
                raise CommandUsageError(f"required option {name!r} missing")
            continue
        value = values[name]
        if name == focused:
            # While typing, Discord sends the partial text as it is, unchecked.
            out.append({"name": name, "type": opt["type"], "value": str(value), "focused": True})
            continue
        out.append(
            {
                "name": name,
                "type": opt["type"],
                "value": _convert(world, guild, opt, value, resolved),
            }
        )
    return _nest(subs, top, out), resolved


def _convert(
    world: World, guild: Guild | None, opt: dict[str, Any], value: Any, resolved: Resolved
) -> Any:
    kind = opt["type"]
    name = opt["name"]
    if kind == STRING:
        if not isinstance(value, str):
            raise CommandUsageError(f"option {name!r} takes a string, got {value!r}")
        if len(value) < opt.get("min_length", 0) or len(value) > opt.get("max_length", 6000):
            raise CommandUsageError(
                f"option {name!r}: length outside {opt.get('min_length')}..{opt.get('max_length')}"
            )
    elif kind in (INTEGER, NUMBER):
        ok = isinstance(value, int) if kind == INTEGER else isinstance(value, (int, float))
        if not ok or isinstance(value, bool):
            raise CommandUsageError(
                f"option {name!r} takes {'an integer' if kind == INTEGER else 'a number'}, "
                f"got {value!r}"
            )
        lo, hi = opt.get("min_value"), opt.get("max_value")
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            raise CommandUsageError(f"option {name!r}: {value} outside {lo}..{hi}")
    elif kind == BOOLEAN:
        if not isinstance(value, bool):
            raise CommandUsageError(f"option {name!r} takes a boolean, got {value!r}")
    elif kind in (USER, MENTIONABLE) and isinstance(value, (User, Member)):
        user = value.user if isinstance(value, Member) else value
        resolved.users[str(user.id)] = user.payload()
        member = guild.member(user.id) if guild else None
        if member is not None:
            data = member.payload(with_user=False)
            data["permissions"] = str(guild.base_permissions(member)) if guild else "0"
            resolved.members[str(user.id)] = data
        return str(user.id)
    elif kind in (ROLE, MENTIONABLE) and isinstance(value, Role):
        if guild is None or value.id not in guild.roles:
            raise CommandUsageError(f"option {name!r}: role {value.name!r} is not in this server")
        resolved.roles[str(value.id)] = value.payload()
        return str(value.id)
    elif kind == CHANNEL and isinstance(value, Channel):
        types = opt.get("channel_types")
        if types and value.type not in types:
            raise CommandUsageError(f"option {name!r}: channel type {value.type} not in {types}")
        if guild is None or value.guild is not guild:
            raise CommandUsageError(
                f"option {name!r}: channel {value.name!r} is not in this server"
            )
        perms = 0
        me = guild.bot_member
        if me is not None:
            perms = guild.permissions_in(me, value)
        resolved.channels[str(value.id)] = {
            "id": str(value.id),
            "name": value.name,
            "type": value.type,
            "permissions": str(perms),
            "guild_id": str(guild.id),
            "parent_id": None,
            "nsfw": False,
            "position": value.position,
            "permission_overwrites": [o.payload() for o in value.overwrites],
            "flags": 0,
        }
        return str(value.id)
    else:
        raise CommandUsageError(f"option {name!r} (type {kind}) cannot take {value!r}")
    choices = opt.get("choices")
    if choices and value not in [c["value"] for c in choices]:
        raise CommandUsageError(
            f"option {name!r}: {value!r} is not one of {[c['value'] for c in choices]}"
        )
    return value
