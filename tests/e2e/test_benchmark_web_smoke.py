"""The web benchmark runs end to end on a tiny catalogue (no timing is asserted)."""

import re

import discord
import pytest

from benchmarks.web import main


def test_the_web_benchmark_runs_and_prints_its_tables(capsys: pytest.CaptureFixture[str],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    # The bot points these class attributes at the stand-in; put them back afterwards.
    monkeypatch.setattr(discord.http.Route, "BASE", discord.http.Route.BASE)
    monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY",
                        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)

    status = main(["--entries", "200", "--seconds", "0.5", "--rounds", "3", "--warmup", "1",
                   "--members", "1000", "--concurrency", "2", "--rate", "20"])

    out = capsys.readouterr().out
    assert status == 0, out
    assert "catalogue: 200 entries" in out
    assert re.search(r"^static aiohttp handler \(same bytes\)\s+\d+\s+\d+\s+[\d.]+\s+[\d.]+$", out, re.M), out
    assert re.search(r"^season page /s/big\s+\d+\s+\d+\s+[\d.]+\s+[\d.]+$", out, re.M), out
    assert re.search(r"^season page at 20/s\s+\d+\s+\d+\s+[\d.]+\s+[\d.]+$", out, re.M), out
    assert re.search(r"season page throughput: \d+% of the static handler's", out), out
    for label in ("/bench-noop (no-op)", "/status", "/cast"):
        assert re.search(rf"^{re.escape(label)} / none\s+3\s+[\d.]+\s+[\d.]+$", out, re.M), out
        for phase in ("full speed", "20/s"):
            assert re.search(rf"^{re.escape(label)} / {phase}\s+[1-9]\d*\s+[\d.]+\s+[\d.]+$", out, re.M), out
    assert "wrong answers: 0 requests, 0 replies" in out
