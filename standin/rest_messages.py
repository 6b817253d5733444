"""Channel message routes of the stand-in: post (with nonces, DMs a person closed), list,
get, edit, delete and crosspost, with Discord's permission checks and content limits."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .rest_types import ApiError
from .world import ANNOUNCEMENT, DM, EMBED_LINKS, MANAGE_MESSAGES, READ_MESSAGE_HISTORY, SEND_MESSAGES

if TYPE_CHECKING:
    from .rest_types import Call, Routes

MESSAGES = "/channels/{channel_id}/messages"


class MessageRoutes:
    """The routes of a channel's messages; `Rest` makes one and it adds its routes."""

    def __init__(self, rest: Routes) -> None:
        self.rest = rest
        self.server = rest.server
        rest.route("POST", MESSAGES, self.post_message)
        rest.route("GET", MESSAGES, self.list_messages)
        rest.route("GET", f"{MESSAGES}/{{message_id}}", self.get_message)
        rest.route("PATCH", f"{MESSAGES}/{{message_id}}", self.edit_message)
        rest.route("DELETE", f"{MESSAGES}/{{message_id}}", self.delete_message)
        rest.route("POST", f"{MESSAGES}/{{message_id}}/crosspost", self.crosspost)

    async def post_message(self, call: Call) -> Any:
        ch = self.rest.channel(call)
        body = call.body
        self.rest.require(ch, SEND_MESSAGES)
        if body.get("embeds"):
            self.rest.require(ch, EMBED_LINKS)
        self.rest.check_content(call, body, creating=True)
        if ch.type == DM and ch.recipient is not None and ch.recipient.dms_closed:
            raise ApiError(403, 50007, "Cannot send messages to this user")
        nonce = body.get("nonce")
        if body.get("enforce_nonce") and nonce is not None:
            earlier = self.server.find_nonce(ch, nonce)
            if earlier is not None:
                return earlier.payload()
        return self.server.create_message(ch, body).payload()

    async def list_messages(self, call: Call) -> Any:
        ch = self.rest.channel(call)
        self.rest.require(ch, READ_MESSAGE_HISTORY)
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
        ch = self.rest.channel(call)
        self.rest.require(ch, READ_MESSAGE_HISTORY)
        return self.rest.message_in(ch, call).payload()

    async def edit_message(self, call: Call) -> Any:
        ch = self.rest.channel(call)
        self.rest.require(ch)
        msg = self.rest.message_in(ch, call)
        if msg.author is not self.server.world.bot:
            raise ApiError(403, 50005, "Cannot edit a message authored by another user")
        body = call.body or {}
        if body.get("embeds"):
            self.rest.require(ch, EMBED_LINKS)
        self.rest.check_content(call, body, creating=False)
        self.server.update_message(msg, body)
        return msg.payload()

    async def delete_message(self, call: Call) -> Any:
        ch = self.rest.channel(call)
        self.rest.require(ch)
        msg = self.rest.message_in(ch, call)
        if msg.author is not self.server.world.bot:
            self.rest.require(ch, MANAGE_MESSAGES)
        msg.deleted = True
        return None

    async def crosspost(self, call: Call) -> Any:
        ch = self.rest.channel(call)
        self.rest.require(ch, SEND_MESSAGES)
        if ch.type != ANNOUNCEMENT:
            raise ApiError(400, 50024, "Cannot execute action on this channel type")
        msg = self.rest.message_in(ch, call)
        if msg.author is not self.server.world.bot:
            self.rest.require(ch, MANAGE_MESSAGES)
        if msg.crossposted:
            raise ApiError(400, 40033, "This message has already been crossposted.")
        msg.crossposted = True
        self.server.crossposts.append(msg)
        return msg.payload()
