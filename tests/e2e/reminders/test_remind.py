"""/remind: a fan's own DM when an entry changes, through the stand-in as the fan sees it."""

# ruff: noqa: ASYNC109 (`timeout=` of the helpers, like the driver's)

import asyncio
import re

import pytest

from standin.replies import buttons_in
from tests.e2e.alerts.test_alerts import write
from tests.unit.alerts.test_store_alerts import release_fact
from tests.unit.core.test_facts import news_fact

SOURCE = "https://about.netflix.com/en/news/aouad2"
pytestmark = pytest.mark.sqlite_only  # the store's reminder tests cover both backends


async def publish_release(standin, scene, when, *, label="Publish"):
    """What an editor does: /edit release, then Publish (or Publish silently) on the preview."""
    preview = await standin.command(scene.editor, scene.home_general, "edit release", when=when,
                                    confidence="confirmed", source_url=SOURCE, source_name="Netflix")
    reply = await standin.click(scene.editor, preview, label)
    assert "ublished" in reply.content, reply.content
    return reply


async def dms(standin, user, count, *, settle=0.4, timeout=5.0):
    """Wait for `count` DMs to `user`, then make sure no more arrive."""
    channel = standin.world.dm_channel(user)
    if count:
        await standin.wait_for_messages(channel, count, timeout=timeout)
    await asyncio.sleep(settle)
    found = standin.messages(channel)
    assert len(found) == count, [m.content for m in found]
    return found


async def until(check, timeout=5.0):
    """Wait until `await check()` is true."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not await check():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.05)


def told(standin, user):
    """The ephemeral follow-ups `user` got saying a reminder is paused."""
    return [m for state in standin.interactions.values() if state.user is user
            for m in state.followups if m.ephemeral and "is paused" in m.content]


async def test_a_fan_gets_exactly_one_dm_per_published_change_and_none_for_silent_ones(
        standin, scene, bot):
    reply = await standin.command(scene.fan, scene.home_general, "remind me")
    assert reply.ephemeral and "Reminder `#1` set" in reply.content, reply.content
    assert "Release" in reply.content and "/remind stop" in reply.content
    await publish_release(standin, scene, "2025-03-14")
    [dm] = await dms(standin, scene.fan.user, 1)
    assert "/remind stop" in dm.content and "reminder #1" in dm.content
    [embed] = dm.embeds
    assert "Release" in embed["title"]
    assert "→ 14 March 2025 (confirmed · Netflix)" in embed["description"], embed["description"]
    assert "[Netflix](<https://about.netflix.com/en/news/aouad2>)" in str(embed["fields"])
    [sent] = await bot.store.reminders.dms(user_id=scene.fan.user.id)
    assert sent.state == "delivered" and sent.message_id == dm.id
    assert embed["url"] == f"https://about.netflix.com/en/news/aouad2#sw-dm-{sent.id}"
    assert embed["footer"]["text"] == "seasonwatch · reminder #1" and dm.nonce == f"swdm{sent.id}"
    assert dm.allowed_mentions == {"parse": []}
    await publish_release(standin, scene, "2025-03-21", label="Publish silently")
    await dms(standin, scene.fan.user, 1)  # still one


async def test_list_and_stop_act_on_the_callers_own_reminders(standin, scene, bot):
    fan, admin = scene.fan, scene.admin
    await write(bot)  # a cast entry to follow
    await standin.command(fan, scene.home_general, "remind me")
    [choice] = await standin.autocomplete(fan, scene.home_general, "remind me", "entry", "Kim New")
    reply = await standin.command(fan, scene.home_general, "remind me", entry=choice["value"])
    assert "Reminder `#2` set" in reply.content and "Cast: Kim Newcomer" in reply.content
    theirs = await standin.command(admin, scene.home_general, "remind me")
    assert "`#3`" in theirs.content
    listed = await standin.command(fan, scene.home_general, "remind list")
    assert listed.ephemeral and "`#1`" in listed.content and "`#2`" in listed.content
    assert "`#3`" not in listed.content
    refused = await standin.command(fan, scene.home_general, "remind stop", reminder="3")
    assert refused.ephemeral and "not one of your reminders" in refused.content
    choices = await standin.autocomplete(fan, scene.home_general, "remind stop", "reminder", "")
    assert [c["value"] for c in choices] == ["1", "2"]
    stopped = await standin.command(fan, scene.home_general, "remind stop", reminder="2")
    assert "Stopped reminder `#2`" in stopped.content
    everything = await standin.command(fan, scene.home_general, "remind stop")
    assert "Stopped all your reminders (1)" in everything.content
    assert await bot.store.reminders.of_user(fan.user.id) == []
    assert len(await bot.store.reminders.of_user(admin.user.id)) == 1


async def test_a_fan_with_dms_closed_is_paused_and_told_once_at_the_next_command(
        standin, scene, bot):
    fan = scene.fan
    fan.user.dms_closed = True
    await standin.command(fan, scene.home_general, "remind me")
    await write(bot, release_fact("2025-05"), kind="release", key="release")

    async def paused():
        return not (await bot.store.reminders.of_user(fan.user.id))[0].active

    await until(paused)
    await dms(standin, fan.user, 0, settle=0)
    [refused] = [r for r in standin.requests if r.status == 403]
    assert refused.response["code"] == 50007
    await standin.command(fan, scene.home_general, "status")

    async def was_told():
        return bool(told(standin, fan.user))

    await until(was_told)
    [message] = told(standin, fan.user)
    assert "cannot send you direct messages" in message.content and "/remind me" in message.content
    await standin.command(fan, scene.home_general, "status")  # told once only
    await asyncio.sleep(0.3)
    assert len(told(standin, fan.user)) == 1
    listed = await standin.command(fan, scene.home_general, "remind list")
    assert "⏸️" in listed.content
    fan.user.dms_closed = False
    await standin.command(fan, scene.home_general, "remind me")  # resumes it
    await write(bot, release_fact("2025-06"), kind="release", key="release")
    await dms(standin, fan.user, 1)


async def test_a_dm_refused_for_another_reason_pauses_with_the_reason_in_the_readers_language(
        standin, scene, bot):
    fan = scene.fan
    await standin.command(fan, scene.home_general, "remind me")
    dm_channel = standin.world.dm_channel(fan.user)
    standin.faults.add("POST", "/channels/{channel_id}/messages", channel_id=dm_channel.id,
                       status=403, code=50001, count=1)
    await write(bot, release_fact("2025-05"), kind="release", key="release")

    async def paused():
        return not (await bot.store.reminders.of_user(fan.user.id))[0].active

    await until(paused)
    listed = await standin.command(fan, scene.home_general, "remind list")
    assert "⏸️" in listed.content and "Discord refused it: " in listed.content, listed.content
    fan.user.locale = "ko"
    listed = await standin.command(fan, scene.home_general, "remind list")
    assert "Discord가 거부했습니다: " in listed.content, listed.content
    assert "Discord refused it" not in listed.content


async def test_a_long_reminder_list_pages_so_every_reminder_is_reachable(standin, scene, bot):
    fan = scene.fan
    show = bot.store.view.show_by_slug("all-of-us-are-dead")
    for n in range(25):
        key = f"long-{n:02d}"
        await write(bot, news_fact(f"Headline {n:02d} " + "h" * 180), kind="news", key=key)
        await bot.store.reminders.add(fan.user.id, show.id, "news", key)
    wanted = {f"`#{r.id}`" for r in await bot.store.reminders.of_user(fan.user.id)}
    page = await standin.command(fan, scene.home_general, "remind list")
    assert "Page 1 of" in page.content, page.content
    seen: list[str] = []
    for _ in range(25):  # a page shows at least one reminder
        assert page.ephemeral and len(page.content) <= 2000 and "…" not in page.content, page.content
        assert page.content.startswith("Your reminders (25):"), page.content
        seen += re.findall(r"`#\d+`", page.content)
        buttons = {b["label"]: b for b in buttons_in(page.message.components)}
        if buttons["Next"].get("disabled"):
            break
        page = await standin.click(fan, page, "Next")
    else:
        raise AssertionError("Next never came to the last page")
    assert sorted(seen) == sorted(wanted) and len(seen) == 25  # each once, in order of pages
    last = re.search(r"Page (\d+) of \1$", page.content)  # the last page
    assert last, page.content
    back = await standin.click(fan, page, "Previous")  # the same message, edited
    assert back.content.endswith(f"Page {int(last[1]) - 1} of {last[1]}"), back.content
