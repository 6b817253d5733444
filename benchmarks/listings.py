"""Watching listings at scale: 500 linked shows, one watch cycle with TVmaze's `/updates` against
one that fetches every show.

    .venv/bin/python -m benchmarks.listings                    # 500 shows, 25 changed
    .venv/bin/python -m benchmarks.listings --shows 2000 --changed 100
    .venv/bin/python -m benchmarks.listings --paced            # the /updates cycle at 2 a second

What it does:
1. Serves `--shows` shows from the TVmaze stand-in (standin/tvmaze.py, in this process, so its
   CPU is counted too), each a copy of the demo's Sweet Home with a season 3 to come, and links
   as many shows in a fresh SQLite store, following season 3, with nothing known yet.
2. Runs the real watch cycle (`Watcher.cycle`: ask `/updates/shows?since=day`, fetch, map,
   compare, record proposals with their review posts) twice:
   - every show: each link due (just linked), so every show is fetched, as a watch without
     `/updates` would every cycle; every difference is proposed;
   - /updates: `--changed` shows get a new premiere date and are listed as updated; only those
     are fetched, and each one's pending release proposal is replaced by the new date.
3. Prints, per cycle, the requests made, shows fetched, proposals recorded, the wall time (the
   client unpaced: what the bot's own work costs) and the time the cycle takes at TVmaze's pace
   of 2 requests a second (its requests / 2, or measured with `--paced`), and the ratios of the
   /updates cycle to the every-show one.

Timings are reported, never asserted; exit status 1 if the counts are wrong.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bot.listings.tvmaze import PER_SECOND, TVmaze  # noqa: E402
from bot.listings.watch import Watcher  # noqa: E402
from bot.store import Store  # noqa: E402
from standin.tvmaze import TVmazeStandIn  # noqa: E402
from standin.tvmaze_data import DemoShow  # noqa: E402

TEMPLATE = 1002  # the demo's Sweet Home: three seasons, the third to come
SEASON = 3
FIRST_ID = 20000


def shows(template: DemoShow, count: int, today: dt.date) -> dict[int, DemoShow]:
    """`count` copies of the template show, each with its own ids."""
    made = {}
    for n in range(count):
        show_id = FIRST_ID + n
        demo = copy.deepcopy(template)
        demo.show.update(id=show_id, name=f"Bench Show {n}",
                         url=f"https://www.tvmaze.com/shows/{show_id}/bench-show-{n}")
        for number, found in enumerate(demo.seasons, 1):
            found["id"] = show_id * 10 + number
        demo.runtimes = {s["id"]: 50 for s in demo.seasons}
        demo.seasons[-1]["premiereDate"] = (today + dt.timedelta(days=100)).isoformat()
        made[show_id] = demo
    return made


async def link_all(store: Store, tvmaze: TVmazeStandIn) -> None:
    """A tracked show per stand-in show, linked to it, as `/shows import` links one."""
    for n, show_id in enumerate(tvmaze.shows):
        show = await store.shows.add_show(f"bench-show-{n}", f"Bench Show {n}", SEASON)
        async with store.database.lock, store.database.transaction():
            await store.listings.link(show.id, "tvmaze", str(show_id), tvmaze.shows[show_id].show["url"],
                                      next_check_at=0.0)


async def cycle(name: str, watcher: Watcher, tvmaze: TVmazeStandIn, pace: float) -> dict[str, float]:
    """One watch cycle, measured."""
    requests, checks = len(tvmaze.requests), watcher.checks
    started = time.perf_counter()
    await watcher.cycle(time.time())
    wall = time.perf_counter() - started
    made = len(tvmaze.requests) - requests
    figures = {"requests": made, "fetched": watcher.checks - checks, "wall": wall,
               "paced": max(wall, made / pace)}
    print(f"{name:<11} requests {made:6d}   shows fetched {figures['fetched']:5.0f}   "
          f"wall {wall:7.2f} s   at {pace:g}/s {figures['paced']:8.1f} s")
    return figures


async def run(count: int, changed: int, paced: bool) -> int:
    today = dt.date.today()
    tvmaze = TVmazeStandIn(today)
    tvmaze.shows = shows(tvmaze.shows[TEMPLATE], count, today)
    base = await tvmaze.start()
    client = TVmaze(base, allow_private=True, per_second=1e6)
    with tempfile.TemporaryDirectory() as folder:
        store = await Store.open(Path(folder) / "bench.db")
        try:
            await link_all(store, tvmaze)
            watcher = Watcher(store, client, interval=6 * 3600.0, review_channel=4242)
            print(f"{count} linked shows; {changed} changed upstream before the /updates cycle")
            every = await cycle("every show", watcher, tvmaze, PER_SECOND)
            pending = (await store.news.pending_items(None, limit=1))[1]
            for show_id in list(tvmaze.shows)[:changed]:
                tvmaze.set_premiere(show_id, SEASON, (today + dt.timedelta(days=200)).isoformat())
            if paced:
                client.pacer = TVmaze(base, per_second=PER_SECOND).pacer
            updates = await cycle("/updates", watcher, tvmaze, PER_SECOND)
            after = (await store.news.pending_items(None, limit=1))[1]
        finally:
            await store.close()
            await client.close()
            await tvmaze.stop()
    print(f"proposals pending: {pending} after every show, {after} after /updates "
          f"(a newer date replaces the pending one)")
    print(f"/updates / every show: requests {updates['requests'] / every['requests']:.3f}, "
          f"time at the pace {updates['paced'] / every['paced']:.3f}")
    ok = every["fetched"] == count and updates["fetched"] == changed and after == pending
    if not ok:
        print("WRONG COUNTS", every, updates, pending, after)
    return 0 if ok else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shows", type=int, default=500)
    parser.add_argument("--changed", type=int, default=25)
    parser.add_argument("--paced", action="store_true", help="run the /updates cycle at 2 requests a second")
    args = parser.parse_args(argv)
    return asyncio.run(run(args.shows, args.changed, args.paced))


if __name__ == "__main__":
    sys.exit(main())
