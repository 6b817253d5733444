"""A link as an identity (`bot.news.links.canonical`): one article however its address is written."""

import pytest

from bot.news.links import canonical, link_headline

ARTICLE = "https://fans.example/story?id=7"


@pytest.mark.parametrize("written", [
    "https://fans.example/story?id=7",
    "http://fans.example/story?id=7",
    "HTTPS://FANS.example/story?id=7",
    "https://fans.example:443/story?id=7",
    "http://fans.example:80/story?id=7",
    "https://fans.example./story?id=7",
    "http://Fans.Example.:80/story?id=7#comments",
    "  https://fans.example/story?utm_source=x&id=7&fbclid=y  ",
])
def test_one_article_is_one_link_whatever_its_scheme_default_port_or_host_dot(written):
    assert canonical(written) == ARTICLE
    assert canonical(canonical(written)) == ARTICLE  # idempotent


@pytest.mark.parametrize("other", [
    "https://fans.example:8443/story?id=7",  # another port is another server
    "http://fans.example:443/story?id=7",  # 443 is not http's default
    "https://fans.example/Story?id=7",  # paths are case-sensitive
    "https://fans.example/story?id=8",
    "https://www.fans.example/story?id=7",
])
def test_what_differs_in_substance_stays_another_link(other):
    assert canonical(other) != ARTICLE


def test_hosts_of_every_kind_keep_their_form():
    assert canonical("https://[2001:DB8::1]:443/a") == "https://[2001:db8::1]/a"
    assert canonical("http://[2001:db8::1]:8080/a") == "https://[2001:db8::1]:8080/a"
    assert canonical("https://example.com") == "https://example.com/"
    assert canonical("https://example.com:notaport/a") == "https://example.com:notaport/a"


@pytest.mark.parametrize(("link", "headline"), [
    ("https://Fans.Example./2025/story/?utm_source=x", "fans.example/2025/story"),
    ("http://fans.example:80/", "fans.example"),
    ("https://fans.example:8443/a", "fans.example:8443/a"),
])
def test_a_link_without_a_title_is_headed_by_its_host_and_path(link, headline):
    assert link_headline(link) == headline
