"""The per-person anti-spam limit: a fixed window per key, O(1) per call, memory bounded.

discord.py's `app_commands.checks.cooldown` scans every bucket of the period on each call;
with thousands of active fans that scan was the largest single cost of a reply. Here each
call touches one key, and keys idle for over a period are dropped a whole dict at a time.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

import discord
from discord import app_commands

T = TypeVar("T")

FAN_RATE = 5
FAN_PER = 10.0


class RateLimit:
    """At most `rate` calls per key in a window of `per` seconds that opens at its first call."""

    def __init__(self, rate: int, per: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self.per = per
        self._clock = clock
        # Two generations of windows: a key moves to `_new` whenever it is used, and `_old`
        # is dropped once a period has passed since the last rotation. A key still in `_old`
        # then was last used over a period ago, so its window is over: forgetting it is safe.
        self._new: dict[Hashable, list[float]] = {}
        self._old: dict[Hashable, list[float]] = {}
        self._rotated = clock()

    def __len__(self) -> int:
        return len(self._new) + len(self._old)

    def hit(self, key: Hashable) -> float:
        """Count a call; 0.0 if it is allowed, else the seconds until the key may call again."""
        now = self._clock()
        if now - self._rotated >= self.per:
            self._old, self._new = self._new, {}
            self._rotated = now
        window = self._new.get(key)
        if window is None:
            window = self._old.pop(key, None) or [now, 0.0]
            self._new[key] = window
        start, used = window
        if now - start >= self.per:  # the window is over: this call opens a new one
            window[0], window[1] = now, 1.0
            return 0.0
        if used >= self.rate:
            return start + self.per - now
        window[1] = used + 1
        return 0.0


def fan_cooldown(rate: int = FAN_RATE, per: float = FAN_PER) -> Callable[[T], T]:
    """Five calls per ten seconds per person and command; a flood gets 'Slow down'."""
    limit = RateLimit(rate, per)
    cooldown = app_commands.Cooldown(rate, per)  # only describes the limit in the error

    def predicate(interaction: discord.Interaction[Any]) -> bool:
        wait = limit.hit(interaction.user.id)
        if wait > 0:
            raise app_commands.CommandOnCooldown(cooldown, float(math.ceil(wait)))
        return True

    return app_commands.check(predicate)
