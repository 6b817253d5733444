"""The marker by which a resend finds the copy an attempt posted just before a crash.

It rides in the fragment of the embed's link (`…#sw-delivery-5`, `…#sw-dm-7`): Discord never
shows a link's fragment, and it stays the same in every language. Messages posted by earlier
versions carry it in the footer text instead (`· delivery 5`, `· dm 7`); those still count, so
an upgrade in the middle of a crash recovery sends nothing twice.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

# Reserved and already-escaped characters stay; the rest (non-ASCII, spaces) is escaped so
# that Discord takes the link as well-formed.
_SAFE = "!$%&'()*+,/:;=?@[]~"


def marked_url(url: str, kind: str, job_id: int) -> str:
    """`url` (plain ASCII) with the marker of job `job_id` of `kind` as its fragment; a
    fragment of its own is dropped, the link still leads to the same page."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if not netloc.isascii():
        try:
            netloc = netloc.encode("idna").decode("ascii")
        except UnicodeError:
            netloc = quote(netloc, safe=_SAFE)
    return urlunsplit((parts.scheme, netloc, quote(parts.path, safe=_SAFE),
                       quote(parts.query, safe=_SAFE), f"sw-{kind}-{job_id}"))


def marked_ids(embed: Any, kind: str) -> list[int]:
    """The ids of `kind` an embed read back from Discord is marked with: in its link's
    fragment, or in its footer text as earlier versions wrote it."""
    found = re.findall(rf"#sw-{kind}-(\d+)$", getattr(embed, "url", None) or "")
    footer = getattr(getattr(embed, "footer", None), "text", None) or ""
    found += re.findall(rf"\b{kind} (\d+)\b", footer)
    return [int(i) for i in found]
