"""The /about card's list of tracked shows: whole lines only, however many shows there are."""

from __future__ import annotations

import re

from bot.core.models import Show
from cogs.about import FIELD_LIMIT, about_embed, whole_lines


def test_many_tracked_shows_are_cut_between_lines_never_inside_a_link():
    shows = [Show(i, f"show-with-a-long-address-{i:02d}", f"A Rather Long Show Title Number {i:02d}",
                  None, None, 2, (), False) for i in range(15)]

    def page_url(slug: str, lang: str) -> str:
        return f"https://seasons.example.org/s/{slug}?lang={lang}&padding={'x' * 20}"

    embed = about_embed(shows, "1.0", "ko", page_url)
    [tracked] = [f.value for f in embed.fields if f.name == "추적 중"]
    assert tracked is not None and len(tracked) <= FIELD_LIMIT
    lines = tracked.split("\n")
    assert lines[-1] == "…" and 1 < len(lines) < 16
    for line in lines[:-1]:  # every line kept is a whole link
        assert re.fullmatch(r"• \[[^\]]+\]\(<https://seasons\.example\.org/s/[^>]+>\)", line), line


def test_lines_that_fit_are_kept_whole_without_an_ellipsis():
    assert whole_lines(["a", "b"], limit=3) == "a\nb"
    assert whole_lines(["a", "b", "c"], limit=4) == "a\n…"
    assert whole_lines(["toolong"], limit=3) == "…"
    assert whole_lines([]) == ""
