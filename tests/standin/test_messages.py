"""Channel messages: permissions, limits, nonces, mentions, crossposts, reads."""

from __future__ import annotations

from typing import Any

from standin import StandIn
from standin.world import DEFAULT_BOT, MENTION_EVERYONE, SEND_MESSAGES, Overwrite
from tests.support.standin import Scene, api

from .testbot import MiniBot

NO_PINGS: dict[str, Any] = {"parse": []}


async def test_send_without_send_messages_gets_403_50013(
    standin: StandIn, bot: MiniBot, scene: Scene
) -> None:
    assert scene.guild.bot_role is not None
    locked = await standin.create_channel(
        scene.guild, "locked", overwrites=[Overwrite.for_(scene.guild.bot_role, deny=SEND_MESSAGES)]
    )
    reply = await standin.command(scene.fan, scene.general, "say", channel=locked, text="hi")
    assert reply.content == "error 403 50013"
    assert standin.messages(locked) == []


async def test_send_to_unknown_channel_gets_404_10003(
    standin: StandIn, bot: MiniBot, scene: Scene
) -> None:
    reply = await standin.command(
        scene.fan, scene.general, "say", channel=scene.general, text="hi", channel_id="123456"
    )
    assert reply.content == "error 404 10003"


async def test_over_long_embed_title_gets_50035_and_a_violation(
    standin: StandIn, bot: MiniBot, scene: Scene
) -> None:
    reply = await standin.command(
        scene.fan, scene.general, "say", channel=scene.general, text="hi", title="x" * 257
    )
    assert reply.content == "error 400 50035"
    assert (
        bot.errors[0].text
        == "Invalid Form Body\nIn embeds.0.title: Must be 256 or fewer in length."
    )
    assert [v.kind for v in standin.violations] == ["invalid_body"]


async def test_content_limit_beyond_the_schema_is_enforced(standin: StandIn, scene: Scene) -> None:
    status, _, body = await api(
        standin,
        "POST",
        f"/channels/{scene.general.id}/messages",
        {"content": "x" * 2001, "allowed_mentions": NO_PINGS},
    )
    assert (status, body["code"]) == (400, 50035)  # type: ignore[index]
    assert [v.kind for v in standin.violations] == ["content_limits"]


async def test_too_many_buttons_in_a_row_is_refused(standin: StandIn, scene: Scene) -> None:
    row = {
        "type": 1,
        "components": [
            {"type": 2, "style": 1, "label": str(i), "custom_id": str(i)} for i in range(6)
        ],
    }
    status, _, _ = await api(
        standin,
        "POST",
        f"/channels/{scene.general.id}/messages",
        {"content": "x", "components": [row], "allowed_mentions": NO_PINGS},
    )
    assert status == 400
    assert standin.violations and standin.violations[0].kind in ("invalid_body", "content_limits")


async def test_bot_message_is_recorded_with_its_fields(
    standin: StandIn, bot: MiniBot, scene: Scene
) -> None:
    reply = await standin.command(
        scene.fan, scene.general, "say", channel=scene.general, text="hello <@1>"
    )
    [msg] = standin.messages(scene.general)
    assert reply.content == f"sent {msg.id}"
    assert msg.content == "hello <@1>" and msg.allowed_mentions == {"parse": []}
    assert msg.pings is not None and not msg.pings.anyone
    assert standin.messages_without_allowed_mentions == []


async def test_enforced_nonce_returns_the_earlier_message(standin: StandIn, scene: Scene) -> None:
    body = {
        "content": "once",
        "nonce": "delivery-7",
        "enforce_nonce": True,
        "allowed_mentions": NO_PINGS,
    }
    _, _, first = await api(standin, "POST", f"/channels/{scene.general.id}/messages", body)
    _, _, second = await api(standin, "POST", f"/channels/{scene.general.id}/messages", body)
    assert first["id"] == second["id"]  # type: ignore[index]
    assert len(standin.messages(scene.general)) == 1


async def test_everyone_with_empty_parse_pings_nobody(standin: StandIn, scene: Scene) -> None:
    assert scene.guild.bot_role is not None
    scene.guild.bot_role.permissions = DEFAULT_BOT | MENTION_EVERYONE
    await api(
        standin,
        "POST",
        f"/channels/{scene.general.id}/messages",
        {"content": "@everyone hi", "allowed_mentions": NO_PINGS},
    )
    assert not standin.pings[-1].anyone
    assert standin.messages_without_allowed_mentions == []


async def test_everyone_without_allowed_mentions_pings_everyone(
    standin: StandIn, scene: Scene
) -> None:
    assert scene.guild.bot_role is not None
    scene.guild.bot_role.permissions = DEFAULT_BOT | MENTION_EVERYONE
    await api(
        standin, "POST", f"/channels/{scene.general.id}/messages", {"content": "@everyone hi"}
    )
    assert standin.pings[-1].everyone
    assert len(standin.messages_without_allowed_mentions) == 1


async def test_role_ping_only_for_the_allowed_mentionable_role(
    standin: StandIn, scene: Scene
) -> None:
    alerts = scene.guild.add_role("Alerts", mentionable=True)
    content = f"{alerts.mention} {scene.editors.mention} {scene.fan.mention}"
    allowed = {"parse": [], "roles": [str(alerts.id), str(scene.editors.id)]}
    await api(
        standin,
        "POST",
        f"/channels/{scene.general.id}/messages",
        {"content": content, "allowed_mentions": allowed},
    )
    pings = standin.pings[-1]
    assert pings.roles == {alerts.id} and pings.users == set() and not pings.everyone


async def test_crosspost_only_in_announcement_channels(standin: StandIn, scene: Scene) -> None:
    for ch, expected in ((scene.news, 200), (scene.general, 400)):
        _, _, msg = await api(
            standin,
            "POST",
            f"/channels/{ch.id}/messages",
            {"content": "x", "allowed_mentions": NO_PINGS},
        )
        status, _, _ = await api(
            standin, "POST", f"/channels/{ch.id}/messages/{msg['id']}/crosspost"
        )  # type: ignore[index]
        assert status == expected
    assert len(standin.crossposts) == 1


async def test_message_history_limit_before_after(standin: StandIn, scene: Scene) -> None:
    ids = []
    standin.channel_rate = (100, 1.0)
    for i in range(5):
        _, _, msg = await api(
            standin,
            "POST",
            f"/channels/{scene.general.id}/messages",
            {"content": str(i), "allowed_mentions": NO_PINGS},
        )
        ids.append(msg["id"])  # type: ignore[index]
    _, _, newest = await api(standin, "GET", f"/channels/{scene.general.id}/messages?limit=2")
    assert [m["content"] for m in newest] == ["4", "3"]  # type: ignore[union-attr,index]
    _, _, before = await api(
        standin, "GET", f"/channels/{scene.general.id}/messages?before={ids[2]}"
    )
    assert [m["content"] for m in before] == ["1", "0"]  # type: ignore[union-attr,index]
    _, _, after = await api(
        standin, "GET", f"/channels/{scene.general.id}/messages?after={ids[2]}&limit=1"
    )
    assert [m["content"] for m in after] == ["3"]  # type: ignore[union-attr,index]


async def test_member_lookup_404_10007_for_non_members(standin: StandIn, scene: Scene) -> None:
    outsider = standin.world.add_user("outsider")
    status, _, body = await api(standin, "GET", f"/guilds/{scene.guild.id}/members/{outsider.id}")
    assert (status, body["code"]) == (404, 10007)  # type: ignore[index]
    status, _, body = await api(standin, "GET", f"/guilds/{scene.guild.id}/members/{scene.fan.id}")
    assert status == 200 and body["user"]["id"] == str(scene.fan.id)  # type: ignore[index]


async def test_unknown_route_is_404_and_a_violation(standin: StandIn) -> None:
    status, _, body = await api(standin, "GET", "/no/such/route")
    assert (status, body) == (404, {"message": "404: Not Found", "code": 0})
    assert [v.kind for v in standin.violations] == ["unknown_route"]


async def test_wrong_token_is_401(standin: StandIn) -> None:
    status, _, _ = await api(standin, "GET", "/users/@me", token=False)
    assert status == 401
