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
from typing import Any

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
