"""A bot started as `python -m bot run` in a subprocess, as the `bot_process` fixture returns it
(crash and restart tests)."""

# ruff: noqa: ASYNC109 (`timeout=` is part of the helper's API)
from __future__ import annotations

import asyncio
import signal
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class BotProcess:
    proc: asyncio.subprocess.Process
    log_path: Path
    identifies_before: int
    extra: dict[str, Any] = field(default_factory=dict)

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace")

    async def kill(self) -> int:
        """SIGKILL: a crash, no cleanup."""
        if self.proc.returncode is None:
            self.proc.kill()
        return await self.proc.wait()

    async def stop(self, timeout: float = 10.0) -> int:
        """SIGTERM, then wait for a clean exit."""
        if self.proc.returncode is None:
            self.proc.send_signal(signal.SIGTERM)
        return await asyncio.wait_for(self.proc.wait(), timeout)
