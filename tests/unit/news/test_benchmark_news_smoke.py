"""The news benchmark runs end to end on a few small feeds (no timing is asserted)."""

import pytest

from benchmarks.news import main


def test_the_news_benchmark_runs_and_prints_its_figures(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["--sources", "3", "--items", "4"])
    out = capsys.readouterr().out
    assert status == 0, out
    assert "3 sources x 4 items" in out
    lines = {line.split()[0]: line for line in out.splitlines() if "ms/source" in line}
    assert "queued     12" in lines["new"] and "queued      0" in lines["304"], out
    assert "queued      0" in lines["unchanged"] and "new / 304:" in out
