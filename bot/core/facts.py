"""Parsing and validating what an entry may hold: windows, URLs, names, numbers."""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import hashlib
import re
import unicodedata
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from bot.core.errors import InvalidInput
from bot.core.messages import N_
from bot.core.models import (
    BILLINGS,
    CAST_STATES,
    CONFIDENCES,
    KIND_FIELDS,
    KINDS,
    RATINGS,
    STAGES,
    Basis,
    Entry,
    Fact,
    sourced_apart,
)

WINDOW_FORMS = N_("YYYY-MM-DD, YYYY-MM, YYYY-Qn, YYYY-Hn or YYYY, or two of these joined by `..`")
# Every date anyone types (windows, published, guesses, closing times) lies in these years.
YEARS = (1900, 2100)
# [0-9], never \d: \d and int() also take other scripts' digits such as ٢٠٢٥ or ２０２５.
WINDOW_RE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?|-Q([1-4])|-H([12]))?")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_NEWS_KEY = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")
_MONTHS = tuple(calendar.month_name)
# CLDR names quarters but not halves of a year: each language words them in its catalogue.
HALVES = {"1": N_("first half of {year}"), "2": N_("second half of {year}")}


def check_year(year: int) -> None:
    """Raise ValueError for a year outside `YEARS`."""
    if not YEARS[0] <= year <= YEARS[1]:
        raise ValueError(year)


def _bounds(part: str) -> tuple[dt.date, dt.date]:
    match = WINDOW_RE.fullmatch(part)
    if not match:
        raise ValueError(part)
    year_s, month_s, day_s, quarter_s, half_s = match.groups()
    year = int(year_s)
    check_year(year)
    if day_s:
        day = dt.date(year, int(month_s), int(day_s))  # raises on 2025-02-30
        return day, day
    if month_s:
        month = int(month_s)
        if not 1 <= month <= 12:
            raise ValueError(part)
        return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
    first, last = 1, 12
    if quarter_s:
        first = 3 * int(quarter_s) - 2
        last = first + 2
    elif half_s:
        first = 6 * int(half_s) - 5
        last = first + 5
    return dt.date(year, first, 1), dt.date(year, last, calendar.monthrange(year, last)[1])


def parse_window(text: str, option: str = "when") -> str:
    """Check a date or window such as `2025-Q1` or `2024-H2..2025-H1`; return it normalised."""
    value = text.strip().upper().replace(" ", "")
    parts = value.split("..")
    try:
        if len(parts) > 2:
            raise ValueError(value)
        spans = [_bounds(p) for p in parts]
    except ValueError:
        raise InvalidInput(option, "`{text}` is not a real date or window; use {forms}.",
                           text=quote(text), forms=WINDOW_FORMS) from None
    if len(spans) == 2 and spans[0][1] >= spans[1][0]:
        # `2025..2025-06-01` ends inside its own start: not a range.
        raise InvalidInput(option, "a range must go from a window to a later one that starts "
                                   "after the first one ends, e.g. `2024-H2..2025-H1`.")
    return value


def window_start(window: str) -> dt.date:
    """The first day a window covers, for sorting."""
    return _bounds(window.split("..")[0])[0]


def render_window(window: str) -> str:
    """A window for people in English: `2025-03` reads `March 2025`, `2024-H2` reads `second
    half of 2024` (other languages: `bot.i18n.dates`)."""
    return " – ".join(_render_part(p) for p in window.split(".."))


def _render_part(part: str) -> str:
    match = WINDOW_RE.fullmatch(part)
    if not match:
        return part
    year, month, day, quarter, half = match.groups()
    if day:
        return f"{int(day)} {_MONTHS[int(month)]} {year}"
    if month:
        return f"{_MONTHS[int(month)]} {year}"
    if quarter:
        return f"Q{quarter} {year}"
    if half:
        return HALVES[half].format(year=year)
    return year


def quote(text: str, limit: int = 40) -> str:
    """Someone's input, short and inert, for quoting inside backticks in an error."""
    cleaned = "".join(ch for ch in text if ch != "`" and unicodedata.category(ch) not in _HIDDEN)
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"


@functools.lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """The one form names are compared in, for identity and search alike (memoised).

    Compatibility forms (full-width letters), accents, case, spaces and punctuation are
    dropped, so two names that look the same fold the same.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    kept = (c for c in decomposed if unicodedata.category(c)[0] in "LN")
    return "".join(kept).casefold()


def parse_id(text: str, option: str) -> int:
    """A number such as `#12` or `12` naming a change or question."""
    value = text.strip().lstrip("#")
    if not re.fullmatch(r"[0-9]{1,15}", value):
        raise InvalidInput(option, "`{text}` is not a number from the list; pick one of its choices.",
                           text=quote(text))
    return int(value)


def parse_date(text: str, option: str) -> str:
    """Check a real `YYYY-MM-DD` date in ASCII digits, within `YEARS`."""
    value = text.strip()
    try:
        if not _DATE.fullmatch(value):
            raise ValueError(value)
        check_year(dt.date.fromisoformat(value).year)
    except ValueError:
        raise InvalidInput(option, "`{text}` is not a real date; use YYYY-MM-DD (years {first}-{last}).",
                           text=quote(text), first=YEARS[0], last=YEARS[1]) from None
    return value


def check_url(text: str, option: str) -> str:
    """Check an http(s) URL without credentials, at most 512 characters."""
    value = text.strip()
    if len(value) > 512:
        raise InvalidInput(option, "the URL is longer than 512 characters.")
    try:
        parts = urlsplit(value)
        host = parts.hostname  # parses a bracketed IPv6 host, which may be malformed
    except ValueError:
        host = None
    if host is None or parts.scheme not in ("http", "https"):
        raise InvalidInput(option, "`{text}` is not a web address; use https://…", text=quote(value))
    if parts.username or parts.password:
        raise InvalidInput(option, "the URL must not contain a user name or password.")
    if any(ch.isspace() or unicodedata.category(ch) in _HIDDEN for ch in value):
        raise InvalidInput(option, "the URL must not contain spaces, control characters or "
                                   "invisible (zero-width, text-direction) characters.")
    return value


# Control characters, format characters (zero-width, bidi overrides) and line separators:
# invisible, or able to reorder or break a line, so a name could pass for another.
_HIDDEN = ("Cc", "Cf", "Zl", "Zp")


def _refuse_hidden(value: str, option: str) -> None:
    for ch in value:
        if ch in "\r\n":
            raise InvalidInput(option, "must be a single line (no line breaks).")
        if unicodedata.category(ch) in _HIDDEN:
            raise InvalidInput(option, "contains the invisible character U+{code:04X} "
                                       "(control, zero-width or text-direction); retype it without.",
                               code=ord(ch))


def _check_length(value: str, option: str, limit: int, required: bool) -> None:
    if required and not value:
        raise InvalidInput(option, "must not be empty.")
    if len(value) > limit:
        raise InvalidInput(option, "is {length} characters long; at most {limit} allowed.",
                           length=len(value), limit=limit)


def check_text(text: str, option: str, *, limit: int, required: bool = True) -> str:
    """Check free text such as a note: NFC, a length limit, one line, nothing invisible.

    Notes are shown inside "old → new" lines, so a line break would forge a line of its own."""
    value = unicodedata.normalize("NFC", text).strip()
    _refuse_hidden(value, option)
    _check_length(value, option, limit, required)
    return value


def check_line(text: str, option: str, *, limit: int, required: bool = True) -> str:
    """Check one line of text (a name, headline, question): NFC, single spaces, a letter or digit."""
    value = unicodedata.normalize("NFC", text).strip()
    _refuse_hidden(value, option)
    value = " ".join(value.split())
    _check_length(value, option, limit, required)
    if value and not fold(value):
        raise InvalidInput(option, "must contain at least one letter or digit.")
    return value


def check_name(text: str, option: str) -> str:
    """Check a person, character, source or show name: one line of 1-100 characters."""
    return check_line(text, option, limit=100)


def check_choice(value: Any, option: str, allowed: tuple[str, ...]) -> str:
    """Check that a value is one of a fixed list."""
    if value not in allowed:
        raise InvalidInput(option, "`{text}` is not one of: {allowed}.", text=quote(str(value)),
                           allowed=", ".join(allowed))
    return str(value)


def check_int(value: Any, option: str, low: int, high: int) -> int:
    """Check a whole number within bounds."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidInput(option, "must be a whole number from {low} to {high}.", low=low, high=high)
    return value


def cast_key(person: str) -> str:
    """The key a new cast entry is stored under: the name without regard to case or spacing.

    Which entry a name means is decided by `fold`, not by the key (see `same_name`).
    """
    return " ".join(unicodedata.normalize("NFC", person).split()).casefold()


def same_name(a: str, b: str) -> bool:
    """Whether two names mean the same entry: they fold alike."""
    return fold(a) == fold(b)


def person_names(entry: Entry) -> tuple[str, ...]:
    """Every name a cast entry is found by: the romanised name and, if known, the Hangul one."""
    native = entry.fact.fields.get("native_name")
    return (str(entry.fact.fields["person"]), *((str(native),) if native else ()))


def news_key(headline: str) -> str:
    """A stable key for a news entry, derived from its headline."""
    ascii_text = unicodedata.normalize("NFKD", headline).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:50].strip("-")
    digest = hashlib.sha1(headline.strip().casefold().encode()).hexdigest()[:8]
    return f"{slug}-{digest}" if slug else f"news-{digest}"


def entry_key(kind: str, fields: Mapping[str, Any]) -> str:
    """The stable key an entry of this kind and these fields is stored under."""
    if kind == "status":
        return str(fields["stage"])
    if kind == "cast":
        return cast_key(str(fields["person"]))
    if kind == "news":
        return news_key(str(fields["headline"]))
    return kind


def _optional(fields: Mapping[str, Any], name: str) -> Any:
    value = fields.get(name)
    return None if value in (None, "") else value


def _check_fields(kind: str, fields: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    note = _optional(fields, "note")
    out["note"] = None if note is None else check_text(str(note), "note", limit=1000)
    if kind == "status":
        out["stage"] = check_choice(fields.get("stage"), "stage", STAGES)
        when = _optional(fields, "when")
        out["when"] = None if when is None else parse_window(str(when))
    elif kind == "release":
        out["when"] = parse_window(str(fields.get("when") or ""))
    elif kind == "cast":
        out["person"] = check_name(str(fields.get("person") or ""), "person")
        native = _optional(fields, "native_name")
        if native is not None:  # left out when unset: entries without one read as before
            out["native_name"] = check_name(str(native), "native_name")
        character = _optional(fields, "character")
        out["character"] = None if character is None else check_name(str(character), "character")
        billing = _optional(fields, "billing")
        out["billing"] = None if billing is None else check_choice(billing, "billing", BILLINGS)
        state = _optional(fields, "state")
        out["state"] = None if state is None else check_choice(state, "state", CAST_STATES)
    elif kind == "episodes":
        count, runtime, rating = (_optional(fields, k) for k in ("count", "runtime", "rating"))
        out["count"] = None if count is None else check_int(count, "count", 1, 100)
        out["runtime"] = None if runtime is None else check_int(runtime, "runtime", 1, 300)
        out["rating"] = None if rating is None else check_choice(rating, "rating", RATINGS)
    elif kind == "news":
        out["headline"] = check_line(str(fields.get("headline") or ""), "headline", limit=200)
        out["url"] = check_url(str(fields.get("url") or ""), "url")
        published = _optional(fields, "published")
        out["published"] = None if published is None else parse_date(str(published), "published")
    return {name: out[name] for name in KIND_FIELDS[kind] if name in out}


def _check_basis(basis: Basis) -> Basis:
    name, note = _optional({"s": basis.source_name}, "s"), _optional({"n": basis.note}, "n")
    return Basis(
        confidence=check_choice(basis.confidence, "confidence", CONFIDENCES),
        source_name=None if name is None else check_name(str(name), "source_name"),
        source_url=check_url(basis.source_url, "source_url"),
        as_of=parse_date(basis.as_of, "as_of"),
        note=None if note is None else check_text(str(note), "note", limit=1000),
    )


def check_fact(kind: str, fact: Fact) -> Fact:
    """Validate a fact for an entry of this kind; return it normalised or raise InvalidInput."""
    check_choice(kind, "kind", KINDS)
    if kind == "episodes":
        fact = sourced_apart(fact)
    elif fact.bases:
        raise InvalidInput("bases", "only episodes values have sources of their own.")
    unknown = set(fact.fields) - set(KIND_FIELDS[kind])
    if unknown:
        raise InvalidInput("fields", "unknown for {kind}: {names}.", kind=kind,
                           names=", ".join(sorted(unknown)))
    fields = _check_fields(kind, fact.fields)
    own = _check_basis(Basis(fact.confidence, fact.source_name, fact.source_url, fact.as_of))
    bases = {name: _check_basis(b) for name, b in fact.bases.items() if fields.get(name) is not None}
    return Fact(fields, own.confidence, own.source_name, own.source_url, own.as_of, bases)


def check_key(kind: str, key: str, fields: Mapping[str, Any]) -> str:
    """Check an imported key against the one the fields imply."""
    if kind == "news":
        if not _NEWS_KEY.match(key):
            raise InvalidInput("key", "news keys are 1-60 lowercase letters, digits and hyphens.")
        return key
    expected = entry_key(kind, fields)
    if kind == "cast" and same_name(key, str(fields["person"])):
        return key  # respelled since it was keyed (an accent added): still the same person
    if key != expected:
        raise InvalidInput("key", "should be `{expected}` for this {kind} entry.", expected=expected,
                           kind=kind)
    return key
