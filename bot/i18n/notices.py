"""Why a subscription is paused, or what went wrong with it, in every reader's language.

The announcer writes these when no one is reading, so it cannot know the language of the admin
who will later run `/alerts list`. A notice is therefore stored as its English catalogue
message and the values it fills in (JSON in the subscription's `paused_reason` or `warning`)
and worded when shown. A value that is itself a list of catalogue messages (the permissions the
bot lacks) is translated too and joined with commas. Rows written before notices existed hold
plain English; they read as themselves.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.core.messages import Msg
from bot.i18n import DEFAULT, t


@dataclass(frozen=True)
class Notice:
    """An English catalogue message and its values, translated when shown."""

    message: str
    values: Mapping[str, str | list[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, message: str, /, **values: Any) -> Notice:
        """A notice from a message and its values; a `Msg` value (`N_("timed out")`) or a list
        of them stays translatable, anything else is kept as text."""
        kept: dict[str, str | list[str]] = {}
        for name, value in values.items():
            if isinstance(value, Msg):
                kept[name] = [str(value)]
            elif isinstance(value, (list, tuple)):
                kept[name] = [str(v) for v in value]
            else:
                kept[name] = str(value)
        return cls(message, kept)

    def text(self, lang: str = DEFAULT) -> str:
        """The notice worded for a reader of `lang`."""
        if not self.values:
            return t(lang, self.message)
        filled = {name: ", ".join(t(lang, v) for v in value) if isinstance(value, list) else value
                  for name, value in self.values.items()}
        return t(lang, self.message, **filled)

    def __str__(self) -> str:
        return self.text()

    def dump(self) -> str:
        """The stored form: JSON that `load` reads back."""
        return json.dumps({"message": self.message, "values": dict(self.values)}, ensure_ascii=False)

    @classmethod
    def load(cls, stored: str) -> Notice:
        """A stored notice; plain text (a row from before notices) is a notice of itself."""
        try:
            data = json.loads(stored)
        except ValueError:
            return cls(stored)
        if not isinstance(data, dict) or not isinstance(data.get("message"), str):
            return cls(stored)
        values = data.get("values")
        return cls(data["message"], values if isinstance(values, dict) else {})
