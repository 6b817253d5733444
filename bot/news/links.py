"""A link as an identity: the form the queue and the timeline compare, whoever wrote the link."""

from __future__ import annotations

import logging
import re
import urllib.parse

log = logging.getLogger(__name__)

# Tracking parameters that make one article look like many links.
_TRACKING = re.compile(r"^(utm_.*|fbclid|gclid)$", re.IGNORECASE)
_DEFAULT_PORTS = {"http": 80, "https": 443}


def canonical(url: str) -> str:
    """A link as an identity: one article however its address is written.

    The scheme does not count (sites serve the same page on http and https, and a fan may paste
    either), so every link reads as https; host lower-cased without its trailing dot (`a.com.`
    is `a.com` in DNS), a port that is the scheme's default dropped, fragment and tracking
    parameters dropped. Idempotent, so an identity made by an older rule can be passed again."""
    parts = urllib.parse.urlsplit(url.strip())
    scheme = parts.scheme.lower()
    query = [
        (k, v)
        for k, v in urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
        if not _TRACKING.match(k)
    ]
    netloc = _host(parts, scheme)
    if scheme == "http":
        scheme = "https"
    return urllib.parse.urlunsplit((scheme, netloc, parts.path or "/", urllib.parse.urlencode(query), ""))


def link_headline(link: str, limit: int = 200) -> str:
    """What a link without a title of its own is headed by: its host and path
    (`fans.example/leak`), from the canonical form, so no tracking parameters or default port."""
    parts = urllib.parse.urlsplit(canonical(link))
    return f"{parts.netloc}{parts.path.rstrip('/')}"[:limit]


def _host(parts: urllib.parse.SplitResult, scheme: str) -> str:
    """The host (and a port that is not the scheme's default), lower-cased, without user info."""
    try:
        host, port = parts.hostname, parts.port
    except ValueError:  # a port that is not a number: keep what was written, lower-cased
        return parts.netloc.lower()
    if not host:
        return parts.netloc.lower()
    host = host.rstrip(".") or host
    if ":" in host:  # an IPv6 address: bracketed again
        host = f"[{host}]"
    if port is None or _DEFAULT_PORTS.get(scheme) == port:
        return host
    return f"{host}:{port}"
