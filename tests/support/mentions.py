"""What an announcement may ping: only the roles admins chose for its channel."""

from __future__ import annotations

from standin import StandIn
from standin.interactions import APPLICATION_COMMAND


def subscription_roles(s: StandIn) -> dict[int, set[int]]:
    """Per channel, the roles admins asked `/alerts subscribe` to ping: all it may list."""
    roles: dict[int, set[int]] = {}
    for state in s.interactions.values():
        data = state.payload.get("data") or {}
        if state.type != APPLICATION_COMMAND or data.get("name") != "alerts":
            continue
        for sub in data.get("options") or []:
            given = {o["name"]: o.get("value") for o in sub.get("options") or []}
            if sub.get("name") == "subscribe" and given.get("mention_role"):
                roles.setdefault(int(given["channel"]), set()).add(int(given["mention_role"]))
    return roles
