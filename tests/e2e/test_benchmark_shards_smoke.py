"""The benchmarks of issue 12 run end to end, tiny, on the test PostgreSQL server: command
latency on both backends, and a fan-out over two shard processes (no timing is asserted).
Each runs as its own process, as an operator runs it."""

import asyncio
import re
import sys

import pytest

from tests.support.paths import REPO

pytestmark = pytest.mark.postgresql_only
CHANNELS = 20


async def run_benchmark(*args: str) -> tuple[int, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", *args, cwd=REPO, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT)
    out, _ = await asyncio.wait_for(proc.communicate(), 180)
    return proc.returncode or 0, out.decode(errors="replace")


async def test_the_backends_benchmark_prints_both_backends_side_by_side(new_database) -> None:
    status, out = await run_benchmark(
        "benchmarks.backends", "--calls", "3", "--warmup", "1", "--entries", "200",
        "--members", "50", "--passes", "1", "--database-url", await new_database())

    assert status == 0, out
    assert "copied to PostgreSQL (200 entries" in out and "wrong replies: 0" in out
    for label in ("/bench-noop (no-op)", "/status", "/cast person", "/history", "autocomplete show"):
        row = next((line for line in out.splitlines() if line.startswith(label + " ")), None)
        assert row and re.search(r"([\d.]+\s+){4}[\d.]+x\s+[\d.]+x", row), out


async def test_the_shards_benchmark_delivers_once_per_channel_over_two_processes(
        new_database) -> None:
    status, out = await run_benchmark(
        "benchmarks.shards", "--channels", str(CHANNELS), "--rate", "50", "--per-guild", "5",
        "--settle", "0.5", "--database-url", await new_database())

    assert status == 0, out
    assert (f"announcements per channel: {{1: {CHANNELS}}} (goal: every channel exactly 1); "
            f"per shard: {{0: {CHANNELS // 2}, 1: {CHANNELS // 2}}}") in out
    assert f"outbox after the stop: {{'delivered': {CHANNELS}}}" in out
    assert re.search(r"ideal N / rate 0\.4s, actual [\d.]+s, ratio [\d.]+", out), out
