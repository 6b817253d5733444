"""Catalogue data unit tests write with: two editors and a cast fact as an editor would file it."""

from __future__ import annotations

from bot.core.models import Editor, Fact

ALICE = Editor(101, "alice")
BOB = Editor(102, "bob")


def cast_fact(person: str = "Park Ji-hu", character: str = "On-jo",
              confidence: str = "reported") -> Fact:
    """A main-cast fact with a source, as `/edit cast` files it."""
    return Fact(
        fields={"person": person, "character": character, "billing": "main",
                "state": "returning", "note": None},
        confidence=confidence,
        source_name="Teen Vogue",
        source_url="https://www.teenvogue.com/",
        as_of="2024-01-17",
    )
