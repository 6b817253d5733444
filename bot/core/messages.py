"""Catalogue messages as values: the English text is the message's id, and marking it (`N_`)
lets a message travel (in an error, a stored notice, a table) before anyone knows the reader's
language; `bot.i18n.t` words it when shown."""

from __future__ import annotations


class Msg(str):
    """A catalogue message used as a placeholder's value: `t()` translates it too, so an error
    raised without knowing the reader's language can still carry a translatable fragment."""


def N_(message: str) -> Msg:
    """Mark a message for the catalogue where it is defined (tables), translated where shown."""
    return Msg(message)
