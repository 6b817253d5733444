"""Exceptions that carry a message meant for the person who caused them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.core.messages import N_

if TYPE_CHECKING:
    from bot.core.models import Entry


class UserError(Exception):
    """Something the user can fix; the message says what and how.

    The message is an English catalogue message with `{placeholders}` filled from `values`, so
    `bot.interactions.replies` can say it in the user's language; `str()` is the English text."""

    def __init__(self, message: str, /, **values: Any) -> None:
        super().__init__(message.format(**values) if values else message)
        self.message = message
        self.values = values


class InvalidInput(UserError):
    """An option's value is malformed; names the option and the expected form."""

    def __init__(self, option: str, problem: str, /, **values: Any) -> None:
        super().__init__(problem, **values)
        self.option = option
        self.problem = str(self.args[0])
        self.args = (f"`{option}`: {self.problem}",)


class NotAllowed(UserError):
    """The caller lacks the role this command needs."""


class UnknownShow(UserError):
    """No tracked show matches what was typed."""


class ConflictError(UserError):
    """The entry changed after the edit was prepared; carries the newer entry."""

    def __init__(self, current: Entry | None) -> None:
        version = current.version if current else 0
        super().__init__(N_("Someone changed this entry meanwhile (now at version {version}). "
                            "Run the command again to edit the newer value."), version=version)
        self.current = current


class StoreError(Exception):
    """The database cannot be used as it is (too new, a failed migration, a file SQLite cannot
    open); the message names DATABASE_PATH or the file and says what to do."""


class WriteFailed(StoreError, UserError):
    """SQLite refused a write (disk full, locked) and it was rolled back; the message is for the
    person who asked for it, the log names the database for the operator."""


class InvalidImport(ValueError):
    """An import file is wrong; the message names the entry and field at fault."""
