"""Driving the listings watch in end-to-end tests: a show imported the way an owner does it, and
one real watch cycle run now."""

# ruff: noqa: ASYNC109 (`timeout=` of the helpers, like the driver's)
from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

SWEET_HOME = 1002  # the TVmaze stand-in's show with a season to come (season 3)
KINGDOM = 1004


def day(days: int) -> str:
    """A date `days` from today, as TVmaze lists a premiere."""
    return (dt.date.today() + dt.timedelta(days=days)).isoformat()


async def import_show(standin: Any, scene: Any, query: str, pick: str) -> Any:
    """`/shows import` as the owner: search, pick, Import with every fact chosen."""
    matches = await standin.command(scene.owner, scene.home_general, "shows import", query=query, timeout=15)
    preview = await standin.click(scene.owner, matches, pick, timeout=15)
    done = await standin.click(scene.owner, preview, "Import", timeout=10)
    assert done.content.startswith("Imported **"), done.content
    return done


async def watch_cycle(watcher: Any, timeout: float = 10.0) -> None:
    """Let the watch ask what changed now and check what it must (one real cycle)."""
    before = watcher.cycles
    watcher.next_cycle = 0.0
    watcher.wake()
    for _ in range(int(timeout / 0.02)):
        if watcher.cycles > before and watcher.next_cycle > 0:
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the listings watch did not run a cycle")
