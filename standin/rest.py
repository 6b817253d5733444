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
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aiohttp import web

from . import interactions as ix
from . import limits, rest_events, rest_members, schema
from .names import command_problems
from .ratelimit import Bucket
from .records import RateLimitRecord, RequestRecord
from .world import (
    ANNOUNCEMENT,
    DM,
    EMBED_LINKS,
    MANAGE_MESSAGES,
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

JSON = "application/json"  # exactly this: discord.py rejects a charset suffix


class ApiError(Exception):
    def __init__(
        self, status: int, code: int, message: str, errors: dict[str, Any] | None = None
    ) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors

    def body(self) -> dict[str, Any]:
        data: dict[str, Any] = {"message": self.message, "code": self.code}
        if self.errors:
            data["errors"] = self.errors
        return data


def unknown(what: str, code: int) -> ApiError:
    return ApiError(404, code, f"Unknown {what}")


MISSING_ACCESS = (403, 50001, "Missing Access")
MISSING_PERMISSIONS = (403, 50013, "Missing Permissions")


@dataclass
class Call:
    method: str
    path: str
    template: str
    params: dict[str, str]
    query: dict[str, str]
    body: Any
    record: RequestRecord


def json_response(
    data: Any, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    return web.Response(
        status=status,
        body=json.dumps(data).encode(),
        headers={"Content-Type": JSON, **(headers or {})},
    )


Handler = Callable[[Call], Awaitable[Any]]

# Routes that carry an interaction token instead of the bot token (and are outside the
# global rate limit, as on Discord).
TOKEN_ROUTES = ("/interactions/", "/webhooks/")


class Rest:
    def __init__(self, server: Server) -> None:
        self.server = server
        self.handlers: dict[tuple[str, str], Handler] = {}
        r = self._route
        r("GET", "/users/@me", self.get_me)
        r("GET", "/gateway", self.get_gateway)
        r("GET", "/gateway/bot", self.get_gateway_bot)
        r("GET", "/oauth2/applications/@me", self.get_application)
        r("GET", "/applications/{application_id}/commands", self.get_commands)
        r("PUT", "/applications/{application_id}/commands", self.put_commands)
        r("GET", "/applications/{application_id}/guilds/{guild_id}/commands", self.get_commands)
        r("PUT", "/applications/{application_id}/guilds/{guild_id}/commands", self.put_commands)
        r("POST", "/interactions/{interaction_id}/{interaction_token}/callback", self.callback)
        r(
            "GET",
            "/webhooks/{webhook_id}/{webhook_token}/messages/@original",
            self.get_webhook_message,
        )
        r(
            "PATCH",
            "/webhooks/{webhook_id}/{webhook_token}/messages/@original",
            self.edit_webhook_message,
        )
        r(
            "DELETE",
            "/webhooks/{webhook_id}/{webhook_token}/messages/@original",
            self.delete_webhook_message,
        )
        r(
            "GET",
            "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}",
            self.get_webhook_message,
        )
        r(
            "PATCH",
            "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}",
            self.edit_webhook_message,
        )
        r(
            "DELETE",
            "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}",
            self.delete_webhook_message,
        )
        r("POST", "/webhooks/{webhook_id}/{webhook_token}", self.followup)
        r("POST", "/channels/{channel_id}/messages", self.post_message)
        r("GET", "/channels/{channel_id}/messages", self.list_messages)
        r("GET", "/channels/{channel_id}/messages/{message_id}", self.get_message)
        r("PATCH", "/channels/{channel_id}/messages/{message_id}", self.edit_message)
        r("DELETE", "/channels/{channel_id}/messages/{message_id}", self.delete_message)
        r("POST", "/channels/{channel_id}/messages/{message_id}/crosspost", self.crosspost)
        r("GET", "/channels/{channel_id}", self.get_channel)
        r("GET", "/guilds/{guild_id}", self.get_guild)
        r("GET", "/guilds/{guild_id}/members/{user_id}", self.get_member)
        r("GET", "/guilds/{guild_id}/channels", self.get_guild_channels)
        r("GET", "/guilds/{guild_id}/roles", self.get_roles)
        r("POST", "/users/@me/channels", self.open_dm)
        rest_members.install(self)
        rest_events.install(self)

    def _route(self, method: str, template: str, handler: Handler) -> None:
        assert schema.has_method(template, method), (method, template)
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
        match = schema.match_route(path)
        if match is None or not schema.has_method(match.template, method):
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
        if body is None and schema.body_required(match.template, method):
            body = {}
        if body is not None and server.validate_schema:
            errors = schema.validate_body(match.template, method, body)
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

    def _channel(self, call: Call) -> Channel:
        ch = self.server.world.channels.get(int(call.params["channel_id"]))
        if ch is None or ch.deleted:
            raise unknown("Channel", 10003)
        if ch.guild is not None and ch.guild.bot_member is None:
            raise ApiError(*MISSING_ACCESS)
        return ch

    def _bot_perms(self, ch: Channel) -> int:
        if ch.guild is None:
            return VIEW_CHANNEL | SEND_MESSAGES | EMBED_LINKS | READ_MESSAGE_HISTORY
        me = ch.guild.bot_member
        return ch.guild.permissions_in(me, ch) if me else 0

    def _require(self, ch: Channel, *bits: int) -> None:
        perms = self._bot_perms(ch)
        if not perms & VIEW_CHANNEL:
            raise ApiError(*MISSING_ACCESS)
        for bit in bits:
            if not perms & bit:
                raise ApiError(*MISSING_PERMISSIONS)

    def _guild(self, call: Call) -> Guild:
        guild = self.server.world.guilds.get(int(call.params["guild_id"]))
        if guild is None:
            raise unknown("Guild", 10004)
        if guild.bot_member is None:
            raise ApiError(*MISSING_ACCESS)
        return guild

    def _check_content(self, call: Call, body: dict[str, Any], *, creating: bool) -> None:
        errors = limits.check_message(body)
        if errors:
            self.server.violation("content_limits", call.method, call.path, errors)
            raise ApiError(400, 50035, "Invalid Form Body", errors)
        if creating and limits.is_empty(body):
            self.server.violation("empty_message", call.method, call.path, body)
            raise ApiError(400, 50006, "Cannot send an empty message")

    def _message_in(self, ch: Channel, call: Call) -> Message:
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
            self._guild(call)
        problems = command_problems(call.body)
        if problems:
            # Discord's 50035 names no culprit; the stand-in lists them, so the test says which.
            errors: dict[str, Any] = {}
            for i, problem in enumerate(problems):
                schema.add_error(errors, ["commands", i], "APPLICATION_COMMAND_INVALID", problem)
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

    # -- interactions -------------------------------------------------------------------

    def _interaction(
        self, call: Call, *, id_key: str, token_key: str, window: float
    ) -> ix.InteractionState:
        token = call.params[token_key]
        state = self.server.interactions_by_token.get(token)
        if id_key == "webhook_id":
            if int(call.params["webhook_id"]) != self.server.world.application_id:
                raise unknown("Webhook", 10015)
        elif state is not None and str(state.id) != call.params[id_key]:
            state = None
        if state is None:
            raise unknown(
                "interaction" if id_key == "interaction_id" else "Webhook",
                10062 if id_key == "interaction_id" else 10015,
            )
        if state.age > window:
            self._refused(
                state,
                call,
                ApiError(
                    404,
                    10062 if id_key == "interaction_id" else 50027,
                    "Unknown interaction"
                    if id_key == "interaction_id"
                    else "Invalid Webhook Token",
                ),
            )
        return state

    def _refused(
        self, state: ix.InteractionState, call: Call, error: ApiError, kind: str | None = None
    ) -> None:
        state.errors.append((error.status, error.body()))
        if kind:
            self.server.violation(kind, call.method, call.path, error.message)
        state.notify()
        raise error

    async def callback(self, call: Call) -> Any:
        server = self.server
        state = self._interaction(
            call, id_key="interaction_id", token_key="interaction_token", window=float("inf")
        )
        if state.age > server.interaction_deadline:
            self._refused(state, call, ApiError(404, 10062, "Unknown interaction"), "late_response")
        if state.response_type is not None:
            self._refused(
                state,
                call,
                ApiError(400, 40060, "Interaction has already been acknowledged."),
                "double_response",
            )
        kind = call.body.get("type")
        data = call.body.get("data") or {}
        if kind not in ix.ALLOWED_CALLBACKS[state.type]:
            self._refused(
                state,
                call,
                ApiError(
                    400,
                    50035,
                    f"Invalid Form Body: callback type {kind} not allowed "
                    f"for interaction type {state.type}",
                ),
                "invalid_callback",
            )
        resource: dict[str, Any] | None = None
        try:
            if kind == ix.CHANNEL_MESSAGE:
                self._check_content(call, data, creating=True)
                msg = server.create_message(state.channel, data, interaction=state)
                state.original = msg
                resource = {"type": kind, "message": msg.payload()}
            elif kind == ix.DEFERRED_CHANNEL_MESSAGE:
                flags = (data.get("flags") or 0) & 64
                msg = server.create_message(
                    state.channel, {"flags": flags | 128}, interaction=state, record=False
                )
                state.original = msg
                resource = {"type": kind, "message": msg.payload()}
            elif kind == ix.DEFERRED_UPDATE_MESSAGE:
                state.original = state.source
            elif kind == ix.UPDATE_MESSAGE:
                self._check_content(call, data, creating=False)
                assert state.source is not None
                state.original = state.source
                server.update_message(state.source, data)
                resource = {"type": kind, "message": state.source.payload()}
            elif kind == ix.AUTOCOMPLETE_RESULT:
                choices = data.get("choices") or []
                if len(choices) > 25:
                    raise ApiError(
                        400,
                        50035,
                        "Invalid Form Body",
                        {
                            "data": {
                                "choices": {
                                    "_errors": [
                                        {
                                            "code": "BASE_TYPE_MAX_LENGTH",
                                            "message": "Must be 25 or fewer in length.",
                                        }
                                    ]
                                }
                            }
                        },
                    )
                state.autocomplete_choices = choices
            elif kind == ix.MODAL:
                state.modal = data
        except ApiError as exc:
            if exc.code == 50035:
                server.violation(
                    "invalid_callback", call.method, call.path, exc.errors or exc.message
                )
            self._refused(state, call, exc)
        state.response_type = kind
        state.notify()
        shown = (
            state.original
            if kind in (ix.CHANNEL_MESSAGE, ix.DEFERRED_CHANNEL_MESSAGE, ix.UPDATE_MESSAGE)
            else None
        )
        info: dict[str, Any] = {
            "id": str(state.id),
            "type": state.type,
            "response_message_loading": kind == ix.DEFERRED_CHANNEL_MESSAGE,
            "response_message_ephemeral": bool(shown and shown.ephemeral),
        }
        if shown is not None:
            info["response_message_id"] = str(shown.id)
        out: dict[str, Any] = {"interaction": info}
        if resource is not None:
            out["resource"] = resource
        return out

    def _webhook_target(self, call: Call, state: ix.InteractionState) -> Message:
        if "message_id" not in call.params:
            if state.original is None:
                self._refused(state, call, unknown("Message", 10008))
            assert state.original is not None
            return state.original
        mid = int(call.params["message_id"])
        for msg in [state.original, *state.followups]:
            if msg is not None and msg.id == mid and not msg.deleted:
                return msg
        self._refused(state, call, unknown("Message", 10008))
        raise AssertionError("unreachable")

    def _webhook_state(self, call: Call) -> ix.InteractionState:
        return self._interaction(
            call, id_key="webhook_id", token_key="webhook_token", window=self.server.followup_window
        )

    async def get_webhook_message(self, call: Call) -> Any:
        state = self._webhook_state(call)
        return self._webhook_target(call, state).payload()

    async def edit_webhook_message(self, call: Call) -> Any:
        state = self._webhook_state(call)
        msg = self._webhook_target(call, state)
        body = call.body or {}
        try:
            self._check_content(call, body, creating=False)
        except ApiError as exc:
            self._refused(state, call, exc)
        first_fill = bool(msg.flags & 128)  # a deferred response gets its content now
        self.server.update_message(msg, body, first_fill=first_fill)
        if msg is state.original:
            state.original_edited = True
        state.notify()
        return msg.payload()

    async def delete_webhook_message(self, call: Call) -> Any:
        state = self._webhook_state(call)
        msg = self._webhook_target(call, state)
        msg.deleted = True
        state.notify()
        return None

    async def followup(self, call: Call) -> Any:
        state = self._webhook_state(call)
        if state.response_type is None:
            self._refused(state, call, unknown("Webhook", 10015), "followup_before_response")
        body = call.body or {}
        try:
            self._check_content(call, body, creating=True)
        except ApiError as exc:
            self._refused(state, call, exc)
        original = state.original
        if original is not None and original.flags & 128:
            # The first followup after a deferred "thinking" response fills that message.
            self.server.update_message(original, body, first_fill=True)
            state.original_edited = True
            state.notify()
            return original.payload() if call.query.get("wait") in ("1", "true", "True") else None
        msg = self.server.create_message(state.channel, body, interaction=state)
        state.followups.append(msg)
        state.notify()
        return msg.payload() if call.query.get("wait") in ("1", "true", "True") else None

    # -- channels and messages ----------------------------------------------------------

    async def post_message(self, call: Call) -> Any:
        ch = self._channel(call)
        body = call.body
        self._require(ch, SEND_MESSAGES)
        if body.get("embeds"):
            self._require(ch, EMBED_LINKS)
        self._check_content(call, body, creating=True)
        if ch.type == DM and ch.recipient is not None and ch.recipient.dms_closed:
            raise ApiError(403, 50007, "Cannot send messages to this user")
        nonce = body.get("nonce")
        if body.get("enforce_nonce") and nonce is not None:
            earlier = self.server.find_nonce(ch, nonce)
            if earlier is not None:
                return earlier.payload()
        return self.server.create_message(ch, body).payload()

    async def list_messages(self, call: Call) -> Any:
        ch = self._channel(call)
        self._require(ch, READ_MESSAGE_HISTORY)
        limit = int(call.query.get("limit", 50))
        if not 1 <= limit <= 100:
            raise ApiError(
                400,
                50035,
                "Invalid Form Body",
                {
                    "limit": {
                        "_errors": [
                            {"code": "NUMBER_TYPE_MAX", "message": "Must be between 1 and 100."}
                        ]
                    }
                },
            )
        msgs = [m for m in ch.messages if not m.deleted and not m.ephemeral]
        if "before" in call.query:
            msgs = [m for m in msgs if m.id < int(call.query["before"])]
        if "after" in call.query:
            after = int(call.query["after"])
            # Discord returns the oldest messages after the id, newest first.
            msgs = [m for m in msgs if m.id > after][:limit]
            return [m.payload() for m in reversed(msgs)]
        return [m.payload() for m in reversed(msgs)][:limit]

    async def get_message(self, call: Call) -> Any:
        ch = self._channel(call)
        self._require(ch, READ_MESSAGE_HISTORY)
        return self._message_in(ch, call).payload()

    async def edit_message(self, call: Call) -> Any:
        ch = self._channel(call)
        self._require(ch)
        msg = self._message_in(ch, call)
        if msg.author is not self.server.world.bot:
            raise ApiError(403, 50005, "Cannot edit a message authored by another user")
        body = call.body or {}
        if body.get("embeds"):
            self._require(ch, EMBED_LINKS)
        self._check_content(call, body, creating=False)
        self.server.update_message(msg, body)
        return msg.payload()

    async def delete_message(self, call: Call) -> Any:
        ch = self._channel(call)
        self._require(ch)
        msg = self._message_in(ch, call)
        if msg.author is not self.server.world.bot:
            self._require(ch, MANAGE_MESSAGES)
        msg.deleted = True
        return None

    async def crosspost(self, call: Call) -> Any:
        ch = self._channel(call)
        self._require(ch, SEND_MESSAGES)
        if ch.type != ANNOUNCEMENT:
            raise ApiError(400, 50024, "Cannot execute action on this channel type")
        msg = self._message_in(ch, call)
        if msg.author is not self.server.world.bot:
            self._require(ch, MANAGE_MESSAGES)
        if msg.crossposted:
            raise ApiError(400, 40033, "This message has already been crossposted.")
        msg.crossposted = True
        self.server.crossposts.append(msg)
        return msg.payload()

    async def get_channel(self, call: Call) -> Any:
        ch = self._channel(call)
        if ch.type != DM:
            self._require(ch)
        return ch.payload()

    # -- guilds ---------------------------------------------------------------------------

    async def get_guild(self, call: Call) -> Any:
        guild = self._guild(call)
        data = guild.payload()
        if call.query.get("with_counts") in ("1", "true"):
            data["approximate_member_count"] = len(guild.members)
            data["approximate_presence_count"] = 0
        return data

    async def get_member(self, call: Call) -> Any:
        guild = self._guild(call)
        member = guild.member(int(call.params["user_id"]))
        if member is None:
            raise unknown("Member", 10007)
        return member.payload()

    async def get_guild_channels(self, call: Call) -> Any:
        guild = self._guild(call)
        return [c.payload() for c in guild.channels.values() if not c.deleted]

    async def get_roles(self, call: Call) -> Any:
        guild = self._guild(call)
        return [r.payload() for r in guild.roles.values()]

    async def open_dm(self, call: Call) -> Any:
        user = self.server.world.user(int(call.body.get("recipient_id", 0)))
        if user is None:
            raise unknown("User", 10013)
        return self.server.world.dm_channel(user).payload()
