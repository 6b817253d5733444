"""What the bot counts for operators, in Prometheus' terms (served as text by bot/web/ops.py).

The lowest layer, importing nothing of the bot's: every layer can count where a thing happens
(the command tree, the one exactly-once sender, the feed poller, discord.py's HTTP client)
without an import cycle. One registry per process, not prometheus-client's global one, so that
only the bot's own series are served and a test can read exactly these.

Counters only ever go up: tests and dashboards read how much they moved.
"""

from __future__ import annotations

import logging
import re
import time
from types import SimpleNamespace
from typing import Any

import aiohttp
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

log = logging.getLogger(__name__)

REGISTRY = CollectorRegistry()

# What an interaction came to: answered normally; refused by the user's input (bad option, a
# rule of the domain); refused by a check (permission, cooldown, shutting down); or failed on
# our side (a bug, the database).
OUTCOMES = ("ok", "user_error", "refused", "failed")
SEND_KINDS = ("announcement", "dm", "review", "event")
SEND_OUTCOMES = ("sent", "retried", "given_up", "refused")
FETCH_KINDS = ("feed", "listing")
FETCH_OUTCOMES = ("ok", "unchanged", "failed")

INTERACTIONS = Counter(
    "seasonwatch_interactions", "Slash commands answered, by command and outcome.",
    ["command", "outcome"], registry=REGISTRY)
REPLY_LATENCY = Histogram(
    "seasonwatch_reply_latency_seconds",
    "From an interaction's creation (its snowflake) to the bot's first response to it.",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0),
    registry=REGISTRY)
SENDS = Counter(
    "seasonwatch_sends", "Attempts of the exactly-once sender, by kind and outcome.",
    ["kind", "outcome"], registry=REGISTRY)
RATE_LIMITED = Counter(
    "seasonwatch_discord_rate_limited", "HTTP 429 answers from Discord, by X-RateLimit-Scope.",
    ["scope"], registry=REGISTRY)
FETCHES = Counter(
    "seasonwatch_fetches", "Fetches of news feeds and TVmaze listings, by kind and outcome.",
    ["kind", "outcome"], registry=REGISTRY)
# Read when scraped (bot/web/ops.py sets them just before it renders).
BACKLOG = Gauge(
    "seasonwatch_outbox_backlog", "Sends waiting in the outbox, by kind.", ["kind"], registry=REGISTRY)
OLDEST_PENDING = Gauge(
    "seasonwatch_outbox_oldest_pending_seconds",
    "Age of the oldest send waiting in the outbox, by kind (absent when none waits).",
    ["kind"], registry=REGISTRY)
GATEWAY_LATENCY = Gauge(
    "seasonwatch_gateway_latency_seconds", "Heartbeat round trip per gateway shard.",
    ["shard"], registry=REGISTRY)
GATEWAY_UP = Gauge(
    "seasonwatch_gateway_up", "1 while the shard's gateway connection is open.", ["shard"],
    registry=REGISTRY)
DATABASE_UP = Gauge(
    "seasonwatch_database_up", "1 if the database answered the scrape's query in time.", registry=REGISTRY)
GUILDS = Gauge("seasonwatch_guilds", "Servers this process sees.", registry=REGISTRY)

# Present at 0 from the start, so that a rate over them is defined before the first one.
for _kind in SEND_KINDS:
    for _outcome in SEND_OUTCOMES:
        SENDS.labels(_kind, _outcome)
for _kind in FETCH_KINDS:
    for _outcome in FETCH_OUTCOMES:
        FETCHES.labels(_kind, _outcome)


def count_interaction(command: str, outcome: str) -> None:
    """One slash command (its qualified name, `edit cast`) came to `outcome` (OUTCOMES)."""
    INTERACTIONS.labels(command, outcome).inc()


def count_send(kind: str, outcome: str) -> None:
    """One attempt of the exactly-once sender of `kind` (SEND_KINDS) came to `outcome`."""
    SENDS.labels(kind, outcome).inc()


def count_fetch(kind: str, outcome: str) -> None:
    """One fetch of a news feed or a TVmaze listing (FETCH_KINDS) came to `outcome`:
    `ok` (new content), `unchanged` (304 or the same data), `failed`."""
    FETCHES.labels(kind, outcome).inc()


# A first response to an interaction: POST /interactions/{id}/{token}/callback.
_CALLBACK = re.compile(r"/interactions/(\d+)/[^/]+/callback$")
_DISCORD_EPOCH = 1420070400.0


def created_at(snowflake: int) -> float:
    """Unix time a Discord id was made at (its top bits are milliseconds since 2015)."""
    return _DISCORD_EPOCH + (snowflake >> 22) / 1000


def seen_response(path: str, status: int, headers: Any, now: float) -> None:
    """Count what one response of Discord's REST API says: a 429, or the first answer to an
    interaction (its latency: the time since the interaction was created)."""
    if status == 429:
        RATE_LIMITED.labels(str(headers.get("X-RateLimit-Scope") or "user")).inc()
    match = _CALLBACK.search(path)
    if match is not None and status < 400:
        # Clocks differ by a few ms (and the snowflake has ms steps): never below zero.
        REPLY_LATENCY.observe(max(0.0, now - created_at(int(match.group(1)))))


def http_trace() -> aiohttp.TraceConfig:
    """For discord.py's HTTP client (`Client(http_trace=...)`): every request it makes, its
    own retries after a 429 included, passes here; nothing else sees all of them."""
    trace = aiohttp.TraceConfig()

    async def on_request_end(session: aiohttp.ClientSession, context: SimpleNamespace,
                             params: aiohttp.TraceRequestEndParams) -> None:
        seen_response(params.url.path, params.response.status, params.response.headers, time.time())

    trace.on_request_end.append(on_request_end)
    return trace
