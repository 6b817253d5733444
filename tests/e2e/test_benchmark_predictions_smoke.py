"""The predictions benchmark runs end to end on a small question (no timing is asserted)."""

import discord
import pytest

from benchmarks.predictions import main


def test_the_predictions_benchmark_runs_and_prints_its_figures(capsys: pytest.CaptureFixture[str],
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    # The bot points these class attributes at the stand-in; put them back afterwards.
    monkeypatch.setattr(discord.http.Route, "BASE", discord.http.Route.BASE)
    monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY",
                        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)

    status = main(["--guesses", "300", "--rounds", "2"])

    out = capsys.readouterr().out
    assert status == 0, out
    assert "with 300 guesses" in out and "wrong replies: 0" in out
    for label in ("/predict resolve", "/predict leaderboard (server)", "/predict leaderboard (everyone)"):
        assert any(line.startswith(label) and "of 3000 ms" in line for line in out.splitlines()), out
