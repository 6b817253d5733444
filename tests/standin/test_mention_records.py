"""The stand-in records the allowed_mentions of every message the bot creates or edits."""

from __future__ import annotations

from standin import StandIn
from standin.mentions import mention_problems
from standin.records import MentionRecord
from tests.support.standin import Scene, api

from .testbot import MiniBot


def record(allowed: dict[str, object] | None, *, interaction: bool = False) -> MentionRecord:
    return MentionRecord("channel message", 1, 10, interaction, allowed, "hi")


def test_only_an_explicit_empty_parse_passes() -> None:
    fine = [record({"parse": []}), record({"parse": [], "replied_user": False})]
    assert mention_problems(fine, {}) == []
    bad = [
        record(None),
        record({}),
        record({"parse": ["everyone"]}),
        record({"parse": ["users", "roles"]}),
        record({"parse": [], "users": ["5"]}),
        record({"parse": [], "replied_user": True}),
    ]
    problems = mention_problems(bad, {})
    assert len(problems) == len(bad)
    assert "without allowed_mentions" in problems[0] and "'everyone'" in problems[2]


def test_only_an_announcement_may_list_its_channels_subscription_role() -> None:
    listed = {"parse": [], "roles": ["7"]}
    assert mention_problems([record(listed)], {10: {7}}) == []
    assert "roles [7]" in mention_problems([record(listed)], {11: {7}})[0]  # another channel's
    assert "roles [8]" in mention_problems([record({"parse": [], "roles": [7, 8]})], {10: {7}})[0]
    assert mention_problems([record(listed, interaction=True)], {10: {7}}) != []  # not a reply


async def test_a_message_edit_is_recorded_and_its_mentions_computed(
    standin: StandIn, scene: Scene
) -> None:
    path = f"/channels/{scene.general.id}/messages"
    _, _, sent = await api(standin, "POST", path, {"content": "hi", "allowed_mentions": {"parse": []}})
    message_id = sent["id"]  # type: ignore[index]
    content = f"now {scene.fan.mention}"
    await api(standin, "PATCH", f"{path}/{message_id}", {"content": content})
    kinds = [(r.kind, r.allowed_mentions) for r in standin.mention_records]
    assert kinds == [("channel message", {"parse": []}), ("edit", None)]
    [problem] = mention_problems(standin.mention_records, {})
    assert problem.startswith(f"edit {message_id}") and "without allowed_mentions" in problem
    message = standin.all_messages[int(message_id)]
    assert message.would_ping is not None and message.would_ping.users == {scene.fan.user.id}
    await api(
        standin, "PATCH", f"{path}/{message_id}", {"content": content, "allowed_mentions": {"parse": []}}
    )
    assert message.would_ping is not None and not message.would_ping.anyone


async def test_an_ephemeral_reply_notifies_nobody_but_would_ping_what_it_allows(
    standin: StandIn, bot: MiniBot, scene: Scene
) -> None:
    bot.allowed_mentions = None  # this reply goes without allowed_mentions
    reply = await standin.command(scene.fan, scene.general, "cast", person=scene.fan.mention)
    assert reply.ephemeral and reply.message is not None
    assert reply.message.pings is not None and not reply.message.pings.anyone
    assert reply.message.would_ping is not None
    assert reply.message.would_ping.users == {scene.fan.user.id}
    [rec] = standin.mention_records
    assert (rec.kind, rec.interaction, rec.allowed_mentions) == ("interaction message", True, None)
