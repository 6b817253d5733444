"""The gateway: HELLO, heartbeats, IDENTIFY -> READY + GUILD_CREATEs, RESUME, dispatches.

Plain-text JSON frames only (discord.py accepts them even when it asked for zlib-stream).
Each IDENTIFY opens a session that keeps every dispatch it was sent, so a RESUME can
replay what the bot missed by sequence number, as Discord does.

Sharding as Discord does it: IDENTIFY's `shard` [id, count] picks the guilds a session gets,
those with `(guild_id >> 22) % count == id`; a guild's events (interactions included) go to
the session of its shard, and events without a guild (DMs) to shard 0.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
from dataclasses import dataclass, field
from typing import Any, Protocol

from aiohttp import WSMsgType, web

from .world import Guild, World

log = logging.getLogger(__name__)


class Host(Protocol):
    """What the gateway needs of the stand-in's server (`server.Server`), typed here so the
    gateway does not import the server that runs it."""

    world: World
    shard_count: int
    token: str

    @property
    def gateway_url(self) -> str: ...

    def violation(self, kind: str, method: str, path: str, detail: Any) -> None: ...

(
    DISPATCH,
    HEARTBEAT,
    IDENTIFY,
    PRESENCE,
    VOICE,
    RESUME,
    RECONNECT,
    REQUEST_MEMBERS,
    INVALID_SESSION,
    HELLO,
    HEARTBEAT_ACK,
) = (
    0,
    1,
    2,
    3,
    4,
    6,
    7,
    8,
    9,
    10,
    11,
)
HEARTBEAT_INTERVAL_MS = 41250

GUILDS = 1 << 0
GUILD_MEMBERS = 1 << 1
GUILD_SCHEDULED_EVENTS = 1 << 16
PRIVILEGED = GUILD_MEMBERS | (1 << 8) | (1 << 15)  # members, presences, message content

# Intent an event needs; events not listed (READY, INTERACTION_CREATE, ...) always go out.
EVENT_INTENTS = {
    "GUILD_CREATE": GUILDS,
    "GUILD_DELETE": GUILDS,
    "GUILD_UPDATE": GUILDS,
    "GUILD_ROLE_CREATE": GUILDS,
    "GUILD_ROLE_UPDATE": GUILDS,
    "GUILD_ROLE_DELETE": GUILDS,
    "CHANNEL_CREATE": GUILDS,
    "CHANNEL_UPDATE": GUILDS,
    "CHANNEL_DELETE": GUILDS,
    "GUILD_MEMBER_UPDATE": GUILD_MEMBERS,
    "GUILD_SCHEDULED_EVENT_DELETE": GUILD_SCHEDULED_EVENTS,
}


@dataclass(eq=False)
class Session:
    id: str
    intents: int
    seq: int = 0
    sent: list[dict[str, Any]] = field(default_factory=list)
    ws: web.WebSocketResponse | None = None
    valid: bool = True
    shard: tuple[int, int] = (0, 1)  # [shard id, shard count] from IDENTIFY


class Gateway:
    def __init__(self, server: Host) -> None:
        self.server = server
        self.sessions: dict[str, Session] = {}
        self.current: Session | None = None  # the latest session to IDENTIFY or RESUME
        self.by_shard: dict[int, Session] = {}  # the latest session of each shard
        self.ready_shards: set[int] = set()  # shards whose session got every GUILD_CREATE
        self.connections = 0  # websocket connections accepted so far
        self.identifies = 0
        self.resumes = 0
        self.refusing = False  # an outage: new connections are answered 503, no websocket
        self.refused = 0  # connection attempts refused so far
        # READY and every GUILD_CREATE sent on a session of every shard
        self.ready = asyncio.Event()
        self.resumed = asyncio.Event()

    async def handle(self, request: web.Request) -> web.StreamResponse:
        if self.refusing:
            self.refused += 1
            return web.Response(status=503, text="the gateway is down (stand-in outage)")
        ws = web.WebSocketResponse(autoping=True, max_msg_size=0)
        await ws.prepare(request)
        self.connections += 1
        log.debug("gateway connection %d from %s", self.connections, request.query_string)
        session: Session | None = None
        await self._send(
            ws,
            {"op": HELLO, "d": {"heartbeat_interval": HEARTBEAT_INTERVAL_MS}, "s": None, "t": None},
        )
        async for frame in ws:
            if frame.type != WSMsgType.TEXT:
                continue
            msg = json.loads(frame.data)
            op = msg.get("op")
            if op == HEARTBEAT:
                await self._send(ws, {"op": HEARTBEAT_ACK, "d": None, "s": None, "t": None})
            elif op == IDENTIFY:
                session = await self._identify(ws, msg["d"])
            elif op == RESUME:
                session = await self._resume(ws, msg["d"])
            elif op in (PRESENCE, VOICE, REQUEST_MEMBERS):
                pass  # accepted and ignored: nothing the stand-in models
            else:
                self.server.violation("gateway", "WS", "/", f"unexpected op {op}")
        if session is not None and session.ws is ws:
            session.ws = None
        log.debug("gateway connection closed (%s)", ws.close_code)
        return ws

    async def _send(self, ws: web.WebSocketResponse, payload: dict[str, Any]) -> None:
        if not ws.closed:
            await ws.send_str(json.dumps(payload))

    async def _identify(self, ws: web.WebSocketResponse, data: dict[str, Any]) -> Session | None:
        server = self.server
        if data.get("token") != server.token:
            await ws.close(code=4004, message=b"Authentication failed.")
            return None
        intents = int(data.get("intents", 0))
        if intents & PRIVILEGED:
            # The bot asked for a privileged intent its application was not granted.
            await ws.close(code=4014, message=b"Disallowed intent(s).")
            return None
        shard = _shard(data.get("shard"), server.shard_count)
        if shard is None:
            await ws.close(code=4010, message=b"Invalid shard.")
            return None
        self.identifies += 1
        self.ready.clear()
        self.ready_shards.discard(shard[0])
        session = Session(secrets.token_hex(16), intents, ws=ws, shard=shard)
        self.sessions[session.id] = session
        self.current = self.by_shard[shard[0]] = session
        world = server.world
        guilds = [g for g in world.guilds.values()
                  if g.bot_member is not None and shard_of(g.id, shard[1]) == shard[0]]
        ready = {
            "v": 10,
            "user": world.bot.payload() | {"verified": True, "mfa_enabled": False, "flags": 0},
            "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
            "session_id": session.id,
            "session_type": "normal",
            "resume_gateway_url": server.gateway_url,
            "application": {"id": str(world.application_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "guild_join_requests": [],
            "user_settings": {},
            "shard": list(shard),
        }
        await self.dispatch("READY", ready, session=session)
        for guild in guilds:
            await self.dispatch("GUILD_CREATE", guild.gateway_payload(), session=session)
        self.ready_shards.add(shard[0])
        if self.ready_shards >= set(range(server.shard_count)):
            self.ready.set()
        return session

    def shard_ready(self, shard_id: int) -> bool:
        """Whether a session of this shard got READY and all its GUILD_CREATEs."""
        return shard_id in self.ready_shards

    async def _resume(self, ws: web.WebSocketResponse, data: dict[str, Any]) -> Session | None:
        session = self.sessions.get(data.get("session_id", ""))
        if session is None or not session.valid or data.get("token") != self.server.token:
            await self._send(ws, {"op": INVALID_SESSION, "d": False, "s": None, "t": None})
            return None
        if session.ws is not None and session.ws is not ws:
            await session.ws.close(code=4000)
        session.ws = ws
        self.current = session
        self.resumes += 1
        last = int(data.get("seq") or 0)
        for payload in session.sent:
            if payload["s"] > last:
                await self._send(ws, payload)
        await self._emit(session, "RESUMED", {})
        self.resumed.set()
        return session

    async def _emit(self, session: Session, event: str, data: dict[str, Any]) -> None:
        session.seq += 1
        payload = {"op": DISPATCH, "t": event, "s": session.seq, "d": data}
        session.sent.append(payload)
        if session.ws is not None:
            await self._send(session.ws, payload)

    async def dispatch(
        self, event: str, data: dict[str, Any], *, session: Session | None = None
    ) -> bool:
        """Send a dispatch to the bot (buffered for RESUME if it is disconnected).

        Returns False when the bot's intents exclude the event, so nothing was sent.
        """
        session = session or self.session_for(event, data)
        if session is None:
            raise RuntimeError(f"cannot dispatch {event}: the bot never identified")
        needed = EVENT_INTENTS.get(event, 0)
        if needed and not session.intents & needed and not self._own_member_update(event, data):
            log.debug("%s not sent: intents %s lack %s", event, session.intents, needed)
            return False
        await self._emit(session, event, data)
        return True

    def session_for(self, event: str, data: dict[str, Any]) -> Session | None:
        """The session of the shard an event belongs to: its guild's, or shard 0's."""
        guild_id = data.get("guild_id") or (data.get("id") if event.startswith("GUILD_") else None)
        shard = shard_of(int(guild_id), self.server.shard_count) if guild_id else 0
        return self.by_shard.get(shard)

    def _own_member_update(self, event: str, data: dict[str, Any]) -> bool:
        # Discord sends the bot its own member updates even without the members intent.
        return event == "GUILD_MEMBER_UPDATE" and data.get("user", {}).get("id") == str(
            self.server.world.bot.id
        )

    # -- faults ---------------------------------------------------------------------------

    async def drop_connection(self) -> None:
        """Close the socket with a resumable code, as a network failure would."""
        if self.current is not None and self.current.ws is not None:
            self.resumed.clear()
            await self.current.ws.close(code=4000, message=b"dropped by test")

    async def go_down(self) -> None:
        """An outage: every open connection drops (resumable) and new ones are refused with a
        503 until `come_back`, so the bot stays disconnected, retrying with its backoff."""
        self.refusing = True
        self.resumed.clear()
        for session in self.sessions.values():
            if session.ws is not None:
                await session.ws.close(code=4000, message=b"gateway outage")

    def come_back(self) -> None:
        """The outage is over: the bot's next attempt connects (and resumes)."""
        self.refusing = False

    async def send_reconnect(self) -> None:
        """op 7: the bot should reconnect to resume_gateway_url and RESUME."""
        if self.current is not None and self.current.ws is not None:
            self.resumed.clear()
            await self._send(self.current.ws, {"op": RECONNECT, "d": None, "s": None, "t": None})

    async def send_invalid_session(self, resumable: bool = False) -> None:
        """op 9: with resumable False the bot must IDENTIFY anew."""
        session = self.current
        if session is not None and session.ws is not None:
            if not resumable:
                session.valid = False
                self.ready.clear()
            await self._send(
                session.ws, {"op": INVALID_SESSION, "d": resumable, "s": None, "t": None}
            )

    async def close_all(self) -> None:
        for session in self.sessions.values():
            if session.ws is not None:
                await session.ws.close(code=1001)


def shard_of(guild_id: int, count: int) -> int:
    """The shard Discord puts a guild on."""
    return (guild_id >> 22) % count


def _shard(value: Any, count: int) -> tuple[int, int] | None:
    """IDENTIFY's shard [id, count] (none given: [0, 1]), if valid for this stand-in."""
    if value is None:
        return (0, 1) if count == 1 else None
    if not (isinstance(value, list) and len(value) == 2 and all(isinstance(v, int) for v in value)):
        return None
    shard_id, given = value
    return (shard_id, given) if given == count and 0 <= shard_id < given else None


def guild_delete_payload(guild: Guild) -> dict[str, Any]:
    # Without "unavailable" Discord means: the bot was removed from the guild.
    return {"id": str(guild.id)}
