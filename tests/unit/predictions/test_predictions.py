"""The prediction rules: answers, closing times, scoring and the spread."""

import datetime as dt

import pytest

from bot.core.errors import InvalidInput
from bot.predictions.rules import parse_answer, parse_choices, parse_closes, score, spread

NOW = dt.datetime(2025, 1, 1, 12, 0, tzinfo=dt.UTC)


def test_choices_are_two_to_ten_distinct_names():
    assert parse_choices("Yes, No , Maybe") == ("Yes", "No", "Maybe")
    for bad in ("only", ",".join(str(i) for i in range(11)), "yes, YES", None):
        with pytest.raises(InvalidInput, match="choices"):
            parse_choices(bad)


def test_closes_takes_a_day_or_a_minute_in_utc():
    assert parse_closes("2025-02-01", NOW) == "2025-02-01T00:00:00+00:00"
    assert parse_closes("2025-02-01T18:30", NOW) == "2025-02-01T18:30:00+00:00"


@pytest.mark.parametrize(
    "text", ["2024-12-31", "2025-01-01T11:59", "2025-02-30", "tomorrow", "2025-02-01 25:00"]
)
def test_closes_in_the_past_or_malformed_is_refused(text):
    with pytest.raises(InvalidInput, match="closes"):
        parse_closes(text, NOW)


def test_answers_are_checked_against_the_kind():
    assert parse_answer("date", "2025-03-14", ()) == "2025-03-14"
    assert parse_answer("number", "012", ()) == "12"
    assert parse_answer("choice", "yes", ("Yes", "No")) == "Yes"


@pytest.mark.parametrize(
    ("kind", "text", "choices"),
    [
        ("date", "2025-02-30", ()),
        ("date", "March", ()),
        ("number", "1.5", ()),
        ("number", "-3", ()),
        ("number", "twelve", ()),
        ("choice", "perhaps", ("Yes", "No")),
    ],
)
def test_bad_answers_are_refused_naming_the_option(kind, text, choices):
    with pytest.raises(InvalidInput, match="answer"):
        parse_answer(kind, text, choices)


def test_scoring_follows_the_published_rules():
    assert score("number", "12", "12") == 100
    assert score("number", "10", "12") == 80
    assert score("number", "100", "12") == 0
    assert score("date", "2025-03-10", "2025-03-14") == 96
    assert score("date", "2020-01-01", "2025-03-14") == 0
    assert score("choice", "Yes", "Yes") == 100 and score("choice", "No", "Yes") == 0


def test_spread_of_choices_counts_each_choice():
    lines = spread("choice", ["Yes", "Yes", "No"], ("Yes", "No", "Maybe"))
    assert [line.split("` ")[1] for line in lines] == ["2 · Yes", "1 · No", "0 · Maybe"]


def test_spread_of_numbers_is_a_histogram_covering_every_guess():
    lines = spread("number", ["8", "10", "12", "12", "16"], ())
    assert sum(int(line.split("` ")[1].split(" ·")[0]) for line in lines) == 5
    assert lines[0].endswith("8 – 9") and lines[-1].endswith("16")


def test_spread_with_no_guesses_says_so():
    assert spread("date", [], ()) == ["No guesses yet."]


@pytest.mark.parametrize(
    "text",
    ["2099-01-01T00+05", "2099-01-01T12:00+05:00", "2099-01-01T12:00Z", "2099-W01-1T00:00", "2099-W01-1",
     "20990101", "2099-01-01T12", "2099-01-01T12:00:30", "２０９９-０１-０１", "2101-01-01", "9999-12-31"],
)
def test_closes_is_exactly_one_of_the_documented_forms_within_the_years(text):
    with pytest.raises(InvalidInput, match="closes"):
        parse_closes(text, NOW)


def test_closes_takes_the_last_year_and_a_space_for_the_t():
    assert parse_closes("2100-12-31 23:59", NOW) == "2100-12-31T23:59:00+00:00"


def test_a_closes_error_keeps_the_typed_text_inside_its_code_span():
    with pytest.raises(InvalidInput) as caught:
        parse_closes("x` **bold** `y", NOW)
    assert caught.value.problem.startswith("`x **bold** y` is not a time")


@pytest.mark.parametrize("text", ["0001-01-01", "9999-12-31", "1899-12-31", "٢٠٢٥-٠٣-١٤", "20250314"])
def test_a_date_guess_outside_the_years_or_in_another_form_is_refused(text):
    with pytest.raises(InvalidInput, match="answer"):
        parse_answer("date", text, ())


@pytest.mark.parametrize("text", ["٣", "３", "1e3"])
def test_a_number_guess_is_ascii_digits(text):
    with pytest.raises(InvalidInput, match="answer"):
        parse_answer("number", text, ())


@pytest.mark.parametrize(
    "text", ["Yes, Y\u200bes", "Jos\u00e9, Jose\u0301", "Yes, yes!", "a\nb, c", "🎬, ✨"]
)
def test_choices_that_look_alike_or_hide_characters_are_refused(text):
    with pytest.raises(InvalidInput, match="choices"):
        parse_choices(text)


def test_an_answer_matches_its_choice_folded():
    assert parse_answer("choice", "Jose\u0301", ("Jos\u00e9", "Other")) == "Jos\u00e9"
