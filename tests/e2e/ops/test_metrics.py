"""/metrics of the real bot against the stand-in: Prometheus text that prometheus-client's own
parser reads, and counters that move with what fans and editors do: a fan's /status, an
editor's /edit ... Publish announced to a subscribed channel, a refusal."""

from __future__ import annotations

import pytest
from prometheus_client import CONTENT_TYPE_LATEST

from tests.support.ops import get, parse_metrics, present, scrape, value
from tests.support.web import web_address

pytestmark = pytest.mark.sqlite_only

SHOW = "all-of-us-are-dead"


async def test_metrics_parse_and_move_with_commands_and_announcements(standin, scene, bot):
    base = await web_address(bot)
    first = await get(f"{base}/metrics")
    assert first.status == 200 and first.content_type == CONTENT_TYPE_LATEST
    before = parse_metrics(first.text)
    assert value(before, "seasonwatch_database_up") == 1
    assert value(before, "seasonwatch_gateway_up", shard="0") == 1
    assert value(before, "seasonwatch_guilds") == 2  # Home and Other

    reply = await standin.command(scene.admin, scene.home_general, "alerts subscribe",
                                  channel=scene.home_general)
    assert reply.content.startswith("Subscribed"), reply.content
    await standin.command(scene.fan, scene.home_general, "status", show=SHOW)
    unknown = await standin.command(scene.fan, scene.home_general, "status", show="no such show")
    assert unknown.ephemeral
    refused = await standin.command(scene.fan, scene.home_general, "edit cast", person="Someone",
                                    confidence="rumored", source_url="https://example.com/s")
    assert "editor" in refused.content.lower(), refused.content
    preview = await standin.command(scene.editor, scene.home_general, "edit cast", person="Kim Newcomer",
                                    confidence="rumored", source_url="https://example.com/s")
    await standin.click(scene.editor, preview, "Publish")
    await standin.wait_for_messages(scene.home_general, 1)

    after = await scrape(base)

    def moved(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    assert moved("seasonwatch_interactions_total", command="status", outcome="ok") == 1
    assert moved("seasonwatch_interactions_total", command="status", outcome="user_error") == 1
    assert moved("seasonwatch_interactions_total", command="edit cast", outcome="ok") == 1
    assert moved("seasonwatch_interactions_total", command="edit cast", outcome="refused") == 1
    assert moved("seasonwatch_interactions_total", command="alerts subscribe", outcome="ok") == 1
    assert moved("seasonwatch_sends_total", kind="announcement", outcome="sent") == 1
    # Five commands and a click, each answered once: six first responses timed.
    assert moved("seasonwatch_reply_latency_seconds_count") >= 6
    assert value(after, "seasonwatch_reply_latency_seconds_bucket", le="+Inf") == \
        value(after, "seasonwatch_reply_latency_seconds_count")
    assert present(after, "seasonwatch_outbox_backlog", kind="announcement") == 0
