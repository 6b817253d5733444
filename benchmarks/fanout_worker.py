"""The fan-out benchmarks' worker: the real bot in a process of its own (`python -m
benchmarks.fanout --worker`), so that its memory is the bot's alone and it shares no CPU with
the stand-in, and the parent's handle on it (`start_worker`, `Worker`: JSON lines out,
commands in). See benchmarks/fanout.py for what is measured."""

from __future__ import annotations

import argparse
import asyncio
import collections
import cProfile
import gc
import io
import json
import os
import pstats
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

from bot.core.models import Editor, Fact
from standin import StandIn

REPO = Path(__file__).resolve().parents[1]
SHOW = "all-of-us-are-dead"
SAMPLE_EVERY = 0.01  # seconds between RSS samples in the worker
MIB = 1024 * 1024


# -- memory --------------------------------------------------------------------------------------

def _status_kib(name: str) -> int | None:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(f"{name}:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def rss_bytes() -> int:
    """This process's resident set size now."""
    kib = _status_kib("VmRSS")
    if kib is None:
        import resource

        kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kib * 1024


def reset_peak_rss() -> bool:
    """Reset VmHWM (Linux: writing 5 to clear_refs); False if this system does not allow it."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as refs:
            refs.write("5")
        return True
    except OSError:
        return False


def peak_rss_bytes() -> int | None:
    kib = _status_kib("VmHWM")
    return None if kib is None else kib * 1024


# -- the worker: the bot in a process of its own --------------------------------------------------

def emit(**data: Any) -> None:
    print(json.dumps(data), flush=True)


async def read_command() -> str:
    line = await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    return line.strip()


async def worker(options: argparse.Namespace) -> int:
    """Run the bot, publish one change when told, report memory and the commit's time."""
    from bot.app import running
    from bot.config import settings_from

    settings = settings_from(os.environ)
    started = time.perf_counter()
    async with running(settings) as bot:
        ready_s = time.perf_counter() - started
        await asyncio.sleep(0.5)  # the announcer's first look at the (empty) outbox
        gc.collect()
        emit(event="ready", ready_s=ready_s, rss=rss_bytes())
        if await read_command() != "go":
            return 1
        if options.idle:  # another worker publishes (benchmarks.shards): only deliver
            emit(event="published", at=time.monotonic(), commit_s=0.0, change_id=None)
            command = await read_command()
            emit(event="result", cpu_s=0.0, rss_before=0, rss_peak=0,
                 outcomes=collections.Counter(o.result for o in bot.announcer.outcomes).most_common())
            return 0 if command == "stop" else 1

        store = bot.store
        show = store.view.show_by_slug(SHOW)
        assert show is not None, f"the seeded show {SHOW!r} is missing"
        fact = Fact(fields={"when": "2025-03", "note": None}, confidence="confirmed",
                    source_name="Netflix", source_url="https://about.netflix.com/",
                    as_of="2025-01-02")
        version = store.view.entry_version(show.id, "release", "release")

        gc.collect()
        before = rss_bytes()
        hwm_reset = reset_peak_rss()
        peak = before
        sampling = True

        async def sample() -> None:
            nonlocal peak
            while sampling:
                peak = max(peak, rss_bytes())
                await asyncio.sleep(SAMPLE_EVERY)

        sampler = asyncio.create_task(sample())
        if options.tracemalloc:
            tracemalloc.start()
        profiler = cProfile.Profile() if options.profile else None
        if profiler is not None:
            profiler.enable()

        cpu = time.process_time()
        published = time.monotonic()
        clock = time.perf_counter()
        change = await store.catalogue.write(show.id, "release", "release", fact, expected_version=version,
                                   editor=Editor(1, "benchmark"))
        commit_s = time.perf_counter() - clock
        emit(event="published", at=published, commit_s=commit_s, change_id=change.id)

        command = await read_command()
        cpu_s = time.process_time() - cpu
        if profiler is not None:
            profiler.disable()
        traced = tracemalloc.get_traced_memory() if options.tracemalloc else None
        top_sites = None
        if options.tracemalloc:
            top_sites = [f"{stat.size / MIB:7.2f} MiB {stat.count:8,} blocks  {stat.traceback[0]}"
                         for stat in tracemalloc.take_snapshot().statistics("lineno")[:8]]
            tracemalloc.stop()
        sampling = False
        await sampler
        peak = max(peak, rss_bytes())
        hwm = peak_rss_bytes() if hwm_reset else None
        profile_text = None
        if profiler is not None:
            profile_text = profile_report(profiler, options.profile_top)
        emit(event="result", cpu_s=cpu_s, rss_before=before, rss_peak=max(peak, hwm or 0),
             rss_sampled_peak=peak, rss_hwm=hwm, traced_now=traced[0] if traced else None,
             traced_peak=traced[1] if traced else None, top_sites=top_sites, profile=profile_text,
             outcomes=collections.Counter(o.result for o in bot.announcer.outcomes).most_common())
        return 0 if command == "stop" else 1


def profile_report(profiler: cProfile.Profile, top: int) -> str:
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    out.write("--- by own time ---\n")
    stats.sort_stats("tottime").print_stats(top)
    out.write("--- by cumulative time, seasonwatch code only ---\n")
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(r"/(bot|cogs)/", top)
    return out.getvalue()


# -- the parent's handle on the worker -------------------------------------------------------------

class Worker:
    """The child process and its line protocol (JSON lines out, commands in)."""

    def __init__(self, proc: asyncio.subprocess.Process, log_path: Path) -> None:
        self.proc = proc
        self.log_path = log_path

    async def expect(self, event: str, within: float) -> dict[str, Any]:
        assert self.proc.stdout is not None
        while True:
            line = await asyncio.wait_for(self.proc.stdout.readline(), within)
            if not line:
                raise RuntimeError(f"the worker exited before {event!r}:\n{self.log_tail()}")
            try:
                data = json.loads(line)
            except ValueError:
                continue  # something else printed to stdout
            if isinstance(data, dict) and data.get("event") == event:
                return data

    async def send(self, command: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(f"{command}\n".encode())
        await self.proc.stdin.drain()

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    async def finish(self, within: float = 30.0) -> None:
        if self.proc.returncode is None:
            try:
                await asyncio.wait_for(self.proc.wait(), within)
            except TimeoutError:
                self.proc.kill()
                await self.proc.wait()


async def start_worker(standin: StandIn, database: Path | str, options: argparse.Namespace,
                       tmp: Path, extra: dict[str, str] | None = None, *, idle: bool = False,
                       name: str = "worker") -> Worker:
    """The bot in a child process; `extra` adds to its environment (DATABASE_URL, shards)."""
    env = {**os.environ,
           "DISCORD_TOKEN": standin.token,
           "DATABASE_PATH": str(database),
           "DISCORD_API_BASE": standin.api_base,
           "DISCORD_GATEWAY_URL": standin.gateway_url,
           "ANNOUNCE_RATE": f"{options.rate:g}",
           "LOG_LEVEL": "WARNING",
           "PYTHONUNBUFFERED": "1", **(extra or {})}
    args = [sys.executable, "-m", "benchmarks.fanout", "--worker"]
    if idle:
        args.append("--idle")
    if options.tracemalloc:
        args.append("--tracemalloc")
    if options.profile:
        args += ["--profile", "--profile-top", str(options.profile_top)]
    log_path = tmp / f"{name}.log"
    with log_path.open("wb") as log:
        proc = await asyncio.create_subprocess_exec(
            *args, cwd=REPO, env=env, stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE, stderr=log)
    return Worker(proc, log_path)
