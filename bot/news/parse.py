"""Reading a fetched feed: feedparser on the bytes, each item reduced to what the queue keeps."""

from __future__ import annotations

import calendar
import datetime as dt
import html
import io
import logging
import re
import unicodedata
import urllib.parse
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import feedparser

from bot.core.errors import InvalidInput
from bot.core.facts import check_url
from bot.core.messages import N_

log = logging.getLogger(__name__)

SUMMARY_LIMIT = 300
HEADLINE_LIMIT = 200
# Tracking parameters that make one article look like many links.
_TRACKING = re.compile(r"^(utm_.*|fbclid|gclid)$", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
# Encoding complaints feedparser recovers from: the items it read are good.
_HARMLESS = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)


class NotAFeed(ValueError):
    """The bytes are not a usable RSS or Atom feed; the message (a catalogue message) says why."""


@dataclass(frozen=True)
class Item:
    """One feed item, as the queue keeps it."""

    key: str  # its identity: the guid, else the canonical link
    headline: str
    url: str
    link: str  # canonical
    published: str | None  # YYYY-MM-DD
    summary: str  # plain text, at most SUMMARY_LIMIT characters

    @property
    def text(self) -> str:
        """What matching reads: headline and summary."""
        return f"{self.headline}\n{self.summary}"


@dataclass(frozen=True)
class Feed:
    """A parsed feed: its title and items (newest first, as the feed lists them)."""

    title: str
    items: tuple[Item, ...]


def canonical(url: str) -> str:
    """A link as an identity: scheme and host lower-cased, fragment and tracking parameters dropped."""
    parts = urllib.parse.urlsplit(url.strip())
    query = [
        (k, v)
        for k, v in urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
        if not _TRACKING.match(k)
    ]
    netloc = parts.netloc.lower()
    return urllib.parse.urlunsplit(
        (parts.scheme.lower(), netloc, parts.path or "/", urllib.parse.urlencode(query), "")
    )


def plain(markup: str, limit: int) -> str:
    """Sanitised HTML as one line of plain text, at most `limit` characters."""
    text = html.unescape(_TAG.sub(" ", markup or ""))
    # Control, zero-width and direction characters would break or disguise the line.
    text = "".join(" " if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") else c for c in text)
    text = " ".join(unicodedata.normalize("NFC", text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def parse_feed(body: bytes, headers: Mapping[str, str], url: str) -> Feed:
    """Parse fetched bytes (never a URL: feedparser would fetch it, or open it as a file).

    The response's headers go with them, so relative links resolve against the feed's address."""
    given = {k.lower(): v for k, v in headers.items()}
    given.setdefault("content-location", url)
    parsed = feedparser.parse(
        io.BytesIO(body), response_headers=given, resolve_relative_uris=True, sanitize_html=True
    )
    if not parsed.get("version"):
        raise NotAFeed(N_("it is not an RSS or Atom feed (a web page?)"))
    error = parsed.get("bozo_exception") if parsed.get("bozo") else None
    if error is not None and not isinstance(error, _HARMLESS):
        log.info("feed %s: %s", url, error)
        raise NotAFeed(N_("it is not well-formed XML"))
    items = _unique(i for i in (_item(e) for e in parsed.entries) if i is not None)
    title = plain(str(parsed.feed.get("title") or ""), 100) or urllib.parse.urlsplit(url).netloc
    return Feed(title, items)


def _unique(items: Iterable[Item]) -> tuple[Item, ...]:
    """The first item of each identity: a guid repeated with another link is the same item."""
    first: dict[str, Item] = {}
    for item in items:
        first.setdefault(item.key, item)
    return tuple(first.values())


def _item(entry: Any) -> Item | None:
    url = str(entry.get("link") or "").strip()
    try:
        # The rule `/edit` applies to a source URL: an item's link becomes one when published,
        # and until then it is shown to editors as a link that must not forge any text.
        check_url(url, "link")
    except InvalidInput:
        return None
    headline = plain(str(entry.get("title") or ""), HEADLINE_LIMIT)
    if not headline:
        return None
    link = canonical(url)
    key = str(entry.get("id") or "").strip()[:500] or link
    return Item(
        key, headline, url, link, _published(entry), plain(str(entry.get("summary") or ""), SUMMARY_LIMIT)
    )


def _published(entry: Any) -> str | None:
    when = entry.get("published_parsed") or entry.get("updated_parsed")
    if not when:
        return None
    try:
        day = dt.datetime.fromtimestamp(calendar.timegm(when), dt.UTC).date()
    except (OverflowError, ValueError):
        return None
    return day.isoformat() if 1900 <= day.year <= 2100 else None
