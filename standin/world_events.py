"""Changes to the stand-in's world after the bot started, each sent to the bot as the gateway
event Discord would send (a change made before start needs none)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .gateway import Gateway, guild_delete_payload
from .rest import Rest
from .server import Server
from .world import Channel, Guild, Member, Overwrite, Role


class WorldEvents(Server):
    """The stand-in's server with its REST routes and gateway, and the world changes tests make
    while the bot runs."""

    rest: Rest
    gateway: Gateway

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.rest = Rest(self)
        self.gateway = Gateway(self)

    async def remove_bot_from_guild(self, guild: Guild) -> None:
        guild.members.pop(self.world.bot.id, None)
        await self.gateway.dispatch("GUILD_DELETE", guild_delete_payload(guild))

    async def delete_channel(self, channel: Channel) -> None:
        channel.deleted = True
        if channel.guild is not None:
            await self.gateway.dispatch("CHANNEL_DELETE", channel.payload())

    async def delete_scheduled_event(self, event_id: int) -> bool:
        """Someone with Manage Events deletes an event in Discord's client; returns whether the
        bot's intents let it hear about it (the bot asks for no scheduled-event intent)."""
        event = self.scheduled_events.pop(event_id)
        self.event_log.append(("delete", event_id))
        return await self.gateway.dispatch("GUILD_SCHEDULED_EVENT_DELETE", event)

    async def create_channel(
        self,
        guild: Guild,
        name: str,
        *,
        announcement: bool = False,
        overwrites: Iterable[Overwrite] = (),
    ) -> Channel:
        """Add a channel after the bot started (a world change made before start needs no event)."""
        channel = guild.add_channel(name, announcement=announcement, overwrites=overwrites)
        await self.gateway.dispatch("CHANNEL_CREATE", channel.payload())
        return channel

    async def update_guild(self, guild: Guild) -> None:
        """Send GUILD_UPDATE after a test changed `guild` (its name, its preferred locale)."""
        await self.gateway.dispatch("GUILD_UPDATE", guild.payload())

    async def update_channel(self, channel: Channel) -> None:
        """Send CHANNEL_UPDATE after a test changed `channel` (name, overwrites, type)."""
        await self.gateway.dispatch("CHANNEL_UPDATE", channel.payload())

    async def update_role(
        self,
        role: Role,
        *,
        name: str | None = None,
        permissions: int | None = None,
        mentionable: bool | None = None,
    ) -> None:
        if name is not None:
            role.name = name
        if permissions is not None:
            role.permissions = permissions
        if mentionable is not None:
            role.mentionable = mentionable
        await self.gateway.dispatch(
            "GUILD_ROLE_UPDATE", {"guild_id": str(role.guild_id), "role": role.payload()}
        )

    async def update_member(self, member: Member, *, roles: list[Role] | None = None) -> bool:
        """Change a member's roles; returns whether the bot's intents let it hear about it."""
        if roles is not None:
            member.roles = list(roles)
        data = member.payload() | {"guild_id": str(member.guild.id)}
        return await self.gateway.dispatch("GUILD_MEMBER_UPDATE", data)

    async def drop_connection(self) -> None:
        await self.gateway.drop_connection()

    async def send_reconnect(self) -> None:
        await self.gateway.send_reconnect()

    async def gateway_outage(self) -> None:
        await self.gateway.go_down()

    def gateway_restored(self) -> None:
        self.gateway.come_back()

    async def send_invalid_session(self, resumable: bool = False) -> None:
        await self.gateway.send_invalid_session(resumable)
