"""Command latency on PostgreSQL next to SQLite: the same catalogue, the same calls.

    .venv/bin/python -m benchmarks.backends                 # 10,000 entries, 500 calls each
    .venv/bin/python -m benchmarks.backends --calls 100 --database-url postgresql://…/empty

Every fan command reads the in-memory view, whichever database is behind it, so the two
should answer alike. What it does:
1. Builds the catalogue of `benchmarks.commands` (`--entries` entries) in a SQLite file, in a
   child process, and copies it with `Store.copy_to` (what `seasonwatch db copy` runs) into an
   empty PostgreSQL database: a throw-away server from the `pgserver` test dependency, or
   `--database-url`.
2. For each backend in turn (`--passes` times, alternating, so neither always goes first):
   starts the stand-in and the real bot (`bot.app.running`) in this process, adds the no-op
   baseline command, warms up, and times `--calls` shuffled rounds of every call of
   `benchmarks.commands` (interaction sent to reply received; every reply checked).
3. Prints, per call, p50 and p99 on each backend and PostgreSQL's p50 and p99 as a ratio of
   SQLite's (goal: within 10%, a ratio of at most 1.10).

Timings are reported, never asserted. Exit status 1 if any reply was wrong.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks.commands import (  # noqa: E402
    Call,
    Members,
    build_in_child,
    calls,
    noop_command,
    percentile,
    person,
    rounds,
    split,
)
from benchmarks.common import aligned, postgres_database  # noqa: E402
from bot.app import running  # noqa: E402
from bot.config import settings_from  # noqa: E402
from bot.store import Store  # noqa: E402
from standin import StandIn  # noqa: E402

GOAL = 1.10


async def measure(database: Path | str, options: argparse.Namespace,
                  rng: random.Random) -> list[Call]:
    """Start the bot on `database` (a file or a postgresql:// URL) and time every call."""
    standin = StandIn(validate_schema=False)
    await standin.start()
    try:
        guild = standin.world.add_guild("Bench")
        channel = guild.add_channel("general")
        fans = [guild.add_member(f"fan-{i}") for i in range(options.members)]
        where = {"DATABASE_URL": database} if isinstance(database, str) else {
            "DATABASE_PATH": str(database)}
        settings = settings_from({"DISCORD_TOKEN": standin.token, **where,
                                  "DISCORD_API_BASE": standin.api_base,
                                  "DISCORD_GATEWAY_URL": standin.gateway_url,
                                  "LOG_LEVEL": "WARNING"})
        async with running(settings) as bot:
            await standin.wait_ready(30.0)
            standin.commands_synced.clear()
            bot.tree.add_command(noop_command())
            await bot.tree.sync()
            await standin.wait_ready(10.0)
            todo = calls(standin, channel, person(split(options.entries)[0] // 2))
            members = Members(fans)
            await rounds(standin, channel, todo, members, options.warmup, rng, record=False)
            for call in todo:
                call.errors.clear()
            await rounds(standin, channel, todo, members, options.calls, rng, record=True)
        return todo
    finally:
        await standin.stop()


def merge(runs: Sequence[list[Call]]) -> list[Call]:
    """One list of calls holding every pass's samples and errors."""
    merged = runs[0]
    for other in runs[1:]:
        for mine, theirs in zip(merged, other, strict=True):
            mine.samples += theirs.samples
            mine.errors += theirs.errors
    return merged


def table(sqlite: list[Call], postgres: list[Call]) -> str:
    rows = [("call", "SQLite p50", "p99", "PostgreSQL p50", "p99", "p50 ratio", "p99 ratio", "")]
    for lite, pg in zip(sqlite, postgres, strict=True):
        l50, l99 = statistics.median(lite.samples) * 1000, percentile(lite.samples, 99) * 1000
        p50, p99 = statistics.median(pg.samples) * 1000, percentile(pg.samples, 99) * 1000
        verdict = "ok" if p50 / l50 <= GOAL else "OVER"
        rows.append((lite.label, f"{l50:.2f}", f"{l99:.2f}", f"{p50:.2f}", f"{p99:.2f}",
                     f"{p50 / l50:.2f}x", f"{p99 / l99:.2f}x", verdict))
    return aligned(rows)


async def run(options: argparse.Namespace) -> int:
    began = time.perf_counter()
    async with postgres_database(options.database_url) as url:
        with tempfile.TemporaryDirectory(prefix="seasonwatch-backends-") as tmp:
            database = Path(tmp) / "bench.db"
            built = await build_in_child(database, options.entries)
            async with await Store.open(database) as store:
                copied = await store.copy_to(url)
            print(f"catalogue: {options.entries:,} entries built in {built:.1f}s, copied to "
                  f"PostgreSQL ({copied['entry']:,} entries, {copied['change']:,} changes)")
            rng = random.Random(options.seed)
            results: dict[str, list[list[Call]]] = {"sqlite": [], "postgresql": []}
            for n in range(options.passes):
                order = [("sqlite", database), ("postgresql", url)]
                for name, target in order if n % 2 == 0 else reversed(order):
                    results[name].append(await measure(target, options, rng))
        sqlite, postgres = merge(results["sqlite"]), merge(results["postgresql"])
    print(f"{options.passes} pass(es) per backend, {options.calls} rounds each, after "
          f"{options.warmup} warm-up rounds")
    print()
    print(table(sqlite, postgres))
    print()
    print(f"goal: PostgreSQL's p50 within {GOAL - 1:.0%} of SQLite's (the same in-memory reads)")
    errors = [(c.label, e) for c in (*sqlite, *postgres) for e in c.errors]
    print(f"wrong replies: {len(errors)}")
    for label, error in errors[:10]:
        print(f"  {label}: {error}")
    print(f"total {time.perf_counter() - began:.1f}s")
    return 1 if errors else 0


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="benchmarks.backends", description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=500, help="timed rounds per pass (500)")
    parser.add_argument("--warmup", type=int, default=10, help="untimed rounds first (10)")
    parser.add_argument("--passes", type=int, default=2, help="passes per backend, alternating (2)")
    parser.add_argument("--entries", type=int, default=10_000, help="catalogue size (10000)")
    parser.add_argument("--members", type=int, default=2000, help="distinct fans calling (2000)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the call order")
    parser.add_argument("--database-url", help="an empty PostgreSQL database (default: a "
                                               "throw-away server from pgserver)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    return asyncio.run(run(parse(argv)))


if __name__ == "__main__":
    sys.exit(main())
