"""`Server`: the aiohttp app tying world, REST, gateway and records together.

Its REST routes and gateway are plugged in by its subclass `standin.world_events.WorldEvents`
(they need the server; the server needs only their `handle`). Tests use the last subclass,
`standin.driver.StandIn`, which adds the user-side actions.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from typing import Any, Protocol

from aiohttp import web

from .interactions import InteractionState
from .mentions import compute_pings
from .ratelimit import Bucket, Buckets
from .records import Faults, MentionRecord, RateLimitRecord, RequestRecord, Violation
from .world import MENTION_EVERYONE, Channel, Message, Pings, World, iso_now

log = logging.getLogger(__name__)


class Endpoint(Protocol):
    """One side of the server (REST or gateway): what answers a request."""

    async def handle(self, request: web.Request) -> web.StreamResponse: ...


class GatewayEndpoint(Endpoint, Protocol):
    async def close_all(self) -> None: ...


class Server:
    rest: Endpoint
    gateway: GatewayEndpoint

    def __init__(
        self,
        *,
        token: str | None = None,
        bot_name: str = "seasonwatch",
        channel_rate: tuple[int, float] = (5, 5.0),
        global_rate: int = 50,
        crosspost_rate: tuple[int, float] = (10, 3600.0),
        interaction_deadline: float = 3.0,
        followup_window: float = 900.0,
        nonce_window: float = 300.0,
        validate_schema: bool = True,
        shard_count: int = 1,
    ) -> None:
        self.world = World(bot_name)
        # How many shards the bot must run (GET /gateway/bot; IDENTIFY must say this many).
        self.shard_count = shard_count
        self.token = token or f"standin.{secrets.token_urlsafe(24)}"
        self.app_owner = self.world.add_user("app-owner")
        self.channel_rate = channel_rate
        self.crosspost_rate = crosspost_rate
        self.global_bucket = Bucket("global", global_rate, 1.0)
        self.buckets = Buckets()
        self.interaction_deadline = interaction_deadline
        self.followup_window = followup_window
        self.nonce_window = nonce_window
        # Benchmarks turn this off so that timing the bot does not time the validator;
        # Discord's size limits are still enforced.
        self.validate_schema = validate_schema

        self.requests: list[RequestRecord] = []
        self.violations: list[Violation] = []
        self.rate_limited: list[RateLimitRecord] = []
        self.pings: list[Pings] = []
        self.messages_without_allowed_mentions: list[Message] = []
        self.mention_records: list[MentionRecord] = []  # every create and edit by the bot
        self.crossposts: list[Message] = []
        self.role_changes: list[tuple[str, int, int]] = []  # ("add"/"remove", user id, role id)
        self.scheduled_events: dict[int, dict[str, Any]] = {}  # by id, as Discord returns them
        self.event_log: list[tuple[str, int]] = []  # ("create"/"modify"/"cancel"/"delete", id)
        self.faults = Faults()

        self.commands: dict[int | None, list[dict[str, Any]]] = {}
        self.commands_synced = asyncio.Event()
        self.interactions: dict[int, InteractionState] = {}
        self.interactions_by_token: dict[str, InteractionState] = {}
        self.all_messages: dict[int, Message] = {}
        self._nonces: dict[tuple[int, str], tuple[float, Message]] = {}

        self._runner: web.AppRunner | None = None
        self.port = 0

    # -- lifecycle --------------------------------------------------------------------------

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        app = web.Application()
        app.router.add_get("/", self.gateway.handle)
        app.router.add_route("*", "/{tail:.*}", self.rest.handle)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
        self.host = host
        log.info("stand-in listening on %s", self.api_base)

    async def stop(self) -> None:
        await self.gateway.close_all()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Server:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/"

    @property
    def bot_user_id(self) -> int:
        return self.world.bot.id

    @property
    def application_id(self) -> int:
        return self.world.application_id

    # -- records ------------------------------------------------------------------------------

    def violation(self, kind: str, method: str, path: str, detail: Any) -> None:
        v = Violation(kind, method, path, detail)
        log.warning("violation: %s", v)
        self.violations.append(v)

    # -- messages -----------------------------------------------------------------------------

    def create_message(
        self,
        channel: Channel,
        body: dict[str, Any],
        *,
        interaction: InteractionState | None = None,
        record: bool = True,
    ) -> Message:
        """Store a message the bot sent (channel send, interaction response or followup).

        `record=False` is for the placeholder of a deferred response: it pings nobody yet.
        """
        world = self.world
        msg = Message(
            id=world.new_id(),
            channel_id=channel.id,
            author=world.bot,
            flags=int(body.get("flags") or 0),
            nonce=body.get("nonce"),
            guild_id=channel.guild.id if channel.guild else None,
            interaction_id=interaction.id if interaction else None,
            application_id=world.application_id if interaction else None,
        )
        self._apply(msg, body)
        self.all_messages[msg.id] = msg
        if not msg.ephemeral:
            channel.messages.append(msg)
        if msg.nonce is not None:
            self._nonces[(channel.id, str(msg.nonce))] = (time.monotonic(), msg)
        if record:
            kind = "interaction message" if interaction else "channel message"
            self._record_mentions(msg, body, interaction, kind)
        return msg

    def update_message(
        self, msg: Message, body: dict[str, Any], *, first_fill: bool = False
    ) -> None:
        self._apply(msg, body)
        interaction = self.interactions.get(msg.interaction_id or 0)
        if first_fill:
            msg.flags &= ~128  # no longer "thinking"
            self._record_mentions(msg, body, interaction, "deferred reply")
        else:
            msg.edited_timestamp = iso_now()
            # An edit notifies nobody new, but its allowed_mentions still decides the mentions.
            self._note_allowed_mentions(msg, body, "edit", interaction)
            msg.would_ping = self._would_ping(msg, body, interaction)

    def _apply(self, msg: Message, body: dict[str, Any]) -> None:
        # PATCH semantics: a present key replaces (null clears), an absent key is kept.
        if "content" in body:
            msg.content = body["content"] or ""
        if "embeds" in body:
            msg.embeds = [self._embed_out(e) for e in body["embeds"] or []]
        if "components" in body:
            msg.components = body["components"] or []
        if "allowed_mentions" in body:
            msg.allowed_mentions = body["allowed_mentions"]
        if body.get("flags") is not None and not msg.flags & 128:
            # Only SUPPRESS_EMBEDS may change after creation; keep ephemeral as it was.
            msg.flags = (msg.flags & ~4) | (int(body["flags"]) & 4)

    @staticmethod
    def _embed_out(embed: dict[str, Any]) -> dict[str, Any]:
        data = {k: v for k, v in embed.items() if v is not None}
        data.setdefault("type", "rich")
        return data

    def _record_mentions(
        self, msg: Message, body: dict[str, Any], interaction: InteractionState | None, kind: str
    ) -> None:
        if body.get("allowed_mentions") is None:
            self.messages_without_allowed_mentions.append(msg)
        self._note_allowed_mentions(msg, body, kind, interaction)
        msg.would_ping = self._would_ping(msg, body, interaction)
        msg.pings = msg.would_ping
        if msg.ephemeral:
            msg.pings = Pings(
                msg.id, msg.channel_id
            )  # only the invoking user sees it; nobody is notified
        self.pings.append(msg.pings)

    def _note_allowed_mentions(
        self, msg: Message, body: dict[str, Any], kind: str, interaction: InteractionState | None
    ) -> None:
        self.mention_records.append(
            MentionRecord(
                kind,
                msg.id,
                msg.channel_id,
                interaction is not None,
                body.get("allowed_mentions"),
                msg.content,
            )
        )

    def _would_ping(
        self, msg: Message, body: dict[str, Any], interaction: InteractionState | None
    ) -> Pings:
        """Whom the content mentions under the body's allowed_mentions, even if ephemeral."""
        channel = self.world.channels[msg.channel_id]
        guild = channel.guild
        if interaction is not None:
            may_everyone = True  # interaction replies are webhook messages
        elif guild is not None and guild.bot_member is not None:
            may_everyone = bool(guild.permissions_in(guild.bot_member, channel) & MENTION_EVERYONE)
        else:
            may_everyone = False
        return compute_pings(
            message_id=msg.id,
            channel_id=channel.id,
            content=msg.content,
            allowed_mentions=body.get("allowed_mentions"),
            guild=guild,
            may_mention_everyone=may_everyone,
        )

    def find_nonce(self, channel: Channel, nonce: str | int) -> Message | None:
        found = self._nonces.get((channel.id, str(nonce)))
        if found is None:
            return None
        when, msg = found
        if time.monotonic() - when > self.nonce_window or msg.deleted:
            return None
        return msg
