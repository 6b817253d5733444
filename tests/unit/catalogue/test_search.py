"""Finding shows, people and entries from what someone typed."""

import pytest

from bot.catalogue.search import closest, fold, prefold, rank, resolve_person, resolve_show
from bot.core import facts
from bot.core.errors import UnknownShow, UserError
from bot.core.models import Entry, Fact, Show

AOUAD = Show(
    1, "all-of-us-are-dead", "All of Us Are Dead", "지금 우리 학교는", "Netflix", 2, ("AOUAD",), False
)
SWEET = Show(2, "sweet-home", "Sweet Home", "스위트홈", "Netflix", 3, (), False)
OLD = Show(3, "old-show", "Old Show", None, None, 1, (), True)


def cast(entry_id, person):
    fields = {"person": person, "character": None, "billing": None, "state": None, "note": None}
    fact = Fact(fields, "rumored", None, "https://a.example/", "2024-01-01")
    return Entry(entry_id, 1, "cast", person.casefold(), 1, fact, "2024-01-01T00:00:00+00:00")


def test_fold_ignores_case_accents_spacing_and_punctuation():
    assert fold("Park Ji-hu") == fold("PARK  JIHU") == fold("Párk ji hu")


def test_fold_keeps_korean_matchable():
    assert fold("지금") in fold("지금 우리 학교는")


def test_rank_puts_exact_then_prefix_then_substring():
    named = [("sub", ["xxabc"]), ("prefix", ["abcd"]), ("exact", ["abc"])]
    assert rank("abc", named) == ["exact", "prefix", "sub"]


def test_rank_caps_the_number_of_results():
    assert len(rank("a", [(i, ["a"]) for i in range(40)])) == 25


def test_the_only_show_is_the_default():
    assert resolve_show([AOUAD], None, [AOUAD]) == AOUAD


def test_with_several_shows_and_none_typed_the_user_is_asked_which():
    with pytest.raises(UnknownShow, match="Which show"):
        resolve_show([AOUAD, SWEET], None, [AOUAD, SWEET])


@pytest.mark.parametrize("typed", ["all-of-us-are-dead", "All of Us", "지금 우리 학교는", "aouad"])
def test_a_show_is_found_by_slug_title_original_title_or_alias(typed):
    assert resolve_show([AOUAD, SWEET], typed, [AOUAD, SWEET]) == AOUAD


def test_an_archived_show_is_found_by_its_slug_only():
    assert resolve_show([AOUAD], "old-show", [AOUAD, OLD]) == OLD
    with pytest.raises(UnknownShow):
        resolve_show([AOUAD], "Old Show", [AOUAD, OLD])


def test_an_unknown_show_suggests_the_closest_title():
    with pytest.raises(UnknownShow, match="All of Us Are Dead"):
        resolve_show([AOUAD, SWEET], "All of Us Are Ded", [AOUAD, SWEET])


def test_a_person_is_found_without_regard_to_case_or_spacing():
    entries = prefold(
        (e, [e.fact.fields["person"]]) for e in (cast(1, "Park Ji-hu"), cast(2, "Park Solomon"))
    )
    assert resolve_person(entries, "park jihu").id == 1


def test_an_ambiguous_person_is_refused_with_suggestions():
    entries = prefold(
        (e, [e.fact.fields["person"]]) for e in (cast(1, "Park Ji-hu"), cast(2, "Park Solomon"))
    )
    with pytest.raises(UserError, match="Did you mean"):
        resolve_person(entries, "Park")


def test_closest_finds_near_misspellings():
    assert closest("Park Jihoo", ["Park Ji-hu", "Lomon"]) == ["Park Ji-hu"]


def test_which_show_escapes_titles_so_none_is_a_link():
    evil = Show(4, "evil", "[Official Netflix update](https://evil.example)", None, None, 1, (), False)
    with pytest.raises(UnknownShow) as caught:
        resolve_show([AOUAD, evil], None, [AOUAD, evil])
    text = str(caught.value)
    assert "[Official" not in text.replace("\\[", "") and "](https://" not in text
    assert "\\[Official Netflix update\\]" in text


def test_search_folds_exactly_as_identity_does():
    assert fold is facts.fold
    assert fold("\uff2c\uff4f\uff4d\uff4f\uff4e") == fold("Lomon")
    assert fold("Jose\u0301 Kim") == fold("Jos\u00e9 Kim")
