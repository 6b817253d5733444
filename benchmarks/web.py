"""The season page under load: the real bot in-process against the loopback stand-in, its web
server read by a load generator in a child process.

    .venv/bin/python -m benchmarks.web                  # defaults: 10,000 entries, 5 s per load
    .venv/bin/python -m benchmarks.web --seconds 10 --concurrency 16

What it does:
1. Builds a SQLite catalogue of `--entries` entries in a child process (benchmarks.commands:
   the seeded show plus a big one, thousands of cast and news entries).
2. Starts the stand-in, then the bot with WEB_PORT set, and, in the same process and on the
   same event loop, a bare aiohttp server whose one handler returns the big show's page as
   fixed bytes: what aiohttp itself costs per request, the ceiling for any page.
3. Times bot commands (a no-op, /status and /cast of the big show) with no web load.
4. For `--seconds` each, a child process keeps `--concurrency` requests in flight against the
   static handler, then against the big show's season page (`/s/big`), then asks for the page
   `--rate` times a second (readers arriving, not a flood), and measures every request; during
   both season-page loads the same commands are timed again.
5. Prints requests per second and p50/p99 per target, the page's share of the static
   handler's throughput (goal: at least half), and the commands' p50/p99 with no pages, with
   pages at full speed (the bot's one event loop is then saturated) and at the paced rate.

Timings are only reported, never asserted. Exit status 1 if a request or a reply was wrong.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import socket
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from aiohttp import ClientSession, ClientTimeout, TCPConnector, web  # noqa: E402

from benchmarks.commands import (  # noqa: E402
    BIG,
    Call,
    Members,
    answered_publicly,
    build_in_child,
    forget,
    noop_answered,
    noop_command,
    percentile,
    rss_mib,
    timed,
)
from benchmarks.common import aligned  # noqa: E402
from bot.app import running  # noqa: E402
from bot.config import settings_from  # noqa: E402
from standin import StandIn  # noqa: E402
from standin.world import Channel  # noqa: E402

GOAL = 0.5  # the season page's throughput, as a share of the static handler's


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# -- the load generator (a child process) ---------------------------------------------------------

async def load(url: str, seconds: float, concurrency: int, rate: float = 0.0) -> dict[str, Any]:
    """GETs of `url` for `seconds`, every request's latency: as fast as `concurrency` requests
    in flight allow, or, with `rate`, that many a second (an open loop, as readers arrive)."""
    samples: list[float] = []
    wrong: list[str] = []
    deadline = time.perf_counter() + seconds
    connector = TCPConnector(limit=concurrency, force_close=False)
    async with ClientSession(connector=connector, timeout=ClientTimeout(total=30)) as session:

        async def one() -> None:
            started = time.perf_counter()
            async with session.get(url) as answer:
                body = await answer.read()
            samples.append(time.perf_counter() - started)
            if answer.status != 200 or not body:
                wrong.append(f"{answer.status}, {len(body)} bytes")

        async def worker() -> None:
            while time.perf_counter() < deadline:
                await one()

        async def steady() -> None:
            pending = []
            began = time.perf_counter()
            n = 0
            while time.perf_counter() < deadline:
                pending.append(asyncio.create_task(one()))
                n += 1
                await asyncio.sleep(max(0.0, began + n / rate - time.perf_counter()))
            await asyncio.gather(*pending)

        began = time.perf_counter()
        await (steady() if rate else asyncio.gather(*(worker() for _ in range(concurrency))))
        elapsed = time.perf_counter() - began
    return {"count": len(samples), "seconds": elapsed, "samples": samples, "wrong": wrong[:5],
            "wrong_count": len(wrong)}


async def load_in_child(url: str, seconds: float, concurrency: int, rate: float = 0.0) -> dict[str, Any]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "benchmarks.web", "--load", url, "--seconds", str(seconds),
        "--concurrency", str(concurrency), "--rate", str(rate), cwd=REPO,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(f"the load generator failed:\n{err.decode(errors='replace')}")
    result: dict[str, Any] = json.loads(out)
    return result


# -- the run ----------------------------------------------------------------------------------------

async def static_server(body: bytes) -> tuple[web.AppRunner, str]:
    """A bare aiohttp server answering every GET / with `body`: the framework's own cost."""

    async def page(request: web.Request) -> web.Response:
        return web.Response(body=body, content_type="text/html", charset="utf-8")

    app = web.Application()
    app.router.add_get("/", page)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner, f"http://127.0.0.1:{port}/"


async def command_rounds(standin: StandIn, channel: Channel, todo: list[Call], members: Members,
                         rng: random.Random, until: float | None, count: int) -> None:
    """Time each call in shuffled rounds: `count` rounds, or until `until` passes."""
    order = list(todo)
    done = 0
    while (until is None and done < count) or (until is not None and time.perf_counter() < until):
        rng.shuffle(order)
        for call in order:
            call.samples.append(await timed(call, members.take(call.cooldown)))
        forget(standin, channel)  # the stand-in's records are not the bot's memory
        done += 1


def calls(standin: StandIn, channel: Channel) -> list[Call]:
    def command(path: str, **options: Any) -> Any:
        return lambda who: standin.command(who, channel, path, **options)

    return [Call("/bench-noop (no-op)", "bench-noop", command("bench-noop"), noop_answered),
            Call("/status", "status", command("status", show=BIG), answered_publicly),
            Call("/cast", "cast", command("cast", show=BIG), answered_publicly)]


def load_row(label: str, result: dict[str, Any]) -> tuple[str, ...]:
    samples = result["samples"] or [0.0]
    rate = result["count"] / result["seconds"] if result["seconds"] else 0.0
    return (label, str(result["count"]), f"{rate:.0f}", f"{statistics.median(samples) * 1000:.2f}",
            f"{percentile(samples, 99) * 1000:.2f}")


def command_table(phases: dict[str, list[Call]]) -> str:
    """Each command's calls, p50 and p99 in each phase (idle, pages at full speed, paced)."""
    rows = [("command / pages", "calls", "p50 ms", "p99 ms")]
    for n, label in enumerate(call.label for call in next(iter(phases.values()))):
        for phase, todo in phases.items():
            samples = todo[n].samples
            rows.append((f"{label} / {phase}", str(len(samples)),
                         f"{statistics.median(samples) * 1000:.2f}" if samples else "-",
                         f"{percentile(samples, 99) * 1000:.2f}" if samples else "-"))
    return aligned(rows)


async def run(options: argparse.Namespace) -> int:
    rng = random.Random(options.seed)
    with tempfile.TemporaryDirectory(prefix="seasonwatch-bench-web-") as tmp:
        database = Path(tmp) / "bench.db"
        built = await build_in_child(database, options.entries)
        print(f"catalogue: {options.entries} entries (benchmarks.commands' big show), built in {built:.1f}s")
        standin = StandIn(validate_schema=False)
        await standin.start()
        try:
            guild = standin.world.add_guild("Bench")
            channel = guild.add_channel("general")
            members = Members([guild.add_member(f"fan-{i}") for i in range(options.members)])
            port = free_port()
            settings = settings_from({
                "DISCORD_TOKEN": standin.token, "DATABASE_PATH": str(database),
                "DISCORD_API_BASE": standin.api_base, "DISCORD_GATEWAY_URL": standin.gateway_url,
                "LOG_LEVEL": "WARNING", "WEB_PORT": str(port),
            })
            async with running(settings) as bot:
                await standin.wait_ready(30.0)
                assert bot.services.web is not None
                await asyncio.wait_for(bot.services.web.started.wait(), 10)
                standin.commands_synced.clear()
                bot.tree.add_command(noop_command())
                await bot.tree.sync()
                await standin.wait_ready(10.0)
                page_url = f"http://127.0.0.1:{port}/s/{BIG}"
                async with ClientSession() as session, session.get(page_url) as first:
                    body = await first.read()
                runner, static_url = await static_server(body)
                try:
                    idle = calls(standin, channel)
                    await command_rounds(standin, channel, idle, members, rng, None, options.warmup)
                    for call in idle:
                        call.samples.clear()
                    await command_rounds(standin, channel, idle, members, rng, None, options.rounds)
                    static = await load_in_child(static_url, options.seconds, options.concurrency)
                    busy = calls(standin, channel)
                    until = time.perf_counter() + options.seconds
                    season, _ = await asyncio.gather(
                        load_in_child(page_url, options.seconds, options.concurrency),
                        command_rounds(standin, channel, busy, members, rng, until + 0.5, 0))
                    steady = calls(standin, channel)
                    until = time.perf_counter() + options.seconds
                    paced, _ = await asyncio.gather(
                        load_in_child(page_url, options.seconds, options.concurrency, options.rate),
                        command_rounds(standin, channel, steady, members, rng, until + 0.5, 0))
                finally:
                    await runner.cleanup()
                rss = rss_mib()
        finally:
            await standin.stop()

    print(f"season page: {len(body):,} bytes (cast, news and changes capped; built once per write)")
    print(f"load: {options.concurrency} requests in flight for {options.seconds:g}s per target, "
          f"from a child process; bot process RSS {rss:.1f} MiB after")
    print()
    print(aligned([("target", "requests", "req/s", "p50 ms", "p99 ms"),
                   load_row("static aiohttp handler (same bytes)", static),
                   load_row(f"season page /s/{BIG}", season),
                   load_row(f"season page at {options.rate:g}/s", paced)]))
    static_rate = static["count"] / static["seconds"]
    share = (season["count"] / season["seconds"]) / static_rate if static_rate else 0.0
    print()
    print(f"season page throughput: {share:.0%} of the static handler's (goal: at least {GOAL:.0%})")
    print()
    print(command_table({"none": idle, "full speed": busy, f"{options.rate:g}/s": steady}))
    wrong = static["wrong_count"] + season["wrong_count"] + paced["wrong_count"]
    errors = [e for c in idle + busy + steady for e in c.errors]
    print(f"wrong answers: {wrong} requests, {len(errors)} replies")
    for problem in (static["wrong"] + season["wrong"] + paced["wrong"] + errors)[:5]:
        print(f"  {problem}")
    return 1 if wrong or errors or standin.violations else 0


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="benchmarks.web", description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=10_000, help="catalogue size (10000)")
    parser.add_argument("--seconds", type=float, default=5.0, help="seconds of load per target (5)")
    parser.add_argument("--concurrency", type=int, default=8, help="requests in flight (8)")
    parser.add_argument("--rate", type=float, default=100.0,
                        help="season pages a second in the paced phase (100)")
    parser.add_argument("--rounds", type=int, default=200, help="idle command rounds (200)")
    parser.add_argument("--warmup", type=int, default=5, help="untimed command rounds first (5)")
    parser.add_argument("--members", type=int, default=2000, help="distinct fans calling (2000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--load", help=argparse.SUPPRESS)  # the child: load this URL
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    options = parse(argv)
    if options.load:
        print(json.dumps(asyncio.run(load(options.load, options.seconds, options.concurrency, options.rate))))
        return 0
    return asyncio.run(run(options))


if __name__ == "__main__":
    sys.exit(main())
