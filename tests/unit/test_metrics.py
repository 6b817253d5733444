"""bot/metrics.py: what discord.py's HTTP client reports through the trace (429s, the latency of
each interaction's first response), read back from the registry /metrics serves."""

import time

import aiohttp
from aiohttp import web

from bot import metrics

DISCORD_EPOCH_MS = 1420070400000


def sample(name, **labels):
    return metrics.REGISTRY.get_sample_value(name, labels) or 0.0


def snowflake(at: float) -> int:
    return (int(at * 1000) - DISCORD_EPOCH_MS) << 22


def test_an_interactions_first_response_is_timed_from_its_snowflake():
    count = sample("seasonwatch_reply_latency_seconds_count")
    total = sample("seasonwatch_reply_latency_seconds_sum")
    now = time.time()
    metrics.seen_response(f"/api/v10/interactions/{snowflake(now - 0.25)}/tok/callback", 200, {}, now)
    assert sample("seasonwatch_reply_latency_seconds_count") == count + 1
    assert abs(sample("seasonwatch_reply_latency_seconds_sum") - total - 0.25) < 0.002


def test_follow_ups_refusals_and_a_future_snowflake_are_not_latencies_below_zero():
    count = sample("seasonwatch_reply_latency_seconds_count")
    total = sample("seasonwatch_reply_latency_seconds_sum")
    now = time.time()
    metrics.seen_response("/api/v10/webhooks/1/tok/messages/@original", 200, {}, now)
    metrics.seen_response(f"/api/v10/interactions/{snowflake(now)}/tok/callback", 400, {}, now)
    assert sample("seasonwatch_reply_latency_seconds_count") == count
    metrics.seen_response(f"/api/v10/interactions/{snowflake(now + 5)}/tok/callback", 204, {}, now)
    assert sample("seasonwatch_reply_latency_seconds_count") == count + 1
    assert sample("seasonwatch_reply_latency_seconds_sum") == total


def test_a_429_is_counted_by_its_scope():
    user = sample("seasonwatch_discord_rate_limited_total", scope="user")
    shared = sample("seasonwatch_discord_rate_limited_total", scope="shared")
    metrics.seen_response("/api/v10/channels/1/messages", 429, {}, time.time())
    metrics.seen_response("/api/v10/channels/1/messages", 429, {"X-RateLimit-Scope": "shared"}, time.time())
    metrics.seen_response("/api/v10/channels/1/messages", 200, {}, time.time())
    assert sample("seasonwatch_discord_rate_limited_total", scope="user") == user + 1
    assert sample("seasonwatch_discord_rate_limited_total", scope="shared") == shared + 1


async def test_the_http_trace_sees_every_response_of_a_session_that_carries_it():
    async def callback(request):
        return web.Response(status=204)

    async def limited(request):
        return web.json_response({"retry_after": 0.1, "global": True}, status=429,
                                 headers={"X-RateLimit-Scope": "global"})

    app = web.Application()
    app.router.add_post("/api/v10/interactions/{id}/{token}/callback", callback)
    app.router.add_post("/api/v10/channels/{id}/messages", limited)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    replies = sample("seasonwatch_reply_latency_seconds_count")
    limits = sample("seasonwatch_discord_rate_limited_total", scope="global")
    try:
        async with aiohttp.ClientSession(trace_configs=[metrics.http_trace()]) as session:
            base = f"http://127.0.0.1:{port}/api/v10"
            async with session.post(f"{base}/interactions/{snowflake(time.time())}/tok/callback"):
                pass
            async with session.post(f"{base}/channels/5/messages"):
                pass
    finally:
        await runner.cleanup()
    assert sample("seasonwatch_reply_latency_seconds_count") == replies + 1
    assert sample("seasonwatch_discord_rate_limited_total", scope="global") == limits + 1
