"""Interaction rules: options as registered, deadlines, single acknowledgement, components."""

from __future__ import annotations

import pytest

from standin import CommandUsageError, NoReply, StandIn
from tests.support.standin import Scene, api

from .testbot import MiniBot


async def test_subcommand_with_role_and_member_options_resolves(
    standin: StandIn, bot: MiniBot, scene: Scene
) -> None:
    reply = await standin.command(
        scene.editor, scene.general, "edit cast", person="Park", role=scene.editors, who=scene.fan
    )
    assert reply.content == "edited Park Editors fan"


async def test_unregistered_option_is_refused_by_the_driver(
    standin: StandIn, bot: MiniBot, scene: Scene
) -> None:
    with pytest.raises(CommandUsageError, match="no option 'nickname'"):
        await standin.command(scene.fan, scene.general, "ping", nickname="x")


async def test_missing_required_option_is_refused(
    standin: StandIn, bot: MiniBot, scene: Scene
) -> None:
    with pytest.raises(CommandUsageError, match="required option 'person'"):
        await standin.command(scene.fan, scene.general, "cast")


async def test_value_outside_choices_or_range_is_refused(
    standin: StandIn, bot: MiniBot, scene: Scene
) -> None:
    with pytest.raises(CommandUsageError, match="not one of"):
        await standin.command(scene.fan, scene.general, "cast", person="x", filter="rumored")
    with pytest.raises(CommandUsageError, match="outside"):
        await standin.command(scene.fan, scene.general, "cast", person="x", count=11)
    with pytest.raises(CommandUsageError, match="takes an integer"):
        await standin.command(scene.fan, scene.general, "cast", person="x", count="3")


async def test_unregistered_command_is_refused(
    standin: StandIn, bot: MiniBot, scene: Scene
) -> None:
    with pytest.raises(CommandUsageError, match="not registered"):
        await standin.command(scene.fan, scene.general, "nope")


async def test_ephemeral_reply_with_choices(standin: StandIn, bot: MiniBot, scene: Scene) -> None:
    reply = await standin.command(
        scene.fan, scene.general, "cast", person="Park Ji-hu", filter="new", count=3
    )
    assert reply.content == "Park Ji-hu/new/3"
    assert reply.ephemeral
    assert standin.messages(scene.general, include_interactions=True) == []


async def test_autocomplete_offers_the_bots_choices(
    standin: StandIn, bot: MiniBot, scene: Scene
) -> None:
    choices = await standin.autocomplete(scene.fan, scene.general, "cast", "person", "park")
    assert [c["value"] for c in choices] == ["Park Ji-hu", "Park Solomon"]


async def test_autocomplete_on_a_plain_option_is_refused(
    standin: StandIn, bot: MiniBot, scene: Scene
) -> None:
    with pytest.raises(CommandUsageError, match="does not autocomplete"):
        await standin.autocomplete(scene.fan, scene.general, "cast", "filter", "a")


async def test_command_in_dm(standin: StandIn, bot: MiniBot, scene: Scene) -> None:
    reply = await standin.command(standin.world.add_user("dmuser"), None, "ping")
    assert reply.content == "pong"


async def test_deferred_reply_waits_for_the_edit(
    standin: StandIn, bot: MiniBot, scene: Scene
) -> None:
    reply = await standin.command(scene.fan, scene.general, "slow")
    assert reply.response_type == 5
    assert reply.content == "done slowly"


async def test_button_click_updates_the_message(
    standin: StandIn, bot: MiniBot, scene: Scene
) -> None:
    reply = await standin.command(scene.fan, scene.general, "pager")
    assert [b["label"] for b in reply.buttons] == ["Next"]
    clicked = await standin.click(scene.fan, reply, "Next")
    assert clicked.response_type == 7
    assert clicked.message_id == reply.message_id
    assert reply.content == "page 2"


async def test_a_forged_click_reaches_the_bot_where_click_refuses(
    standin: StandIn, bot: MiniBot, scene: Scene
) -> None:
    reply = await standin.command(scene.fan, scene.general, "secret_pager")
    assert reply.ephemeral and reply.message is not None
    with pytest.raises(CommandUsageError, match="only the user who got an ephemeral message"):
        await standin.click(scene.editor, reply, "Next")
    forged = await standin.forge_click(scene.editor, scene.general, reply.message, "pager:next")
    got = standin.interactions[forged.interaction_id]
    assert got.user is scene.editor.user and got.payload["data"]["custom_id"] == "pager:next"
    assert forged.response_type == 7 and reply.content == "page 2"


async def test_modal_submit(standin: StandIn, bot: MiniBot, scene: Scene) -> None:
    opened = await standin.command(scene.fan, scene.general, "form")
    assert opened.modal is not None and opened.modal["title"] == "Feedback"
    done = await standin.submit_modal(scene.fan, opened, {"Your text": "great show"})
    assert done.content == "got great show" and done.ephemeral


async def test_second_initial_response_gets_40060(
    standin: StandIn, bot: MiniBot, scene: Scene
) -> None:
    reply = await standin.command(scene.fan, scene.general, "ping")
    state = standin.interactions[reply.interaction_id]
    status, _, body = await api(
        standin,
        "POST",
        f"/interactions/{state.id}/{state.token}/callback",
        {"type": 4, "data": {"content": "again", "allowed_mentions": {"parse": []}}},
        token=False,
    )
    assert (status, body["code"]) == (400, 40060)  # type: ignore[index]
    assert [v.kind for v in standin.violations] == ["double_response"]


async def test_answer_after_three_seconds_gets_10062(
    standin: StandIn, bot: MiniBot, scene: Scene
) -> None:
    with pytest.raises(NoReply, match="10062"):
        await standin.command(scene.fan, scene.general, "late", seconds=3.1)
    assert bot.errors and bot.errors[0].code == 10062 and bot.errors[0].status == 404
    assert [v.kind for v in standin.violations] == ["late_response"]
