"""The fan-out benchmark runs end to end on a few channels (no timing is asserted)."""

import re

import pytest

from benchmarks.fanout import main

CHANNELS = 20


def test_the_fanout_benchmark_runs_and_every_channel_gets_one_announcement(
        capsys: pytest.CaptureFixture[str]) -> None:
    # The bot runs in a worker process, so nothing in this process is pointed at the stand-in.
    status = main(["--channels", str(CHANNELS), "--rate", "50", "--per-guild", "7",
                   "--settle", "0.5"])

    out = capsys.readouterr().out
    assert status == 0, out
    assert (f"announcements per channel: exactly one in {CHANNELS} of {CHANNELS} channels "
            "(0 with none, 0 with more)") in out
    assert f"outbox after the stop: {{'delivered': {CHANNELS}}}" in out
    header = next(line for line in out.splitlines() if line.lstrip().startswith("N "))
    assert header.split() == ["N", "rate/s", "ideal", "s", "actual", "s", "ratio", "commit", "ms",
                              "peak", "RSS", "MiB", "RSS", "delta/channel", "KiB"]
    row = re.search(rf"^\s*{CHANNELS}\s+50\s+0\.4\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+"
                    r"(-?[\d.]+)\s*$", out, re.MULTILINE)
    assert row, out
