"""Validation of windows, dates, URLs and names, and the keys entries are stored under."""

import asyncio
from dataclasses import replace

import pytest

from bot.catalogue.files import EXPORT_FORMAT, parse_catalogue
from bot.core.errors import InvalidImport, InvalidInput
from bot.core.facts import (
    YEARS,
    cast_key,
    check_choice,
    check_fact,
    check_line,
    check_name,
    check_text,
    check_url,
    fold,
    news_key,
    parse_date,
    parse_window,
    quote,
    render_window,
    same_name,
    window_start,
)
from bot.core.models import Fact
from tests.support.catalogue import ALICE


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
    assert render_window("2024-H2..2025-H1") == "second half of 2024 – first half of 2025"
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


# -- hostile text: one normal form, nothing invisible, one line --

COMPOSED, COMBINING = "Jos\u00e9 Kim", "Jose\u0301 Kim"


def test_names_are_stored_in_nfc_and_fold_alike():
    assert check_name(COMBINING, "person") == COMPOSED
    assert fold(COMPOSED) == fold(COMBINING) == fold("jose kim")
    assert same_name("\uff2c\uff4f\uff4d\uff4f\uff4e", "Lomon")  # full-width letters
    assert cast_key(COMBINING) == cast_key(COMPOSED)


def test_spaces_inside_a_line_are_single():
    assert check_name("  Park \u00a0 Ji-hu ", "person") == "Park Ji-hu"


@pytest.mark.parametrize(
    "name",
    ["Park Ji\u200b-hu", "\u200b", "Lee Yoo-mi\u202e)deirfnoc(", "A\u2066B", "\ufeffLomon",
     "A\u2028B", "A\u2029B", "A\rB", "🎬", "🎬 ✨", "-- !", "\u0301"],
)
def test_invisible_or_letterless_names_are_refused(name):
    with pytest.raises(InvalidInput) as caught:
        check_name(name, "person")
    assert caught.value.option == "person"


def test_a_refusal_says_what_was_wrong():
    with pytest.raises(InvalidInput, match="U\\+200B"):
        check_name("Park Ji\u200b-hu", "person")
    with pytest.raises(InvalidInput, match="letter or digit"):
        check_name("🎬", "person")
    with pytest.raises(InvalidInput, match="single line"):
        check_line("Real\n✅ Fake", "headline", limit=200)


def test_notes_are_one_line_without_invisible_characters():
    assert check_text("one  two", "note", limit=100) == "one  two"
    with pytest.raises(InvalidInput, match="single line"):
        check_text("one\n✅ two", "note", limit=100)
    with pytest.raises(InvalidInput, match="note"):
        check_text("one\u202etwo", "note", limit=100)


@pytest.mark.parametrize("url", ["http://[x]/", "https://[::1/", "https://a.com/\u202egpj.exe",
                                 "https://a.com/\u200b", "https://a.com/\u2028x"])
def test_malformed_urls_and_urls_with_invisible_characters_are_refused(url):
    with pytest.raises(InvalidInput, match="source_url"):
        check_url(url, "source_url")


def test_a_url_in_another_script_is_fine():
    assert check_url("https://namu.wiki/w/지금_우리_학교는", "url")


def news_fact(headline):
    fields = {"headline": headline, "url": "https://a.com/", "published": None, "note": None}
    return Fact(fields, "rumored", None, "https://a.com/", "2025-01-01")


@pytest.mark.parametrize("field", ["headline", "source_name"])
def test_a_fact_refuses_newlines_in_single_line_fields(field):
    fact = news_fact("Real\n✅ Fake") if field == "headline" else replace(news_fact("Ok"), source_name="A\nB")
    with pytest.raises(InvalidInput) as caught:
        check_fact("news", fact)
    assert caught.value.option == field


def test_quote_drops_backticks_and_invisible_characters():
    assert quote("a`b\u202ec\u200bd") == "abcd"


def test_a_choice_error_cannot_break_out_of_its_code_span():
    with pytest.raises(InvalidInput) as caught:
        check_choice("x` **bold** `y", "confidence", ("confirmed",))
    assert caught.value.problem.startswith("`x **bold** y` is not one of")


# -- dates: ASCII digits, the documented forms, one set of years --


@pytest.mark.parametrize(
    "text",
    ["２０２５-０３-１４", "٢٠٢٥", "٢٠٢٥-٠٣", "2025..2025-06-01", "2025-H1..2025-Q2", "2025-03..2025-03-31",
     "1899", "1899-12-31", "2101", "2101-01", "2100-H2..2101", "9999-12-31"],
)
def test_foreign_digits_overlaps_and_far_years_are_refused_as_windows(text):
    with pytest.raises(InvalidInput) as caught:
        parse_window(text)
    assert caught.value.option == "when"


@pytest.mark.parametrize("text", ["1900", "2100-12-31", "2025..2026-01-01", "2025-03-31..2025-04"])
def test_the_edges_of_the_years_and_ranges_are_accepted(text):
    assert parse_window(text) == text


@pytest.mark.parametrize(
    "text",
    ["9999-12-31", "0001-01-01", "1899-12-31", "2101-01-01", "20250314", "2025-W11-5", "2025-073",
     "２０２５-０３-１４", "٢٠٢٥-٠٣-١٤", "2025-03-14T00:00"],
)
def test_dates_are_exactly_yyyy_mm_dd_within_the_years(text):
    with pytest.raises(InvalidInput, match="published"):
        parse_date(text, "published")


def test_the_years_are_shared_and_their_edges_accepted():
    assert YEARS == (1900, 2100)
    assert parse_date("1900-01-01", "published") == "1900-01-01"
    assert parse_date("2100-12-31", "published") == "2100-12-31"


# -- catalogue files (`seasonwatch import`) get the same checks --


def catalogue(*entries, **show):
    base = {"slug": "s", "title": "S", "season": 1, "entries": list(entries)}
    return {"format": EXPORT_FORMAT, "shows": [{**base, **show}]}


def cast_item(key, person):
    return {"kind": "cast", "key": key, "confidence": "rumored", "source_name": None,
            "source_url": "https://a.com/", "as_of": "2025-01-01",
            "fields": {"person": person, "character": None, "billing": None, "state": None,
                       "note": None}}


def news_item(headline):
    return {"kind": "news", "key": "k", "confidence": "rumored", "source_name": None,
            "source_url": "https://a.com/", "as_of": "2025-01-01",
            "fields": {"headline": headline, "url": "https://a.com/", "published": None, "note": None}}


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (catalogue(news_item("Real\n✅ Fake")), "'headline'"),
        (catalogue(cast_item("park ji-hu", "Park Ji\u200b-hu")), "'person'"),
        (catalogue(cast_item("jose kim", "Jose Kim"), cast_item("josé kim", COMPOSED)), "twice"),
        (catalogue(title="S\u202e"), "'title'"),
        (catalogue(aliases=["\u200b"]), "'aliases'"),
    ],
)
def test_a_catalogue_with_hostile_text_is_refused(data, words):
    with pytest.raises(InvalidImport, match=words):
        parse_catalogue(data)


def test_a_catalogue_keeps_a_respelled_persons_key():
    [(_, entries)] = parse_catalogue(catalogue(cast_item("jose kim", COMPOSED)))
    assert entries[0][1] == "jose kim"


async def test_an_import_respelling_a_listed_person_updates_their_entry(store, show):
    for key, person in (("jose kim", "Jose Kim"), ("josé kim", COMPOSED)):
        own = {"slug": show.slug, "title": show.title, "season": 2, "entries": [cast_item(key, person)]}
        await store.files.import_data({"format": EXPORT_FORMAT, "shows": [own]})
    [entry] = store.view.entries(show.id, "cast")
    assert (entry.key, entry.fact.fields["person"], entry.version) == ("jose kim", COMPOSED, 2)


async def test_the_store_refuses_a_second_entry_for_the_same_person(store, show):
    first = Fact.from_json(cast_item("", "Jose Kim"))
    await store.catalogue.write(show.id, "cast", "jose kim", first, expected_version=0, editor=ALICE)
    with pytest.raises(InvalidInput, match="already listed"):
        await store.catalogue.write(show.id, "cast", "josé kim", Fact.from_json(cast_item("", COMBINING)),
                          expected_version=0, editor=ALICE)
    assert len(store.view.entries(show.id, "cast")) == 1
    assert await store.catalogue.count_changes(show.id) == 1


async def test_an_import_whose_alias_names_another_show_is_refused(store, show):
    data = catalogue(aliases=["Test Show"])
    with pytest.raises(InvalidImport, match="aliases"):
        await store.files.import_data(data)
    assert [s.slug for s in store.view.shows()] == [show.slug]


async def test_a_store_question_is_one_line(store, show):
    with pytest.raises(InvalidInput, match="question"):
        await store.predictions.open_prediction(show.id, "Real?\n✅ Fake", "number", editor=ALICE)
    assert await store.predictions.predictions(states=("open", "closed", "resolved")) == []


# -- shows: one slug, and no name two shows are found by --


async def test_two_adds_of_one_slug_at_once_give_one_show_and_one_refusal(store):
    results = await asyncio.gather(store.shows.add_show("x", "X one", 1), store.shows.add_show("x", "X two",
                                                                                               1),
                                   return_exceptions=True)
    assert sorted(type(r).__name__ for r in results) == ["InvalidInput", "Show"]
    assert [s.slug for s in store.view.shows()] == ["x"]


@pytest.mark.parametrize(
    "names",
    [{"aliases": ("test show",)}, {"aliases": ("TEST-SHOW",)}, {"aliases": ("ts",)}, {"title": "Test  Show!"},
     {"original_title": "Ｔｅｓｔ Ｓｈｏｗ"}],
)
async def test_a_show_cannot_be_found_by_another_shows_name(store, show, names):
    other = await store.shows.add_show("other", "Other", 1)
    with pytest.raises(InvalidInput, match="`test-show`"):
        await store.shows.update_show(replace(other, **names))
    with pytest.raises(InvalidInput, match="`test-show`"):
        await store.shows.add_show("new", names.get("title", "New"), 1,
                                   original_title=names.get("original_title"),
                             aliases=names.get("aliases", ()))
    assert store.view.show_by_slug("other") == other and store.view.show_by_slug("new") is None


@pytest.mark.parametrize(
    "choices", [("Yes", "Y\u200bes"), ("Yes", "No\nResolved: Yes"), ("Yes", "yes!"), ("Yes",)]
)
async def test_store_choices_are_checked_like_typed_ones(store, show, choices):
    with pytest.raises(InvalidInput, match="choices"):
        await store.predictions.open_prediction(show.id, "Which?", "choice", choices=choices, editor=ALICE)
    assert await store.predictions.predictions(states=("open", "closed", "resolved")) == []
