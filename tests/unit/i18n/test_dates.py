"""Dates and windows in Korean (from Babel's CLDR data) and English (unchanged)."""

import pytest

from bot.i18n.dates import window_text


@pytest.mark.parametrize(("window", "korean", "english"), [
    ("2024-01-17", "2024년 1월 17일", "17 January 2024"),
    ("2025-03", "2025년 3월", "March 2025"),
    ("2025-Q1", "2025년 1분기", "Q1 2025"),
    ("2024-H2", "2024년 하반기", "second half of 2024"),
    ("2025-H1", "2025년 상반기", "first half of 2025"),
    ("2025", "2025년", "2025"),
    ("2024-H2..2025-H1", "2024년 하반기 ~ 2025년 상반기", "second half of 2024 – first half of 2025"),
])
def test_windows_read_naturally_in_each_language(window, korean, english):
    assert window_text(window, "ko") == korean
    assert window_text(window, "en") == english == window_text(window)


def test_anything_not_a_window_is_shown_as_it_is():
    assert window_text("soon", "ko") == "soon"
