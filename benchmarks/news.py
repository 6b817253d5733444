"""News intake at scale: 200 feeds of 50 items polled, matched and queued in one cycle.

    .venv/bin/python -m benchmarks.news                         # 200 sources x 50 items
    .venv/bin/python -m benchmarks.news --sources 500 --items 100

What it does:
1. Serves `--sources` RSS feeds of `--items` items each from a local aiohttp server (in this
   process, so its CPU is counted too), every item mentioning the seeded show's title or its
   Korean one, and one cast member, so that every item is a candidate (and queued up to the
   cap of `QUEUE_PER_FETCH` new items a feed a fetch).
2. Adds the feeds to a fresh SQLite store as `/sources add` would, but with nothing recorded as
   seen (so the first poll finds every item new), then runs the real poll cycle
   (`Poller.poll_due`: fetch with the safety rules, parse, match, queue with review posts)
   three times, all sources due each time:
   - new: every item is new and matched, 10 a feed queued (2,000, with their review-post outbox
     rows), the rest recorded as seen;
   - 304: the same feeds, answered 304 to the conditional GET: nothing new;
   - unchanged: a server ignoring the validators (200 with the same bytes): parsed, nothing new.
3. Prints the wall time of each cycle, per source, the ratio to the 304 cycle, the worst lateness
   of a 10 ms timer meanwhile (what a slash command would wait for the event loop), and the
   process's resident memory before and after.

Timings are reported, never asserted; exit status 1 if the counts are wrong.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from aiohttp import web  # noqa: E402

from bot.news.fetch import Fetcher  # noqa: E402
from bot.news.poller import Poller  # noqa: E402
from bot.news.store import QUEUE_PER_FETCH  # noqa: E402
from bot.store import Store  # noqa: E402

NAMES = ("All of Us Are Dead", "지금 우리 학교는")
PEOPLE = ("Park Ji-hu", "Yoon Chan-young", "박지후", "Lomon")


def rss(source: int, items: int) -> bytes:
    """One feed whose every item is about the seeded show."""
    body = "".join(
        f"<item><title>{NAMES[n % 2]} season 2: report {source}-{n}</title>"
        f"<link>https://feeds.example/{source}/{n}?utm_source=rss</link>"
        f"<guid isPermaLink=\"false\">{source}-{n}</guid><pubDate>Tue, 01 Oct 2024 10:00:00 +0000</pubDate>"
        f"<description><![CDATA[<p>{PEOPLE[n % 4]} was seen on set, item {n} of feed {source}.</p>]]>"
        "</description></item>" for n in range(items))
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Feed {source}</title>'
            f"<link>https://feeds.example/{source}</link><description>bench</description>{body}"
            "</channel></rss>").encode()


def rss_mib() -> float:
    """This process's resident memory now, in MiB."""
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * 4096 / 2**20


class Feeds:
    """The local feed server; `validators` off makes it ignore If-None-Match (always 200)."""

    def __init__(self, sources: int, items: int) -> None:
        self.bodies = {s: rss(s, items) for s in range(sources)}
        self.validators = True
        self.runner: web.AppRunner | None = None
        self.port = 0

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/{source}.xml", self.handle)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.port = self.runner.addresses[0][1]

    async def handle(self, request: web.Request) -> web.Response:
        source = int(request.match_info["source"])
        etag = f'"{source}"'
        if self.validators and request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        return web.Response(body=self.bodies[source], content_type="application/rss+xml",
                            headers={"ETag": etag})


async def lag(stop: asyncio.Event, worst: list[float]) -> None:
    """How late a 10 ms timer fires while a cycle runs: what an interaction would wait."""
    while not stop.is_set():
        started = time.perf_counter()
        await asyncio.sleep(0.01)
        worst[0] = max(worst[0], time.perf_counter() - started - 0.01)


async def cycle(poller: Poller, store: Store, label: str) -> tuple[float, int]:
    """All sources due now, one poll cycle; prints and returns (seconds, items queued)."""
    now = time.time()
    await store.news.reschedule_sources({s.id: now - 1 for s in await store.news.sources()})
    poller.clock = lambda: now
    stop, worst = asyncio.Event(), [0.0]
    ticker = asyncio.create_task(lag(stop, worst))
    started = time.perf_counter()
    queued = await poller.poll_due()
    took = time.perf_counter() - started
    stop.set()
    await ticker
    sources = len(await store.news.sources())
    print(f"{label:<10} {took * 1000:9.0f} ms  {took / sources * 1000:7.2f} ms/source  "
          f"event-loop lag max {worst[0] * 1000:5.0f} ms  queued {queued:>6}  RSS {rss_mib():6.1f} MiB")
    return took, queued


async def run(sources: int, items: int) -> int:
    feeds = Feeds(sources, items)
    await feeds.start()
    with tempfile.TemporaryDirectory() as tmp:
        store = await Store.open(Path(tmp) / "bench.db")
        try:
            await store.files.seed_if_empty()
            for s in range(sources):
                await store.news.add_source(f"http://127.0.0.1:{feeds.port}/{s}.xml", f"Feed {s}",
                                            show_id=None,
                                       keywords=(), added_by=1, seen=[], next_poll_at=time.time())
            poller = Poller(store, Fetcher(allow_private=True), interval=900, review_channel=1)
            before = rss_mib()
            print(f"{sources} sources x {items} items; RSS before: {before:.1f} MiB")
            new, queued = await cycle(poller, store, "new")
            base, none = await cycle(poller, store, "304")
            feeds.validators = False
            again, unchanged = await cycle(poller, store, "unchanged")
            print(f"new / 304: {new / base:.1f}x, unchanged (200, parsed, nothing new) / 304: "
                  f"{again / base:.1f}x; RSS after: {rss_mib():.1f} MiB (+{rss_mib() - before:.1f})")
            await poller.fetcher.close()
            _, total = await store.news.pending_items(None)
        finally:
            await store.close()
    if feeds.runner is not None:
        await feeds.runner.cleanup()
    expected = sources * min(items, QUEUE_PER_FETCH)
    wrong = queued != expected or none or unchanged or total != expected
    if wrong:
        print(f"wrong counts: queued {queued}, then {none} and {unchanged}; pending {total}")
    return 1 if wrong else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sources", type=int, default=200)
    parser.add_argument("--items", type=int, default=50)
    args = parser.parse_args(argv)
    return asyncio.run(run(args.sources, args.items))


if __name__ == "__main__":
    sys.exit(main())
