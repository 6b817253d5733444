"""Logging, set up once per process, with secrets scrubbed from everything it prints."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable
from types import TracebackType

REDACTED = "[redacted]"


class RedactingFormatter(logging.Formatter):
    """Formats a record, then blanks each secret anywhere in the result.

    Scrubbing the finished text rather than `record.msg` matters: an exception whose message
    holds the token shows it again in the traceback, and so can a stack or a logged argument.
    """

    def __init__(self, fmt: str, secrets: Iterable[str]) -> None:
        super().__init__(fmt)
        # Longest first, so a secret containing another is blanked whole.
        self.secrets = sorted({s for s in secrets if s}, key=len, reverse=True)

    def format(self, record: logging.LogRecord) -> str:
        return self.redact(super().format(record))

    def redact(self, text: str) -> str:
        """`text` with every secret replaced by a marker."""
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return text


def setup_logging(level: str, *secrets: str | None) -> None:
    """Log to stderr at `level`; never print a secret (the token, a database password), not even
    in a traceback, and route uncaught exceptions through the same scrubbing."""
    handler = logging.StreamHandler()
    handler.setFormatter(RedactingFormatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s",
                                            (s for s in secrets if s)))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger("discord").setLevel(max(logging.INFO, root.level))
    voice = logging.getLogger("discord.client")
    if _not_about_voice not in voice.filters:
        voice.addFilter(_not_about_voice)
    sys.excepthook = _log_uncaught


def _not_about_voice(record: logging.LogRecord) -> bool:
    """Drop discord.py's warnings that voice libraries are missing: the bot has no voice."""
    return "voice will NOT be supported" not in record.getMessage()


def _log_uncaught(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, error, tb)
        return
    logging.getLogger("seasonwatch").critical("uncaught exception", exc_info=(kind, error, tb))
