"""The fan-out benchmark runs end to end on a few channels and DM reminders (no timing is
asserted)."""

import re

import pytest

from benchmarks.fanout import main

CHANNELS = 20


def test_the_fanout_benchmark_runs_and_every_channel_and_dm_gets_one_message(
        capsys: pytest.CaptureFixture[str]) -> None:
    # The bot runs in a worker process, so nothing in this process is pointed at the stand-in.
    status = main(["--channels", str(CHANNELS), "--rate", "50", "--per-guild", "7",
                   "--settle", "0.5", "--reminders"])

    out = capsys.readouterr().out
    assert status == 0, out
    assert (f"messages per channel: exactly one in {2 * CHANNELS} of {CHANNELS} channels + "
            f"{CHANNELS} DM channels (0 with none, 0 with more)") in out
    assert f"outbox after the stop: {{'delivered': {CHANNELS}, 'dm delivered': {CHANNELS}}}" in out
    header = next(line for line in out.splitlines() if line.lstrip().startswith("N "))
    assert header.split() == ["N", "DMs", "rate/s", "ideal", "s", "actual", "s", "ratio", "commit",
                              "ms", "peak", "RSS", "MiB", "RSS", "delta/channel", "KiB"]
    # The ideal counts every request at the budget: a message per channel, two per DM.
    row = re.search(rf"^\s*{CHANNELS}\s+{CHANNELS}\s+50\s+1\.2\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+"
                    r"([\d.]+)\s+(-?[\d.]+)\s*$", out, re.MULTILINE)
    assert row, out
