"""`Notify me` on announcements: a fan gives themselves the subscription's role, or drops it;
the bot checks what Discord would refuse first, and /alerts subscribe warns or refuses."""

import asyncio

import pytest

from standin.world import ADMINISTRATOR, MANAGE_ROLES
from tests.e2e.test_alerts import exactly, subscribe, write

pytestmark = pytest.mark.sqlite_only  # nothing here touches the database's dialect


async def new_role(standin, scene, name, permissions=0):
    """A mentionable role, created as Discord tells the bot (GUILD_ROLE_CREATE)."""
    role = scene.home.add_role(name, permissions=permissions, mentionable=True)
    await standin.gateway.dispatch("GUILD_ROLE_CREATE", {"guild_id": str(scene.home.id),
                                                         "role": role.payload()})
    return role


async def watchers_role(standin, scene, *, bot_above=True, manage_roles=True):
    """A mentionable role without permissions; the bot's role above it (or not), with Manage
    Roles (or not), as a server admin would arrange them."""
    watchers = await new_role(standin, scene, "Watchers")
    bot_role = scene.home.bot_role
    bot_role.position = watchers.position + 1 if bot_above else 0
    await standin.update_role(bot_role, permissions=bot_role.permissions | MANAGE_ROLES
                              if manage_roles else bot_role.permissions)
    return watchers


async def announcement(standin, scene, bot, watchers):
    await subscribe(standin, scene.admin, scene.home_general, mention_role=watchers)
    await write(bot)
    [message] = await exactly(standin, scene.home_general, 1)
    [button] = [b for row in message.components for b in row["components"]]
    assert button["label"] == "Notify me" and button["custom_id"] == f"sw:notify:{watchers.id}"
    return message


async def test_a_fan_presses_notify_me_to_get_the_role_and_again_to_lose_it(standin, scene, bot):
    watchers = await watchers_role(standin, scene)
    message = await announcement(standin, scene, bot, watchers)
    reply = await standin.click(scene.fan, message, "Notify me")
    assert reply.ephemeral and "You now have" in reply.content and watchers.mention in reply.content
    assert watchers in scene.fan.roles
    again = await standin.click(scene.fan, message, "Notify me")
    assert again.ephemeral and "You no longer have" in again.content
    assert watchers not in scene.fan.roles
    assert standin.role_changes == [("add", scene.fan.id, watchers.id),
                                    ("remove", scene.fan.id, watchers.id)]


async def test_a_click_while_a_fan_out_holds_the_whole_budget_is_still_answered(standin, scene, bot):
    watchers = await watchers_role(standin, scene)
    message = await announcement(standin, scene, bot, watchers)
    budget, release = bot.announcer.budget, asyncio.Event()

    async def hold() -> None:  # as a big fan-out's sends would
        async with budget.request():
            await release.wait()

    holders = [asyncio.create_task(hold()) for _ in range(budget.places)]
    for _ in range(100):  # paced: a second to take every place
        if budget.in_flight == budget.places:
            break
        await asyncio.sleep(0.05)
    assert budget.in_flight == budget.places
    asyncio.get_running_loop().call_later(3.5, release.set)  # the role change waits past 3 s
    reply = await standin.click(scene.fan, message, "Notify me", timeout=10)
    assert reply.ephemeral and "You now have" in reply.content
    assert watchers in scene.fan.roles
    await asyncio.gather(*holders)


@pytest.mark.parametrize("bot_above, manage_roles, missing", [
    (False, True, "a role above"),
    (True, False, "Manage Roles"),
])
async def test_without_manage_roles_or_a_higher_role_the_fan_is_told_and_nothing_changes(
        standin, scene, bot, bot_above, manage_roles, missing):
    watchers = await watchers_role(standin, scene, bot_above=bot_above, manage_roles=manage_roles)
    reply = await standin.command(scene.admin, scene.home_general, "alerts subscribe",
                                  channel=scene.home_general, mention_role=watchers)
    assert "Notify me" in reply.content and missing in reply.content  # the admin is warned
    await write(bot)
    [message] = await exactly(standin, scene.home_general, 1)
    refused = await standin.click(scene.fan, message, "Notify me")
    assert refused.ephemeral and missing in refused.content and "nothing was changed" in refused.content
    assert watchers not in scene.fan.roles and standin.role_changes == []
    assert not [r for r in standin.requests if "/roles/" in r.path]  # checked before asking


async def test_a_mention_role_with_permissions_is_refused_at_subscribe_time(standin, scene, bot):
    mods = await new_role(standin, scene, "Mods", ADMINISTRATOR)
    reply = await standin.command(scene.admin, scene.home_general, "alerts subscribe",
                                  channel=scene.home_general, mention_role=mods)
    assert reply.ephemeral and "carries permissions" in reply.content, reply.content
    assert await bot.store.subscriptions(scene.home.id) == []
