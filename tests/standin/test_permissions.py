"""Permission computation follows Discord's algorithm (unit tests on the world model)."""

from __future__ import annotations

from standin.world import (
    ADMINISTRATOR,
    ALL_PERMISSIONS,
    EMBED_LINKS,
    MANAGE_GUILD,
    SEND_MESSAGES,
    VIEW_CHANNEL,
    Overwrite,
    World,
)


def test_base_permissions_combine_everyone_and_roles() -> None:
    g = World().add_guild("G", everyone_permissions=VIEW_CHANNEL)
    m = g.add_member("m", permissions_via_role=MANAGE_GUILD)
    assert g.base_permissions(m) == VIEW_CHANNEL | MANAGE_GUILD


def test_administrator_and_owner_get_everything_despite_overwrites() -> None:
    g = World().add_guild("G")
    admin = g.add_member("a", permissions_via_role=ADMINISTRATOR)
    owner = g.members[g.owner.id]
    ch = g.add_channel("c", overwrites=[Overwrite(g.id, 0, deny=VIEW_CHANNEL)])
    assert g.permissions_in(admin, ch) == ALL_PERMISSIONS
    assert g.permissions_in(owner, ch) == ALL_PERMISSIONS


def test_overwrite_order_everyone_then_roles_then_member() -> None:
    g = World().add_guild("G", everyone_permissions=VIEW_CHANNEL | SEND_MESSAGES)
    a, b = g.add_role("A"), g.add_role("B")
    m = g.add_member("m", roles=[a, b])
    ch = g.add_channel(
        "c",
        overwrites=[
            Overwrite(g.id, 0, deny=SEND_MESSAGES),  # @everyone: no sending
            Overwrite.for_(a, allow=SEND_MESSAGES),  # role allow beats role deny
            Overwrite.for_(b, deny=SEND_MESSAGES | EMBED_LINKS),
        ],
    )
    perms = g.permissions_in(m, ch)
    assert perms & SEND_MESSAGES and not perms & EMBED_LINKS
    ch.overwrites.append(Overwrite.for_(m, deny=SEND_MESSAGES))  # member overwrite last
    assert not g.permissions_in(m, ch) & SEND_MESSAGES


def test_no_view_channel_means_no_permissions_in_that_channel() -> None:
    g = World().add_guild("G")
    m = g.add_member("m")
    ch = g.add_channel("c", overwrites=[Overwrite.for_(m, deny=VIEW_CHANNEL)])
    assert g.permissions_in(m, ch) == 0


def test_bot_gets_its_managed_role_permissions() -> None:
    w = World()
    g = w.add_guild("G", bot_permissions=EMBED_LINKS, everyone_permissions=VIEW_CHANNEL)
    assert g.bot_member is not None
    assert g.base_permissions(g.bot_member) == VIEW_CHANNEL | EMBED_LINKS
