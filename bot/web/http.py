"""What the pages read from a request and add to an answer: the reader's language, and the
validators (ETag, Last-Modified) that let browsers and proxies keep a page until it changes."""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable
from email.utils import format_datetime, parsedate_to_datetime

from aiohttp import web

from bot.i18n import DEFAULT, LANGUAGES

log = logging.getLogger(__name__)

_QUALITY = re.compile(r"^\s*([A-Za-z]{1,8})(?:-[A-Za-z0-9]{1,8})*\s*(?:;\s*q\s*=\s*([0-9.]{1,5}))?\s*$")


def accepted_language(header: str) -> str | None:
    """The first of our languages an Accept-Language header prefers (`ko-KR,ko;q=0.9` is `ko`)."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")[:20]):
        match = _QUALITY.match(part)
        if not match:
            continue
        try:
            quality = float(match.group(2)) if match.group(2) else 1.0
        except ValueError:
            continue
        code = match.group(1).lower()
        if quality > 0 and code in LANGUAGES:
            ranked.append((-quality, position, code))
    return min(ranked)[2] if ranked else None


def language(request: web.Request) -> str:
    """`?lang=ko` wins; else the browser's Accept-Language; else English. An unknown `lang`
    is English, not an error: a mistyped link still shows the page."""
    asked = request.query.get("lang")
    if asked is not None:
        return asked if asked in LANGUAGES else DEFAULT
    return accepted_language(request.headers.get("Accept-Language", "")) or DEFAULT


def http_date(iso: str) -> str | None:
    """A stored ISO time as an HTTP date (None if it cannot be read)."""
    try:
        when = dt.datetime.fromisoformat(iso)
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return format_datetime(when.astimezone(dt.UTC).replace(microsecond=0), usegmt=True)


def later(first: str | None, second: str | None) -> str | None:
    """The later of two HTTP dates (either may be missing)."""
    if first is None or second is None:
        return first or second
    return first if parsedate_to_datetime(first) >= parsedate_to_datetime(second) else second


def _matches(header: str, etag: str) -> bool:
    tags = [tag.strip() for tag in header.split(",")]
    bare = etag.removeprefix("W/")
    return "*" in tags or any(tag.removeprefix("W/") == bare for tag in tags)


def fresh(request: web.Request, etag: str, last_modified: str | None) -> bool:
    """Whether the reader's copy is current: If-None-Match decides when sent, else
    If-Modified-Since (an unreadable date means not fresh)."""
    none_match = request.headers.get("If-None-Match")
    if none_match is not None:
        return _matches(none_match, etag)
    since = request.headers.get("If-Modified-Since")
    if since is None or last_modified is None:
        return False
    try:
        return parsedate_to_datetime(last_modified) <= parsedate_to_datetime(since)
    except (TypeError, ValueError, OverflowError):  # a year past 9999: not a date either
        return False


def cached(request: web.Request, etag: str, last_modified: str | None,
           build: Callable[[], web.Response]) -> web.Response:
    """A 304 when the reader's copy is current, else the built answer; either carries the
    validators, and `Vary` since the language may come from Accept-Language."""
    response = web.Response(status=304) if fresh(request, etag, last_modified) else build()
    response.headers["ETag"] = etag
    if last_modified:
        response.headers["Last-Modified"] = last_modified
    response.headers["Vary"] = "Accept-Language"
    response.headers["Cache-Control"] = "public, max-age=0, must-revalidate"
    return response
