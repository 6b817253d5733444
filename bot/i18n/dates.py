"""Dates and windows in each language, from Babel's CLDR data where CLDR has the form.

English keeps its own wording (`17 January 2024`, `second half of 2024`, `Q1 2025`: `bot.core.facts`).
Other languages take days, months, years and quarters from CLDR (Korean: `2024년 1월 17일`,
`2024년 1월`, `2025년 1분기`); CLDR has no halves of a year, so those are catalogue messages
(`2024년 하반기`), as is the range sign between two windows.
"""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date, format_skeleton, get_quarter_names

from bot.core.facts import HALVES, WINDOW_RE, render_window
from bot.core.messages import N_
from bot.i18n import DEFAULT, t

RANGE = N_("{start} – {end}")


def window_text(window: str, lang: str = DEFAULT) -> str:
    """A date or window for people in `lang`: `2024-H2..2025-H1` reads `2024년 하반기 ~ 2025년 상반기`."""
    if lang == DEFAULT:
        return render_window(window)
    parts = [_part(p, lang) for p in window.split("..")]
    return t(lang, RANGE, start=parts[0], end=parts[1]) if len(parts) == 2 else parts[0]


def date_text(iso_date: str, lang: str = DEFAULT) -> str:
    """`2024-01-17` reads `17 January 2024` / `2024년 1월 17일`."""
    return window_text(iso_date, lang)


def _part(part: str, lang: str) -> str:
    match = WINDOW_RE.fullmatch(part)
    if not match:
        return part
    year, month, day, quarter, half = match.groups()
    if day:
        return format_date(dt.date(int(year), int(month), int(day)), "long", locale=lang)
    if month:
        return format_skeleton("yMMMM", dt.date(int(year), int(month), 1), locale=lang)
    year_text = format_skeleton("y", dt.date(int(year), 1, 1), locale=lang)
    if quarter:
        name = get_quarter_names("abbreviated", locale=lang)[int(quarter)]
        return f"{year_text} {name}"
    if half:
        return t(lang, HALVES[half], year=year_text)
    return year_text
