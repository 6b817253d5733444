"""REST API v10 routes of the stand-in.

One catch-all aiohttp handler matches every request against the paths of Discord's OpenAPI
spec, so an unknown route and a known-but-unimplemented one are told apart, then runs the
common pipeline (record, latency, auth, faults, global rate limit, body validation) and the
route's handler. Handlers raise `ApiError` for Discord's JSON errors.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .limits import check_message, is_empty
from .names import command_problems
from .ratelimit import Bucket
from .records import RateLimitRecord, RequestRecord
from .rest_events import install as install_event_routes
from .rest_interactions import InteractionRoutes
from .rest_members import install as install_member_routes
from .rest_messages import MessageRoutes
from .rest_types import MISSING_ACCESS, MISSING_PERMISSIONS, ApiError, Call, Handler, json_response, unknown
from .schema import add_error, body_required, has_method, match_route, validate_body
from .world import (
    DM,
    EMBED_LINKS,
    READ_MESSAGE_HISTORY,
    SEND_MESSAGES,
    VIEW_CHANNEL,
    Channel,
    Guild,
    Message,
)

if TYPE_CHECKING:
    from .server import Server

log = logging.getLogger(__name__)

# Routes that carry an interaction token instead of the bot token (and are outside the
# global rate limit, as on Discord).
TOKEN_ROUTES = ("/interactions/", "/webhooks/")


class Rest:
    def __init__(self, server: Server) -> None:
        self.server = server
        self.handlers: dict[tuple[str, str], Handler] = {}
        r = self.route
        r("GET", "/users/@me", self.get_me)
        r("GET", "/gateway", self.get_gateway)
        r("GET", "/gateway/bot", self.get_gateway_bot)
        r("GET", "/oauth2/applications/@me", self.get_application)
        r("GET", "/applications/{application_id}/commands", self.get_commands)
        r("PUT", "/applications/{application_id}/commands", self.put_commands)
        r("GET", "/applications/{application_id}/guilds/{guild_id}/commands", self.get_commands)
        r("PUT", "/applications/{application_id}/guilds/{guild_id}/commands", self.put_commands)
        r("GET", "/channels/{channel_id}", self.get_channel)
        r("GET", "/guilds/{guild_id}", self.get_guild)
        r("GET", "/guilds/{guild_id}/members/{user_id}", self.get_member)
        r("GET", "/guilds/{guild_id}/channels", self.get_guild_channels)
        r("GET", "/guilds/{guild_id}/roles", self.get_roles)
        r("POST", "/users/@me/channels", self.open_dm)
        self.interactions = InteractionRoutes(self)
        self.messages = MessageRoutes(self)
        install_member_routes(self)
        install_event_routes(self)

    def route(self, method: str, template: str, handler: Handler) -> None:
        assert has_method(template, method), (method, template)
        self.handlers[(method, template)] = handler

    # -- pipeline -------------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.Response:
        server = self.server
        method = request.method
        prefix = "/api/v10"
        path = request.path[len(prefix) :] if request.path.startswith(prefix) else request.path
        body = await self._read_body(request)
        record = RequestRecord(method, path, dict(request.query), body)
        server.requests.append(record)
        if server.faults.latency:
            await asyncio.sleep(server.faults.latency)
        try:
            response = await self._dispatch(request, method, path, body, record)
        except ApiError as exc:
            response = json_response(exc.body(), exc.status)
            record.response = exc.body()
        record.status = response.status
        if response.status >= 400:
            log.debug("%s %s -> %s %s", method, path, response.status, record.response)
        return response

    async def _read_body(self, request: web.Request) -> Any:
        if not request.can_read_body:
            return None
        if request.content_type == "multipart/form-data":
            # discord.py sends multipart only with files; the JSON part is `payload_json`.
            form = await request.post()
            raw = form.get("payload_json")
            return json.loads(raw) if isinstance(raw, str) else None
        text = await request.text()
        if not text:
            return None
        try:
            return json.loads(text)
        except ValueError:
            return {"__invalid_json__": text[:200]}

    async def _dispatch(
        self, request: web.Request, method: str, path: str, body: Any, record: RequestRecord
    ) -> web.Response:
        server = self.server
        if not request.path.startswith("/api/v10/"):
            server.violation("unknown_route", method, path, "not under /api/v10")
            raise ApiError(404, 0, "404: Not Found")
        match = match_route(path)
        if match is None or not has_method(match.template, method):
            server.violation("unknown_route", method, path, "not a Discord API route")
            raise ApiError(
                404 if match is None else 405,
                0,
                "404: Not Found" if match is None else "405: Method Not Allowed",
            )
        handler = self.handlers.get((method, match.template))
        if handler is None:
            server.violation(
                "unimplemented_route", method, path, f"stand-in does not implement {match.template}"
            )
            raise ApiError(404, 0, "404: Not Found")
        token_route = path.startswith(TOKEN_ROUTES)
        if not token_route and request.headers.get("Authorization") != f"Bot {server.token}":
            server.violation("unauthorized", method, path, "missing or wrong bot token")
            raise ApiError(401, 0, "401: Unauthorized")

        fault = server.faults.take(method, match.template, match.params, path)
        if fault is not None:
            return self._fault_response(fault, method, path)

        if not token_route:
            wait = server.global_bucket.take()
            if wait:
                return self._too_many(method, path, server.global_bucket, wait, is_global=True)

        if body is not None and isinstance(body, dict) and "__invalid_json__" in body:
            server.violation("invalid_json", method, path, body["__invalid_json__"])
            raise ApiError(400, 50109, "The request body contains invalid JSON.")
        if body is None and body_required(match.template, method):
            body = {}
        if body is not None and server.validate_schema:
            errors = validate_body(match.template, method, body)
            if errors:
                server.violation("invalid_body", method, path, errors)
                raise ApiError(400, 50035, "Invalid Form Body", errors)

        bucket = self._route_bucket(method, match.template, match.params)
        if bucket is not None:
            wait = bucket.take()
            if wait:
                return self._too_many(method, path, bucket, wait, is_global=False)

        call = Call(method, path, match.template, match.params, dict(request.query), body, record)
        result = await handler(call)
        record.response = result
        headers = bucket.headers() if bucket is not None else {}
        if result is None:
            return web.Response(status=204, headers=headers)
        return json_response(result, headers=headers)

    def _route_bucket(self, method: str, template: str, params: dict[str, str]) -> Bucket | None:
        server = self.server
        if method == "POST" and template == "/channels/{channel_id}/messages":
            limit, period = server.channel_rate
            return server.buckets.get("channel-messages-post", params["channel_id"], limit, period)
        if (
            method == "POST"
            and template == "/channels/{channel_id}/messages/{message_id}/crosspost"
        ):
            limit, period = server.crosspost_rate
            return server.buckets.get("channel-crosspost", params["channel_id"], limit, period)
        return None

    def _too_many(
        self, method: str, path: str, bucket: Bucket, wait: float, *, is_global: bool
    ) -> web.Response:
        self.server.rate_limited.append(RateLimitRecord(method, path, bucket.name, wait, is_global))
        body = {
            "message": "You are being rate limited.",
            "retry_after": round(wait, 3),
            "global": is_global,
        }
        headers = bucket.headers()
        headers.update({"Retry-After": str(max(1, round(wait))), "Via": "1.1 google"})
        if is_global:
            headers["X-RateLimit-Global"] = "true"
            headers["X-RateLimit-Scope"] = "global"
        else:
            headers["X-RateLimit-Scope"] = "user"
        return json_response(body, 429, headers)

    def _fault_response(self, fault: Any, method: str, path: str) -> web.Response:
        if fault.status == 429:
            bucket = Bucket("injected-fault", 1, fault.retry_after)
            bucket.hits.append(time.monotonic())
            return self._too_many(method, path, bucket, fault.retry_after, is_global=False)
        body = (
            fault.body
            if fault.body is not None
            else {"message": f"{fault.status}: injected fault", "code": fault.code}
        )
        return json_response(body, fault.status)

    # -- helpers ----------------------------------------------------------------------

    def channel(self, call: Call) -> Channel:
        ch = self.server.world.channels.get(int(call.params["channel_id"]))
        if ch is None or ch.deleted:
            raise unknown("Channel", 10003)
        if ch.guild is not None and ch.guild.bot_member is None:
            raise ApiError(*MISSING_ACCESS)
        return ch

    def bot_perms(self, ch: Channel) -> int:
        if ch.guild is None:
            return VIEW_CHANNEL | SEND_MESSAGES | EMBED_LINKS | READ_MESSAGE_HISTORY
        me = ch.guild.bot_member
        return ch.guild.permissions_in(me, ch) if me else 0

    def require(self, ch: Channel, *bits: int) -> None:
        perms = self.bot_perms(ch)
        if not perms & VIEW_CHANNEL:
            raise ApiError(*MISSING_ACCESS)
        for bit in bits:
            if not perms & bit:
                raise ApiError(*MISSING_PERMISSIONS)

    def guild(self, call: Call) -> Guild:
        guild = self.server.world.guilds.get(int(call.params["guild_id"]))
        if guild is None:
            raise unknown("Guild", 10004)
        if guild.bot_member is None:
            raise ApiError(*MISSING_ACCESS)
        return guild

    def check_content(self, call: Call, body: dict[str, Any], *, creating: bool) -> None:
        errors = check_message(body)
        if errors:
            self.server.violation("content_limits", call.method, call.path, errors)
            raise ApiError(400, 50035, "Invalid Form Body", errors)
        if creating and is_empty(body):
            self.server.violation("empty_message", call.method, call.path, body)
            raise ApiError(400, 50006, "Cannot send an empty message")

    def message_in(self, ch: Channel, call: Call) -> Message:
        msg = self.server.all_messages.get(int(call.params["message_id"]))
        if msg is None or msg.deleted or msg.channel_id != ch.id or msg.ephemeral:
            raise unknown("Message", 10008)
        return msg

    # -- identity -----------------------------------------------------------------------

    async def get_me(self, call: Call) -> Any:
        data = self.server.world.bot.payload()
        data.update({"verified": True, "mfa_enabled": False, "flags": 0, "locale": "en-US"})
        return data

    async def get_gateway(self, call: Call) -> Any:
        return {"url": self.server.gateway_url}

    async def get_gateway_bot(self, call: Call) -> Any:
        return {
            "url": self.server.gateway_url,
            "shards": self.server.shard_count,
            "session_start_limit": {
                "total": 1000,
                "remaining": 999,
                "reset_after": 0,
                "max_concurrency": 1,
            },
        }

    async def get_application(self, call: Call) -> Any:
        world = self.server.world
        return {
            "id": str(world.application_id),
            "name": world.bot.name,
            "icon": None,
            "description": "",
            "summary": "",
            "type": None,
            "bot_public": True,
            "bot_require_code_grant": False,
            "verify_key": "0" * 64,
            "flags": 0,
            "owner": self.server.app_owner.payload(),
            "team": None,
            "bot": world.bot.payload(),
            "interactions_endpoint_url": None,
            "redirect_uris": [],
            "tags": [],
        }

    # -- commands -----------------------------------------------------------------------

    def _scope(self, call: Call) -> int | None:
        if int(call.params["application_id"]) != self.server.world.application_id:
            raise unknown("Application", 10002)
        return int(call.params["guild_id"]) if "guild_id" in call.params else None

    async def get_commands(self, call: Call) -> Any:
        return self.server.commands.get(self._scope(call), [])

    async def put_commands(self, call: Call) -> Any:
        scope = self._scope(call)
        if scope is not None:
            self.guild(call)
        problems = command_problems(call.body)
        if problems:
            # Discord's 50035 names no culprit; the stand-in lists them, so the test says which.
            errors: dict[str, Any] = {}
            for i, problem in enumerate(problems):
                add_error(errors, ["commands", i], "APPLICATION_COMMAND_INVALID", problem)
            raise ApiError(400, 50035, "Invalid Form Body", errors)
        stored = []
        previous = {c["name"]: c for c in self.server.commands.get(scope, [])}
        for cmd in call.body:
            data = dict(cmd)
            old = previous.get(data["name"])
            data["id"] = old["id"] if old else str(self.server.world.new_id())
            data["application_id"] = str(self.server.world.application_id)
            data["version"] = str(self.server.world.new_id())
            data.setdefault("type", 1)
            data.setdefault("default_member_permissions", None)
            data.setdefault("nsfw", False)
            data.setdefault("contexts", None)
            data.setdefault("integration_types", [0])
            if scope is not None:
                data["guild_id"] = str(scope)
            stored.append(data)
        self.server.commands[scope] = stored
        self.server.commands_synced.set()
        log.debug("commands synced for %s: %s", scope or "global", [c["name"] for c in stored])
        return stored

    # -- channels -----------------------------------------------------------------------

    async def get_channel(self, call: Call) -> Any:
        ch = self.channel(call)
        if ch.type != DM:
            self.require(ch)
        return ch.payload()

    # -- guilds ---------------------------------------------------------------------------

    async def get_guild(self, call: Call) -> Any:
        guild = self.guild(call)
        data = guild.payload()
        if call.query.get("with_counts") in ("1", "true"):
            data["approximate_member_count"] = len(guild.members)
            data["approximate_presence_count"] = 0
        return data

    async def get_member(self, call: Call) -> Any:
        guild = self.guild(call)
        member = guild.member(int(call.params["user_id"]))
        if member is None:
            raise unknown("Member", 10007)
        return member.payload()

    async def get_guild_channels(self, call: Call) -> Any:
        guild = self.guild(call)
        return [c.payload() for c in guild.channels.values() if not c.deleted]

    async def get_roles(self, call: Call) -> Any:
        guild = self.guild(call)
        return [r.payload() for r in guild.roles.values()]

    async def open_dm(self, call: Call) -> Any:
        user = self.server.world.user(int(call.body.get("recipient_id", 0)))
        if user is None:
            raise unknown("User", 10013)
        return self.server.world.dm_channel(user).payload()
