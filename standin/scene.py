"""The default world of the end-to-end tests and `seasonwatch sandbox`: who is where, with what."""

from __future__ import annotations

from dataclasses import dataclass

from .server import Server
from .world import MANAGE_GUILD, Channel, Guild, Member, Role, User


@dataclass
class Scene:
    """Guild "Home" (Editors role, #general, #announcements) and "Other" (#general, #news)."""

    home: Guild
    other: Guild
    home_general: Channel
    home_announcements: Channel
    other_general: Channel
    other_news: Channel
    editors: Role
    fan: Member  # in Home
    other_fan: Member  # the same user, as a member of Other
    editor: Member
    admin: Member
    other_admin: Member
    owner: Member

    @property
    def owner_user(self) -> User:
        """The OWNER_IDS user."""
        return self.owner.user


def build_scene(standin: Server) -> Scene:
    """Build the default world; do it before the bot starts, so no gateway events are needed."""
    w = standin.world
    home = w.add_guild("Home")
    other = w.add_guild("Other")
    editors = home.add_role("Editors")
    fan = home.add_member("fan")
    return Scene(
        home=home,
        other=other,
        home_general=home.add_channel("general"),
        home_announcements=home.add_channel("announcements", announcement=True),
        other_general=other.add_channel("general"),
        other_news=other.add_channel("news", announcement=True),
        editors=editors,
        fan=fan,
        other_fan=other.add_member(fan.user),
        editor=home.add_member("editor", roles=[editors]),
        admin=home.add_member("admin", permissions_via_role=MANAGE_GUILD),
        other_admin=other.add_member("other-admin", permissions_via_role=MANAGE_GUILD),
        owner=home.add_member("owner"),
    )
