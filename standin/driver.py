"""What tests call: a Discord stand-in they act on as fans, editors and admins.

    standin = StandIn(); await standin.start()   # also: async with StandIn() as standin
    standin.api_base, .gateway_url, .token, .bot_user_id, .application_id

World (standin.world, see standin/world.py):
    g = standin.world.add_guild("Fans", bot_permissions=DEFAULT_BOT,
                                everyone_permissions=DEFAULT_EVERYONE)
    ch = g.add_channel("general")
    news = g.add_channel("news", announcement=True,
                         overwrites=[Overwrite.for_(role, deny=SEND_MESSAGES)])
    role = g.add_role("Editors", permissions=0, mentionable=False)
    fan = g.add_member("fan", roles=[role])
    admin = g.add_member("admin", permissions_via_role=MANAGE_GUILD)
    dm_user = standin.world.add_user("dmuser")

Waiting and acting (all raise `NoReply` after `timeout` with what the stand-in saw):
    await standin.wait_ready(timeout=10.0, commands=True)
    reply = await standin.command(who, channel_or_None, "edit cast", timeout=5.0, person="X")
    choices = await standin.autocomplete(who, channel_or_None, "cast", "person", "park", **opts)
    reply = await standin.click(who, reply_or_message, "Next")
    reply = await standin.select(who, reply_or_message, ["value", ...])  # its one select menu
    reply = await standin.forge_click(who, channel_or_None, message, custom_id)  # one they cannot see
    reply = await standin.submit_modal(who, reply_with_modal, {"custom_id or label": "value"})
    msgs = standin.messages(ch, include_interactions=False)
    msgs = await standin.wait_for_messages(ch, count=1, timeout=5.0, where=None)

Gateway events (standin/world_events.py: update the world and dispatch to the bot):
    await standin.remove_bot_from_guild(g); await standin.delete_channel(ch)
    await standin.create_channel(g, "name", announcement=False, overwrites=())
    await standin.update_channel(ch)
    await standin.update_role(role, permissions=..., mentionable=..., name=...)
    await standin.update_member(member, roles=[...])
    await standin.drop_connection(); await standin.send_reconnect()
    await standin.send_invalid_session(resumable=False)

Records: standin.requests, .violations, .rate_limited, .pings,
.messages_without_allowed_mentions, .mention_records (every create and edit, with its
allowed_mentions; `standin.mentions.mention_problems`), .crossposts, .faults (.add(...), .latency),
.commands ({None: global, guild_id: [...]}), .interactions (id -> InteractionState).

Invoking a command the bot did not register, with an unknown option, a missing required
option, a wrong type or a value outside choices/ranges raises `CommandUsageError`: a test bug.
"""

# ruff: noqa: ASYNC109 (`timeout=` is part of the driver API tests call)
from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import Callable
from typing import Any

from .commands import CommandUsageError, build_options, find_command
from .interactions import (
    APPLICATION_COMMAND,
    AUTOCOMPLETE,
    AUTOCOMPLETE_RESULT,
    CHANNEL_MESSAGE,
    DEFERRED_CHANNEL_MESSAGE,
    DEFERRED_UPDATE_MESSAGE,
    MESSAGE_COMPONENT,
    MODAL,
    MODAL_SUBMIT,
    UPDATE_MESSAGE,
    InteractionState,
)
from .replies import NoReply, Reply, buttons_in, fill_modal_input, selects_in, usable_in_dms
from .world import DM, Channel, Guild, Member, Message, User
from .world_events import WorldEvents

log = logging.getLogger(__name__)

__all__ = ["CommandUsageError", "NoReply", "Reply", "StandIn"]

ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024


class StandIn(WorldEvents):
    # -- readiness ----------------------------------------------------------------------------

    async def wait_ready(self, timeout: float = 10.0, *, commands: bool = True) -> None:
        """Until the bot identified, got every GUILD_CREATE and (optionally) synced commands."""
        try:
            await asyncio.wait_for(self.gateway.ready.wait(), timeout)
            if commands:
                await asyncio.wait_for(self.commands_synced.wait(), timeout)
        except TimeoutError:
            raise NoReply(
                f"bot not ready after {timeout}s: connections={self.gateway.connections} "
                f"identifies={self.gateway.identifies} commands={list(self.commands)} "
                f"requests={[(r.method, r.path, r.status) for r in self.requests]}"
            ) from None

    # -- interactions -------------------------------------------------------------------------

    def _context(
        self, who: Member | User, channel: Channel | None
    ) -> tuple[User, Member | None, Guild | None, Channel]:
        user = who.user if isinstance(who, Member) else who
        if channel is None or channel.type == DM:
            return user, None, None, channel or self.world.dm_channel(user)
        guild = channel.guild
        assert guild is not None
        if guild.bot_member is None:
            raise CommandUsageError(f"the bot is not in {guild.name!r}")
        member = guild.member(user.id)
        if member is None:
            raise CommandUsageError(f"{user.name!r} is not a member of {guild.name!r}")
        if channel.deleted:
            raise CommandUsageError(f"channel {channel.name!r} was deleted")
        return user, member, guild, channel

    def _payload(
        self,
        itype: int,
        user: User,
        member: Member | None,
        guild: Guild | None,
        channel: Channel,
        data: dict[str, Any],
    ) -> dict[str, Any]:
        iid = self.world.new_id()
        token = f"aW50ZXJhY3Rpb246{iid}:{secrets.token_urlsafe(32)}"
        payload: dict[str, Any] = {
            "id": str(iid),
            "application_id": str(self.world.application_id),
            "type": itype,
            "data": data,
            "token": token,
            "version": 1,
            "channel_id": str(channel.id),
            "channel": channel.payload(),
            "locale": user.locale,
            "entitlements": [],
            "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
        }
        if guild is not None and member is not None:
            me = guild.bot_member
            assert me is not None
            payload["guild_id"] = str(guild.id)
            payload["guild"] = {"id": str(guild.id), "locale": guild.preferred_locale, "features": []}
            payload["guild_locale"] = guild.preferred_locale
            payload["member"] = member.payload() | {
                "permissions": str(guild.permissions_in(member, channel))
            }
            payload["app_permissions"] = str(guild.permissions_in(me, channel))
            payload["authorizing_integration_owners"] = {"0": str(guild.id)}
            payload["context"] = 0
        else:
            payload["user"] = user.payload()
            payload["app_permissions"] = str((1 << 10) | (1 << 11) | (1 << 14) | (1 << 16))
            payload["authorizing_integration_owners"] = {"0": "0"}
            payload["context"] = 1
        return payload

    def _registered(
        self, guild: Guild | None, path: str
    ) -> tuple[dict[str, Any], list[dict[str, Any]], list[str]]:
        scopes: list[int | None] = [guild.id] if guild is not None else []
        scopes.append(None)
        last: CommandUsageError | None = None
        for scope in scopes:
            try:
                top, leaf, subs = find_command(self.commands.get(scope, []), path)
            except CommandUsageError as exc:
                last = exc
                continue
            if guild is None and not usable_in_dms(top):
                raise CommandUsageError(f"/{top['name']} is not available in DMs")
            return top, leaf, subs
        assert last is not None
        raise last

    async def _start(
        self,
        itype: int,
        user: User,
        member: Member | None,
        guild: Guild | None,
        channel: Channel,
        data: dict[str, Any],
        *,
        source: Message | None = None,
    ) -> InteractionState:
        payload = self._payload(itype, user, member, guild, channel, data)
        if source is not None:
            payload["message"] = source.payload()
        state = InteractionState(
            int(payload["id"]),
            payload["token"],
            itype,
            user,
            member,
            guild,
            channel,
            payload,
            source=source,
        )
        self.interactions[state.id] = state
        self.interactions_by_token[state.token] = state
        await self.gateway.dispatch("INTERACTION_CREATE", payload)
        return state

    async def command(
        self,
        who: Member | User,
        channel: Channel | None,
        path: str,
        /,
        *,
        timeout: float = 5.0,
        **options: Any,
    ) -> Reply:
        """Invoke `/path` ("cast", "edit cast") with `options` exactly as registered."""
        user, member, guild, channel = self._context(who, channel)
        top, leaf, subs = self._registered(guild, path)
        opts, resolved = build_options(self.world, guild, top, leaf, subs, options)
        data: dict[str, Any] = {"id": top["id"], "name": top["name"], "type": 1, "options": opts}
        if resolved.payload():
            data["resolved"] = resolved.payload()
        if top.get("guild_id"):
            data["guild_id"] = top["guild_id"]
        state = await self._start(APPLICATION_COMMAND, user, member, guild, channel, data)
        return await self._reply(state, timeout, f"/{path}")

    async def autocomplete(
        self,
        who: Member | User,
        channel: Channel | None,
        path: str,
        option: str,
        typed: str,
        /,
        *,
        timeout: float = 5.0,
        **options: Any,
    ) -> list[dict[str, Any]]:
        """Type `typed` into autocomplete option `option` of `/path`; returns the choices."""
        user, member, guild, channel = self._context(who, channel)
        top, leaf, subs = self._registered(guild, path)
        opts, resolved = build_options(
            self.world, guild, top, leaf, subs, {**options, option: typed}, focused=option
        )
        data: dict[str, Any] = {"id": top["id"], "name": top["name"], "type": 1, "options": opts}
        if resolved.payload():
            data["resolved"] = resolved.payload()  # options already filled in are resolved too
        if top.get("guild_id"):
            data["guild_id"] = top["guild_id"]
        state = await self._start(AUTOCOMPLETE, user, member, guild, channel, data)
        await self._reply(state, timeout, f"autocomplete /{path} {option}")
        return state.autocomplete_choices or []

    async def click(
        self, who: Member | User, target: Reply | Message, label: str, *, timeout: float = 5.0
    ) -> Reply:
        """Click the button labelled `label` on a reply or channel message (as it is now)."""
        msg, (user, member, guild, channel) = self._seen_by(who, target)
        buttons = [b for b in buttons_in(msg.components) if b.get("label") == label]
        if not buttons:
            raise CommandUsageError(
                f"no button {label!r} (has {[b.get('label') for b in buttons_in(msg.components)]})"
            )
        button = buttons[0]
        if button.get("disabled"):
            raise CommandUsageError(f"button {label!r} is disabled")
        if "custom_id" not in button:
            raise CommandUsageError(f"button {label!r} is a link button")
        data = {"custom_id": button["custom_id"], "component_type": 2}
        state = await self._start(
            MESSAGE_COMPONENT, user, member, guild, channel, data, source=msg
        )
        return await self._reply(state, timeout, f"click {label!r}")

    async def select(
        self, who: Member | User, target: Reply | Message, values: list[str], *, timeout: float = 5.0
    ) -> Reply:
        """Choose `values` (option values) in the select menu of a reply or channel message."""
        msg, (user, member, guild, channel) = self._seen_by(who, target)
        menus = selects_in(msg.components)
        if len(menus) != 1:
            raise CommandUsageError(f"expected one select menu, found {len(menus)}")
        menu = menus[0]
        offered = [o.get("value") for o in menu.get("options") or []]
        if not set(values) <= set(offered):
            raise CommandUsageError(f"{values} are not all among the options {offered}")
        if not menu.get("min_values", 1) <= len(values) <= menu.get("max_values", 1):
            raise CommandUsageError(f"{len(values)} values is outside the menu's min and max")
        data = {"custom_id": menu["custom_id"], "component_type": menu["type"], "values": values}
        state = await self._start(MESSAGE_COMPONENT, user, member, guild, channel, data, source=msg)
        return await self._reply(state, timeout, f"select {values}")

    def _seen_by(self, who: Member | User, target: Reply | Message) -> tuple[Message, Any]:
        """The message as it is now, and `who`'s context there; an ephemeral one only for its user."""
        msg = target.message if isinstance(target, Reply) else target
        if msg is None or msg.deleted:
            raise CommandUsageError("that message is gone")
        channel = self.world.channels[msg.channel_id]
        context = self._context(who, None if channel.type == DM else channel)
        if msg.ephemeral:
            owner = self.interactions.get(msg.interaction_id or 0)
            if owner is None or owner.user is not context[0]:
                raise CommandUsageError("only the user who got an ephemeral message can see it")
        return msg, context

    async def forge_click(
        self, who: Member | User, channel: Channel | None, source: Message, custom_id: str,
        *, timeout: float = 5.0, values: list[str] | None = None,
    ) -> Reply:
        """A button press carrying `custom_id` on `source`, sent by `who` even if they cannot see
        that button (an ephemeral message someone else got). A modified client can do it, and
        Discord lets it through. `click` refuses to, as the real Discord client would. With
        `values`, a choice in the (string) select menu of that custom id instead."""
        user, member, guild, where = self._context(who, channel)
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": 2}
        if values is not None:
            data.update(component_type=3, values=values)
        state = await self._start(MESSAGE_COMPONENT, user, member, guild, where, data,
                                  source=source)
        return await self._reply(state, timeout, f"forged click {custom_id}")

    async def submit_modal(
        self, who: Member | User, reply: Reply, values: dict[str, str], *, timeout: float = 5.0
    ) -> Reply:
        """Fill the modal the bot opened in `reply` (keys: input custom_id or label), submit."""
        modal = reply.modal
        if modal is None:
            raise CommandUsageError("the bot did not open a modal")
        previous = self.interactions[reply.interaction_id]
        user, member, guild, channel = self._context(
            who, None if previous.channel.type == DM else previous.channel
        )
        if user is not previous.user:
            raise CommandUsageError("only the user who opened the modal can submit it")
        used: set[str] = set()
        components = [fill_modal_input(c, values, used) for c in modal.get("components") or []]
        unknown = set(values) - used
        if unknown:
            raise CommandUsageError(f"modal has no inputs {sorted(unknown)}")
        data = {"custom_id": modal["custom_id"], "components": components}
        state = await self._start(
            MODAL_SUBMIT, user, member, guild, channel, data, source=previous.source
        )
        return await self._reply(state, timeout, f"submit modal {modal.get('title')!r}")

    async def _reply(self, state: InteractionState, timeout: float, what: str) -> Reply:
        deadline = time.monotonic() + timeout
        while True:
            state.changed.clear()
            if any(body.get("code") == 10062 for _, body in state.errors):
                raise NoReply(self._explain(state, what, "the bot answered too late (10062)"))
            if self._answered(state):
                break
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise NoReply(self._explain(state, what, f"no complete answer within {timeout}s"))
            try:
                await asyncio.wait_for(state.changed.wait(), remaining)
            except TimeoutError:
                pass
        message = state.original
        if (
            state.response_type == DEFERRED_UPDATE_MESSAGE
            and state.followups
            and not state.original_edited
        ):
            message = state.followups[0]
        return Reply(
            state.id, state.response_type, message, state.followups, state.modal, state.source
        )

    @staticmethod
    def _answered(state: InteractionState) -> bool:
        kind = state.response_type
        if kind in (CHANNEL_MESSAGE, UPDATE_MESSAGE, AUTOCOMPLETE_RESULT, MODAL):
            return True
        if kind == DEFERRED_CHANNEL_MESSAGE:
            return state.original is not None and not state.original.flags & 128
        if kind == DEFERRED_UPDATE_MESSAGE:
            return state.original_edited or bool(state.followups)
        return False

    def _explain(self, state: InteractionState, what: str, why: str) -> str:
        related = [
            (r.method, r.path, r.status, r.response if r.status >= 400 else None)
            for r in self.requests
            if state.token in r.path or str(state.id) in r.path
        ]
        return (
            f"{what}: {why}; response_type={state.response_type}; "
            f"bot's requests: {related}; errors: {state.errors}"
        )

    # -- reading what the bot posted ------------------------------------------------------

    def messages(self, channel: Channel, *, include_interactions: bool = False) -> list[Message]:
        """Messages the bot posted in `channel` (oldest first), deleted ones excluded."""
        return [
            m
            for m in channel.messages
            if not m.deleted
            and m.author is self.world.bot
            and (include_interactions or m.interaction_id is None)
        ]

    async def wait_for_messages(
        self,
        channel: Channel,
        count: int = 1,
        *,
        timeout: float = 5.0,
        where: Callable[[Message], bool] | None = None,
    ) -> list[Message]:
        """Poll until the bot posted at least `count` matching messages in `channel`."""
        deadline = time.monotonic() + timeout
        while True:
            found = [m for m in self.messages(channel) if where is None or where(m)]
            if len(found) >= count:
                return found
            if time.monotonic() > deadline:
                raise NoReply(
                    f"{len(found)} of {count} messages in #{channel.name} after {timeout}s"
                )
            await asyncio.sleep(0.02)
