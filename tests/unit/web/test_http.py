"""The reader's language and the cache validators."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import make_mocked_request

from bot.web.http import accepted_language, fresh, http_date, language


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("ko-KR,ko;q=0.9,en-US;q=0.8", "ko"),
        ("en-GB,ko;q=0.3", "en"),
        ("fr-FR,ko;q=0.5,en;q=0.4", "ko"),  # French is not ours: the next best that is
        ("fr", None),
        ("ko;q=0, en;q=0.1", "en"),  # q=0 means "not this"
        ("", None),
        ("ko;q=abc,*;q=0.1", None),
        ("x" * 10_000, None),
    ],
)
def test_accept_language_picks_the_best_language_we_have(header, expected):
    assert accepted_language(header) == expected


def test_the_query_wins_and_an_odd_one_is_english():
    korean_browser = {"Accept-Language": "ko"}
    assert language(make_mocked_request("GET", "/?lang=en", headers=korean_browser)) == "en"
    assert language(make_mocked_request("GET", "/?lang=ko")) == "ko"
    assert language(make_mocked_request("GET", "/?lang=%3Cb%3E", headers=korean_browser)) == "en"
    assert language(make_mocked_request("GET", "/", headers=korean_browser)) == "ko"


def test_http_dates_and_freshness():
    modified = http_date("2024-01-31T10:00:00+00:00")
    assert modified == "Wed, 31 Jan 2024 10:00:00 GMT"
    assert http_date("not a date") is None

    def request(**headers: str):
        return make_mocked_request("GET", "/", headers=headers)

    assert fresh(request(**{"If-None-Match": 'W/"a", "b"'}), '"b"', modified)
    assert fresh(request(**{"If-None-Match": '"b"'}), 'W/"b"', modified)  # weak comparison
    assert not fresh(request(**{"If-None-Match": '"c"'}), '"b"', modified)
    # If-None-Match decides when sent, even if the date would say fresh.
    assert not fresh(request(**{"If-None-Match": '"c"', "If-Modified-Since": modified}), '"b"', modified)
    assert fresh(request(**{"If-Modified-Since": modified}), '"b"', modified)
    assert not fresh(request(**{"If-Modified-Since": "Tue, 30 Jan 2024 10:00:00 GMT"}), '"b"', modified)
    assert not fresh(request(**{"If-Modified-Since": "yesterday"}), '"b"', modified)
    assert not fresh(request(), '"b"', modified)


@pytest.mark.parametrize("since", [
    "Mon, 01 Jan 99999999999999999999 00:00:00 GMT",  # a year too big: OverflowError
    "Mon, 01 Jan 0000 00:00:00 GMT",
    "Mon, 99 Jan 2024 00:00:00 GMT",
])
def test_an_impossible_date_is_not_fresh_and_raises_nothing(since):
    modified = http_date("2024-01-31T10:00:00+00:00")
    request = make_mocked_request("GET", "/", headers={"If-Modified-Since": since})
    assert not fresh(request, '"b"', modified)
