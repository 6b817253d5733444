"""Fan command latency: the real bot in-process against the loopback stand-in.

    .venv/bin/python -m benchmarks.commands            # defaults: 10,000 entries, 1,000 calls each
    .venv/bin/python -m benchmarks.commands --calls 2000 --profile

What it does:
1. Builds a SQLite catalogue of `--entries` entries (the seeded All of Us Are Dead plus a big
   second show, "big": every status stage, the release and episodes entries, and the rest
   split 4:5 between cast and news) in a child process, so this process's RSS is not
   inflated by the import.
2. Starts the stand-in with a guild of `--members` fans (the fan commands' cooldown is five
   calls per ten seconds per user and command, so calls are spread over them), then the bot
   (`bot.app.running`), and times start to ready.
3. Registers a no-op slash command that only this benchmark adds, and re-syncs the tree.
4. Warms up, then runs `--calls` rounds; each round makes every call below once, in a
   shuffled order (seeded), timing each from the interaction sent to the reply received
   (`StandIn.command` / `StandIn.autocomplete`). Every reply is checked: a command must be
   answered publicly with an embed (an ephemeral reply, such as "Slow down", is counted as
   an error); an autocomplete must offer choices.
5. Prints p50/p99 per call and the p99 ratio to the no-op's (target: under 1.5x), start to
   ready and RSS. With `--profile`, profiles `--profile-calls` calls of every call over
   target and prints where the time goes. Exit status 1 if any reply was wrong.

Timings are only reported, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import json
import math
import pstats
import random
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import discord
from discord import app_commands

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks.common import aligned  # noqa: E402
from bot.app import SeasonwatchBot, running  # noqa: E402
from bot.config import settings_from  # noqa: E402
from bot.core.models import CONFIDENCES, STAGES  # noqa: E402
from bot.interactions.replies import NO_MENTIONS  # noqa: E402
from standin import StandIn  # noqa: E402
from standin.world import Channel, Member  # noqa: E402

BIG = "big"
NOOP = "bench-noop"
TARGET = 1.5
SEED_ENTRIES = len(
    json.loads(resources.files("bot.catalogue.data").joinpath("all-of-us-are-dead.json").read_text("utf-8"))
    ["shows"][0]["entries"]
)
SURNAMES = ("Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang", "Lim")
GIVEN = ("Min-jun", "Seo-yeon", "Ji-hu", "Ha-eun", "Do-yun", "Soo-ah", "Ye-jun", "Ji-woo")
HANGUL = ("김민준", "이서연", "박지후", "최하은", "정도윤")


# -- the catalogue -------------------------------------------------------------------------------

def split(entries: int) -> tuple[int, int]:
    """How many cast and news entries the big show gets so the catalogue has `entries`."""
    rest = max(entries - SEED_ENTRIES - len(STAGES) - 2, 2)
    cast = rest * 4 // 9
    return cast, rest - cast


def person(i: int) -> str:
    """A distinct cast name; every seventh one in Hangul."""
    if i % 7 == 3:
        return f"{HANGUL[i % len(HANGUL)]} {i:04d}"
    return f"{SURNAMES[i % len(SURNAMES)]} {GIVEN[i % len(GIVEN)]} {i:04d}"


def catalogue(entries: int) -> dict[str, Any]:
    """The big show, in the format `Store.import_data` takes."""
    cast_count, news_count = split(entries)
    source = {"source_name": "Some Outlet", "as_of": "2024-01-01"}
    items: list[dict[str, Any]] = [
        {"kind": "status", "key": stage,
         "fields": {"stage": stage, "when": f"{2020 + n}-{1 + n:02d}", "note": f"Stage {n}."},
         "confidence": CONFIDENCES[n % 4], "source_url": f"https://example.com/status/{n}", **source}
        for n, stage in enumerate(STAGES)
    ]
    items.append({"kind": "release", "key": "release",
                  "fields": {"when": "2025-H2..2026-H1", "note": "An estimate."},
                  "confidence": "speculation", "source_url": "https://example.com/release", **source})
    items.append({"kind": "episodes", "key": "episodes",
                  "fields": {"count": 10, "runtime": 55, "rating": "TV-MA", "note": None},
                  "confidence": "reported", "source_url": "https://example.com/episodes", **source})
    for i in range(cast_count):
        name = person(i)
        items.append({
            "kind": "cast", "key": " ".join(name.split()).casefold(),
            "fields": {"person": name, "character": f"Character {i}",
                       "billing": ("main", "supporting", "cameo")[i % 3],
                       "state": ("returning", "new", "departed")[i % 3],
                       "note": "Said so in an interview." if i % 5 == 0 else None},
            "confidence": CONFIDENCES[i % len(CONFIDENCES)],
            "source_url": f"https://example.com/cast/{i}", **source,
        })
    for i in range(news_count):
        about = person(i % max(cast_count, 1))
        items.append({
            "kind": "news", "key": f"item-{i}",
            "fields": {"headline": f"{about} talks about season 3, report {i}",
                       "url": f"https://example.com/news/{i}",
                       "published": f"{2020 + i % 5}-{1 + i % 12:02d}-{1 + i % 28:02d}",
                       "note": "Translated." if i % 4 == 0 else None},
            "confidence": CONFIDENCES[i % len(CONFIDENCES)],
            "source_url": f"https://example.com/outlet/{i % 50}", **source,
        })
    return {"format": 1, "shows": [{
        "slug": BIG, "title": "Big Show", "original_title": "빅 쇼", "network": "Netflix",
        "season": 3, "aliases": ["The Big One"], "archived": False, "entries": items,
    }]}


async def build_database(path: Path, entries: int) -> None:
    """Create the database: migrations, the seeded show, then the big show."""
    from bot.store import Store

    store = await Store.open(path)
    try:
        await store.files.seed_if_empty()
        await store.files.import_data(catalogue(entries))
    finally:
        await store.close()


async def build_in_child(path: Path, entries: int) -> float:
    """Build the database in a child process; returns the seconds it took."""
    started = time.perf_counter()
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "benchmarks.commands", "--build-db", str(path),
        "--entries", str(entries), cwd=REPO, stderr=asyncio.subprocess.PIPE,
    )
    _, err = await proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(f"building the catalogue failed:\n{err.decode(errors='replace')}")
    return time.perf_counter() - started


# -- measuring -----------------------------------------------------------------------------------

def _status_mib(field: str) -> float | None:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(f"{field}:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def rss_mib() -> float:
    """This process's resident set size now, in MiB."""
    now = _status_mib("VmRSS")
    return now if now is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def peak_rss_mib() -> float:
    """The most this process has held resident, in MiB."""
    peak = _status_mib("VmHWM")
    return peak if peak is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentile(samples: Sequence[float], q: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


@dataclass
class Call:
    """One thing timed: a label, which command's cooldown it uses, and how to make it."""

    label: str
    cooldown: str
    make: Callable[[Member], Awaitable[Any]]
    check: Callable[[Any], str | None]
    samples: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def answered_publicly(reply: Any) -> str | None:
    if reply.ephemeral:
        return f"ephemeral reply: {reply.text[:120]!r}"
    if not reply.embeds:
        return f"no embed: {reply.content[:120]!r}"
    return None


def noop_answered(reply: Any) -> str | None:
    return None if reply.content == "ok" and not reply.ephemeral else f"unexpected {reply.text!r}"


def has_choices(choices: Any) -> str | None:
    return None if choices else "no autocomplete choices"


def calls(standin: StandIn, channel: Channel, someone: str) -> list[Call]:
    def command(path: str, **options: Any) -> Callable[[Member], Awaitable[Any]]:
        return lambda who: standin.command(who, channel, path, **options)

    def complete(path: str, option: str, typed: str, **options: Any) -> Callable[[Member], Awaitable[Any]]:
        return lambda who: standin.autocomplete(who, channel, path, option, typed, **options)

    return [
        Call(f"/{NOOP} (no-op)", NOOP, command(NOOP), noop_answered),
        Call("/status", "status", command("status", show=BIG), answered_publicly),
        Call("/cast", "cast", command("cast", show=BIG), answered_publicly),
        Call("/cast person", "cast", command("cast", show=BIG, person=someone), answered_publicly),
        Call("/cast filter:rumored", "cast", command("cast", show=BIG, filter="rumored"),
             answered_publicly),
        Call("/episodes", "episodes", command("episodes", show=BIG), answered_publicly),
        Call("/news", "news", command("news", show=BIG), answered_publicly),
        Call("/news confidence:reported", "news", command("news", show=BIG, confidence="reported"),
             answered_publicly),
        Call("/history", "history", command("history", show=BIG), answered_publicly),
        Call("/about", "about", command("about"), answered_publicly),
        Call("autocomplete show", "ac-show", complete("status", "show", "bi"), has_choices),
        Call("autocomplete person", "ac-person", complete("cast", "person", "park", show=BIG),
             has_choices),
    ]


class Members:
    """Hands out fans so that no one makes more than one call per command in a while."""

    def __init__(self, members: Sequence[Member]) -> None:
        self.members = members
        self.next: dict[str, int] = {}

    def take(self, cooldown: str) -> Member:
        i = self.next.get(cooldown, 0)
        self.next[cooldown] = i + 1
        return self.members[i % len(self.members)]


async def timed(call: Call, who: Member) -> float:
    started = time.perf_counter()
    result = await call.make(who)
    elapsed = time.perf_counter() - started
    problem = call.check(result)
    if problem is not None:
        call.errors.append(problem)
    return elapsed


def forget(standin: StandIn, channel: Channel) -> None:
    """Drop what the stand-in recorded about finished interactions (it keeps everything).

    Otherwise 12,000 interactions' payloads, requests and messages pile up in this process:
    a heap the real bot would not have, which makes every garbage collection slower.
    Violations, rate limits and messages sent without allowed_mentions are kept.
    """
    standin.requests.clear()
    standin.interactions.clear()
    standin.interactions_by_token.clear()
    standin.all_messages.clear()
    standin.pings.clear()
    channel.messages.clear()
    if standin.gateway.current is not None:
        standin.gateway.current.sent.clear()  # kept for RESUME; nothing reconnects here


async def rounds(standin: StandIn, channel: Channel, todo: list[Call], members: Members,
                 count: int, rng: random.Random, *, record: bool) -> None:
    """`count` rounds; each makes every call once, in a shuffled order."""
    order = list(todo)
    for _ in range(count):
        rng.shuffle(order)
        for call in order:
            elapsed = await timed(call, members.take(call.cooldown))
            if record:
                call.samples.append(elapsed)
        forget(standin, channel)


async def profile(call: Call, members: Members, count: int, top: int) -> str:
    """cProfile `count` calls of one kind; the functions that took the most time."""
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(count):
        await timed(call, members.take(call.cooldown))
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    out.write(f"--- {call.label}: {count} calls, by own time ---\n")
    stats.sort_stats("tottime").print_stats(top)
    out.write(f"--- {call.label}: by cumulative time, seasonwatch code only ---\n")
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(r"/(bot|cogs)/", top)
    return out.getvalue()


# -- the run --------------------------------------------------------------------------------------

def noop_command() -> app_commands.Command[Any, ..., None]:
    @app_commands.command(name=NOOP, description="Benchmark baseline: answers 'ok'")
    async def noop(interaction: discord.Interaction[SeasonwatchBot]) -> None:
        await interaction.response.send_message("ok", allowed_mentions=NO_MENTIONS)

    return noop


def table(todo: list[Call]) -> str:
    baseline = percentile(todo[0].samples, 99)
    rows = [("command", "calls", "p50 ms", "p99 ms", "p99 / no-op", "")]
    for call in todo:
        p50 = statistics.median(call.samples) * 1000
        p99 = percentile(call.samples, 99) * 1000
        ratio = p99 / (baseline * 1000)
        verdict = "" if call is todo[0] else ("ok" if ratio < TARGET else "OVER")
        rows.append((call.label, str(len(call.samples)), f"{p50:.2f}", f"{p99:.2f}",
                     f"{ratio:.2f}x", verdict))
    return aligned(rows)


async def run(options: argparse.Namespace) -> int:
    began = time.perf_counter()
    errors: list[tuple[str, str]] = []
    rng = random.Random(options.seed)
    with tempfile.TemporaryDirectory(prefix="seasonwatch-bench-") as tmp:
        database = Path(tmp) / "bench.db"
        built = await build_in_child(database, options.entries)
        cast_count, news_count = split(options.entries)
        print(f"catalogue: {SEED_ENTRIES + len(STAGES) + 2 + cast_count + news_count} entries "
              f"(big show: {cast_count} cast, {news_count} news, {len(STAGES)} status, release, "
              f"episodes; plus All of Us Are Dead), built in {built:.1f}s")

        standin = StandIn(validate_schema=False)  # time the bot, not the stand-in's validator
        await standin.start()
        try:
            guild = standin.world.add_guild("Bench")
            channel = guild.add_channel("general")
            fans = [guild.add_member(f"fan-{i}") for i in range(options.members)]
            settings = settings_from({
                "DISCORD_TOKEN": standin.token,
                "DATABASE_PATH": str(database),
                "DISCORD_API_BASE": standin.api_base,
                "DISCORD_GATEWAY_URL": standin.gateway_url,
                "LOG_LEVEL": "WARNING",
            })
            rss_before = rss_mib()
            started = time.perf_counter()
            async with running(settings) as bot:
                await standin.wait_ready(30.0)
                ready = time.perf_counter() - started
                rss_ready = rss_mib()

                standin.commands_synced.clear()
                bot.tree.add_command(noop_command())
                await bot.tree.sync()
                await standin.wait_ready(10.0)

                someone = person(split(options.entries)[0] // 2)
                todo = calls(standin, channel, someone)
                members = Members(fans)
                await rounds(standin, channel, todo, members, options.warmup, rng, record=False)
                warm_errors = sum(len(c.errors) for c in todo)
                measured = time.perf_counter()
                await rounds(standin, channel, todo, members, options.calls, rng, record=True)
                measured = time.perf_counter() - measured
                rss_after = rss_mib()

                print(f"bot start to ready: {ready * 1000:.0f} ms "
                      f"(opening the store and loading the catalogue, gateway, command sync)")
                print(f"RSS: {rss_before:.1f} MiB before the bot started (stand-in, libraries), "
                      f"{rss_ready:.1f} MiB once ready with the catalogue loaded "
                      f"(+{rss_ready - rss_before:.1f} MiB), {rss_after:.1f} MiB after the calls")
                print(f"{options.calls} rounds of {len(todo)} calls after {options.warmup} warm-up "
                      f"rounds, fans: {len(fans)}, /cast person:{someone!r}, measured in "
                      f"{measured:.1f}s")
                print()
                print(table(todo))
                print()
                print(f"target: p99 under {TARGET}x the no-op's")

                errors = [(c.label, e) for c in todo for e in c.errors]
                slow_down = sum("Slow down" in e for _, e in errors)
                print(f"wrong replies: {len(errors)} (of which 'Slow down': {slow_down}; "
                      f"during warm-up: {warm_errors})")
                for label, error in errors[:10]:
                    print(f"  {label}: {error}")
                if standin.rate_limited:
                    print(f"stand-in answered 429 {len(standin.rate_limited)} times")
                if standin.violations:
                    print(f"stand-in violations: {len(standin.violations)}")
                    for v in standin.violations[:5]:
                        print(f"  {v}")

                if options.profile:
                    baseline = percentile(todo[0].samples, 99)
                    over = [c for c in todo[1:] if percentile(c.samples, 99) >= TARGET * baseline]
                    for call in over:
                        print()
                        print(await profile(call, members, options.profile_calls, options.profile_top))
        finally:
            await standin.stop()
    print(f"peak RSS {peak_rss_mib():.1f} MiB; total {time.perf_counter() - began:.1f}s")
    return 1 if errors or standin.violations else 0


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="benchmarks.commands", description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=1000, help="timed calls per command (1000)")
    parser.add_argument("--warmup", type=int, default=10, help="untimed rounds first (10)")
    parser.add_argument("--entries", type=int, default=10_000, help="catalogue size (10000)")
    parser.add_argument("--members", type=int, default=2000, help="distinct fans calling (2000)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the call order")
    parser.add_argument("--profile", action="store_true",
                        help="profile every call whose p99 is over target")
    parser.add_argument("--profile-calls", type=int, default=200)
    parser.add_argument("--profile-top", type=int, default=25)
    parser.add_argument("--build-db", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    options = parse(argv)
    if options.build_db is not None:
        asyncio.run(build_database(options.build_db, options.entries))
        return 0
    return asyncio.run(run(options))


if __name__ == "__main__":
    sys.exit(main())
