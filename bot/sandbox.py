"""`seasonwatch sandbox`: the bot against the local stand-in for Discord, driven from a prompt."""

from __future__ import annotations

import sys
from pathlib import Path

from bot.config import Settings


def main(settings: Settings, *, db: Path | None, script: Path | None) -> int:
    """Run the sandbox; returns the exit status."""
    print("the sandbox is not built yet", file=sys.stderr)
    return 1
