"""Premiere events: a confirmed release day becomes one scheduled event per opted-in server,
moved when the day changes, cancelled when it is withdrawn; never two, even across a crash."""

# ruff: noqa: ASYNC109 (`timeout=` of the helpers, like the driver's)

import asyncio
import time

import pytest

from bot.core.models import Editor, Fact
from bot.store import Store
from standin.world import CREATE_EVENTS
from tests.e2e.alerts.test_alerts import SHOW, write
from tests.e2e.catalogue.test_editors import SOURCE, publish
from tests.support.databases import database_of
from tests.unit.alerts.test_store_alerts import release_fact

pytestmark = pytest.mark.sqlite_only  # the store's premiere tests cover both backends
EVENTS = "/guilds/{}/scheduled-events"


async def grant_create_events(standin, guild):
    role = guild.bot_role
    await standin.update_role(role, permissions=role.permissions | CREATE_EVENTS)


async def until(check, timeout=5.0, why="timed out"):
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, why
        await asyncio.sleep(0.02)


async def settled(bot, guild_id):
    """The server's premiere row once the sender has recorded Discord's answer (the event can
    be on the stand-in a moment before its id is in the database)."""
    deadline = time.monotonic() + 5.0
    while True:
        [row] = await bot.store.premieres.premieres(guild_id)
        if row.state != "sending":
            return row
        assert time.monotonic() < deadline, f"row still sending: {row}"
        await asyncio.sleep(0.02)


def live(standin, guild):
    return [e for e in standin.scheduled_events.values()
            if e["guild_id"] == str(guild.id) and e["status"] == 1]


async def release(bot, when, confidence="confirmed"):
    return await write(bot, release_fact(when, confidence), kind="release", key="release")


async def test_a_confirmed_day_creates_one_event_per_opted_in_server_moves_and_cancels_it(
        standin, scene, bot):
    await grant_create_events(standin, scene.home)
    await grant_create_events(standin, scene.other)
    reply = await standin.command(scene.admin, scene.home_general, "alerts subscribe",
                                  channel=scene.home_general, events=True)
    assert "premiere events" in reply.content and "Create Events" not in reply.content
    await standin.command(scene.other_admin, scene.other_general, "alerts subscribe",
                          channel=scene.other_general)  # no events asked for there
    await release(bot, "2099-03")  # a month is no day: no event
    await release(bot, "2099-03-14", "reported")  # a day, not confirmed: no event
    await release(bot, "2099-03-14")
    await until(lambda: live(standin, scene.home))
    [event] = live(standin, scene.home)
    assert live(standin, scene.other) == []
    assert event["name"] == "All of Us Are Dead season 2 premiere"
    assert event["entity_type"] == 3 and event["entity_metadata"] == {"location": "Netflix"}
    assert event["scheduled_start_time"] == "2099-03-14T08:00:00+00:00"
    assert event["scheduled_end_time"] == "2099-03-15T08:00:00+00:00"
    assert "Netflix: https://about.netflix.com/" in event["description"]
    row = await settled(bot, scene.home.id)
    assert row.event_id == int(event["id"]) and row.event_day == "2099-03-14"

    await release(bot, "2099-04-01")
    await until(lambda: live(standin, scene.home)[0]["scheduled_start_time"].startswith("2099-04-01"))
    await release(bot, "2099-H1", "rumored")  # withdrawn: no confirmed day any more
    await until(lambda: not live(standin, scene.home))
    assert [kind for kind, _ in standin.event_log] == ["create", "modify", "cancel"]
    row = await settled(bot, scene.home.id)
    assert (row.state, row.event_id) == ("done", None)


@pytest.mark.parametrize("how", ["unsubscribe", "events off", "channel deleted"])
async def test_an_event_nobody_asks_for_any_more_is_cancelled(standin, scene, bot, how):
    await grant_create_events(standin, scene.home)
    await standin.command(scene.admin, scene.home_general, "alerts subscribe",
                          channel=scene.home_general, events=True)
    await standin.command(scene.admin, scene.home_general, "alerts subscribe",
                          channel=scene.home_announcements)  # another channel, no events
    await release(bot, "2099-03-14")
    await until(lambda: live(standin, scene.home))
    if how == "unsubscribe":
        reply = await standin.command(scene.admin, scene.home_general, "alerts unsubscribe",
                                      channel=scene.home_general)
        assert "Removed 1 subscription" in reply.content
    elif how == "events off":
        await standin.command(scene.admin, scene.home_general, "alerts subscribe",
                              channel=scene.home_general, events=False)
    else:
        await standin.delete_channel(scene.home_general)
    await until(lambda: not live(standin, scene.home))
    assert [kind for kind, _ in standin.event_log] == ["create", "cancel"]
    row = await settled(bot, scene.home.id)
    assert (row.state, row.event_id) == ("done", None)


async def test_without_create_events_the_admin_is_warned_and_nothing_is_retried(standin, scene, bot):
    reply = await standin.command(scene.admin, scene.home_general, "alerts subscribe",
                                  channel=scene.home_general, events=True)
    assert "Create Events" in reply.content
    await release(bot, "2099-03-14")

    async def blocked():
        return [r.state for r in await bot.store.premieres.premieres()] == ["blocked"]

    deadline = time.monotonic() + 5
    while not await blocked():
        assert time.monotonic() < deadline
        await asyncio.sleep(0.05)
    listed = await standin.command(scene.admin, scene.home_general, "alerts list")
    assert "⚠️" in listed.text and "Create Events" in listed.text
    await asyncio.sleep(0.5)
    assert not [r for r in standin.requests if "scheduled-events" in r.path]
    assert standin.scheduled_events == {}


async def prepare(path, guild_id, channel_id):
    """A subscription with events, and two quick release changes, committed before the bot runs."""
    store = await Store.open(path)
    try:
        await store.files.seed_if_empty()
        show = store.view.show_by_slug(SHOW)
        await store.alerts.subscribe(guild_id, channel_id, show_id=show.id, created_by=1, events=True)
        for day in ("2099-05-01", "2099-05-08"):
            fact = Fact(fields={"when": day, "note": None}, confidence="confirmed",
                        source_name="Netflix", source_url="https://about.netflix.com/", as_of="2025-01-02")
            await store.catalogue.write(show.id, "release", "release", fact,
                              expected_version=store.view.entry_version(show.id, "release", "release"),
                              editor=Editor(1, "editor"))
    finally:
        await store.close()


async def test_a_crash_while_creating_still_leaves_exactly_one_event(standin, scene, bot_env, bot_process):
    scene.home.bot_role.permissions |= CREATE_EVENTS  # before the bot starts: no event needed
    await prepare(database_of(bot_env), scene.home.id, scene.home_general.id)
    path = EVENTS.format(scene.home.id)
    standin.faults.latency = 0.5  # the create reaches the stand-in; the bot dies before the answer
    first = await bot_process()
    await until(lambda: any(r.method == "POST" and r.path == path for r in standin.requests), 20)
    await first.kill()
    await until(lambda: len(standin.scheduled_events) == 1)  # the create landed after the kill
    standin.faults.latency = 0
    second = await bot_process()
    store = await Store.open(database_of(bot_env))
    try:  # until the second process has done what it does with the row
        deadline = time.monotonic() + 20
        while (row := (await store.premieres.premieres(scene.home.id))[0]).state in ("pending", "sending"):
            assert time.monotonic() < deadline, f"{row}\n{second.log_text()[-3000:]}"
            await asyncio.sleep(0.05)
    finally:
        await store.close()
    await asyncio.sleep(0.5)
    # What the server's members see: one event in the Events tab, none created and cancelled
    # besides, on the later day; and the bot keeps it as its own, so the next change moves it.
    assert [e["scheduled_start_time"][:10] for e in standin.scheduled_events.values()] == ["2099-05-08"]
    [event] = live(standin, scene.home)
    assert event["scheduled_start_time"].startswith("2099-05-08")
    assert [kind for kind, _ in standin.event_log] == ["create", "modify"]
    assert (row.state, row.event_id, row.event_day) == ("done", int(event["id"]), "2099-05-08")
    await second.stop()


async def finished(bot, guild_id):
    """The server's premiere row once the sender has dealt with it (neither waiting nor sending)."""
    deadline = time.monotonic() + 5.0
    while True:
        [row] = await bot.store.premieres.premieres(guild_id)
        if row.state not in ("pending", "sending"):
            return row
        assert time.monotonic() < deadline, f"row never dealt with: {row}"
        await asyncio.sleep(0.02)


async def test_a_confirmed_day_already_past_creates_no_event_and_no_warning(standin, scene, bot):
    await grant_create_events(standin, scene.home)
    await standin.command(scene.admin, scene.home_general, "alerts subscribe",
                          channel=scene.home_general, events=True)
    published = await publish(standin, scene.editor, scene.home_general, "edit release",
                              when="2020-03-14", confidence="confirmed", source_url=SOURCE)
    assert published.content.startswith("Published"), published.text
    row = await finished(bot, scene.home.id)
    assert (row.state, row.event_id, row.last_error) == ("done", None, None)
    # Discord refuses a start in the past: asking would only earn the admin a warning.
    assert not [r for r in standin.requests if r.method == "POST" and "scheduled-events" in r.path]
    assert standin.scheduled_events == {}
    listed = await standin.command(scene.admin, scene.home_general, "alerts list")
    assert "⚠️" not in listed.text and "refused" not in listed.text


async def test_an_event_deleted_by_hand_is_created_anew_at_the_next_date_change(standin, scene, bot):
    await grant_create_events(standin, scene.home)
    await standin.command(scene.admin, scene.home_general, "alerts subscribe",
                          channel=scene.home_general, events=True)
    await publish(standin, scene.editor, scene.home_general, "edit release",
                  when="2099-03-14", confidence="confirmed", source_url=SOURCE)
    await until(lambda: live(standin, scene.home))
    [first] = live(standin, scene.home)
    assert (await finished(bot, scene.home.id)).event_id == int(first["id"])
    await standin.delete_scheduled_event(int(first["id"]))  # an admin deletes it in Discord
    await publish(standin, scene.editor, scene.home_general, "edit release",
                  when="2099-04-01", confidence="confirmed", source_url=SOURCE)
    await until(lambda: live(standin, scene.home),
                why="no event after the date change: the one deleted by hand was not made again")
    [event] = live(standin, scene.home)
    assert event["id"] != first["id"]
    assert event["scheduled_start_time"] == "2099-04-01T08:00:00+00:00"
    assert [kind for kind, _ in standin.event_log] == ["create", "delete", "create"]
    row = await finished(bot, scene.home.id)
    assert (row.state, row.event_id, row.event_day) == ("done", int(event["id"]), "2099-04-01")
