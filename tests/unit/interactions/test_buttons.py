"""bot/interactions/buttons.py: buttons and forms pass the shutdown gate and their rule (the
same object as their command's) before their cog runs anything; every error is a reply."""

from __future__ import annotations

import re
from typing import Any, ClassVar

import discord
from discord.ext import commands

from bot.core.errors import UserError
from bot.interactions.access import EDITORS, EDITORS_ONLY
from bot.interactions.buttons import CogButton, CogForm, submitted_values
from tests.unit.interactions.fakes import FAN, OWNER, Gate, interaction


class Cog(commands.Cog):
    """Records what the button or form asked of it."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []


class EditButton(CogButton, template=r"test:edit:(?P<n>[0-9]+)"):
    cog_name = "Edit"
    rule = EDITORS
    fail: ClassVar[Exception | None] = None

    def __init__(self, n: int = 1) -> None:
        super().__init__(discord.ui.Button(label="Go", custom_id=f"test:edit:{n}"))
        self.n = n

    @classmethod
    async def from_custom_id(cls, interaction: Any, item: Any, match: re.Match[str], /) -> EditButton:
        return cls(int(match["n"]))

    async def pressed(self, interaction: discord.Interaction[Any], cog: commands.Cog) -> None:
        if self.fail is not None:
            raise self.fail
        assert isinstance(cog, Cog)
        cog.calls.append(("pressed", self.n))


class EditForm(CogForm):
    pattern = re.compile(r"test:form:(?P<n>[0-9]+)")
    cog_name = "Edit"
    rule = EDITORS

    @classmethod
    async def submitted(cls, interaction: discord.Interaction[Any], cog: commands.Cog,
                        match: re.Match[str], values: dict[str, str]) -> None:
        assert isinstance(cog, Cog)
        cog.calls.append(("submitted", (int(match["n"]), values)))


def replies(asked: Any) -> list[tuple[str | None, bool]]:
    return [(s.content, s.ephemeral) for s in asked.channel.sent]


async def press(asked: Any, button: CogButton | None = None) -> bool:
    """What discord.py does with a click: the check, then the callback if it passed."""
    button = button or EditButton()
    if not await button.interaction_check(asked):
        return False
    await button.callback(asked)
    return True


async def test_a_refused_press_is_told_and_the_cog_never_runs():
    cog = Cog()
    asked = interaction(FAN, cogs={"Edit": cog})
    assert not await press(asked)
    assert replies(asked) == [(EDITORS_ONLY, True)]
    assert cog.calls == []


async def test_an_editors_press_reaches_the_cog():
    cog = Cog()
    asked = interaction(OWNER, cogs={"Edit": cog})
    assert await press(asked, EditButton(5))
    assert cog.calls == [("pressed", 5)]


async def test_a_closed_gate_stops_everything_before_the_rule():
    cog, gate = Cog(), Gate(open_=False)
    asked = interaction(FAN, cogs={"Edit": cog}, gate=gate)
    assert not await press(asked)
    assert gate.asked == 1
    assert replies(asked) == []  # the gate answers for itself ("restarting")
    assert cog.calls == []


async def test_an_unloaded_cog_is_told_as_expired():
    asked = interaction(OWNER, cogs={})
    assert await press(asked)
    assert replies(asked) == [("This expired; run the command again.", True)]


async def test_an_error_in_the_cog_becomes_a_reply(monkeypatch):
    monkeypatch.setattr(EditButton, "fail", UserError("That is gone."))
    asked = interaction(OWNER, cogs={"Edit": Cog()})
    assert await press(asked)
    assert replies(asked) == [("That is gone.", True)]


def form_data(custom_id: str) -> dict[str, Any]:
    # Text inputs inside action rows (type 1), and inside a label (type 18) as newer clients send.
    return {"custom_id": custom_id, "components": [
        {"type": 1, "components": [{"type": 4, "custom_id": "headline", "value": "Big news"}]},
        {"type": 18, "component": {"type": 4, "custom_id": "note", "value": None}},
    ]}


async def test_a_form_takes_only_its_own_submits():
    cog = Cog()
    other = interaction(OWNER, cogs={"Edit": cog}, data=form_data("test:other:1"),
                        kind=discord.InteractionType.modal_submit)
    click = interaction(OWNER, cogs={"Edit": cog}, data=form_data("test:form:1"))
    assert not await EditForm.receive(other)
    assert not await EditForm.receive(click)
    assert cog.calls == [] and replies(other) == [] and replies(click) == []


async def test_a_form_runs_the_same_rule_as_the_button():
    cog = Cog()
    refused = interaction(FAN, cogs={"Edit": cog}, data=form_data("test:form:3"),
                          kind=discord.InteractionType.modal_submit)
    assert await EditForm.receive(refused)
    assert replies(refused) == [(EDITORS_ONLY, True)] and cog.calls == []
    allowed = interaction(OWNER, cogs={"Edit": cog}, data=form_data("test:form:3"),
                          kind=discord.InteractionType.modal_submit)
    assert await EditForm.receive(allowed)
    assert cog.calls == [("submitted", (3, {"headline": "Big news", "note": ""}))]


def test_submitted_values_reads_nested_inputs():
    assert submitted_values(form_data("x")["components"]) == {"headline": "Big news", "note": ""}
