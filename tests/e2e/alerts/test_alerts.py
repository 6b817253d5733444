"""/alerts and announcement delivery through the stand-in, as a server admin sees them."""

# ruff: noqa: ASYNC109 (`timeout=` of the helpers, like the driver's)

import asyncio
import dataclasses

import pytest

from bot.core.models import Editor, Fact
from standin.world import EMBED_LINKS, SEND_MESSAGES, Overwrite

SHOW = "all-of-us-are-dead"
EDITOR = Editor(1, "editor")
MESSAGES = "/channels/{channel_id}/messages"


def cast(person="Kim Newcomer", character="Transfer student", confidence="rumored"):
    return Fact(fields={"person": person, "character": character, "billing": None, "state": "new",
                        "note": None},
                confidence=confidence, source_name="Soompi", source_url="https://www.soompi.com/a",
                as_of="2024-05-01")


async def write(bot, fact=None, *, kind="cast", key=None, silent=False):
    fact = fact or cast()
    key = key or str(fact.fields.get("person", kind)).casefold()
    show = bot.store.view.show_by_slug(SHOW)
    return await bot.store.catalogue.write(show.id, kind, key, fact,
                                 expected_version=bot.store.view.entry_version(show.id, kind, key),
                                 editor=EDITOR, silent=silent)


async def subscribe(standin, admin, channel, **options):
    reply = await standin.command(admin, channel, "alerts subscribe", channel=channel, **options)
    assert reply.ephemeral and reply.content.startswith(("Subscribed", "Updated")), reply.content
    return reply


def sends_to(standin, channel):
    path = f"/channels/{channel.id}/messages"
    return [r for r in standin.requests if r.method == "POST" and r.path == path]


async def exactly(standin, channel, count, *, settle=0.4, timeout=5.0):
    """Wait for `count` messages, then make sure no more arrive."""
    if count:
        await standin.wait_for_messages(channel, count, timeout=timeout)
    await asyncio.sleep(settle)
    messages = standin.messages(channel)
    assert len(messages) == count, [m.embeds[0].get("title") for m in messages]
    return messages


# -- subscribe and publish ---------------------------------------------------------------------

async def test_a_published_change_arrives_once_with_the_right_embed(standin, scene, bot):
    await subscribe(standin, scene.admin, scene.home_general)
    change = await write(bot)
    [message] = await exactly(standin, scene.home_general, 1)
    [embed] = message.embeds
    assert embed["title"] == "All of Us Are Dead season 2 · Cast: Kim Newcomer"
    assert "New: Cast: Kim Newcomer: as Transfer student (rumored · Soompi)" in embed["description"]
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert fields["Confidence"] == "💬 rumored"
    assert "[Soompi](<https://www.soompi.com/a>)" in fields["Source"]
    [delivery] = await bot.store.alerts.deliveries(change_id=change.id)
    # The marker a resend looks for is in the title's link, which leads to the source.
    assert embed["url"] == f"https://www.soompi.com/a#sw-delivery-{delivery.id}"
    assert embed["footer"]["text"] == f"seasonwatch · change #{change.id}"
    assert delivery.state == "delivered" and delivery.message_id == message.id
    assert message.nonce == f"sw{delivery.id}x1"
    assert message.allowed_mentions == {"parse": []}
    assert not message.pings.anyone


async def test_an_update_shows_each_field_from_old_to_new(standin, scene, bot):
    await write(bot, silent=True)
    await subscribe(standin, scene.admin, scene.home_general)
    await write(bot, cast(character="Class president", confidence="confirmed"))
    [message] = await exactly(standin, scene.home_general, 1)
    assert ("Cast: Kim Newcomer: as Transfer student (rumored · Soompi) → as Class president "
            "(confirmed · Soompi)" in message.embeds[0]["description"])


async def test_an_undo_is_announced_as_a_correction(standin, scene, bot):
    first = await write(bot, silent=True)
    mistake = await write(bot, cast(character="Wrong"), silent=True)
    await subscribe(standin, scene.admin, scene.home_general)
    show = bot.store.view.show_by_slug(SHOW)
    await bot.store.catalogue.undo(mistake.id, expected_version=2, editor=EDITOR)
    [message] = await exactly(standin, scene.home_general, 1)
    assert message.embeds[0]["title"].startswith("Correction · ")
    assert f"corrects change #{mistake.id}" in message.embeds[0]["description"]
    assert show.id == first.show_id


async def test_topic_and_confidence_filters(standin, scene, bot):
    news = scene.home_announcements
    await subscribe(standin, scene.admin, scene.home_general, topics="release, news")
    await subscribe(standin, scene.admin, news, topics="cast", min_confidence="confirmed")
    await write(bot, cast(confidence="reported"))
    await write(bot, cast(person="Second Person", confidence="confirmed"))
    await write(bot, Fact(fields={"when": "2025-Q3", "note": None}, confidence="rumored",
                          source_name=None, source_url="https://example.com/r", as_of="2024-06-01"),
                kind="release", key="release")
    [release] = await exactly(standin, scene.home_general, 1)
    [confirmed] = await exactly(standin, news, 1, settle=0)
    assert "Release" in release.embeds[0]["title"]
    assert "Second Person" in confirmed.embeds[0]["title"]


async def test_an_all_shows_and_a_show_subscription_of_one_channel_send_one_message(standin, scene,
                                                                                   bot):
    await subscribe(standin, scene.admin, scene.home_general)
    await subscribe(standin, scene.admin, scene.home_general, show=SHOW)
    await write(bot)
    await exactly(standin, scene.home_general, 1)


# -- mentions ----------------------------------------------------------------------------------

async def test_only_the_subscription_role_is_pinged(standin, scene, bot):
    watchers = scene.home.add_role("Watchers", mentionable=True)
    await standin.update_role(watchers, mentionable=True)
    await subscribe(standin, scene.admin, scene.home_general, mention_role=watchers)
    await write(bot, cast(person="@everyone <@&" + str(scene.editors.id) + ">",
                          character=f"<@{scene.fan.id}> @here"))
    [message] = await exactly(standin, scene.home_general, 1)
    assert message.content == f"<@&{watchers.id}>"
    assert message.allowed_mentions == {"parse": [], "roles": [str(watchers.id)]} or \
        message.allowed_mentions == {"parse": [], "roles": [watchers.id]}
    assert message.pings.roles == {watchers.id}
    assert not message.pings.users and not message.pings.everyone


async def test_mentions_in_a_name_stay_out_of_the_content_and_inert_in_the_embed(standin, scene,
                                                                                bot):
    # Embeds never ping, so the name's mentions must not reach the content, and the embed
    # shows them escaped (a user who copies the text pings nobody either).
    await subscribe(standin, scene.admin, scene.home_general)
    await write(bot, cast(person=f"@everyone <@{scene.fan.id}> <@&{scene.editors.id}>",
                          character="@here"))
    [message] = await exactly(standin, scene.home_general, 1)
    assert message.content == "" and message.allowed_mentions == {"parse": []}
    [embed] = message.embeds
    for inert in ("Cast: @\u200beveryone", f"@\u200b{scene.fan.id}", f"@\u200b&{scene.editors.id}"):
        assert inert in embed["title"], embed["title"]
    assert "as @\u200bhere" in embed["description"]
    assert not message.would_ping.anyone


# -- silent ------------------------------------------------------------------------------------

async def test_publish_silently_sends_nothing(standin, scene, bot):
    await subscribe(standin, scene.admin, scene.home_general)
    preview = await standin.command(scene.editor, scene.home_general, "edit cast",
                                    person="Another Person", confidence="rumored",
                                    source_url="https://example.com/s")
    await standin.click(scene.editor, preview, "Publish silently")
    await exactly(standin, scene.home_general, 0, settle=0.6)
    assert await bot.store.alerts.deliveries() == []
    assert (await bot.store.catalogue.recent_changes(1))[0].silent


async def test_publish_through_edit_announces_exactly_once(standin, scene, bot):
    await subscribe(standin, scene.admin, scene.home_general)
    preview = await standin.command(scene.editor, scene.home_general, "edit cast",
                                    person="Another Person", confidence="rumored",
                                    source_url="https://example.com/s")
    await standin.click(scene.editor, preview, "Publish")
    [message] = await exactly(standin, scene.home_general, 1)
    assert ("New: Cast: Another Person: in the cast (rumored · example.com)"
            in message.embeds[0]["description"])


# -- refusals and faults -----------------------------------------------------------------------

@pytest.mark.parametrize(("status", "code", "words"), [
    (403, 50013, "Missing Permissions"),
    (403, 50001, "Missing Access"),
])
async def test_a_refusing_channel_is_paused_listed_and_never_asked_again(standin, scene, bot,
                                                                        status, code, words):
    channel = scene.home_general
    await subscribe(standin, scene.admin, channel)
    standin.faults.add("POST", MESSAGES, channel_id=channel.id, status=status, code=code, count=1)
    await write(bot)
    for _ in range(100):
        if (await bot.store.alerts.subscriptions(scene.home.id))[0].state == "paused":
            break
        await asyncio.sleep(0.05)
    [sub] = await bot.store.alerts.subscriptions(scene.home.id)
    assert sub.state == "paused" and words in sub.paused_reason.text()
    await write(bot, cast(person="Someone Else"))
    await asyncio.sleep(0.5)
    assert len(sends_to(standin, channel)) == 1 and standin.messages(channel) == []
    listed = await standin.command(scene.admin, channel, "alerts list")
    assert listed.ephemeral and "Paused" in listed.text and words in listed.text
    # Subscribing again resumes it.
    await subscribe(standin, scene.admin, channel)
    await write(bot, cast(person="Third Person"))
    await exactly(standin, channel, 1)


async def test_permissions_missing_in_the_cache_pause_without_a_request(standin, scene, bot):
    channel = scene.home_general
    await subscribe(standin, scene.admin, channel)
    me = scene.home.bot_member
    channel.overwrites.append(Overwrite.for_(me, deny=EMBED_LINKS))
    await standin.update_channel(channel)
    await asyncio.sleep(0.2)
    await write(bot)
    await asyncio.sleep(0.5)
    assert sends_to(standin, channel) == []
    [sub] = await bot.store.alerts.subscriptions(scene.home.id)
    assert sub.state == "paused" and "Embed Links" in sub.paused_reason.text()


async def test_two_503s_then_success_is_exactly_one_message(standin, scene, bot):
    bot.announcer.first_retry = 0.1
    channel = scene.home_general
    await subscribe(standin, scene.admin, channel)
    standin.faults.add("POST", MESSAGES, channel_id=channel.id, status=503, count=2)
    await write(bot)
    await exactly(standin, channel, 1, timeout=10.0)
    assert len(sends_to(standin, channel)) == 3
    [delivery] = await bot.store.alerts.deliveries()
    assert delivery.state == "delivered" and delivery.attempts == 3


async def test_429s_outlasting_discord_py_s_own_retries_are_retried_later_not_dropped(
        standin, scene, bot):
    bot.announcer.first_retry = 0.1
    channel = scene.home_general
    await subscribe(standin, scene.admin, channel)
    # discord.py retries a 429 itself five times, then raises: the announcement must still go.
    standin.faults.add("POST", MESSAGES, channel_id=channel.id, status=429, count=6, retry_after=0.01)
    await write(bot)
    await exactly(standin, channel, 1, timeout=10.0)
    [delivery] = await bot.store.alerts.deliveries()
    assert delivery.state == "delivered" and delivery.attempts == 2


async def until_gone(bot, guild_id, channel_id, timeout=5.0):
    """Wait until the bot removed the channel's subscriptions (it acts on a gateway event)."""
    for _ in range(int(timeout / 0.05)):
        subs = await bot.store.alerts.subscriptions(guild_id)
        if all(s.channel_id != channel_id for s in subs):
            return subs
        await asyncio.sleep(0.05)
    raise AssertionError(f"channel {channel_id} still subscribed: {subs}")


async def test_a_deleted_channel_loses_its_subscriptions_and_unsent_announcements(standin, scene,
                                                                                  bot):
    gone, kept = scene.home_general, scene.home_announcements
    await subscribe(standin, scene.admin, gone)
    await subscribe(standin, scene.admin, gone, show=SHOW)
    await subscribe(standin, scene.admin, kept)
    await bot.announcer.stop()  # the change waits in the outbox while the channel is deleted
    change = await write(bot)
    assert {d.channel_id for d in await bot.store.alerts.deliveries()} == {gone.id, kept.id}
    await standin.delete_channel(gone)
    [left] = await until_gone(bot, scene.home.id, gone.id)
    assert left.channel_id == kept.id and left.active
    assert [d.channel_id for d in await bot.store.alerts.deliveries(change_id=change.id)] == [kept.id]
    bot.announcer.start()
    await exactly(standin, kept, 1)
    assert sends_to(standin, gone) == []
    listed = await standin.command(scene.admin, kept, "alerts list")
    assert f"<#{kept.id}>" in listed.text and f"<#{gone.id}>" not in listed.text
    assert "Paused" not in listed.text and "unsubscribe" not in listed.text


async def test_a_server_removing_the_bot_loses_its_subscriptions(standin, scene, bot):
    await subscribe(standin, scene.other_admin, scene.other_general)
    await subscribe(standin, scene.other_admin, scene.other_news)
    await subscribe(standin, scene.admin, scene.home_general)
    await bot.announcer.stop()
    await write(bot)
    await standin.remove_bot_from_guild(scene.other)
    for channel in (scene.other_general, scene.other_news):
        assert await until_gone(bot, scene.other.id, channel.id) == []
    assert [d.channel_id for d in await bot.store.alerts.deliveries()] == [scene.home_general.id]
    bot.announcer.start()
    await exactly(standin, scene.home_general, 1)
    assert sends_to(standin, scene.other_general) == sends_to(standin, scene.other_news) == []


async def test_a_server_outage_removes_nothing(standin, scene, bot):
    await subscribe(standin, scene.other_admin, scene.other_general)
    # GUILD_DELETE with unavailable: true is an outage, not the bot being removed.
    await standin.gateway.dispatch("GUILD_DELETE", {"id": str(scene.other.id), "unavailable": True})
    await standin.command(scene.admin, scene.home_general, "alerts list")  # the event was handled
    await asyncio.sleep(0.3)
    [sub] = await bot.store.alerts.subscriptions(scene.other.id)
    assert sub.channel_id == scene.other_general.id and sub.active


async def test_a_channel_discord_no_longer_knows_loses_its_subscriptions(standin, scene, bot):
    gone = scene.home_general
    await subscribe(standin, scene.admin, gone)
    await subscribe(standin, scene.admin, scene.home_announcements)
    gone.deleted = True  # deleted while the bot was not told: its send gets Unknown Channel
    await write(bot)
    await exactly(standin, scene.home_announcements, 1)
    await until_gone(bot, scene.home.id, gone.id)
    await write(bot, cast(person="Someone Else"))
    await exactly(standin, scene.home_announcements, 2)
    assert len(sends_to(standin, gone)) == 1  # the one refused, never retried
    listed = await standin.command(scene.admin, scene.home_announcements, "alerts list")
    assert f"<#{gone.id}>" not in listed.text and "Paused" not in listed.text


# -- merging and crossposting ---------------------------------------------------------------

async def test_several_pending_changes_go_out_as_one_message(standin, scene, bot):
    await subscribe(standin, scene.admin, scene.home_general)
    await bot.announcer.stop()  # as if they were all committed while it was busy
    for i in range(12):
        await write(bot, cast(person=f"Person {i:02d}"))
    bot.announcer.start()
    messages = await exactly(standin, scene.home_general, 2)
    assert [len(m.embeds) for m in messages] == [10, 2]
    titles = [e["title"] for m in messages for e in m.embeds]
    assert titles == [f"All of Us Are Dead season 2 · Cast: Person {i:02d}" for i in range(12)]


async def test_publish_crossposts_in_an_announcement_channel(standin, scene, bot):
    await subscribe(standin, scene.admin, scene.home_announcements, publish=True)
    await write(bot)
    [message] = await exactly(standin, scene.home_announcements, 1)
    for _ in range(50):
        if standin.crossposts:
            break
        await asyncio.sleep(0.05)
    assert standin.crossposts == [message]


async def test_a_failed_crosspost_keeps_the_message_and_warns_in_the_list(standin, scene, bot):
    await subscribe(standin, scene.admin, scene.home_announcements, publish=True)
    standin.faults.add("POST", "/channels/{channel_id}/messages/{message_id}/crosspost",
                       status=403, code=50013, count=1)
    await write(bot)
    await exactly(standin, scene.home_announcements, 1)
    await asyncio.sleep(0.3)
    [delivery] = await bot.store.alerts.deliveries()
    assert delivery.state == "delivered"
    listed = await standin.command(scene.admin, scene.home_general, "alerts list")
    assert "crosspost failed" in listed.text


async def test_a_rate_limited_crosspost_warns_without_holding_up_the_channel(
        standin, scene, bot, monkeypatch):
    monkeypatch.setattr("bot.alerts.announcer.CROSSPOST_TIMEOUT", 0.3)
    await subscribe(standin, scene.admin, scene.home_announcements, publish=True)
    standin.faults.add("POST", "/channels/{channel_id}/messages/{message_id}/crosspost",
                       status=429, count=1, retry_after=60.0)
    await write(bot)
    await exactly(standin, scene.home_announcements, 1)
    await asyncio.sleep(0.5)
    listed = await standin.command(scene.admin, scene.home_general, "alerts list")
    assert "crosspost failed" in listed.text
    await write(bot, cast(person="Second Person"))  # not held behind the 60 s wait
    await exactly(standin, scene.home_announcements, 2, timeout=3.0)


# -- the commands themselves -------------------------------------------------------------------

async def test_alerts_need_manage_server_in_this_server(standin, scene, bot):
    reply = await standin.command(scene.fan, scene.home_general, "alerts subscribe",
                                  channel=scene.home_general)
    assert reply.ephemeral and "Manage Server" in reply.content
    assert await bot.store.alerts.subscriptions(scene.home.id) == []
    # Manage Server elsewhere grants nothing here.
    scene.home.add_member(scene.other_admin.user)
    reply = await standin.command(scene.other_admin.user, scene.home_general, "alerts list")
    assert reply.ephemeral and "Manage Server" in reply.content


async def test_subscribe_refuses_what_cannot_work(standin, scene, bot):
    admin, general = scene.admin, scene.home_general
    reply = await standin.command(admin, general, "alerts subscribe", channel=general, publish=True)
    assert "not an announcement channel" in reply.content
    reply = await standin.command(admin, general, "alerts subscribe", channel=general,
                                  topics="cast, gossip")
    assert "`topics`" in reply.content and "gossip" in reply.content
    muted = await standin.create_channel(scene.home, "muted", overwrites=[
        Overwrite.for_(scene.home.bot_member, deny=SEND_MESSAGES)])
    await asyncio.sleep(0.2)
    reply = await standin.command(admin, general, "alerts subscribe", channel=muted)
    assert "Send Messages" in reply.content
    assert await bot.store.alerts.subscriptions(scene.home.id) == []


async def test_subscribe_again_updates_and_unsubscribe_removes(standin, scene, bot):
    admin, general = scene.admin, scene.home_general
    await subscribe(standin, admin, general)
    reply = await standin.command(admin, general, "alerts subscribe", channel=general,
                                  topics="news", min_confidence="reported")
    assert "Updated" in reply.content
    [sub] = await bot.store.alerts.subscriptions(scene.home.id)
    assert sub.topics == ("news",) and sub.min_confidence == "reported"
    listed = await standin.command(admin, general, "alerts list")
    assert f"<#{general.id}>" in listed.text and "news" in listed.text
    reply = await standin.command(admin, general, "alerts unsubscribe", channel=general)
    assert "Removed" in reply.content
    assert await bot.store.alerts.subscriptions(scene.home.id) == []
    reply = await standin.command(admin, general, "alerts unsubscribe", channel=general)
    assert "no subscription" in reply.content


async def test_alerts_test_sends_a_sample_now(standin, scene, bot):
    reply = await standin.command(scene.admin, scene.home_general, "alerts test",
                                  channel=scene.home_announcements)
    assert reply.ephemeral and "Sent a sample" in reply.text
    [message] = await exactly(standin, scene.home_announcements, 1)
    assert message.embeds[0]["title"].startswith("Test · ")
    assert not message.pings.anyone


async def test_subscribing_to_an_archived_show_is_refused(standin, scene, bot):
    show = await bot.store.shows.add_show("old-show", "Old Show", 1)
    await bot.store.shows.update_show(dataclasses.replace(show, archived=True))
    reply = await standin.command(scene.admin, scene.home_general, "alerts subscribe",
                                  channel=scene.home_general, show="old-show")
    assert reply.ephemeral and reply.content.startswith("`show`:") and "archived" in reply.content
    assert await bot.store.alerts.subscriptions(scene.home.id) == []
