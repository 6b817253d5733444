"""A season's Atom 1.0 feed (RFC 4287): its published changes, newest first, each worded as
/history words it and linking the season page. Built with ElementTree, which escapes."""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Sequence
from xml.etree import ElementTree as ET

from bot.catalogue.diff import change_diff, source_name
from bot.core.models import Change, Show
from bot.i18n import t
from bot.web.season import heading, safe_url

log = logging.getLogger(__name__)

ATOM = "http://www.w3.org/2005/Atom"
# Characters XML 1.0 cannot carry at all: a user's text with one must still give a valid feed.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value: str) -> str:
    return _NOT_XML.sub("", value)


def entry_id(slug: str, change_id: int) -> str:
    """A change's permanent id: the same whatever address the pages are served at."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'seasonwatch:{slug}:change:{change_id}')}"


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    node = ET.SubElement(parent, f"{{{ATOM}}}{tag}", {name: _text(value) for name, value in attrs.items()})
    if text is not None:
        node.text = _text(text)
    return node


def _content(change: Change, show: Show, lang: str) -> str:
    """`Release: 2025 (rumored · Soompi) → March 2025 (confirmed · Netflix)`, then the reason
    and the source, on lines of their own."""
    lines = change_diff(change, show, lang).lines()
    if change.reason:
        lines.append(change.reason)
    fact = change.after or change.before
    if fact is not None:
        lines.append(f"{source_name(fact)}: {fact.source_url}")
    return "\n".join(lines)


def atom(show: Show, changes: Sequence[Change], page_url: str, feed_url: str, lang: str) -> bytes:
    """The feed document (UTF-8), `changes` already newest first."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {"xml:lang": lang})
    _sub(feed, "id", f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'seasonwatch:{show.slug}:changes')}")
    _sub(feed, "title", t(lang, "{heading}: history", heading=heading(show, lang)))
    _sub(feed, "updated", changes[0].created_at if changes else "1970-01-01T00:00:00+00:00")
    _sub(feed, "link", rel="self", type="application/atom+xml", href=feed_url)
    _sub(feed, "link", rel="alternate", type="text/html", href=page_url)
    author = _sub(feed, "author")
    _sub(author, "name", "seasonwatch")
    _sub(feed, "generator", "seasonwatch")
    for change in changes:
        diff = change_diff(change, show, lang)
        entry = _sub(feed, "entry")
        _sub(entry, "id", entry_id(show.slug, change.id))
        _sub(entry, "title", f"#{change.id} · {diff.name}")
        _sub(entry, "updated", change.created_at)
        _sub(entry, "published", change.created_at)
        _sub(entry, "link", rel="alternate", type="text/html", href=f"{page_url}#change-{change.id}")
        fact = change.after or change.before
        url = safe_url(fact.source_url) if fact else None
        if url:
            _sub(entry, "link", rel="related", href=url, title=source_name(fact) if fact else "")
        who = _sub(entry, "author")
        _sub(who, "name", change.editor.name or "seasonwatch")
        _sub(entry, "content", _content(change, show, lang), type="text")
    return bytes(ET.tostring(feed, encoding="utf-8", xml_declaration=True))
