"""Load: 10,000 distinct fans within ten seconds, then memory over 100,000 interactions.

    .venv/bin/python -m benchmarks.load                      # defaults below
    .venv/bin/python -m benchmarks.load --fans 2000 --total 20000 --rate 500

What it does (the real bot in-process against the loopback stand-in, as `benchmarks.commands`):
1. Starts the stand-in with one guild, the bot on the seeded catalogue, and the no-op slash
   command `benchmarks.commands` uses as its baseline; then adds `--fans` members (they need
   no gateway event: an interaction carries its member).
2. Burst: every fan calls one command (the no-op, /status, /cast, /news, /episodes, /about in
   turn), sent at `--rate` per second with at most `--in-flight` unanswered at once. Each call
   is timed from the interaction sent to the reply received; a reply that is not public (such
   as "Slow down") or no reply within 3 s is counted as wrong.
3. Sustain: the same fans go on calling up to `--total` interactions, in blocks of
   `--block` calls of one command (so that a block's CPU is that command's), with at most
   `--sustain-in-flight` unanswered at once, so that latency is the bot's, not a queue's.
   The stand-in forgets what it recorded about finished interactions as it goes, so RSS
   growth is the bot's own.
4. Prints the burst's wall time (met or missed: the goal is `--fans` / `--rate`, within 10%),
   rate and latency; then p50/p99 and process CPU per call of
   each command with their ratios to the no-op's (CPU is the bot's and the stand-in's
   together: the difference to the no-op is the bot's own work); and RSS after the first
   `--fans` interactions and after `--total` (the goal: within 10 MiB).

Figures are printed, never asserted; `tests/e2e/test_load.py` is the bounded CI version.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks.commands import NOOP, forget, noop_command, percentile, rss_mib  # noqa: E402
from bot.app import running  # noqa: E402
from bot.config import settings_from  # noqa: E402
from standin import StandIn  # noqa: E402
from standin.driver import NoReply  # noqa: E402
from standin.world import Channel, Guild, Member  # noqa: E402

FAN_COMMANDS = ("status", "cast", "news", "episodes", "about")
COMMANDS = (NOOP, *FAN_COMMANDS)
ANSWER_WITHIN = 3.0


@dataclass
class Tally:
    """Latencies per command, and what went wrong."""

    samples: dict[str, list[float]] = field(default_factory=lambda: {c: [] for c in COMMANDS})
    unanswered: int = 0
    wrong: list[str] = field(default_factory=list)

    @property
    def answered(self) -> int:
        return sum(len(s) for s in self.samples.values())


def cpu_seconds() -> float:
    """User plus system CPU this process has used."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def add_fans(guild: Guild, count: int) -> list[Member]:
    """`count` distinct members, cheaply: no gateway event, since interactions carry them."""
    return [guild.add_member(f"loadfan{i}") for i in range(count)]


async def one_call(standin: StandIn, channel: Channel, fan: Member, command: str,
                   tally: Tally, gate: asyncio.Semaphore) -> None:
    try:
        started = time.perf_counter()
        reply = await standin.command(fan, channel, command, timeout=ANSWER_WITHIN)
        elapsed = time.perf_counter() - started
    except NoReply as exc:
        tally.unanswered += 1
        tally.wrong.append(f"/{command}: {str(exc)[:150]}")
        return
    finally:
        gate.release()
    if reply.ephemeral:
        tally.wrong.append(f"/{command}: ephemeral {reply.content[:100]!r}")
    else:
        tally.samples[command].append(elapsed)


async def burst(standin: StandIn, channel: Channel, fans: Sequence[Member], tally: Tally, *,
                rate: float, in_flight: int, offset: int = 0,
                commands: Sequence[str] = COMMANDS) -> float:
    """Each fan calls one command, `rate` calls a second; returns the wall time taken."""
    gate = asyncio.Semaphore(in_flight)
    tasks = []
    started = time.perf_counter()
    for n, fan in enumerate(fans):
        due = started + n / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        await gate.acquire()
        command = commands[(n + offset) % len(commands)]
        tasks.append(asyncio.create_task(one_call(standin, channel, fan, command, tally, gate)))
    await asyncio.gather(*tasks)
    return time.perf_counter() - started


async def start_noop(bot: Any, standin: StandIn) -> None:
    """Register the baseline command and wait for the re-sync."""
    standin.commands_synced.clear()
    bot.tree.add_command(noop_command())
    await bot.tree.sync()
    await standin.wait_ready(10.0)


def table(tally: Tally, cpu: dict[str, float]) -> str:
    """p50/p99 and CPU per call for each command, with their ratios to the no-op's."""
    baseline = percentile(tally.samples[NOOP], 99)
    lines = [f"{'command':<12}{'calls':>8}{'p50 ms':>9}{'p99 ms':>9}{'p99/no-op':>11}"
             f"{'CPU ms':>9}{'CPU/no-op':>11}"]
    for command in COMMANDS:
        samples = tally.samples[command]
        if not samples:
            continue
        p99 = percentile(samples, 99)
        lines.append(f"{'/' + command:<12}{len(samples):>8}{statistics.median(samples) * 1000:>9.2f}"
                     f"{p99 * 1000:>9.2f}{p99 / baseline:>10.2f}x{cpu[command] * 1000:>9.2f}"
                     f"{cpu[command] / cpu[NOOP]:>10.2f}x")
    return "\n".join(lines)


async def run(options: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory(prefix="seasonwatch-load-") as tmp:
        standin = StandIn(validate_schema=False)  # time the bot, not the stand-in's validator
        await standin.start()
        try:
            guild = standin.world.add_guild("Load")
            channel = guild.add_channel("general")
            settings = settings_from({
                "DISCORD_TOKEN": standin.token, "DATABASE_PATH": str(Path(tmp) / "load.db"),
                "DISCORD_API_BASE": standin.api_base, "DISCORD_GATEWAY_URL": standin.gateway_url,
                "LOG_LEVEL": "WARNING",
            })
            async with running(settings) as bot:
                await standin.wait_ready(30.0)
                await start_noop(bot, standin)
                return await measure(standin, channel, add_fans(guild, options.fans), options)
        finally:
            await standin.stop()


async def measure(standin: StandIn, channel: Channel, fans: list[Member],
                  options: argparse.Namespace) -> int:
    burst_tally = Tally()
    cpu0 = cpu_seconds()
    wall = await burst(standin, channel, fans, burst_tally, rate=options.rate,
                       in_flight=options.in_flight)
    burst_cpu = (cpu_seconds() - cpu0) / len(fans)
    forget(standin, channel)
    every = [x for samples in burst_tally.samples.values() for x in samples]
    goal = len(fans) / options.rate
    print(f"burst: {len(fans):,} distinct fans at up to {options.rate:.0f}/s, at most "
          f"{options.in_flight} unanswered at once: {wall:.1f}s ({len(fans) / wall:.0f}/s; goal "
          f"{goal:.1f}s: {'met' if wall <= goal * 1.1 else 'missed'}); {burst_tally.answered:,} answered, "
          f"{burst_tally.unanswered} unanswered, {len(burst_tally.wrong)} wrong; latency p50 "
          f"{statistics.median(every) * 1000:.0f} ms, p99 {percentile(every, 99) * 1000:.0f} ms; "
          f"CPU {burst_cpu * 1000:.2f} ms per interaction")
    rss_first = rss_mib()
    tally, cpu = Tally(), {c: 0.0 for c in COMMANDS}
    done, blocks = len(fans), 0
    rng = random.Random(options.seed)
    while done < options.total:
        # Blocks of one command each, so that the CPU a block used is that command's.
        command = COMMANDS[blocks % len(COMMANDS)]
        batch = rng.sample(fans, min(options.block, options.total - done, len(fans)))
        before = cpu_seconds()
        await burst(standin, channel, batch, tally, rate=1e9, in_flight=options.sustain_in_flight,
                    commands=(command,))
        cpu[command] += cpu_seconds() - before
        forget(standin, channel)
        done, blocks = done + len(batch), blocks + 1
    calls = {c: max(len(tally.samples[c]), 1) for c in COMMANDS}
    cpu = {c: cpu[c] / calls[c] for c in COMMANDS}
    rss_end = rss_mib()
    print(f"sustained: {done - len(fans):,} more calls in blocks of {options.block} per command, "
          f"at most {options.sustain_in_flight} unanswered at once; CPU is this process's "
          f"(bot and stand-in): the difference to the no-op is the bot's own")
    print(table(tally, cpu))
    print(f"RSS after the first {len(fans):,} interactions {rss_first:.1f} MiB, after {done:,} "
          f"{rss_end:.1f} MiB: {rss_end - rss_first:+.1f} MiB (goal: within 10 MiB)")
    wrong = burst_tally.wrong + tally.wrong
    print(f"wrong replies: {len(wrong)} ({burst_tally.unanswered + tally.unanswered} unanswered)")
    for problem in wrong[:10]:
        print(f"  {problem}")
    return 1 if wrong or standin.violations else 0


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="benchmarks.load", description=__doc__.split("\n")[0])
    parser.add_argument("--fans", type=int, default=10_000, help="distinct fans (10000)")
    parser.add_argument("--total", type=int, default=100_000, help="interactions in all (100000)")
    parser.add_argument("--rate", type=float, default=1000.0, help="burst calls per second (1000)")
    parser.add_argument("--in-flight", type=int, default=200, help="unanswered calls at most (200)")
    parser.add_argument("--block", type=int, default=1000, help="sustained calls per block (1000)")
    parser.add_argument("--sustain-in-flight", type=int, default=4,
                        help="unanswered calls at most while sustained (4)")
    parser.add_argument("--seed", type=int, default=1, help="seed of who calls in each block")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    return asyncio.run(run(parse(argv)))


if __name__ == "__main__":
    sys.exit(main())
