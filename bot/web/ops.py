"""`/healthz` and `/metrics`: the operator's two paths, mounted on the web server with the pages
(`ops_routes(health)`). Both say things about the bot's insides (its backlog, the feeds it
follows): the README says to keep them private at the reverse proxy.
"""

from __future__ import annotations

import json
import logging

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from bot import metrics
from bot.web.health import Health, Report

log = logging.getLogger(__name__)

# Never cached: each answer is a fresh look.
NO_STORE = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


def ops_routes(health: Health) -> list[web.RouteDef]:
    """The route definitions of /healthz and /metrics (GET; aiohttp answers HEAD as well)."""

    async def healthz(request: web.Request) -> web.Response:
        report = await health.check()
        return web.json_response(report.as_json(), status=200 if report.healthy else 503,
                                 headers=NO_STORE, dumps=lambda data: json.dumps(data, indent=1))

    async def prometheus(request: web.Request) -> web.Response:
        record_scrape(await health.check())
        return web.Response(body=generate_latest(metrics.REGISTRY),
                            headers={**NO_STORE, "Content-Type": CONTENT_TYPE_LATEST})

    return [web.get("/healthz", healthz), web.get("/metrics", prometheus)]


def record_scrape(report: Report) -> None:
    """Set the gauges read at scrape time from one health look; a gauge the look could not read
    (the database down: no backlog) is left out rather than shown stale."""
    metrics.GUILDS.set(report.gateway.guilds)
    metrics.DATABASE_UP.set(1 if report.database_ok else 0)
    metrics.GATEWAY_UP.clear()
    metrics.GATEWAY_LATENCY.clear()
    for shard in report.gateway.shards:
        metrics.GATEWAY_UP.labels(str(shard.id)).set(1 if shard.up else 0)
        if shard.latency is not None:
            metrics.GATEWAY_LATENCY.labels(str(shard.id)).set(shard.latency)
    metrics.BACKLOG.clear()
    metrics.OLDEST_PENDING.clear()
    for queue in report.queues or ():
        metrics.BACKLOG.labels(queue.kind).set(queue.pending)
        age = queue.oldest_age(report.checked_at)
        if age is not None:
            metrics.OLDEST_PENDING.labels(queue.kind).set(age)
