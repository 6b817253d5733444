"""The listings benchmark runs end to end on a few shows (no timing is asserted)."""

import re

import pytest

from benchmarks.listings import main


def test_the_listings_benchmark_runs_and_prints_its_figures(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["--shows", "6", "--changed", "2"])
    out = capsys.readouterr().out
    assert status == 0, out
    assert "6 linked shows; 2 changed upstream" in out
    every = re.search(r"every show\s+requests\s+(\d+)\s+shows fetched\s+(\d+)", out)
    updates = re.search(r"/updates\s+requests\s+(\d+)\s+shows fetched\s+(\d+)", out)
    assert every and updates, out
    # One /updates request a cycle, three a show fetched (the show, its aliases, its season).
    assert (int(every[1]), int(every[2])) == (1 + 3 * 6, 6), out
    assert (int(updates[1]), int(updates[2])) == (1 + 3 * 2, 2), out
    assert "/updates / every show: requests" in out and "at 2/s" in out
