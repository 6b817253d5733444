"""Who a message really pings, by Discord's allowed_mentions rules (message.mdx).

- No `allowed_mentions` at all: everything in the content is parsed.
- With it: only the `parse` types, plus explicitly listed `users`/`roles` ids that also
  appear in the content.
- @everyone/@here ping only if "everyone" is parsed and the author may mention everyone
  (always true for interaction responses, which are webhook messages).
- A role ping needs the role to be mentionable, or the author to have Mention Everyone.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Collection, Iterable, Mapping
from typing import Any

from .records import MentionRecord
from .world import Guild, Pings

log = logging.getLogger(__name__)

USER_RE = re.compile(r"<@!?(\d+)>")
ROLE_RE = re.compile(r"<@&(\d+)>")
EVERYONE_RE = re.compile(r"@(everyone|here)")


def compute_pings(
    *,
    message_id: int,
    channel_id: int,
    content: str,
    allowed_mentions: dict[str, Any] | None,
    guild: Guild | None,
    may_mention_everyone: bool,
) -> Pings:
    pings = Pings(message_id, channel_id)
    users = {int(x) for x in USER_RE.findall(content)}
    roles = {int(x) for x in ROLE_RE.findall(content)}
    everyone = bool(EVERYONE_RE.search(content))
    if allowed_mentions is None:
        parse = {"users", "roles", "everyone"}
        listed_users: set[int] = set()
        listed_roles: set[int] = set()
    else:
        parse = set(allowed_mentions.get("parse") or [])
        listed_users = {int(x) for x in allowed_mentions.get("users") or []}
        listed_roles = {int(x) for x in allowed_mentions.get("roles") or []}
    pings.users = {u for u in users if "users" in parse or u in listed_users}
    if guild is not None:
        allowed_roles = {r for r in roles if "roles" in parse or r in listed_roles}
        pings.roles = {
            r
            for r in allowed_roles
            if r in guild.roles and (guild.roles[r].mentionable or may_mention_everyone)
        }
    pings.everyone = everyone and "everyone" in parse and may_mention_everyone and guild is not None
    return pings


def mention_problems(
    records: Iterable[MentionRecord], role_pings: Mapping[int, Collection[int]]
) -> list[str]:
    """Bot messages whose allowed_mentions is not explicit with an empty `parse`.

    Only a channel message (an announcement) may list roles, and only those `role_pings` allows
    in its channel (the roles admins chose for that channel's subscriptions). Editing a message
    counts: its allowed_mentions decides what the new content mentions.
    """
    problems = []
    for record in records:
        allowed = () if record.interaction else role_pings.get(record.channel_id, ())
        why = _mention_problem(record.allowed_mentions, set(allowed))
        if why is not None:
            problems.append(
                f"{record.kind} {record.message_id} in channel {record.channel_id} {why}: "
                f"{record.content[:80]!r}"
            )
    return problems


def _mention_problem(allowed_mentions: dict[str, Any] | None, roles_ok: set[int]) -> str | None:
    if allowed_mentions is None:
        return "was sent without allowed_mentions"
    if allowed_mentions.get("parse") != []:
        return f"has parse {allowed_mentions.get('parse')!r}, not []"
    if allowed_mentions.get("users"):
        return f"lists users {allowed_mentions['users']!r}"
    if allowed_mentions.get("replied_user"):
        return "pings the replied-to user"
    listed = {int(x) for x in allowed_mentions.get("roles") or []}
    if not listed <= roles_ok:
        return f"lists roles {sorted(listed - roles_ok)} that no subscription of it pings"
    return None
