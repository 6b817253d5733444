"""The prediction game's rules: reading answers, scoring guesses, drawing the spread."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Sequence

from bot.core.errors import InvalidInput
from bot.core.facts import check_name, check_year, fold, parse_date, quote, same_name
from bot.core.messages import N_
from bot.i18n import DEFAULT, t

PREDICTION_KINDS = ("date", "number", "choice")
NUMBER_RANGE = (0, 1_000_000)
FULL_POINTS = 100
NUMBER_PENALTY = 10  # points lost per unit off
DATE_PENALTY = 1  # points lost per day off
_RULES = N_(
    "{full} points for an exact answer; numbers lose {number} per unit off and dates "
    "{date} per day off, never below 0; choices score {full} or 0. "
    "Ties go to the earlier guess; changing a guess makes it a new guess, as late as the change."
)


def scoring_rules(lang: str = DEFAULT) -> str:
    """How guesses are scored, in `lang`."""
    return t(lang, _RULES, full=FULL_POINTS, number=NUMBER_PENALTY, date=DATE_PENALTY)


SCORING_RULES = scoring_rules()
BAR_WIDTH = 20


def parse_choices(text: str | None) -> tuple[str, ...]:
    """Comma-separated choices: 2 to 10, each 1-100 characters, no repeats."""
    return check_choices([part for part in (text or "").split(",") if part.strip()])


def check_choices(choices: Sequence[str]) -> tuple[str, ...]:
    """2 to 10 choices, each one line of 1-100 characters, no two alike once folded."""
    items = tuple(check_name(c, "choices") for c in choices)
    if not 2 <= len(items) <= 10:
        raise InvalidInput("choices", "give 2 to 10 choices separated by commas, e.g. `yes, no`.")
    if len({fold(c) for c in items}) != len(items):
        raise InvalidInput("choices", "each choice must be different (case, accents, spaces and "
                                      "punctuation are ignored).")
    return items


_CLOSES = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?:T[0-9]{2}:[0-9]{2})?")


def parse_closes(text: str, now: dt.datetime) -> str:
    """A closing time `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM` (UTC), which must be in the future."""
    value = text.strip().replace(" ", "T")
    try:
        # Exactly the two documented forms: fromisoformat alone would also take week dates
        # and UTC offsets, and the offset would be dropped without a word.
        if not _CLOSES.fullmatch(value):
            raise ValueError(value)
        when = dt.datetime.fromisoformat(value).replace(tzinfo=dt.UTC)
        check_year(when.year)
    except ValueError:
        raise InvalidInput("closes", "`{text}` is not a time; use YYYY-MM-DD or YYYY-MM-DDTHH:MM (UTC).",
                           text=quote(text)) from None
    if when <= now:
        raise InvalidInput("closes", "that time has passed; pick one in the future.")
    return when.isoformat(timespec="seconds")


def parse_answer(kind: str, text: str, choices: Sequence[str]) -> str:
    """Check an answer against the question's kind; returns it in its stored form."""
    value = text.strip()
    if kind == "date":
        return parse_date(value, "answer")
    if kind == "number":
        low, high = NUMBER_RANGE
        if not re.fullmatch(r"[0-9]{1,7}", value) or not low <= int(value) <= high:
            raise InvalidInput("answer", "`{text}` is not a whole number from {low} to {high:,}.",
                               text=quote(value), low=low, high=high)
        return str(int(value))
    match = [c for c in choices if same_name(c, value)]
    if not match:
        raise InvalidInput("answer", "pick one of: {choices}.",
                           choices=", ".join(f"`{quote(c, 100)}`" for c in choices))
    return match[0]


def score(kind: str, guess: str, answer: str) -> int:
    """Points for one guess against the resolved answer."""
    if kind == "choice":
        return FULL_POINTS if guess == answer else 0
    if kind == "number":
        return max(0, FULL_POINTS - NUMBER_PENALTY * abs(int(guess) - int(answer)))
    days = abs((dt.date.fromisoformat(guess) - dt.date.fromisoformat(answer)).days)
    return max(0, FULL_POINTS - DATE_PENALTY * days)


def spread(kind: str, answers: Sequence[str], choices: Sequence[str], buckets: int = 6) -> list[str]:
    """The guesses so far as a small text histogram (counts per choice for choices)."""
    if not answers:
        return [N_("No guesses yet.")]  # a Msg: worded in the reader's language where shown
    if kind == "choice":
        counts = Counter(answers)
        return [_bar(c, counts[c], len(answers)) for c in choices]
    values = sorted(_ordinal(kind, a) for a in answers)
    low, high = values[0], values[-1]
    width = max(1, -(-(high - low + 1) // buckets))
    per_bucket = Counter((v - low) // width for v in values)
    lines = []
    for i in range(max(per_bucket) + 1):
        start, end = low + i * width, min(high, low + (i + 1) * width - 1)
        label = _label(kind, start) if start == end else f"{_label(kind, start)} – {_label(kind, end)}"
        lines.append(_bar(label, per_bucket.get(i, 0), len(values)))
    return lines


def _ordinal(kind: str, answer: str) -> int:
    return dt.date.fromisoformat(answer).toordinal() if kind == "date" else int(answer)


def _label(kind: str, value: int) -> str:
    return dt.date.fromordinal(value).isoformat() if kind == "date" else str(value)


def _bar(label: str, count: int, total: int) -> str:
    filled = round(BAR_WIDTH * count / total) if total else 0
    return f"`{'█' * filled}{'·' * (BAR_WIDTH - filled)}` {count} · {label}"
