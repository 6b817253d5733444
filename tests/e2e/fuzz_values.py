"""Hypothesis strategies for slash-command option values, within Discord's own limits.

Discord accepts a string option of up to 6,000 characters and an integer within ±2^53; the
client sends nothing else, so nothing else is generated. The hostile parts carry markers the
invariant checks look for in what other people see:

- `INJECT_HOST` only ever appears inside text options (never in a URL option), so a public
  link or autolink to it is user text turned into a link;
- `BREAK_HEAD` / `BREAK_TAIL` sit on either side of a line break, so a public line starting
  with `BREAK_TAIL` right after a line holding `BREAK_HEAD` is user text that broke its line.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

STRING_LIMIT = 6000
INT_LIMIT = 2**53
INJECT_HOST = "inject.invalid"
BREAK_HEAD = "Zq9HEAD"
BREAK_TAIL = "Zq9TAIL"

# How many examples each fuzz test runs; CI keeps the default, a long run raises it.
EXAMPLES = int(os.environ.get("SEASONWATCH_FUZZ_EXAMPLES", "400"))

UNICODE_PIECES = [
    "e\u0301", "a\u0336\u0336", "Z\u0351\u0352\u0353\u0354\u0355",  # combining marks
    "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad",  # zero-width, soft hyphen
    "\u202e", "\u202d", "\u2066", "\u2067", "\u2069", "\u200f", "\u061c",  # bidi controls
    "Ｐａｒｋ　Ｊｉ－ｈｕ", "１２３", "２０２５－０３－１４",  # full-width
    "٢٠٢٥", "۲۰۲۵", "२०२५", "২০২৫", "๒๕๖๘", "߂߀߂߅", "𝟐𝟎𝟐𝟓",  # non-ASCII digits
    "박지후", "윤찬영", "ㄱㄴㄷ", "한\u1100\u1161",  # Hangul, precomposed and jamo
    "👍🏽", "👨‍👩‍👧‍👦", "🇰🇷", "1️⃣", "🏳️‍🌈",  # emoji sequences
    "İ", "ß", "ﬁ", "Ω", "K",  # case-folding traps (Kelvin sign)
    "\t", " ", "\u00a0", "\u3000", "\x00", "\x1b[31m",
]
MARKDOWN_PIECES = [
    "**bold**", "__under__", "~~strike~~", "||spoiler||", "*", "_", "`", "``", "```",
    "`code`", "```py\nx\n```", "> quote", "# heading", "-# subtext", "1. list", "- item",
    "\\", "\\*", "\\`", "<t:0:R>", "<#1234567890123456>", "</about:1234567890123456>",
    "[", "]", "(", ")", "<", ">", "[x]", "](", "||",
]
INLINE_MARKDOWN = ["**bold**", "__under__", "~~strike~~", "||spoiler||", "*", "_", "`", "`code`",
                   "\\", "<t:0:R>", "[x]", "](", "#", ">", "-#"]
MENTION_PIECES = ["@everyone", "@here", "@\u200beveryone", "<@&{role}>", "<@{user}>", "<@!{user}>"]
INJECT_PIECES = [
    f"[click](https://{INJECT_HOST}/a)",
    f"[click](<https://{INJECT_HOST}/b>)",
    f"[click]( https://{INJECT_HOST}/c )",
    f"https://{INJECT_HOST}/d",
    f"<https://{INJECT_HOST}/e>",
    f"[x](http://{INJECT_HOST}/f \"title\")",
]
BREAK_PIECES = [
    f"{BREAK_HEAD}{sep}{lead}{BREAK_TAIL}"
    for sep in ("\n", "\r\n", "\r", "\n\n")
    for lead in ("", "# ", "> ", "- ", "-# ", "```", "**")
]
SCHEMES = [
    "http", "https", "HTTPS", "ftp", "javascript", "data", "file", "mailto", "discord", "steam",
    "ws", "chrome", "about", "tel", "sms", "irc", "gopher", "vbscript",
]
HOSTS = [
    "example.com", "www.netflix.com", "EXAMPLE.COM", "xn--9n2bp8q.com", "박지후.com",
    "127.0.0.1", "[::1]", "user:pass@example.com", "example.com:8080", "localhost", "a" * 63 + ".com",
    "", "example.com.", "ex ample.com", "[::1", "[x]", "]", "[",
]


# One value per kind of edge, tried in every option of its kind before the random examples.
URL_EDGES = ["https://[::1", "http://[x]/", "javascript:alert(1)", "https://example.com/" + "a" * 5980,
             "https://user:pw@example.com/", "https://exa mple.com/", "https://example.com/\u202e"]
DATE_EDGES = ["2025-02-29", "9999-12-31", "10000-01-01", "٢٠٢٥-٠٣-١٤", "２０２５-０３", "2025-Q5",
              "2026-H2..2025-H1", "0000-01-01"]
TEXT_EDGES = ["", " ", "\u200b", "a\u0301" * 3000, "x" * STRING_LIMIT, "@everyone <@&1>",
              BREAK_PIECES[1], INJECT_PIECES[0], "`", "\u202eevil", "Ｐａｒｋ", "박지후 👨‍👩‍👧‍👦"]


@dataclass(frozen=True)
class Pick:
    """Type `typed` into an autocomplete option and take choice `index` (if any comes back)."""

    typed: str
    index: int


def _piece(role_id: int, user_id: int) -> st.SearchStrategy[str]:
    mentions = [p.format(role=role_id, user=user_id) for p in MENTION_PIECES]
    return st.one_of(
        st.sampled_from(UNICODE_PIECES + MARKDOWN_PIECES + mentions),
        st.sampled_from(INJECT_PIECES + BREAK_PIECES),
        st.text(st.characters(exclude_categories=("Cs",)), max_size=12),
        st.text("abcXYZ 019-", min_size=1, max_size=12),
    )


def texts(role_id: int = 1, user_id: int = 1, *, hostile: bool = True) -> st.SearchStrategy[str]:
    """Any string Discord lets a user type into a text option (0..6,000 characters)."""
    pieces = _piece(role_id, user_id) if hostile else st.sampled_from(UNICODE_PIECES)
    lengths = st.sampled_from([1, 2, 99, 100, 101, 255, 256, 257, 1023, 1024, 1025, 1999, 2000,
                               2001, 4095, 4096, 4097, 5999, STRING_LIMIT])
    return st.one_of(
        st.lists(pieces, max_size=8).map("".join).map(lambda s: s[:STRING_LIMIT]),
        st.builds(_fill_to, st.lists(pieces, min_size=1, max_size=3).map("".join), lengths),
        st.text(st.characters(exclude_categories=("Cs",)), max_size=40),
        st.just(""),
    )


def tame_texts(role_id: int = 1, user_id: int = 1) -> st.SearchStrategy[str]:
    """Short single-line text a validator should accept, still full of markdown and mentions."""
    mentions = [p.format(role=role_id, user=user_id) for p in MENTION_PIECES]
    word = st.text(st.characters(categories=("L", "N", "Zs", "So", "Mn")), min_size=1, max_size=10)
    piece = st.one_of(word, st.sampled_from(INLINE_MARKDOWN), st.sampled_from(mentions + INJECT_PIECES))
    line = st.lists(piece, min_size=1, max_size=6).map(" ".join).map(lambda s: s.strip()[:90] or "x")
    broken = st.builds(lambda a, b: f"{a} {b}", line, st.sampled_from(BREAK_PIECES[:7]))
    return st.one_of(line, line, line, line, broken)


def _fill_to(seed: str, length: int) -> str:
    """`seed` repeated to exactly `length` characters (an empty seed gives spaces)."""
    seed = seed or " "
    return (seed * (length // len(seed) + 1))[:length]


def urls() -> st.SearchStrategy[str]:
    """URLs of every scheme and shape, plus long and malformed ones; never `INJECT_HOST`."""
    path = st.text("abc/?#&=%()<>[] .-_~", max_size=30)
    built = st.builds(
        lambda scheme, sep, host, tail: f"{scheme}{sep}{host}/{tail}",
        st.sampled_from(SCHEMES), st.sampled_from(["://", ":", ":/", ":///", ""]),
        st.sampled_from(HOSTS), path,
    )
    long = st.builds(
        lambda n: ("https://example.com/" + "a" * n)[:STRING_LIMIT],
        st.sampled_from([10, 490, 492, 1000, 2048, STRING_LIMIT]),
    )
    plausible = st.builds(lambda tail: f"https://example.com/{tail}", path)
    edges = st.sampled_from(["https://www.netflix.com/tudum", "//example.com/x", "", "https://[::1",
                             "http://[x]/", "https://[::1]/", "https://xn--/", "http://%00/"])
    return st.one_of(plausible, plausible, built, long, texts(hostile=False), edges, edges)


def _date(year: int, month: int, day: int, form: int) -> str:
    if form == 0:
        return f"{year:04d}-{month:02d}-{day:02d}"
    if form == 1:
        return f"{year:04d}-{month:02d}"
    if form == 2:
        return f"{year}-Q{month % 6}"
    if form == 3:
        return f"{year}-H{month % 4}"
    if form == 4:
        return str(year)
    return f"{year:04d}-{month:02d}-{day:02d}T{day:02d}:{month * 5:02d}"


def _plausible_date(year: int, month: int, day: int, form: int) -> str:
    """A well-formed future date, partial date, quarter, half, year or time."""
    if form == 2:
        return f"{year}-Q{1 + month % 4}"
    if form == 3:
        return f"{year}-H{1 + month % 2}"
    return _date(year, month, day, form)


WIDE = str.maketrans("0123456789-", "０１２３４５６７８９－")
ARABIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def dates(tame: bool = False) -> st.SearchStrategy[str]:
    """Dates, partial dates, quarters, halves, times and `a..b` windows at and past the edges."""
    one = st.builds(
        _date,
        st.sampled_from([-1, 0, 1, 999, 1000, 1899, 1900, 1970, 2024, 2025, 2026, 2099, 2100,
                         9999, 10000, 99999]) | st.integers(-10, 100_000),
        st.integers(-1, 14), st.integers(-1, 33), st.integers(0, 5),
    )
    styled = st.tuples(one, st.sampled_from([None, WIDE, ARABIC])).map(
        lambda t: t[0].translate(t[1]) if t[1] else t[0])
    window = st.builds(lambda a, sep, b: f"{a}{sep}{b}", styled, st.sampled_from(
        ["..", "...", " .. ", ".", "–"]), styled)
    fixed = st.sampled_from([
        "2024-02-29", "2025-02-29", "2025-04-31", "2025-12-31", "2026-01-01", "2025-Q1",
        "2025-H2", "2024-H2..2025-H1", "2025..2024", "2025-03-14..2025-03-14", "..", "2025..",
        "..2025", "2025-03-14T23:59", "2025-03-14T24:00", "late 2025", "tomorrow", "",
    ])
    plausible = st.builds(_plausible_date, st.integers(2026, 2032), st.integers(1, 12),
                          st.integers(1, 28), st.integers(0, 5))
    if tame:
        return plausible
    return st.one_of(plausible, plausible, fixed, styled, window, texts(hostile=False))


def integers(opt: dict[str, Any]) -> st.SearchStrategy[int]:
    """Integers inside the option's declared range (Discord's ±2^53 when none is declared)."""
    lo = opt.get("min_value", -INT_LIMIT)
    hi = opt.get("max_value", INT_LIMIT)
    edges = [v for v in (lo, hi, -1, 0, 1, 2, 99, 100, 1000, 2**31 - 1, 2**31, 2**63 - 1)
             if lo <= v <= hi]
    return st.one_of(st.sampled_from(edges), st.integers(lo, hi), st.integers(max(lo, -5), min(hi, 500)))
