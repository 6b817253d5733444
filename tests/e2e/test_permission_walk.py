"""Every privileged command and button, found from the bot itself, refuses those without the right.

The walk enumerates `bot.tree.walk_commands()` and the button templates registered on the
bot; everything not listed as public below must refuse a fan, a server admin (but for
/alerts), an admin of another server (here, and in theirs but for /alerts) and a DM:
ephemerally, with a permission message, writing nothing. A new command or button is
privileged until it is added to a public list, so one added without a check fails here.
"""

from __future__ import annotations

import sqlite3
from typing import Any

import discord
import pytest
from discord import AppCommandOptionType, app_commands

from bot.core.models import CONFIDENCES
from bot.interactions.access import EDITORS_ONLY, MANAGERS_IN_DMS, MANAGERS_ONLY, OWNERS_ONLY
from bot.news.models import Proposal
from bot.news.proposals_store import Listed
from standin import CommandUsageError

pytestmark = pytest.mark.sqlite_only  # reads the SQLite file read-only

SOURCE = "https://www.netflix.com/tudum"
PUBLIC_COMMANDS = {
    "about", "status", "cast", "episodes", "news", "history",
    "predict make", "predict list", "predict mine", "predict leaderboard", "tip",
    "remind me", "remind list", "remind stop",  # each acts on the caller's own reminders only
}
# Previous/Next on lists only read (/remind list's: the clicker's own reminders); Notify me
# changes only the clicker's own role.
PUBLIC_BUTTONS = {"PageButton", "BoardButton", "ListPageButton", "NotifyButton"}
REFUSALS = {EDITORS_ONLY, OWNERS_ONLY, MANAGERS_ONLY, MANAGERS_IN_DMS}


def table_counts(path: Any) -> dict[str, int]:
    """The row count of every table in the bot's database."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {name: db.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0] for name in names}


def posted(standin: Any) -> int:
    """Messages anyone but the caller could see (a sample announcement, say)."""
    return sum(1 for m in standin.all_messages.values() if not m.ephemeral)


def callers(scene: Any) -> dict[str, tuple[Any, Any]]:
    """Who calls, from where. The other server's admin also joins Home as a plain member."""
    other_admin_at_home = scene.home.add_member(scene.other_admin.user)
    return {
        "fan": (scene.fan, scene.home_general),
        "home-admin": (scene.admin, scene.home_general),  # Manage Server here: only /alerts
        "other-admin-here": (other_admin_at_home, scene.home_general),
        "other-admin-there": (scene.other_admin, scene.other_general),
        "dm": (scene.fan.user, None),
    }


def required_values(command: app_commands.Command[Any, ..., Any], channel: Any) -> dict[str, Any]:
    """A value of the right type for each required option (the checks run before they matter)."""
    values: dict[str, Any] = {}
    for param in command.parameters:
        if not param.required:
            continue
        if param.choices:
            values[param.name] = param.choices[0].value
        elif param.type is AppCommandOptionType.string:
            values[param.name] = "1"
        elif param.type is AppCommandOptionType.integer:
            values[param.name] = int(param.min_value or 1)
        elif param.type is AppCommandOptionType.boolean:
            values[param.name] = False
        elif param.type is AppCommandOptionType.channel:
            values[param.name] = channel
        else:
            pytest.fail(f"/{command.qualified_name}: no sample value for option {param.name}")
    return values


def may_manage_there(name: str, caller: str) -> bool:
    # Manage Server in their own server is exactly what /alerts asks for there.
    return name.startswith("alerts ") and caller in ("home-admin", "other-admin-there")


def privileged_commands(bot: Any) -> list[app_commands.Command[Any, ..., Any]]:
    found = [c for c in bot.tree.walk_commands() if isinstance(c, app_commands.Command)]
    names = {c.qualified_name for c in found}
    assert PUBLIC_COMMANDS <= names, f"public commands that no longer exist: {PUBLIC_COMMANDS - names}"
    return [c for c in found if c.qualified_name not in PUBLIC_COMMANDS]


async def test_every_privileged_command_refuses_and_writes_nothing(standin, scene, bot):
    commands = privileged_commands(bot)
    assert {"edit cast", "undo", "predict open", "predict resolve", "shows archive",
            "alerts unsubscribe", "alerts test"} <= {c.qualified_name for c in commands}
    tried = 0
    for caller, (who, channel) in callers(scene).items():
        for command in commands:
            name = command.qualified_name
            if may_manage_there(name, caller):
                continue
            counts, messages = table_counts(bot.store.path), posted(standin)
            try:
                reply = await standin.command(who, channel, name, **required_values(command, channel))
            except CommandUsageError as exc:
                assert channel is None and "not available in DMs" in str(exc), exc
                continue  # Discord never delivers a server-only command from a DM
            assert reply.ephemeral, f"/{name} as {caller}: answered publicly"
            assert reply.content in REFUSALS, f"/{name} as {caller}: {reply.content!r}"
            assert table_counts(bot.store.path) == counts, f"/{name} as {caller} wrote"
            assert posted(standin) == messages, f"/{name} as {caller} posted"
            tried += 1
    print(f"privileged commands: {len(commands)}, refused calls: {tried}")


@pytest.fixture(autouse=True)
def registered_buttons(monkeypatch: pytest.MonkeyPatch) -> set[str]:
    """The names of the button templates the bot registers as it starts (autouse: before `bot`)."""
    names: set[str] = set()
    register = discord.Client.add_dynamic_items

    def recorded(client: discord.Client, *items: Any) -> None:
        names.update(item.__name__ for item in items)
        register(client, *items)

    monkeypatch.setattr(discord.Client, "add_dynamic_items", recorded)
    return names


async def test_every_privileged_button_refuses_and_the_draft_survives(standin, scene, bot,
                                                                     registered_buttons):
    privileged = registered_buttons - PUBLIC_BUTTONS
    assert privileged == {"DraftButton", "QueueButton", "QueuePageButton", *IMPORT_BUTTONS,
                          *PROPOSAL_BUTTONS}, \
        f"a new button? list how to press it here: {privileged}"
    preview = await standin.command(scene.editor, scene.home_general, "edit release",
                                    when="2026-H1", confidence="rumored", source_url=SOURCE)
    custom_ids = [b["custom_id"] for row in preview.message.components for b in row["components"]]
    assert len(custom_ids) == 3  # Publish, Publish silently, Cancel
    for caller, (who, channel) in callers(scene).items():
        for custom_id in custom_ids:
            counts, messages = table_counts(bot.store.path), posted(standin)
            reply = await standin.forge_click(who, channel, preview.message, custom_id)
            assert reply.ephemeral and reply.content == EDITORS_ONLY, (caller, custom_id, reply.content)
            assert table_counts(bot.store.path) == counts and posted(standin) == messages
    published = await standin.click(scene.editor, preview, "Publish")
    assert "Published as change" in published.content
    # A queue item's Add as news and Dismiss, and /queue's paging (Next, with two items).
    for n in range(2):
        tip = await standin.command(scene.fan, scene.home_general, "tip", url=f"https://fans.example/{n}")
        assert tip.content.startswith("Thanks!"), tip.content
    queue = await standin.command(scene.editor, scene.home_general, "queue")
    custom_ids = [b["custom_id"] for b in queue.buttons if not b.get("disabled")]
    assert len(custom_ids) == 3, queue.buttons  # Add as news, Dismiss, Next
    [item, _], _ = await bot.store.news.pending_items(None, limit=2)
    for caller, (who, channel) in callers(scene).items():
        for custom_id in custom_ids:
            counts, messages = table_counts(bot.store.path), posted(standin)
            reply = await standin.forge_click(who, channel, queue.message, custom_id)
            assert reply.ephemeral and reply.content == EDITORS_ONLY, (caller, custom_id, reply.content)
            assert table_counts(bot.store.path) == counts and posted(standin) == messages
    assert (await bot.store.news.queue_item(item.id)).pending


IMPORT_BUTTONS = {"PickButton", "PlanButton", "FactSelect"}  # pressed in the test below
PROPOSAL_BUTTONS = {"ConfidenceButton"}  # pressed in the test after it


async def test_a_proposal_s_accept_dismiss_and_confidence_buttons_refuse_all_but_editors(standin, scene, bot):
    show = bot.store.view.show_by_slug("all-of-us-are-dead")
    listed = Proposal("release", "release", {"when": "2027-03-14"}, "reported", "TVmaze",
                      "https://www.tvmaze.com/shows/1001/all-of-us-are-dead")
    [item] = await bot.store.proposals.record(show.id, [Listed(listed, True)], headline="TVmaze",
                                              review_channel=None)
    queue = await standin.command(scene.editor, scene.home_general, "queue")
    assert [b["label"] for b in queue.buttons] == ["Accept", "Dismiss"]
    asked = await standin.click(scene.editor, queue, "Accept")  # which confidence: one button each
    pressed = [(queue.message, b["custom_id"]) for b in queue.buttons]
    pressed += [(asked.message, b["custom_id"]) for b in asked.buttons]
    assert len(pressed) == 2 + len(CONFIDENCES)
    for caller, (who, channel) in callers(scene).items():
        for message, custom_id in pressed:
            counts, messages = table_counts(bot.store.path), posted(standin)
            reply = await standin.forge_click(who, channel, message, custom_id)
            assert reply.ephemeral and reply.content == EDITORS_ONLY, (caller, custom_id, reply.content)
            assert table_counts(bot.store.path) == counts and posted(standin) == messages
    assert (await bot.store.news.queue_item(item.id)).pending


@pytest.fixture
def bot_env(bot_env: dict[str, str], tvmaze: Any) -> dict[str, str]:
    return {**bot_env, "TVMAZE_API_BASE": tvmaze.base, "FEEDS_ALLOW_PRIVATE": "1"}


async def test_every_import_button_and_menu_refuses_anyone_but_an_owner(standin, scene, bot, tvmaze):
    picked = await standin.command(scene.owner, scene.home_general, "shows import", query="kingdom")
    preview = await standin.click(scene.owner, picked, "1. Kingdom (2019)", timeout=15)
    matches = await standin.command(scene.owner, scene.home_general, "shows import", query="kingdom")
    pressed: list[tuple[Any, str, list[str] | None]] = [
        (matches.message, c["custom_id"], None) for row in matches.components for c in row["components"]]
    for row in preview.components:
        for c in row["components"]:
            pressed.append((preview.message, c["custom_id"], ["0"] if c["type"] == 3 else None))
    assert len(pressed) == 4  # the match; the fact menu, Import, Cancel
    fetched = len(tvmaze.requests)
    for caller, (who, channel) in callers(scene).items():
        for message, custom_id, values in pressed:
            counts, messages = table_counts(bot.store.path), posted(standin)
            reply = await standin.forge_click(who, channel, message, custom_id, values=values)
            assert reply.ephemeral and reply.content == OWNERS_ONLY, (caller, custom_id, reply.content)
            assert table_counts(bot.store.path) == counts and posted(standin) == messages
    assert len(tvmaze.requests) == fetched
    done = await standin.click(scene.owner, preview, "Import")
    assert "Imported **Kingdom**" in done.content  # the plan survived every refusal


# Autocompletes listing what only editors act on: every change (/undo), every question with its
# state and resolution (/predict resolve). Anyone else is offered nothing at all.
EDITORS_AUTOCOMPLETES = [("undo", "change"), ("predict resolve", "question")]


@pytest.mark.parametrize(("path", "option"), EDITORS_AUTOCOMPLETES)
async def test_editors_only_autocompletes_offer_nothing_to_anyone_else(standin, scene, bot, path, option):
    from tests.e2e.catalogue.test_editors import publish
    from tests.e2e.predictions.test_predict import open_question, resolve

    await publish(standin, scene.editor, scene.home_general, "edit release", when="2026-H1",
                  confidence="rumored", source_url=SOURCE)
    await open_question(standin, scene, bot)
    resolved = await open_question(standin, scene, bot, "Which day?", "date")
    await resolve(standin, scene, resolved, "2026-01-01")
    offered = await standin.autocomplete(scene.editor, scene.home_general, path, option, "")
    assert len(offered) >= 2, f"/{path} {option}: an editor is offered {offered}"
    for caller, (who, channel) in callers(scene).items():
        try:
            choices = await standin.autocomplete(who, channel, path, option, "")
        except CommandUsageError as exc:
            assert channel is None and "not available in DMs" in str(exc), exc
            continue
        assert choices == [], f"/{path} {option} as {caller}: offered {len(choices)}, first {choices[0]}"
