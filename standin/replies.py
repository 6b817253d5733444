"""What a test gets back from the stand-in: the bot's reply to an interaction, and the pieces of
a message it acts on (its buttons, a modal's inputs filled in)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .commands import CommandUsageError
from .world import Message


class NoReply(AssertionError):
    """The bot did not answer an interaction properly in time."""


@dataclass
class Reply:
    """The bot's answer to one interaction; message fields read the live stored message."""

    interaction_id: int
    response_type: int | None
    message: Message | None
    followups: list[Message] = field(default_factory=list)
    modal: dict[str, Any] | None = None
    source: Message | None = None  # for component/modal interactions: the clicked message

    @property
    def content(self) -> str:
        return self.message.content if self.message else ""

    @property
    def embeds(self) -> list[dict[str, Any]]:
        return self.message.embeds if self.message else []

    @property
    def components(self) -> list[dict[str, Any]]:
        return self.message.components if self.message else []

    @property
    def flags(self) -> int:
        return self.message.flags if self.message else 0

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & 64)

    @property
    def message_id(self) -> int | None:
        return self.message.id if self.message else None

    @property
    def buttons(self) -> list[dict[str, Any]]:
        return buttons_in(self.components)

    @property
    def text(self) -> str:
        """Content plus every embed's visible text, for loose assertions."""
        parts = [self.content]
        for e in self.embeds:
            parts += [e.get("title") or "", e.get("description") or ""]
            parts += [f"{f.get('name')}\n{f.get('value')}" for f in e.get("fields") or []]
            parts += [
                (e.get("footer") or {}).get("text") or "",
                (e.get("author") or {}).get("name") or "",
            ]
        return "\n".join(p for p in parts if p)


def buttons_in(components: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found = []
    for c in components:
        if c.get("type") == 2:
            found.append(c)
        found += buttons_in(c.get("components") or [])
        if isinstance(c.get("accessory"), dict):
            found += buttons_in([c["accessory"]])
    return found


def selects_in(components: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The select menus (string, user, role, mentionable, channel) among components."""
    found = []
    for c in components:
        if c.get("type") in (3, 5, 6, 7, 8):
            found.append(c)
        found += selects_in(c.get("components") or [])
    return found


def usable_in_dms(command: dict[str, Any]) -> bool:
    contexts = command.get("contexts")
    if contexts is not None:
        return 1 in contexts
    return command.get("dm_permission") is not False


def fill_modal_input(component: dict[str, Any], values: dict[str, str], used: set[str]) -> dict[str, Any]:
    """Modal submit data mirroring the modal's layout (action rows or labels)."""
    kind = component.get("type")
    if kind == 1:
        return {
            "type": 1,
            "components": [fill_modal_input(c, values, used) for c in component.get("components") or []],
        }
    if kind == 18:
        inner = dict(component["component"])
        inner.setdefault("label", component.get("label"))
        return {"type": 18, "component": fill_modal_input(inner, values, used)}
    if kind == 4:
        key = next(
            (k for k in (component.get("custom_id"), component.get("label")) if k in values), None
        )
        value = values[key] if key is not None else component.get("value") or ""
        if key is not None:
            used.add(key)
        if component.get("required", True) and not value:
            raise CommandUsageError(
                f"modal input {component.get('label') or component.get('custom_id')!r} is required"
            )
        lo, hi = component.get("min_length", 0), component.get("max_length", 4000)
        if value and not lo <= len(value) <= hi:
            raise CommandUsageError(
                f"modal input {component.get('custom_id')!r}: length outside {lo}..{hi}"
            )
        return {"type": 4, "custom_id": component["custom_id"], "value": value}
    return {"type": kind}
