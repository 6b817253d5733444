"""Fetching a feed safely: http(s) only, public addresses only, bounded in time, size and hops.

A source is a URL an editor typed, fetched by the bot's own server every few minutes: it must not
become a way to reach what only that server can (its loopback, the private network, the cloud
metadata address). An address can be written many ways (`１２７.０.０.１`, `127。0。0。1`: aiohttp
folds them to 127.0.0.1 and connects without asking DNS), so the rule is applied to what is
connected to: the host as aiohttp reads it, before each request and each redirect (followed by
hand); the addresses a name resolves to (a resolver that refuses them); and, last word, the
address of every socket the session opens.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import socket
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
import yarl
from aiohttp.abc import AbstractResolver, ResolveResult

from bot import __version__
from bot.core.messages import N_, Msg

log = logging.getLogger(__name__)

TIMEOUT = 15.0  # seconds for the whole request, redirects included
MAX_BYTES = 5 * 1024 * 1024
MAX_REDIRECTS = 5
USER_AGENT = f"seasonwatch/{__version__} (Discord bot; news feed reader)"
ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.5"


class FetchFailed(Exception):
    """The feed could not be fetched; `reason` is a catalogue message with `values`."""

    def __init__(self, reason: Msg, **values: Any) -> None:
        super().__init__(reason.format(**values) if values else reason)
        self.reason = reason
        self.values = values


@dataclass(frozen=True)
class Fetched:
    """A response: 304 (`body` None) or 200 with the body, its headers and new validators."""

    url: str  # after redirects: relative links in the feed resolve against it
    body: bytes | None
    headers: dict[str, str]
    etag: str | None
    last_modified: str | None


class PrivateAddress(OSError):
    """A host resolved to, or a connection was about to be made to, an address sources may not use."""


# Not globally routable, though Python 3.11's `is_global` still says they are.
_NOT_GLOBAL = (ipaddress.ip_network("192.88.99.0/24"), ipaddress.ip_network("fec0::/10"))

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def forbidden(address: str) -> bool:
    """Whether an address is anything but a globally routable unicast one, or carries such an IPv4."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    return any(_not_public(form) for form in _forms(ip))


def _forms(ip: Address) -> list[Address]:
    """The address and the IPv4 addresses it carries: a 6to4 or Teredo address reaches those."""
    if isinstance(ip, ipaddress.IPv4Address):
        return [ip]
    if ip.ipv4_mapped is not None:
        return [ip.ipv4_mapped]
    return [ip, *([ip.sixtofour] if ip.sixtofour else []), *(ip.teredo or ())]


def _not_public(ip: Address) -> bool:
    return not ip.is_global or ip.is_multicast or ip.is_reserved or any(ip in net for net in _NOT_GLOBAL)


class PublicResolver(AbstractResolver):
    """DNS for the feed session: a host any of whose addresses is not public is refused."""

    def __init__(
        self, blocked: Callable[[str], bool] = forbidden, *, inner: AbstractResolver | None = None
    ) -> None:
        self._inner = inner or aiohttp.ThreadedResolver()
        self._blocked = blocked

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        found = await self._inner.resolve(host, port, family)
        if any(self._blocked(r["host"]) for r in found):
            raise PrivateAddress(f"{host} resolves to a private or local address")
        return found

    async def close(self) -> None:
        await self._inner.close()


class Fetcher:
    """One aiohttp session for every feed; `allow_private` (tests, the sandbox) lifts the address rule."""

    def __init__(self, *, allow_private: bool = False, timeout: float = TIMEOUT,
                 blocked: Callable[[str], bool] = forbidden) -> None:
        self.allow_private = allow_private
        self.timeout = timeout
        # The address rule; tests narrow it (to 127.0.0.2) to show it applies to every hop.
        self.blocked = blocked
        self._session: aiohttp.ClientSession | None = None

    def _open(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            guard: dict[str, Any] = (
                {} if self.allow_private
                else {"resolver": PublicResolver(self.blocked), "socket_factory": self.open_socket}
            )
            connector = aiohttp.TCPConnector(limit=20, ttl_dns_cache=60, **guard)
            self._session = aiohttp.ClientSession(
                connector=connector,
                headers={"User-Agent": USER_AGENT, "Accept": ACCEPT},
                auto_decompress=True,
                cookie_jar=aiohttp.DummyCookieJar(),
            )
        return self._session

    async def close(self) -> None:
        """Close the session."""
        if self._session is not None:
            await self._session.close()

    async def fetch(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> Fetched:
        """GET a feed, conditionally; raises FetchFailed saying why it could not."""
        headers = {}
        if etag:  # an empty validator would ask for nothing: never sent
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        try:
            async with asyncio.timeout(self.timeout):
                return await self._follow(url, headers)
        except TimeoutError:
            raise FetchFailed(N_("no answer within {seconds:.0f} s"), seconds=self.timeout) from None
        except aiohttp.ClientConnectorError as exc:
            if isinstance(exc.os_error, PrivateAddress):
                raise FetchFailed(N_("its address is private or local, which sources may not use")) from None
            raise FetchFailed(N_("cannot connect to {host}"), host=exc.host) from None
        except (aiohttp.ClientError, OSError) as exc:
            raise FetchFailed(N_("the connection failed ({error})"), error=type(exc).__name__) from None

    async def _follow(self, url: str, headers: dict[str, str]) -> Fetched:
        session = self._open()
        for _ in range(MAX_REDIRECTS + 1):
            self._check(url)
            async with session.get(url, headers=headers, allow_redirects=False) as response:
                if response.status in (301, 302, 303, 307, 308) and "Location" in response.headers:
                    url = urllib.parse.urljoin(url, response.headers["Location"])
                    continue
                return await self._read(url, response)
        raise FetchFailed(N_("more than {count} redirects"), count=MAX_REDIRECTS)

    def _check(self, url: str) -> None:
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchFailed(N_("only http and https addresses can be fetched"))
        if self.allow_private:
            return
        try:  # the host as aiohttp will read it: IDNA folds Unicode digits and full stops
            host = yarl.URL(url).raw_host
        except ValueError:
            return  # aiohttp cannot read it either, and connects nowhere
        if host:
            self.check_host(host)

    def check_host(self, host: str) -> None:
        """The first guard: a host written as a forbidden address is refused before any request.
        Alone it refuses every way of writing one; `open_socket` is the second, also enough alone."""
        try:  # an address written out is connected to without DNS, so check it here
            literal = self.blocked(host)
        except ValueError:
            return  # a name: the resolver checks what it resolves to
        if literal:
            raise FetchFailed(N_("its address is private or local, which sources may not use"))

    def open_socket(self, addr_info: tuple[Any, ...]) -> socket.socket:
        """The second guard, for every socket the session opens: the address actually connected
        to has the last word, whatever the URL or DNS said."""
        family, kind, proto, _, address = addr_info
        if self.blocked(address[0]):
            raise PrivateAddress(f"{address[0]} is a private or local address")
        return socket.socket(family, kind, proto)

    @staticmethod
    async def _read(url: str, response: aiohttp.ClientResponse) -> Fetched:
        if response.status == 304:
            return Fetched(url, None, dict(response.headers), None, None)
        if response.status != 200:
            raise FetchFailed(N_("the server answered HTTP {status}"), status=response.status)
        if (response.content_length or 0) > MAX_BYTES:
            raise FetchFailed(N_("it is larger than {mib} MiB"), mib=MAX_BYTES // (1024 * 1024))
        body = bytearray()
        async for chunk in response.content.iter_chunked(65536):  # decompressed: the cap is real
            body += chunk
            if len(body) > MAX_BYTES:
                raise FetchFailed(N_("it is larger than {mib} MiB"), mib=MAX_BYTES // (1024 * 1024))
        got = response.headers  # case-insensitive: servers spell ETag every way
        return Fetched(url, bytes(body), dict(got), got.get("ETag") or None, got.get("Last-Modified") or None)
