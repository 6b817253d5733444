"""The resend marker in an embed's link."""

from bot.outbox.markers import marked_url


def test_the_marker_replaces_a_fragment_and_a_non_ascii_link_is_escaped():
    assert marked_url("https://a.example/p?q=1#top", "dm", 7) == "https://a.example/p?q=1#sw-dm-7"
    assert (marked_url("https://namu.wiki/w/지금 우리 학교는", "delivery", 3)
            == "https://namu.wiki/w/%EC%A7%80%EA%B8%88%20%EC%9A%B0%EB%A6%AC%20%ED%95%99%EA%B5%90%EB%8A%94"
               "#sw-delivery-3")
    assert marked_url("https://한국.kr/a%20b", "delivery", 1) == "https://xn--3e0b707e.kr/a%20b#sw-delivery-1"
