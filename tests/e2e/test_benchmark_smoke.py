"""The command benchmark runs end to end on a tiny catalogue (no timing is asserted)."""

import re

import discord
import pytest

from benchmarks.commands import main


def test_the_benchmark_runs_and_prints_its_table(capsys: pytest.CaptureFixture[str],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    # The bot points these class attributes at the stand-in; put them back afterwards.
    monkeypatch.setattr(discord.http.Route, "BASE", discord.http.Route.BASE)
    monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY",
                        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)

    status = main(["--calls", "5", "--warmup", "1", "--entries", "200", "--members", "50"])

    out = capsys.readouterr().out
    assert status == 0, out
    assert "catalogue: 200 entries" in out
    assert "bot start to ready:" in out and "MiB once ready" in out
    assert "wrong replies: 0 (of which 'Slow down': 0; during warm-up: 0)" in out
    rows = {line.split("  ")[0].strip(): line for line in out.splitlines()}
    for label in ("/bench-noop (no-op)", "/status", "/cast", "/cast person", "/cast filter:rumored",
                  "/episodes", "/news", "/news confidence:reported", "/history", "/about",
                  "autocomplete show", "autocomplete person"):
        assert label in rows, out
        calls = re.match(rf"{re.escape(label)}\s+(\d+)\s+[\d.]+\s+[\d.]+\s+[\d.]+x", rows[label])
        assert calls and calls.group(1) == "5", rows[label]
