"""The feed address rule: every form an address can be written in, for the first request and every hop.

The local feed server listens on 127.0.0.1. A strict fetcher refuses it outright; to show a redirect's
target is checked, the rule is narrowed to everything the real rule refuses except 127.0.0.1 itself,
so the first hop goes through and the redirect must be refused on its own.
"""

import socket

import pytest

from bot.news.fetch import Fetcher, FetchFailed, PrivateAddress, PublicResolver, forbidden
from tests.feeds import UNRELATED, wordpress_feed

# Unicode spellings of loopback: yarl (and so aiohttp) folds them to 127.0.0.1 (IDNA), and aiohttp
# connects to an IP literal without asking the resolver.
LOOPBACK_FORMS = (
    "１２７.０.０.１",  # full-width digits
    "127。0。0。1",  # ideographic full stops
    "127．0．0．1",  # full-width full stops
    "127｡0｡0｡1",  # half-width ideographic full stops
    "①②⑦.⓪.⓪.①",  # circled digits
)
SECOND_LOOPBACK_FORMS = ("１２７.０.０.２", "127。0。0。2", "①②⑦.⓪.⓪.②", "[::ffff:127.0.0.2]")
# Addresses that are not public although older rules let them by.
NOT_PUBLIC = (
    "100.64.0.1",  # carrier-grade NAT
    "100.100.100.200",  # a cloud metadata address, inside it
    "192.88.99.1",  # the 6to4 relay anycast
    "[fec0::1]",  # IPv6 site-local
    "[2002:a9fe:a9fe::1]",  # 6to4 embedding 169.254.169.254
    "[2002:7f00:1::1]",  # 6to4 embedding 127.0.0.1
    "[2001:0:4136:e378:8000:63bf:80ff:fffe]",  # Teredo, client 127.0.0.1
    "[::ffff:100.100.100.200]",  # IPv4-mapped
    "[64:ff9b::a9fe:a9fe]",  # NAT64 of 169.254.169.254
    "２２４.０.０.１",  # multicast, written in full width
)


def real_rule_but_the_feed_server(address):
    return address != "127.0.0.1" and forbidden(address)


def unguarded_socket(self, addr_info):
    family, kind, proto, _, _ = addr_info
    return socket.socket(family, kind, proto)


@pytest.fixture(params=["both checks", "the url check alone", "the connection check alone"])
def guard(request, monkeypatch):
    """Each check on its own refuses every form: should one miss a form, the other still holds."""
    if request.param == "the url check alone":
        monkeypatch.setattr(Fetcher, "open_socket", unguarded_socket)
    elif request.param == "the connection check alone":
        monkeypatch.setattr(Fetcher, "check_host", lambda self, host: None)
    return request.param


@pytest.mark.parametrize("host", ["127.0.0.1", *LOOPBACK_FORMS, *SECOND_LOOPBACK_FORMS, *NOT_PUBLIC])
async def test_every_form_of_a_non_public_address_is_refused_at_the_first_request(feeds, guard, host):
    feeds.serve("/feed/", wordpress_feed(UNRELATED))
    strict = Fetcher(timeout=2.0)
    try:
        with pytest.raises(FetchFailed, match="private or local"):
            await strict.fetch(f"http://{host}:{feeds.port}/feed/")
    finally:
        await strict.close()
    assert feeds.requests == []  # nothing reached the server


@pytest.mark.parametrize("host", ["127.0.0.2", *SECOND_LOOPBACK_FORMS, *NOT_PUBLIC])
async def test_every_form_of_a_non_public_address_is_refused_after_a_redirect(feeds, guard, host):
    feeds.serve("/feed/", wordpress_feed(UNRELATED))  # served on 127.0.0.2 too: reachable if followed
    url = feeds.serve("/hop", b"", trouble=f"redirect:http://{host}:{feeds.port}/feed/")
    fetcher = Fetcher(timeout=2.0, blocked=real_rule_but_the_feed_server)
    try:
        assert (await fetcher.fetch(feeds.url("/feed/"))).body  # the rule lets the server itself by
        with pytest.raises(FetchFailed, match="private or local"):
            await fetcher.fetch(url)
    finally:
        await fetcher.close()
    assert [p for p, _ in feeds.requests] == ["/feed/", "/hop"]


def test_the_rule_allows_only_globally_routable_unicast_addresses():
    for address in (
        "100.64.0.1",
        "100.100.100.200",
        "100.127.255.254",
        "192.88.99.1",
        "198.18.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "fec0::1",
        "2002:a9fe:a9fe::1",  # 6to4 of 169.254.169.254
        "2002:0a00:0001::1",  # 6to4 of 10.0.0.1
        "2001:0:4136:e378:8000:63bf:80ff:fffe",  # Teredo
        "64:ff9b::a9fe:a9fe",  # NAT64
        "::ffff:100.64.0.1",
        "ff0e::1",
        "2001:db8::1",
        "fe80::1%eth0",
    ):
        assert forbidden(address), address
    for address in ("93.184.216.34", "2002:5db8:d822::1", "2a00:1450:4001:80b::200e", "::ffff:93.184.216.34"):
        assert not forbidden(address), address


class Answers:
    """A DNS stand-in: every name resolves to the addresses given."""

    def __init__(self, *addresses):
        self.addresses = addresses

    async def resolve(self, host, port=0, family=socket.AF_INET):
        return [
            {"hostname": host, "host": a, "port": port, "family": family, "proto": 0, "flags": 0}
            for a in self.addresses
        ]

    async def close(self):
        pass


async def test_a_name_with_one_public_and_one_private_address_is_refused():
    mixed = PublicResolver(inner=Answers("93.184.216.34", "169.254.169.254"))
    with pytest.raises(PrivateAddress):
        await mixed.resolve("mixed.example", 80)
    with pytest.raises(PrivateAddress):
        await PublicResolver(inner=Answers("10.0.0.1", "93.184.216.34")).resolve("other.example", 80)
    public = PublicResolver(inner=Answers("93.184.216.34", "2a00:1450:4001:80b::200e"))
    assert [r["host"] for r in await public.resolve("public.example", 80)] == [
        "93.184.216.34",
        "2a00:1450:4001:80b::200e",
    ]
