"""`Notify me` on announcements: a fan gives themselves the subscription's role, or drops it.
Any role may be pinged; the button comes only with a role that grants nothing @everyone lacks
and that the bot can give, checked again at each click; /alerts subscribe and list say why not."""

import asyncio

import pytest

from standin.world import ADMINISTRATOR, MANAGE_MESSAGES, MANAGE_ROLES, VIEW_CHANNEL, Overwrite
from tests.e2e.alerts.test_alerts import cast, exactly, subscribe, write

pytestmark = pytest.mark.sqlite_only  # nothing here touches the database's dialect


async def new_role(standin, scene, name, permissions=0):
    """A mentionable role, created as Discord tells the bot (GUILD_ROLE_CREATE)."""
    role = scene.home.add_role(name, permissions=permissions, mentionable=True)
    await standin.gateway.dispatch("GUILD_ROLE_CREATE", {"guild_id": str(scene.home.id),
                                                         "role": role.payload()})
    return role


async def watchers_role(standin, scene, *, bot_above=True, manage_roles=True, permissions=0):
    """A mentionable role (without permissions unless given); the bot's role above it (or not),
    with Manage Roles (or not), as a server admin would arrange them."""
    watchers = await new_role(standin, scene, "Watchers", permissions)
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
    watchers = await watchers_role(standin, scene)
    message = await announcement(standin, scene, bot, watchers)  # while the bot could give it
    bot_role = scene.home.bot_role
    if not bot_above:
        bot_role.position = 0
    await standin.update_role(bot_role, permissions=bot_role.permissions if manage_roles
                              else bot_role.permissions & ~MANAGE_ROLES)
    reply = await standin.command(scene.admin, scene.home_general, "alerts subscribe",
                                  channel=scene.home_general, mention_role=watchers)
    assert "Notify me" in reply.content and missing in reply.content  # the admin is warned
    refused = await standin.click(scene.fan, message, "Notify me")
    assert refused.ephemeral and missing in refused.content and "nothing was changed" in refused.content
    assert watchers not in scene.fan.roles and standin.role_changes == []
    assert not [r for r in standin.requests if "/roles/" in r.path]  # checked before asking
    await write(bot, cast(person="Lee Second"))
    newer = (await exactly(standin, scene.home_general, 2))[1]
    assert newer.content == watchers.mention and newer.components == []  # pinged, no button


async def listed(standin, scene):
    """The /alerts list embed's text, as the admin reads it."""
    reply = await standin.command(scene.admin, scene.home_general, "alerts list")
    return reply.embeds[0]["description"]


async def test_a_role_with_the_default_permissions_gets_the_button(standin, scene, bot):
    # A role made in Discord's client starts with what @everyone has: handing it out grants nothing.
    everyones = await watchers_role(standin, scene, permissions=scene.home.everyone.permissions)
    message = await announcement(standin, scene, bot, everyones)
    assert "Notify me" not in await listed(standin, scene)
    reply = await standin.click(scene.fan, message, "Notify me")
    assert reply.ephemeral and "You now have" in reply.content
    assert everyones in scene.fan.roles
    assert standin.role_changes == [("add", scene.fan.id, everyones.id)]


async def test_a_mention_role_with_permissions_is_pinged_without_the_button(standin, scene, bot):
    mods = await new_role(standin, scene, "Mods", ADMINISTRATOR)
    reply = await subscribe(standin, scene.admin, scene.home_general, mention_role=mods)
    assert f"`Notify me` button off: {mods.mention} can do more than @everyone (Administrator)." \
        in reply.content, reply.content
    [sub] = await bot.store.alerts.subscriptions(scene.home.id)
    assert sub.role_id == mods.id and sub.active


async def test_a_role_that_can_do_more_than_everyone_is_pinged_and_listed_without_the_button(
        standin, scene, bot):
    mods = await watchers_role(standin, scene, permissions=scene.home.everyone.permissions
                               | MANAGE_MESSAGES)
    why = f"`Notify me` button off: {mods.mention} can do more than @everyone (Manage Messages)."
    reply = await subscribe(standin, scene.admin, scene.home_general, mention_role=mods)
    assert reply.ephemeral and why in reply.content and "subscription works" in reply.content
    [sub] = await bot.store.alerts.subscriptions(scene.home.id)
    assert sub.role_id == mods.id
    assert why in await listed(standin, scene)
    await write(bot)
    [message] = await exactly(standin, scene.home_general, 1)
    assert message.content == mods.mention and message.pings.roles == {mods.id}
    assert message.components == []
    scene.admin.user.locale = "ko"
    try:
        korean = f"`알림 받기` 버튼 꺼짐: {mods.mention}은(는) @everyone보다 많은 권한을 가지고 있습니다"
        assert korean + "(메시지 관리하기)." in await listed(standin, scene)
    finally:
        scene.admin.user.locale = "en-US"


async def test_a_channel_overwrite_beyond_everyone_keeps_the_button_off_and_refuses_old_clicks(
        standin, scene, bot):
    watchers = await watchers_role(standin, scene)
    message = await announcement(standin, scene, bot, watchers)  # before #mod-room existed
    everyone = scene.home.everyone
    mod_room = await standin.create_channel(scene.home, "mod-room", overwrites=[
        Overwrite.for_(everyone, deny=VIEW_CHANNEL),
        Overwrite.for_(watchers, allow=VIEW_CHANNEL | MANAGE_MESSAGES)])
    why = (f"{watchers.mention} is allowed more than @everyone in {mod_room.mention} "
           "(View Channel, Manage Messages)")
    refused = await standin.click(scene.fan, message, "Notify me")
    assert refused.ephemeral and why in refused.content and "nothing was changed" in refused.content
    assert watchers not in scene.fan.roles and standin.role_changes == []
    assert not [r for r in standin.requests if "/roles/" in r.path]
    reply = await subscribe(standin, scene.admin, scene.home_general, mention_role=watchers)
    assert f"`Notify me` button off: {why}." in reply.content, reply.content
    assert why in await listed(standin, scene)
    await write(bot, cast(person="Lee Second"))
    newer = (await exactly(standin, scene.home_general, 2))[1]
    assert newer.content == watchers.mention and newer.components == []


async def test_a_role_given_permissions_after_subscribing_is_refused_at_the_click(standin, scene, bot):
    watchers = await watchers_role(standin, scene)
    message = await announcement(standin, scene, bot, watchers)
    await standin.update_role(watchers, permissions=MANAGE_MESSAGES)
    refused = await standin.click(scene.fan, message, "Notify me")
    assert refused.ephemeral and "nothing was changed" in refused.content
    assert f"{watchers.mention} can do more than @everyone (Manage Messages)" in refused.content
    assert watchers not in scene.fan.roles and standin.role_changes == []
    assert not [r for r in standin.requests if "/roles/" in r.path]
