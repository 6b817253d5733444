"""Validation of windows, dates, URLs and names, and the keys entries are stored under."""

import pytest

from bot.errors import InvalidInput
from bot.facts import (
    cast_key,
    check_name,
    check_url,
    news_key,
    parse_date,
    parse_window,
    render_window,
    window_start,
)


@pytest.mark.parametrize(
    "text", ["2025-03-14", "2025-03", "2025-Q1", "2025-H2", "2025", "2024-H2..2025-H1", "2025-q1"]
)
def test_valid_windows_are_accepted(text):
    assert parse_window(text) == text.upper()


@pytest.mark.parametrize(
    "text", ["2025-02-30", "2025-13", "2025-Q5", "2025-H3", "25", "soon", "2025-H1..2024-H2",
             "2025..2025", "1.2.3", "2025-03-14..2025-04..2026", ""]
)
def test_invalid_windows_are_refused_naming_the_option(text):
    with pytest.raises(InvalidInput) as caught:
        parse_window(text)
    assert caught.value.option == "when"


def test_windows_read_naturally():
    assert render_window("2024-H2..2025-H1") == "late 2024 – early 2025"
    assert render_window("2025-03-14") == "14 March 2025"
    assert render_window("2025-Q1") == "Q1 2025"


def test_window_start_orders_windows():
    assert window_start("2025-H2") > window_start("2025-Q1")


@pytest.mark.parametrize(
    "url", ["ftp://a.com/", "javascript:alert(1)", "https://user:pw@a.com/", "https://",
            "https://a.com/" + "x" * 600, "https://a.com/a b"]
)
def test_bad_urls_are_refused(url):
    with pytest.raises(InvalidInput, match="url"):
        check_url(url, "source_url")


def test_a_plain_https_url_is_accepted():
    assert check_url(" https://www.netflix.com/tudum ", "url") == "https://www.netflix.com/tudum"


@pytest.mark.parametrize("name", ["", "x" * 101, "bad\x00name", "two\nlines"])
def test_bad_names_are_refused(name):
    with pytest.raises(InvalidInput):
        check_name(name, "person")


def test_names_are_kept_as_typed_including_mentions():
    assert check_name("@everyone fan", "person") == "@everyone fan"


def test_dates_must_be_real():
    assert parse_date("2024-02-29", "published") == "2024-02-29"
    with pytest.raises(InvalidInput, match="published"):
        parse_date("2023-02-29", "published")


def test_cast_keys_ignore_case_and_spacing():
    assert cast_key("Park  Ji-hu") == cast_key("park ji-hu")


def test_news_keys_are_stable_and_work_for_korean_headlines():
    assert news_key("Season 2 confirmed!") == news_key("Season 2 confirmed!")
    assert news_key("시즌 확정").startswith("news-")
    assert news_key("시즌 2 확정") != news_key("시즌 3 확정")
