"""The sandbox's demo listing change: a few seconds after a show is linked to the demo TVmaze (by
`/shows import` or `/shows edit tvmaze:`), the premiere of the season it follows moves two weeks
later there, once, so that after `wait` a newcomer sees the watch propose it in #review and
/queue (the sandbox's watch asks what changed every few seconds)."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from typing import Any

from standin.tvmaze import TVmazeStandIn

log = logging.getLogger(__name__)

POLL_HOURS = 0.002  # the sandbox's LISTINGS_POLL_HOURS: about every 7 seconds
DELAY = 3.0  # seconds between a link and the change of its listing
LOOK = 1.0  # seconds between looks for new links


class DemoListingChange:
    """Changes each newly linked show's listing once, `DELAY` seconds after it was linked."""

    def __init__(self, store: Any, tvmaze: TVmazeStandIn, delay: float = DELAY) -> None:
        self.store = store
        self.tvmaze = tvmaze
        self.delay = delay
        self.changed: set[int] = set()  # link ids whose listing was changed
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="sandbox-demo-listing")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(LOOK)
            try:
                await self._look()
            except Exception:  # the demo goes on; the sandbox's own commands are unaffected
                log.exception("sandbox: changing the demo listing failed")

    async def _look(self) -> None:
        async with self.store.database.lock:
            links = await self.store.listings.links("tvmaze")
        for link in links:
            if link.id not in self.changed:
                self.changed.add(link.id)
                asyncio.get_running_loop().call_later(self.delay, self.change, link.show_id,
                                                      int(link.external_id))

    def change(self, show_id: int, tvmaze_id: int) -> None:
        """Move the followed season's premiere two weeks later (from 60 days ahead if unknown)."""
        show = self.store.view.show(show_id)
        demo = self.tvmaze.shows.get(tvmaze_id)
        if show is None or demo is None:
            return
        season = next((s for s in demo.seasons if s["number"] == show.season), None)
        if season is None:
            return
        known = season["premiereDate"]
        start = dt.date.fromisoformat(known) if known else dt.date.today() + dt.timedelta(days=60)
        self.tvmaze.set_premiere(tvmaze_id, show.season, (start + dt.timedelta(days=14)).isoformat())
        log.info("sandbox: TVmaze's %s season %d premiere moved two weeks", demo.show["name"], show.season)
