"""The secrets in a database URL, and the URL as it may be printed without them.

A password may hold characters a URL gives a meaning to (`#`, `/`, `?`, `@`): then every parser
splits it differently (urllib reads `sw:pw#x@host` as host `sw` and port `pw`) and quotes a part
of it in its error. So the secrets are found by a rule no such character breaks: the user-info
runs from `scheme://` to the last `@`, everything after its first `:` is the password; and a
`password=` (or `sslpassword=`) query value runs to the next `&name=`.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Iterable, Mapping

MASK = "***"
# The query parameters asyncpg (asyncpg/connect_utils.py) reads whose value is a secret; the
# others name hosts, files or modes.
SECRET_PARAMS = frozenset({"password", "sslpassword"})
# The environment variables asyncpg reads a password from.
SECRET_ENV = ("PGPASSWORD",)
ENCODE = ("a user name or password holding @ / ? or # must have them percent-encoded "
          "(%40 %2F %3F %23), and so must an @ after the host")

_QUERY_NAME = re.compile(r"[?&]([^=&?]*)=")
_NEXT_PARAM = re.compile(r"&[^=&]*=")
_NETLOC = re.compile(r"[^/?#]*")


def _spans(rest: str) -> list[tuple[int, int]]:
    """Where the secrets are in `rest`, the URL after `scheme://`: (start, end) pairs."""
    spans = []
    at = rest.rfind("@")
    colon = rest.find(":", 0, max(at, 0))
    if colon >= 0:
        spans.append((colon + 1, at))
    for match in _QUERY_NAME.finditer(rest):
        if urllib.parse.unquote_plus(match.group(1)).strip().lower() in SECRET_PARAMS:
            following = _NEXT_PARAM.search(rest, match.end())
            spans.append((match.end(), following.start() if following else len(rest)))
    return [(start, end) for start, end in spans if end > start]


def secrets(url: str | None) -> tuple[str, ...]:
    """Every secret in `url`, as written and as decoded (either may turn up in an error)."""
    if not url:
        return ()
    rest = url.partition("://")[2]
    found: dict[str, None] = {}
    for start, end in _spans(rest):
        raw = rest[start:end]
        for form in (raw, urllib.parse.unquote(raw), urllib.parse.unquote_plus(raw)):
            found.setdefault(form)
    return tuple(s for s in found if s)


def env_secrets(env: Mapping[str, str]) -> tuple[str, ...]:
    """The passwords the environment gives the database driver (PGPASSWORD)."""
    return tuple(v for v in (env.get(name, "") for name in SECRET_ENV) if v)


def redact(text: str, hidden: Iterable[str]) -> str:
    """`text` with each secret replaced by ***, longest first (so one holding another goes whole)."""
    for secret in sorted({s for s in hidden if s}, key=len, reverse=True):
        text = text.replace(secret, MASK)
    return text


def shown(url: str) -> str:
    """The URL as it may be printed: the password and every secret query value as ***, and
    each of them wherever else it is repeated."""
    scheme, sep, rest = url.partition("://")
    masked, last = [], 0
    for start, end in _merged(_spans(rest)):
        masked += [rest[last:start], MASK]
        last = end
    masked.append(rest[last:])
    return scheme + sep + redact("".join(masked), secrets(url))


def _merged(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """`spans` in order, those that overlap or touch made one."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def unreadable(url: str) -> str | None:
    """Why `url` cannot be read as a database URL, in words that quote none of it; None if it can.

    A parser's own message is never used: about a password with a `#` it says "Port could not
    be cast to integer value as 's3cr3t'"."""
    rest = url.partition("://")[2]
    netloc = _NETLOC.match(rest)
    hostpart = netloc.group() if netloc else ""
    if hostpart.count("@") > 1 or "@" in rest[len(hostpart):]:
        return ENCODE
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 (raises ValueError for a port that is not a number)
    except ValueError:
        return ("the host and port cannot be read: the port must be a number, an IPv6 address "
                f"goes in [brackets], and {ENCODE}")
    try:
        urllib.parse.parse_qs(parts.query, strict_parsing=True)
    except ValueError:
        return "the query after ? must be name=value pairs joined by &"
    return None
