"""Rendering fans' own alerts: the reminder DM, the premiere event's body, which release day
makes an event; and the checks behind `Notify me`."""

from types import SimpleNamespace

import discord
import pytest

from bot.alerts.grants import grant_problem, missing_for, permission_names
from bot.alerts.premieres import event_body, marker, premiere_day
from bot.core.models import Change, Editor, Entry, Fact, Reminder, Show
from bot.reminders.sender import render_dm

SHOW = Show(1, "aouad", "All of Us Are Dead", "지금 우리 학교는", "Netflix", 2, (), False)


def release(when, confidence="confirmed", url="https://about.netflix.com/x"):
    return Fact(fields={"when": when, "note": None}, confidence=confidence, source_name="Netflix",
                source_url=url, as_of="2025-01-02")


def entry(fact):
    return Entry(7, SHOW.id, "release", "release", 3, fact, "2025-01-02T00:00:00+00:00")


def reminder(lang="en"):
    return Reminder(4, 501, SHOW.id, "release", "release", lang, "active", None, "2025-01-01")


def test_the_dm_names_its_reminder_how_to_stop_it_and_carries_its_id():
    change = Change(9, 7, SHOW.id, "release", "release", 2, release("2025-H1", "rumored"),
                    release("2025-03-14"), Editor(1, "ed"), "2025-01-02T00:00:00+00:00", None, False, None)
    content, embed = render_dm(SHOW, change, reminder(), 33)
    assert "reminder #4" in content and "/remind stop" in content
    assert "→ 14 March 2025 (confirmed · Netflix)" in embed.description
    assert embed.footer.text == "seasonwatch · reminder #4"  # no DM number for the fan to read
    assert embed.url == "https://about.netflix.com/x#sw-dm-33"
    korean, embed = render_dm(SHOW, change, reminder("ko"), 33)
    assert "리마인더 #4" in korean and "dm" not in embed.footer.text
    assert embed.url == "https://about.netflix.com/x#sw-dm-33"


@pytest.mark.parametrize(("when", "confidence", "day"), [
    ("2025-03-14", "confirmed", "2025-03-14"),
    ("2025-03-14", "reported", None),
    ("2025-03", "confirmed", None),
    ("2025-03-14..2025-03-21", "confirmed", None),
])
def test_only_a_confirmed_single_day_makes_an_event(when, confidence, day):
    assert premiere_day(entry(release(when, confidence))) == day
    assert premiere_day(None) is None


def test_the_event_is_external_at_the_network_for_a_day_from_the_release_hour():
    body = event_body(SHOW, entry(release("2099-03-14")), "2099-03-14", 8, 12)
    assert body["name"] == "All of Us Are Dead season 2 premiere"
    assert (body["entity_type"], body["privacy_level"]) == (3, 2)
    assert body["entity_metadata"] == {"location": "Netflix"}
    assert body["scheduled_start_time"] == "2099-03-14T08:00:00+00:00"
    assert body["scheduled_end_time"] == "2099-03-15T08:00:00+00:00"
    assert body["description"].endswith(marker(12)) and "https://about.netflix.com/x" in body["description"]
    korean = event_body(SHOW, entry(release("2099-03-14")), "2099-03-14", 23, 12, "ko")
    assert korean["name"] == "지금 우리 학교는 시즌 2 첫 공개"
    assert korean["scheduled_start_time"] == "2099-03-14T23:00:00+00:00"
    assert korean["description"].endswith(marker(12))


EVERYONE = discord.Permissions(view_channel=True, send_messages=True, read_message_history=True)


class _Server:
    """What the `Notify me` rule reads of a server: @everyone, the channels' overwrites, the bot."""

    def __init__(self, everyone=EVERYONE, *, manage_roles=True, top=9):
        self.default_role = _Stub(self, everyone, default=True, position=0, mention="@everyone")
        self.channels = []
        self.me = SimpleNamespace(guild_permissions=discord.Permissions(manage_roles=manage_roles),
                                  top_role=_Role(top))

    def role(self, permissions=EVERYONE, **kind):
        return _Stub(self, permissions, **kind)

    def channel(self, name, overwrites):
        channel = SimpleNamespace(id=len(self.channels) + 100, position=len(self.channels),
                                  mention=f"#{name}", overwrites_for=lambda target: overwrites.get(
                                      target.mention, discord.PermissionOverwrite()))
        self.channels.append(channel)
        return channel


class _Stub:
    def __init__(self, guild, permissions, *, default=False, managed=False, position=1,
                 mention="@Watchers"):
        self.guild, self.permissions, self.managed = guild, permissions, managed
        self.position, self.mention, self.is_default = position, mention, lambda: default


def test_a_role_granting_no_more_than_everyone_may_be_handed_out():
    server = _Server()
    assert grant_problem(server.role(), "en") is None  # the default permissions: everyone's
    assert grant_problem(server.role(discord.Permissions.none()), "en") is None
    anything = _Server(discord.Permissions(administrator=True))
    assert grant_problem(anything.role(discord.Permissions.all()), "en") is None


def test_roles_with_permissions_managed_roles_and_everyone_are_never_handed_out():
    server = _Server()
    mods = server.role(EVERYONE | discord.Permissions(manage_messages=True))
    assert grant_problem(mods, "en") == "@Watchers can do more than @everyone (Manage Messages)"
    assert "메시지 관리하기" in grant_problem(mods, "ko")
    assert "managed" in grant_problem(server.role(managed=True), "en")
    assert "@everyone" in grant_problem(server.role(default=True), "en")


def test_a_channel_overwrite_allowing_a_role_more_than_everyone_keeps_the_button_off():
    server = _Server()
    more = discord.PermissionOverwrite(view_channel=True, manage_messages=True)
    server.channel("news", {"@Watchers": discord.PermissionOverwrite(send_messages=True)})
    server.channel("lounge", {"@everyone": discord.PermissionOverwrite(embed_links=True),
                              "@Watchers": discord.PermissionOverwrite(embed_links=True)})
    assert grant_problem(server.role(), "en") is None  # no more than @everyone has there
    server.channel("mod-room", {"@everyone": discord.PermissionOverwrite(view_channel=False),
                                "@Watchers": more})
    assert grant_problem(server.role(discord.Permissions.none()), "en") == (
        "@Watchers is allowed more than @everyone in #mod-room (View Channel, Manage Messages)")


def test_what_the_bot_lacks_keeps_the_button_off():
    assert grant_problem(_Server(manage_roles=False).role(), "en") == (
        "I lack the **Manage Roles** permission")
    assert "a role above @Watchers" in grant_problem(_Server(top=1).role(), "en")


def test_permissions_are_named_as_discord_names_them_and_unknown_ones_by_number():
    assert permission_names(1 << 13 | 1 << 10 | 1 << 47, "en") == "View Channel, Manage Messages, #47"


class _Role:
    def __init__(self, position):
        self.position = position

    def __le__(self, other):
        return self.position <= other.position


def test_what_the_bot_lacks_to_give_a_role():
    def guild(manage, top):
        me = SimpleNamespace(guild_permissions=SimpleNamespace(manage_roles=manage), top_role=_Role(top))
        return SimpleNamespace(me=me)

    target = _Role(3)
    assert missing_for(guild(True, 5), target) == []
    assert ["Manage Roles" in m for m in missing_for(guild(False, 5), target)] == [True]
    assert ["a role above" in m for m in missing_for(guild(True, 3), target)] == [True]
    assert len(missing_for(guild(False, 1), target)) == 2
