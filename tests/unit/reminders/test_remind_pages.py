"""/remind list's pages: every line on exactly one page, in order, each page within its limit."""

import itertools

from cogs.remind import clip, text_pages


def test_lines_fill_pages_in_order_within_the_limit():
    lines = [f"`#{n}` " + "x" * (40 + n * 7 % 90) for n in range(60)]
    pages = text_pages(lines, 500)
    assert [line for page in pages for line in page] == lines
    assert all(page and len("\n".join(page)) <= 500 for page in pages)
    # As few pages as hold them: no page could have taken the next page's first line.
    for page, after in itertools.pairwise(pages):
        assert len("\n".join([*page, after[0]])) > 500


def test_one_page_when_it_fits_and_a_long_line_alone():
    assert text_pages(["a", "b"], 3) == [["a", "b"]]
    assert text_pages(["a", "b"], 2) == [["a"], ["b"]]
    assert text_pages(["a", "y" * 10, "b"], 5) == [["a"], ["y" * 10], ["b"]]
    assert text_pages([], 10) == [[]]


def test_a_line_is_clipped_with_an_ellipsis():
    assert clip("abcdef", 6) == "abcdef" and clip("abcdefg", 6) == "abcde…"
