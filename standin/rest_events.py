"""Guild scheduled event routes of the stand-in: list, create, modify, delete, with Discord's
rules: Create Events to create (and to change the bot's own events), Manage Events for
anyone's; at most 100 scheduled or active events per server (400 30038); an external event
needs a location and an end; a start in the past is refused; a cancelled event stays so."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from .rest_types import ApiError
from .world import ADMINISTRATOR, CREATE_EVENTS, MANAGE_EVENTS, Guild

if TYPE_CHECKING:
    from .rest_types import Call, Routes

MAX_EVENTS = 100
SCHEDULED, ACTIVE, COMPLETED, CANCELED = 1, 2, 3, 4
EXTERNAL = 3


def install(rest: Routes) -> None:
    """Add the scheduled event routes to the stand-in's REST API."""
    server = rest.server
    many = "/guilds/{guild_id}/scheduled-events"
    one = "/guilds/{guild_id}/scheduled-events/{guild_scheduled_event_id}"

    def live(guild: Guild) -> list[dict[str, Any]]:
        return [e for e in server.scheduled_events.values()
                if e["guild_id"] == str(guild.id) and e["status"] in (SCHEDULED, ACTIVE)]

    async def list_events(call: Call) -> Any:
        return live(rest.guild(call))

    async def create(call: Call) -> Any:
        guild = rest.guild(call)
        _require(guild, CREATE_EVENTS | MANAGE_EVENTS)
        if len(live(guild)) >= MAX_EVENTS:
            raise _error(400, 30038, "Maximum number of guild scheduled events reached (100)")
        event_id = server.world.new_id()
        event: dict[str, Any] = {"id": str(event_id), "guild_id": str(guild.id), "channel_id": None,
                 "creator_id": str(server.world.bot.id), "description": None, "status": SCHEDULED,
                 "entity_id": None, "entity_metadata": None, "scheduled_end_time": None,
                 "creator": server.world.bot.payload(), "user_count": 0, "image": None}
        event.update(_checked(call.body, creating=True))
        server.scheduled_events[event_id] = event
        server.event_log.append(("create", event_id))
        return event

    async def modify(call: Call) -> Any:
        guild, event = _event(rest, call)
        _require(guild, MANAGE_EVENTS if event["creator_id"] != str(server.world.bot.id)
                 else CREATE_EVENTS | MANAGE_EVENTS)
        if event["status"] in (COMPLETED, CANCELED):
            raise _error(400, 180000, "Cannot update a finished or cancelled event")
        changes = _checked(call.body, creating=False)
        if "status" in changes and (changes["status"], event["status"]) not in (
                (CANCELED, SCHEDULED), (ACTIVE, SCHEDULED), (SCHEDULED, SCHEDULED)):
            raise _error(400, 50035, "Invalid Form Body")
        event.update(changes)
        server.event_log.append(("cancel" if changes.get("status") == CANCELED else "modify",
                                 int(event["id"])))
        return event

    async def delete(call: Call) -> Any:
        guild, event = _event(rest, call)
        _require(guild, MANAGE_EVENTS)
        del server.scheduled_events[int(event["id"])]
        server.event_log.append(("delete", int(event["id"])))
        return None

    rest.route("GET", many, list_events)
    rest.route("POST", many, create)
    rest.route("PATCH", one, modify)
    rest.route("DELETE", one, delete)


def _error(status: int, code: int, message: str) -> Exception:

    return ApiError(status, code, message)


def _require(guild: Guild, any_of: int) -> None:
    me = guild.bot_member
    perms = guild.base_permissions(me) if me else 0
    if not perms & (any_of | ADMINISTRATOR):
        raise _error(403, 50013, "Missing Permissions")


def _event(rest: Routes, call: Call) -> tuple[Guild, dict[str, Any]]:
    guild = rest.guild(call)
    event = rest.server.scheduled_events.get(int(call.params["guild_scheduled_event_id"]))
    if event is None or event["guild_id"] != str(guild.id):
        raise _error(404, 10070, "Unknown Guild Scheduled Event")
    return guild, event


def _checked(body: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    """The body's fields after Discord's checks beyond the schema (the schema ran already)."""
    start = body.get("scheduled_start_time")
    if start is not None and dt.datetime.fromisoformat(start) <= dt.datetime.now(dt.UTC):
        raise _error(400, 50035, "Invalid Form Body: scheduled_start_time must be in the future")
    if creating and body.get("entity_type") == EXTERNAL and not (
            (body.get("entity_metadata") or {}).get("location") and body.get("scheduled_end_time")):
        raise _error(400, 50035, "Invalid Form Body: external events need a location and an end")
    return {k: v for k, v in body.items() if k != "image"}
