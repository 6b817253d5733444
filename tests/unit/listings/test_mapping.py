"""The mapping of a listing to facts, row by row of DESIGN.md's table; nothing where the listing
says nothing."""

import datetime as dt

from bot.core.models import Entry
from bot.listings.mapping import map_season, show_for, slug_for
from bot.listings.provider import Alias, CastMember, Listing, Season

TODAY = dt.date(2026, 12, 6)
PAGE = "https://www.tvmaze.com/shows/1002/sweet-home"


def listing(*seasons, cast=(), runtime=None, aliases=()):
    return Listing("TVmaze", "1002", PAGE, "Sweet Home", "KR", "Netflix", tuple(aliases),
                   tuple(seasons), tuple(cast), runtime)


def by_key(facts):
    return {(f.kind, f.key): f.fact for f in facts}


def test_a_listed_season_is_announced_reported_and_nothing_else_when_all_else_is_null():
    facts = by_key(map_season(listing(Season(2, None, None, "s2")), 2, TODAY))
    assert list(facts) == [("status", "announced")]
    fact = facts[("status", "announced")]
    assert (fact.confidence, fact.source_name, fact.source_url, fact.as_of) == (
        "reported", "TVmaze", PAGE, "2026-12-06")
    assert fact.fields["when"] is None


def test_a_season_not_listed_states_nothing():
    assert map_season(listing(Season(1, None, None, "s1")), 3, TODAY) == []


def test_a_future_premiere_sets_the_release_date_reported():
    facts = by_key(map_season(listing(Season(3, dt.date(2027, 3, 14), None, "s3")), 3, TODAY))
    assert facts[("status", "release_date_set")].confidence == "reported"
    assert facts[("status", "release_date_set")].fields["when"] is None
    assert facts[("release", "release")].fields["when"] == "2027-03-14"
    assert facts[("release", "release")].confidence == "reported"
    assert ("status", "released") not in facts


def test_a_past_premiere_is_released_that_day_confirmed():
    facts = by_key(map_season(listing(Season(1, dt.date(2020, 12, 18), None, "s1")), 1, TODAY))
    assert facts[("status", "released")].fields["when"] == "2020-12-18"
    assert facts[("status", "released")].confidence == "confirmed"
    assert facts[("release", "release")].confidence == "confirmed"
    assert ("status", "release_date_set") not in facts


def test_a_premiere_today_is_not_yet_released():
    facts = by_key(map_season(listing(Season(3, TODAY, None, "s3")), 3, TODAY))
    assert facts[("status", "release_date_set")].confidence == "reported"
    assert facts[("release", "release")].fields["when"] == TODAY.isoformat()
    assert ("status", "released") not in facts


def test_an_episode_order_the_catalogue_refuses_leaves_out_only_the_count():
    facts = by_key(map_season(listing(Season(1, None, 120, "s1", runtime=45)), 1, TODAY))
    assert facts[("episodes", "episodes")].fields == {"count": None, "runtime": 45, "rating": None}


def test_episode_order_and_the_season_runtime_else_the_show_runtime():
    own = by_key(map_season(listing(Season(1, None, 10, "s1", runtime=55), runtime=50), 1, TODAY))
    episodes = own[("episodes", "episodes")]
    assert episodes.fields == {"count": 10, "runtime": 55, "rating": None}
    assert episodes.basis("count").confidence == "reported"
    assert episodes.basis("runtime").source_url == PAGE
    shows = by_key(map_season(listing(Season(1, None, None, "s1"), runtime=50), 1, TODAY))
    assert shows[("episodes", "episodes")].fields == {"count": None, "runtime": 50, "rating": None}
    none = by_key(map_season(listing(Season(1, None, None, "s1")), 1, TODAY))
    assert ("episodes", "episodes") not in none


def test_cast_of_season_one_is_main_billing_reported():
    cast = [CastMember("Song Kang", "Cha Hyun-su"), CastMember("Lee Si-young", None),
            CastMember("song  kang", "Someone else")]
    facts = by_key(map_season(listing(Season(1, None, None, "s1"), cast=cast), 1, TODAY))
    song = facts[("cast", "song kang")]
    fields = song.fields
    assert (fields["character"], fields["billing"], fields["state"]) == ("Cha Hyun-su", "main", None)
    assert song.confidence == "reported"
    assert facts[("cast", "lee si-young")].fields["character"] is None
    assert len([k for k in facts if k[0] == "cast"]) == 2  # one entry per person


def test_cast_of_a_later_season_is_only_speculation_that_they_return():
    cast = [CastMember("Song Kang", "Cha Hyun-su")]
    facts = by_key(map_season(listing(Season(3, None, None, "s3"), cast=cast), 3, TODAY))
    song = facts[("cast", "song kang")]
    said = (song.fields["state"], song.fields["billing"], song.confidence)
    assert said == ("returning", None, "speculation")


def test_a_name_the_catalogue_would_refuse_is_left_out_and_the_rest_maps():
    cast = [CastMember("???", None), CastMember("Go Min-si", "Lee Eun-yu")]
    facts = by_key(map_season(listing(Season(1, None, None, "s1"), cast=cast), 1, TODAY))
    assert [k for k in facts if k[0] == "cast"] == [("cast", "go min-si")]


def test_same_as_compares_what_the_listing_speaks_to():
    facts = map_season(listing(Season(3, dt.date(2027, 3, 14), None, "s3")), 3, TODAY)
    release = next(f for f in facts if f.kind == "release")
    later = map_season(listing(Season(3, dt.date(2027, 3, 14), None, "s3")), 3, TODAY + dt.timedelta(days=9))
    entry = Entry(1, 1, "release", "release", 1, next(f for f in later if f.kind == "release").fact, "")
    assert release.same_as(entry)
    moved = map_season(listing(Season(3, dt.date(2027, 4, 1), None, "s3")), 3, TODAY)
    assert not next(f for f in moved if f.kind == "release").same_as(entry)
    assert not release.same_as(None)


def test_the_show_takes_title_original_title_network_and_other_aliases():
    aliases = [Alias("스위트홈", "KR"), Alias("Sweet Home", "US"), Alias("Dulce hogar", "ES")]
    show = show_for(listing(Season(1, None, None, "s1"), aliases=aliases), 1)
    assert (show.slug, show.title, show.original_title, show.network, show.season) == (
        "sweet-home", "Sweet Home", "스위트홈", "Netflix", 1)
    assert show.aliases == ("Dulce hogar",)
    korean_only = Listing("TVmaze", "77", PAGE, "스위트홈", "KR", None, (), (), (), None)
    assert slug_for(korean_only) == "tvmaze-77"
