"""Announcement fan-out: one published change to N subscribed channels through the stand-in.

    .venv/bin/python -m benchmarks.fanout                      # 1,000 then 10,000 channels at 50/s
    .venv/bin/python -m benchmarks.fanout --channels 300 --rate 25 --profile
    .venv/bin/python -m benchmarks.fanout --channels 2000 --tracemalloc
    .venv/bin/python -m benchmarks.fanout --channels 10000 --reminders   # + 10,000 DM reminders

What it does, for each N in `--channels`:
1. Starts the loopback stand-in in this process with Discord's limits as it enforces them
   (POST /channels/{id}/messages: 5 per 5 s per channel; 50 requests per second globally; both
   sliding windows answered with 429) and a world of N text channels, `--per-guild` to a
   server (Discord allows 500).
2. Builds the database: migrations, the seeded show, and N subscriptions (every show, every
   topic) through `Store.subscribe`, what `/alerts subscribe` stores; no slash commands.
3. Starts a worker child process (`--worker`) that runs the real bot in-process
   (`bot.app.running`, ANNOUNCE_RATE=`--rate`) against the stand-in. The bot has a process
   of its own so that its RSS is the bot's alone (the stand-in keeps every message it gets)
   and the two share no CPU: on two cores, like the bot and Discord. Once the bot is ready,
   the worker collects garbage, resets the peak RSS, and publishes one change with
   `Store.write` (timed: that commit inserts the change and its N delivery rows); it then
   samples its RSS every 10 ms until told to stop.
4. This process notes when each announcement arrives (with its garbage collector frozen and
   off meanwhile: the stand-in keeps every request and message, and a 70-130 ms full
   collection of that heap holds requests back and lets them through in a bunch, which the
   global 50/s window then answers with a 429 the bot did not cause; `--standin-gc` keeps
   it on and reports the pauses); once every channel has one, it waits
   `--settle` seconds for extra ones, stops the worker, and reads the outbox's final states.
With `--reminders`, as many fans as channels also have a reminder on the release entry: the
change queues one DM each, which the bot sends (opening the DM channel, then the message) within
the same global budget as the announcements. The ideal is then (channels + 2 x reminders) / rate,
every request the bot makes at the budget, and every channel and DM must get exactly one.

5. Prints a table: N, rate, the ideal N / rate, the actual time from calling `Store.write`
   to the last announcement arriving, their ratio (target: at most 1.05), the commit's time,
   the worker's peak RSS during the fan-out and its growth per channel (target: not growing
   with N: the delivery rows live in SQLite, not in the heap). Then, per N: how many
   announcements each channel got, the 429s, the busiest second, when the first announcement
   arrived and the pace after it.

Timings and memory are only reported, never asserted. Exit status 1 if any channel did not
get exactly one announcement, the stand-in saw a violation, or a worker failed.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import gc
import sqlite3
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

from benchmarks.common import aligned  # noqa: E402
from benchmarks.fanout_worker import MIB, SAMPLE_EVERY, SHOW, Worker, start_worker, worker  # noqa: E402
from bot.store import Store  # noqa: E402
from standin import StandIn  # noqa: E402
from standin.world import Channel, Message  # noqa: E402

TARGET = 1.05


# -- this process: the stand-in, the database, the measurements -----------------------------------

class CountingStandIn(StandIn):
    """The stand-in, noting when each message arrives in a watched channel."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.arrivals: list[tuple[float, int]] = []  # (monotonic time, channel id)
        self.watched: set[int] = set()
        self.everyone_got_one = asyncio.Event()
        self._channels_hit: set[int] = set()

    def create_message(self, channel: Channel, body: dict[str, Any], **kwargs: Any) -> Message:
        message = super().create_message(channel, body, **kwargs)
        if channel.id in self.watched:
            self.arrivals.append((time.monotonic(), channel.id))
            self._channels_hit.add(channel.id)
            if len(self._channels_hit) == len(self.watched):
                self.everyone_got_one.set()
        return message


class GcPauses:
    """Garbage collections in this process (the stand-in's) of at least `floor` seconds."""

    def __init__(self, floor: float = 0.01) -> None:
        self.floor = floor
        self.pauses: list[tuple[float, float, int]] = []  # (monotonic start, seconds, generation)
        self._started = 0.0

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        now = time.monotonic()
        if phase == "start":
            self._started = now
        elif now - self._started >= self.floor:
            self.pauses.append((self._started, now - self._started, info["generation"]))

    def __enter__(self) -> GcPauses:
        gc.callbacks.append(self._callback)
        return self

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self._callback)


@dataclass
class Result:
    channels: int
    rate: float
    reminders: int = 0  # DM reminders on the changed entry (each: open the DM, send it)
    ready_s: float = 0.0
    rss_ready: int = 0
    built_s: float = 0.0
    commit_s: float = 0.0
    published: float = 0.0
    change_id: int | None = None
    actual_s: float | None = None
    worker: dict[str, Any] = field(default_factory=dict)
    per_channel: list[int] = field(default_factory=list)  # announcements each channel got
    arrivals: list[float] = field(default_factory=list)
    global_429: int = 0
    limited_at: list[float] = field(default_factory=list)  # when the 429s came, after the publish
    gc_pauses: list[tuple[float, float, int]] = field(default_factory=list)  # the stand-in's
    standin_gc: bool = False
    route_429: int = 0
    violations: list[str] = field(default_factory=list)
    outbox: dict[str, int] = field(default_factory=dict)
    error: str | None = None

    @property
    def ideal_s(self) -> float:
        return (self.channels + 2 * self.reminders) / self.rate

    @property
    def exactly_one(self) -> bool:
        return self.per_channel == [1] * (self.channels + self.reminders)


async def build_database(path: Path, subscriptions: list[tuple[int, int]],
                         reminders: Sequence[int] = ()) -> float:
    started = time.perf_counter()
    store = await Store.open(path)
    try:
        await store.files.seed_if_empty()
        for guild_id, channel_id in subscriptions:
            await store.alerts.subscribe(guild_id, channel_id, show_id=None, created_by=1)
        show = store.view.show_by_slug(SHOW)
        for user_id in reminders:
            assert show is not None
            await store.reminders.add(user_id, show.id, "release", "release")
    finally:
        await store.close()
    return time.perf_counter() - started


def outbox_states(path: Path, change_id: int | None) -> dict[str, int]:
    with contextlib.closing(sqlite3.connect(path)) as db:
        dms = db.execute("SELECT state, count(*) FROM dm WHERE change_id = ? GROUP BY state",
                         (change_id,)).fetchall()
        rows = db.execute("SELECT state, count(*) FROM delivery WHERE change_id = ? GROUP BY state",
                          (change_id,)).fetchall()
    return {**dict(rows), **{f"dm {state}": n for state, n in dms}}


def busiest_second(times: Sequence[float]) -> int:
    ordered = sorted(times)
    best, start = 0, 0
    for end, t in enumerate(ordered):
        while ordered[start] <= t - 1.0:
            start += 1
        best = max(best, end - start + 1)
    return best


async def fanout(channels: int, options: argparse.Namespace) -> Result:
    """One change to `channels` subscribed channels; see the module docstring."""
    reminders = channels if options.reminders else 0
    result = Result(channels, options.rate, reminders, standin_gc=options.standin_gc)
    with tempfile.TemporaryDirectory(prefix="seasonwatch-fanout-") as tmp_name:
        tmp = Path(tmp_name)
        database = tmp / "fanout.db"
        standin = CountingStandIn()
        world_channels: list[Channel] = []
        for g in range(0, channels, options.per_guild):
            guild = standin.world.add_guild(f"Server {g // options.per_guild}")
            for i in range(g, min(g + options.per_guild, channels)):
                world_channels.append(guild.add_channel(f"news-{i}"))
        fans = [standin.world.add_user(f"fan-{i}") for i in range(reminders)]
        dm_channels = [standin.world.dm_channel(f) for f in fans]
        standin.watched = {c.id for c in world_channels + dm_channels}
        assert all(c.guild is not None for c in world_channels)
        result.built_s = await build_database(
            database, [(c.guild.id, c.id) for c in world_channels if c.guild is not None],
            [f.id for f in fans])

        await standin.start()
        worker: Worker | None = None
        pauses = GcPauses()
        stack = contextlib.ExitStack()
        try:
            worker = await start_worker(standin, database, options, tmp)
            ready = await worker.expect("ready", options.ready_timeout)
            result.ready_s, result.rss_ready = ready["ready_s"], ready["rss"]
            if not options.standin_gc:
                gc.collect()
                gc.freeze()  # the world and the start-up: out of every later collection
                gc.disable()
                stack.callback(gc.enable)
                stack.callback(gc.unfreeze)
            pauses = stack.enter_context(GcPauses())
            await worker.send("go")
            published = await worker.expect("published", 120.0)
            result.published, result.commit_s = published["at"], published["commit_s"]
            result.change_id = published["change_id"]

            waiting = asyncio.create_task(standin.everyone_got_one.wait())
            exited = asyncio.create_task(worker.proc.wait())
            done, _ = await asyncio.wait({waiting, exited}, timeout=result.ideal_s * 1.5 + 60,
                                         return_when=asyncio.FIRST_COMPLETED)
            waiting.cancel()
            if waiting in done:
                result.actual_s = max(t for t, _ in standin.arrivals) - result.published
                await asyncio.sleep(options.settle)  # anything extra would arrive now
            elif exited in done:
                result.error = f"the worker exited during the fan-out:\n{worker.log_tail()}"
            else:
                result.error = (f"only {len(standin._channels_hit)} of {len(standin.watched)} channels got "
                                f"an announcement in {result.ideal_s * 1.5 + 60:.0f}s")
            if not exited.done():
                await worker.send("stop")
                result.worker = await worker.expect("result", 60.0)
            exited.cancel()
            await worker.finish()
            if worker.proc.returncode not in (0, None) and result.error is None:
                result.error = f"the worker exited with {worker.proc.returncode}:\n{worker.log_tail()}"
        except Exception as exc:
            result.error = f"{exc!r}\n{worker.log_tail() if worker else ''}"
            if worker is not None and worker.proc.returncode is None:
                worker.proc.kill()
                await worker.proc.wait()
        finally:
            stack.close()
            await standin.stop()

        counts = collections.Counter(channel_id for _, channel_id in standin.arrivals)
        result.per_channel = [counts.get(c.id, 0) for c in world_channels + dm_channels]
        result.arrivals = sorted(t - result.published for t, _ in standin.arrivals)
        result.global_429 = sum(1 for r in standin.rate_limited if r.is_global)
        result.route_429 = sum(1 for r in standin.rate_limited if not r.is_global)
        result.limited_at = [r.time - result.published for r in standin.rate_limited]
        end = result.published + (result.actual_s or float("inf"))
        result.gc_pauses = [(t - result.published, d, g) for t, d, g in pauses.pauses
                            if result.published <= t <= end]  # during the fan-out
        result.violations = [str(v) for v in standin.violations]
        result.violations += [f"message {m.id} without allowed_mentions"
                              for m in standin.messages_without_allowed_mentions]
        if result.change_id is not None:
            result.outbox = outbox_states(database, result.change_id)
    return result


# -- the report -----------------------------------------------------------------------------------

def render_table(results: Sequence[Result], traced: bool) -> str:
    header = ["N", "DMs", "rate/s", "ideal s", "actual s", "ratio", "commit ms", "peak RSS MiB",
              "RSS delta/channel KiB"]
    if traced:
        header.append("py peak MiB")
    rows = [header]
    for r in results:
        ratio = f"{r.actual_s / r.ideal_s:.3f}" if r.actual_s is not None else "-"
        peak = r.worker.get("rss_peak")
        before = r.worker.get("rss_before")
        row = [f"{r.channels:,}", f"{r.reminders:,}", f"{r.rate:g}", f"{r.ideal_s:.1f}",
               f"{r.actual_s:.2f}" if r.actual_s is not None else "-", ratio,
               f"{r.commit_s * 1000:.1f}",
               f"{peak / MIB:.1f}" if peak else "-",
               f"{(peak - before) / 1024 / r.channels:.2f}" if peak and before else "-"]
        if traced:
            tp = r.worker.get("traced_peak")
            row.append(f"{tp / MIB:.1f}" if tp is not None else "-")
        rows.append(row)
    return aligned(rows, first_left=False)


def details(r: Result) -> list[str]:
    out = [f"N={r.channels:,}:"]
    spread = collections.Counter(r.per_channel)
    out.append(f"  messages per channel: exactly one in {spread.get(1, 0):,} of "
               f"{r.channels:,} channels + {r.reminders:,} DM channels ({spread.get(0, 0)} with none, "
               f"{sum(n for k, n in spread.items() if k > 1)} with more)")
    if r.arrivals:
        first, last = r.arrivals[0], r.arrivals[-1]
        pace = (last - first) / (len(r.arrivals) - 1) if len(r.arrivals) > 1 else 0.0
        out.append(f"  first announcement {first * 1000:.0f} ms after Store.write was called, the "
                   f"last at {last:.2f}s; one every {pace * 1000:.2f} ms in between "
                   f"({1 / pace if pace else 0:.2f}/s; the budget paces at {1000 / r.rate:.2f} ms)")
        out.append(f"  busiest second: {busiest_second(r.arrivals)} announcements "
                   f"(ANNOUNCE_RATE {r.rate:g}); 429s: {r.global_429} global, {r.route_429} per route"
                   + (f" (at {', '.join(f'{t:.2f}' for t in r.limited_at[:10])}s)" if r.limited_at else ""))
    if r.standin_gc:
        longest = sorted(r.gc_pauses, key=lambda p: -p[1])[:5]
        out.append(f"  during the fan-out the stand-in's process paused for garbage collection "
                   f"{len(r.gc_pauses)} times for 10 ms or more, "
                   f"{sum(d for _, d, _ in r.gc_pauses):.2f}s in all"
                   + ("; longest: " if longest else "")
                   + ", ".join(f"{d * 1000:.0f} ms (gen {g}) at {t:.2f}s" for t, d, g in longest))
    else:
        out.append("  the stand-in's process ran without garbage collection during the fan-out "
                   "(--standin-gc to keep it)")
    out.append(f"  bot start to ready {r.ready_s:.1f}s with {r.channels:,} channels cached, "
               f"RSS then {r.rss_ready / MIB:.1f} MiB; database built in {r.built_s:.1f}s")
    w = r.worker
    if w:
        hwm = w.get("rss_hwm")
        grown = (w["rss_peak"] - w["rss_before"]) / MIB
        out.append(f"  worker RSS before the publish {w['rss_before'] / MIB:.1f} MiB, peak during "
                   f"the fan-out {w['rss_peak'] / MIB:.1f} MiB (+{grown:.1f} MiB; "
                   f"sampled every {SAMPLE_EVERY * 1000:.0f} ms"
                   f"{', VmHWM reset at the publish' if hwm is not None else ''})")
        if w.get("traced_peak") is not None:
            out.append(f"  tracemalloc (Python heap, started at the publish): peak "
                       f"{w['traced_peak'] / MIB:.2f} MiB, at the end {w['traced_now'] / MIB:.2f} MiB; "
                       "held at the end, by line:")
            out += [f"    {site}" for site in w.get("top_sites") or []]
        out.append(f"  worker CPU from the publish to the stop: {w['cpu_s']:.1f}s "
                   f"({w['cpu_s'] / ((r.actual_s or 0) + 1e-9) * 100:.0f}% of the fan-out's time)")
        out.append(f"  announcer outcomes (it keeps the last 1,000): {dict(w.get('outcomes') or [])}")
    if r.outbox:
        out.append(f"  outbox after the stop: {r.outbox}")
    if r.violations:
        out.append(f"  stand-in violations: {len(r.violations)}")
        out += [f"    {v}" for v in r.violations[:5]]
    if r.error:
        out.append(f"  ERROR: {r.error}")
    return out


async def run(options: argparse.Namespace) -> list[Result]:
    results = []
    for channels in options.channels:
        dms = channels if options.reminders else 0
        print(f"fan-out to {channels:,} channels and {dms:,} DMs at {options.rate:g}/s "
              f"(ideal {(channels + 2 * dms) / options.rate:.1f}s)...", flush=True)
        results.append(await fanout(channels, options))
    return results


def positive_ints(text: str) -> list[int]:
    values = [int(part) for part in text.split(",") if part.strip()]
    if not values or min(values) <= 0:
        raise argparse.ArgumentTypeError("a comma-separated list of positive numbers")
    return values


def rate(text: str) -> float:
    value = float(text)
    if not 0 < value <= 50:
        raise argparse.ArgumentTypeError("above 0 and at most 50 (what ANNOUNCE_RATE allows)")
    return value


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="benchmarks.fanout", description=__doc__.split("\n")[0])
    parser.add_argument("--channels", type=positive_ints, default=[1000, 10_000],
                        help="subscribed channel counts, comma-separated (1000,10000)")
    parser.add_argument("--rate", type=rate, default=50.0,
                        help="ANNOUNCE_RATE, sends per second (50, Discord's global limit)")
    parser.add_argument("--per-guild", type=int, default=100, help="channels per server (100)")
    parser.add_argument("--reminders", action="store_true",
                        help="also as many fans with a DM reminder on the changed entry as channels")
    parser.add_argument("--settle", type=float, default=1.0,
                        help="seconds to wait for extra announcements after the last channel got one")
    parser.add_argument("--ready-timeout", type=float, default=120.0)
    parser.add_argument("--standin-gc", action="store_true",
                        help="leave garbage collection on in the stand-in's process during the "
                             "fan-out (its pauses bunch requests up: 429s the bot did not cause)")
    parser.add_argument("--tracemalloc", action="store_true",
                        help="also trace the worker's Python heap during the fan-out (slows it)")
    parser.add_argument("--profile", action="store_true",
                        help="cProfile the worker during the fan-out and print where the time goes")
    parser.add_argument("--profile-top", type=int, default=25)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--idle", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    options = parse(argv)
    if options.worker:
        return asyncio.run(worker(options))
    began = time.perf_counter()
    results = asyncio.run(run(options))
    print()
    print(render_table(results, options.tracemalloc))
    print()
    print(f"target: actual within {TARGET - 1:.0%} of the ideal N / rate (ratio at most {TARGET}); "
          "worker RSS not growing with N")
    for r in results:
        print()
        print("\n".join(details(r)))
        if r.worker.get("profile"):
            print(r.worker["profile"])
    print(f"\ntotal {time.perf_counter() - began:.1f}s")
    ok = all(r.exactly_one and not r.violations and r.error is None for r in results)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
