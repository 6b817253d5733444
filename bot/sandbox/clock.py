"""Discord timestamps (`<t:secs:style>`) as the sandbox's reader would see them, in UTC.

A real Discord client renders these itself, in its own language; the sandbox stands in for that
client, so it renders them in the current person's client language: English with the sandbox's
own wording, any other language from Babel's CLDR data (`2일 전`, `2024년 5월 30일`).
"""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date, format_timedelta

from bot.i18n import DEFAULT

_UNITS = (("year", 31_536_000), ("month", 2_592_000), ("day", 86_400), ("hour", 3600), ("minute", 60))


def ago(seconds: float, lang: str = DEFAULT) -> str:
    """How long ago (or, negative, how far ahead) `seconds` is, as a client says it."""
    if lang != DEFAULT:
        return format_timedelta(dt.timedelta(seconds=-seconds), add_direction=True,
                                threshold=0.9, locale=lang)
    future, seconds = seconds < 0, abs(seconds)
    if seconds < 45:
        return "just now"
    unit, size = next((u, n) for u, n in _UNITS if seconds >= n * 0.9 or u == "minute")
    count = max(1, round(seconds / size))
    words = f"{count} {unit}{'' if count == 1 else 's'}"
    return f"in {words}" if future else f"{words} ago"


def when(seconds: int, style: str | None, now: dt.datetime | None = None,
         lang: str = DEFAULT) -> str:
    """A Discord timestamp as a reader in `lang` would see it."""
    at = dt.datetime.fromtimestamp(seconds, dt.UTC)
    if lang == DEFAULT:
        day, clock, weekday = f"{at.day} {at:%B %Y}", f"{at:%H:%M}", f"{at:%A}"
    else:
        day = format_date(at.date(), "long", locale=lang)
        clock, weekday = f"{at:%H:%M}", format_date(at.date(), "EEEE", locale=lang)
    if style in ("t", "T"):
        return f"{at:%H:%M:%S}" if style == "T" else f"{clock} UTC"
    if style in ("d", "D"):
        return day
    if style == "R":
        now = now or dt.datetime.now(dt.UTC)
        return f"{ago((now - at).total_seconds(), lang)} ({day} {clock} UTC)"
    if style == "F":  # English puts the weekday first, Korean after the date
        return f"{weekday} {day} {clock} UTC" if lang == DEFAULT else f"{day} {weekday} {clock} UTC"
    return f"{day} {clock} UTC"
