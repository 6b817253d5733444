"""Fan-out over two processes: one change to N channels, shards 0 and 1 of 2, on PostgreSQL.

    .venv/bin/python -m benchmarks.shards                       # 10,000 channels at 50/s
    .venv/bin/python -m benchmarks.shards --channels 2000 --rate 25
    .venv/bin/python -m benchmarks.shards --database-url postgresql://…/empty_database

What it does:
1. Starts the stand-in (in this process) with two shards and Discord's limits (5 per 5 s per
   channel, 50 requests a second globally, answered with 429), and a world of N text
   channels, `--per-guild` to a server, the servers alternating between shard 0 and shard 1.
2. Builds a PostgreSQL database (a throw-away server from the `pgserver` test dependency, or
   `--database-url`, which must be empty): migrations, the seeded show, N subscriptions
   through `Store.subscribe`.
3. Starts two workers (`benchmarks.fanout --worker`: the real bot in a process of its own)
   with SHARD_COUNT=2 and SHARD_IDS 0 and 1, ANNOUNCE_RATE=`--rate`: each sends at half.
   Once both are ready, shard 0's publishes one change with `Store.write`.
4. Notes when each announcement arrives; once every channel has one, waits `--settle` s for
   extra ones and reads the outbox.
5. Prints N, the rate, the ideal N / rate, the actual time from the write to the last
   announcement, their ratio (goal: at most 1.05), the 429s (goal: 0), the busiest second
   (the shared budget: at most `--rate`), and how many announcements each shard's channels got.

Timings are reported, never asserted. Exit status 1 if a channel did not get exactly one
announcement, the stand-in saw a violation, or a worker failed.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import gc
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks.common import postgres_database  # noqa: E402
from benchmarks.fanout import TARGET, CountingStandIn, busiest_second  # noqa: E402
from benchmarks.fanout_worker import Worker, start_worker  # noqa: E402
from bot.store import Store  # noqa: E402
from standin.world import Channel  # noqa: E402


async def build(url: str, channels: Sequence[Channel]) -> float:
    started = time.perf_counter()
    store = await Store.open(url)
    try:
        await store.files.seed_if_empty()
        for channel in channels:
            assert channel.guild is not None
            await store.alerts.subscribe(channel.guild.id, channel.id, show_id=None, created_by=1)
    finally:
        await store.close()
    return time.perf_counter() - started


async def outbox(url: str) -> dict[str, int]:
    store = await Store.open(url)
    try:
        states = collections.Counter(d.state for d in await store.alerts.deliveries(limit=10**7))
    finally:
        await store.close()
    return dict(states)


def world(standin: CountingStandIn, channels: int, per_guild: int) -> dict[int, int]:
    """N channels, their servers alternating between the two shards; channel id -> shard."""
    shard_of: dict[int, int] = {}
    for n, first in enumerate(range(0, channels, per_guild)):
        guild = standin.world.add_guild(f"Server {n}", shard=(n % 2, 2))
        for i in range(first, min(first + per_guild, channels)):
            shard_of[guild.add_channel(f"news-{i}").id] = n % 2
    standin.watched = set(shard_of)
    return shard_of


async def fan_out(url: str, options: argparse.Namespace) -> dict[str, Any]:
    """Both workers, one change, every arrival; the figures for the report."""
    standin = CountingStandIn(shard_count=2, validate_schema=False)
    shard_of = world(standin, options.channels, options.per_guild)
    channels = [standin.world.channels[c] for c in shard_of]
    figures: dict[str, Any] = {"built_s": await build(url, channels)}
    await standin.start()
    workers: list[Worker] = []
    try:
        with tempfile.TemporaryDirectory(prefix="seasonwatch-shards-") as tmp_name:
            tmp = Path(tmp_name)
            for shard in (0, 1):
                extra = {"DATABASE_URL": url, "SHARD_COUNT": "2", "SHARD_IDS": str(shard)}
                worker = await start_worker(standin, tmp / "unused.db", options, tmp, extra,
                                            idle=shard == 1, name=f"shard-{shard}")
                workers.append(worker)
                await worker.expect("ready", options.ready_timeout)
            gc.collect()
            gc.freeze()  # the stand-in's heap: out of the collections during the fan-out
            for worker in reversed(workers):  # shard 1 first: it only waits for deliveries
                await worker.send("go")
                published = await worker.expect("published", 120.0)
            figures["published"] = published["at"]
            ideal = options.channels / options.rate
            await asyncio.wait_for(standin.everyone_got_one.wait(), ideal * 1.5 + 60)
            figures["actual_s"] = max(t for t, _ in standin.arrivals) - published["at"]
            await asyncio.sleep(options.settle)
            for worker in workers:
                await worker.send("stop")
                figures.setdefault("outcomes", []).append((await worker.expect("result", 60))["outcomes"])
                await worker.finish()
    except Exception as exc:
        figures["error"] = f"{exc!r}\n" + "\n".join(w.log_tail() for w in workers)
    finally:
        for worker in workers:
            if worker.proc.returncode is None:
                worker.proc.kill()
                await worker.proc.wait()
        gc.unfreeze()
        await standin.stop()
    got = collections.Counter(c for _, c in standin.arrivals)
    figures["per_channel"] = collections.Counter(got.get(c, 0) for c in shard_of)
    figures["per_shard"] = collections.Counter(shard_of[c] for c in got.elements())
    figures["arrivals"] = [t for t, _ in standin.arrivals]
    figures["rate_limited"] = len(standin.rate_limited)
    figures["violations"] = [str(v) for v in standin.violations]
    figures["outbox"] = await outbox(url)
    return figures


def report(options: argparse.Namespace, f: dict[str, Any]) -> bool:
    ideal = options.channels / options.rate
    actual = f.get("actual_s")
    print(f"N={options.channels:,} channels over 2 processes (shards 0 and 1 of 2), ANNOUNCE_RATE "
          f"{options.rate:g} (each process {options.rate / 2:g}/s), PostgreSQL; subscriptions "
          f"built in {f['built_s']:.1f}s")
    if actual is not None:
        print(f"ideal N / rate {ideal:.1f}s, actual {actual:.2f}s, ratio {actual / ideal:.3f} "
              f"(goal: at most {TARGET})")
    print(f"announcements per channel: {dict(sorted(f['per_channel'].items()))} (goal: every "
          f"channel exactly 1); per shard: {dict(sorted(f['per_shard'].items()))}")
    print(f"busiest second: {busiest_second(f['arrivals'])} announcements (shared budget "
          f"{options.rate:g}); 429s: {f['rate_limited']}")
    print(f"outbox after the stop: {f['outbox']}; announcer outcomes per process: "
          f"{f.get('outcomes')}")
    for line in f["violations"][:5]:
        print(f"stand-in violation: {line}")
    if f.get("error"):
        print(f"ERROR: {f['error']}")
    once = f["per_channel"] == collections.Counter({1: options.channels})
    return once and not f["violations"] and not f.get("error")


async def run(options: argparse.Namespace) -> int:
    began = time.perf_counter()
    async with postgres_database(options.database_url) as url:
        print(f"fan-out to {options.channels:,} channels over two processes at {options.rate:g}/s "
              f"(ideal {options.channels / options.rate:.1f}s)...", flush=True)
        ok = report(options, await fan_out(url, options))
    print(f"total {time.perf_counter() - began:.1f}s")
    return 0 if ok else 1


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="benchmarks.shards", description=__doc__.split("\n")[0])
    parser.add_argument("--channels", type=int, default=10_000, help="subscribed channels (10000)")
    parser.add_argument("--rate", type=float, default=50.0, help="ANNOUNCE_RATE, shared (50)")
    parser.add_argument("--per-guild", type=int, default=100, help="channels per server (100)")
    parser.add_argument("--settle", type=float, default=2.0,
                        help="seconds to wait for extra announcements after the last one")
    parser.add_argument("--ready-timeout", type=float, default=120.0)
    parser.add_argument("--database-url", help="an empty PostgreSQL database (default: a "
                                               "throw-away server from pgserver)")
    # What benchmarks.fanout's worker options need.
    parser.set_defaults(tracemalloc=False, profile=False, profile_top=25)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    return asyncio.run(run(parse(argv)))


if __name__ == "__main__":
    sys.exit(main())
