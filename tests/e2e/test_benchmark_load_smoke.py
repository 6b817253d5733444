"""The load benchmark runs end to end on a small crowd (no figure is asserted)."""

import re

import discord
import pytest

from benchmarks.load import main


def test_the_load_benchmark_runs_and_prints_its_figures(capsys: pytest.CaptureFixture[str],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    # The bot points these class attributes at the stand-in; put them back afterwards.
    monkeypatch.setattr(discord.http.Route, "BASE", discord.http.Route.BASE)
    monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY",
                        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)

    status = main(["--fans", "120", "--total", "480", "--block", "60", "--rate", "400"])

    out = capsys.readouterr().out
    assert status == 0, out
    assert re.search(r"burst: 120 distinct fans .*; 120 answered, 0 unanswered, 0 wrong", out), out
    for command in ("/bench-noop", "/status", "/cast", "/news", "/episodes", "/about"):
        row = re.search(rf"^{re.escape(command)}\s+60\s+[\d.]+\s+[\d.]+\s+[\d.]+x\s+[\d.]+\s+[\d.]+x$",
                        out, re.MULTILINE)
        assert row, out
    assert re.search(r"RSS after the first 120 interactions [\d.]+ MiB, after 480 ", out), out
    assert "wrong replies: 0 (0 unanswered)" in out
