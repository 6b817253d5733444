"""The stand-in's routes for fans' own alerts, through raw HTTP: DMs refused with 50007 on
demand, member roles with Discord's hierarchy, scheduled events with its permissions and limit."""

from __future__ import annotations

from typing import Any

from standin import StandIn
from standin.rest_events import MAX_EVENTS
from standin.world import CREATE_EVENTS, MANAGE_ROLES
from tests.support.standin import Scene, api

NO_PINGS: dict[str, Any] = {"parse": []}
EVENT = {"name": "Premiere", "entity_type": 3, "privacy_level": 2,
         "entity_metadata": {"location": "Netflix"},
         "scheduled_start_time": "2099-03-14T08:00:00+00:00",
         "scheduled_end_time": "2099-03-15T08:00:00+00:00"}


async def test_a_dm_to_someone_with_dms_closed_is_50007(standin: StandIn, scene: Scene) -> None:
    status, _, channel = await api(standin, "POST", "/users/@me/channels",
                                   {"recipient_id": str(scene.fan.id)})
    assert status == 200 and isinstance(channel, dict)
    path = f"/channels/{channel['id']}/messages"
    assert (await api(standin, "POST", path, {"content": "hi", "allowed_mentions": NO_PINGS}))[0] == 200
    scene.fan.user.dms_closed = True
    status, _, body = await api(standin, "POST", path, {"content": "hi", "allowed_mentions": NO_PINGS})
    assert status == 403 and body["code"] == 50007  # type: ignore[index]


async def test_roles_follow_the_hierarchy_and_need_manage_roles(standin: StandIn, scene: Scene) -> None:
    guild, bot_role = scene.guild, scene.guild.bot_role
    assert bot_role is not None
    low = guild.add_role("Low")
    low.position, bot_role.position = 1, 2
    scene.editors.position = 3  # above the bot's role
    path = f"/guilds/{guild.id}/members/{scene.fan.id}/roles/{{}}"
    assert (await api(standin, "PUT", path.format(low.id)))[0] == 403  # no Manage Roles yet
    bot_role.permissions |= MANAGE_ROLES
    assert (await api(standin, "PUT", path.format(low.id)))[0] == 204 and low in scene.fan.roles
    status, _, body = await api(standin, "PUT", path.format(scene.editors.id))
    assert status == 403 and body["code"] == 50013 and scene.editors not in scene.fan.roles  # type: ignore[index]
    assert (await api(standin, "DELETE", path.format(low.id)))[0] == 204 and low not in scene.fan.roles
    assert standin.role_changes == [("add", scene.fan.id, low.id), ("remove", scene.fan.id, low.id)]


async def test_scheduled_events_need_create_events_and_stop_at_100(standin: StandIn, scene: Scene) -> None:
    guild, bot_role = scene.guild, scene.guild.bot_role
    assert bot_role is not None
    path = f"/guilds/{guild.id}/scheduled-events"
    status, _, body = await api(standin, "POST", path, EVENT)
    assert status == 403 and body["code"] == 50013  # type: ignore[index]
    bot_role.permissions |= CREATE_EVENTS
    status, _, created = await api(standin, "POST", path, EVENT)
    assert status == 200 and isinstance(created, dict)
    one = f"{path}/{created['id']}"
    moved = {**EVENT, "scheduled_start_time": "2099-04-01T08:00:00+00:00",
             "scheduled_end_time": "2099-04-02T08:00:00+00:00"}
    assert (await api(standin, "PATCH", one, moved))[2]["scheduled_start_time"].startswith("2099-04-01")  # type: ignore[index]
    past = {"scheduled_start_time": "2001-01-01T08:00:00+00:00"}
    assert (await api(standin, "PATCH", one, past))[0] == 400
    assert (await api(standin, "PATCH", one, {"status": 4}))[0] == 200
    assert (await api(standin, "GET", path))[2] == []  # cancelled events leave the list
    assert (await api(standin, "PATCH", one, {"status": 1}))[0] == 400  # and stay cancelled
    standin.global_bucket.limit = 10_000  # 100 creates at once: not what this test is about
    for _ in range(MAX_EVENTS):
        assert (await api(standin, "POST", path, EVENT))[0] == 200
    status, _, body = await api(standin, "POST", path, EVENT)
    assert status == 400 and body["code"] == 30038  # type: ignore[index]
    assert standin.violations == []
