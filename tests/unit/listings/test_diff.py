"""The watch's diff: a listed value against the catalogue's, only what the listing states, a cast
member however the catalogue spells them; and the dismissed memory through the store."""

import datetime as dt

from bot.core.models import Fact
from bot.listings.diff import compare, differs, proposal, stated
from bot.listings.mapping import map_season
from bot.listings.provider import CastMember, Listing, Season
from bot.news.proposals import proposal_text
from tests.support.catalogue import ALICE

TODAY = dt.date(2026, 12, 6)
PAGE = "https://www.tvmaze.com/shows/1/test-show"


PARK = (CastMember("Park Ji-hu", "Nam On-jo"),)


def listing(premiere="2027-03-14", order=8, cast=PARK):
    day = dt.date.fromisoformat(premiere) if premiere else None
    return Listing("TVmaze", "1", PAGE, "Test Show", "KR", "Netflix", (),
                   (Season(1, dt.date(2022, 1, 28), 12, "s1"), Season(2, day, order, "s2")), cast, 60)


def fact(fields, confidence="speculation", url="https://news.example/a"):
    return Fact(fields, confidence, "News Example", url, "2024-01-01")


async def write(store, show, kind, key, fields, confidence="speculation"):
    await store.catalogue.write(show.id, kind, key, fact(fields, confidence), expected_version=0,
                                editor=ALICE, reason=None, silent=True)


def by_kind(found):
    return {(f.proposal.kind, f.proposal.key): f for f in found}


async def test_every_listed_fact_differs_from_an_empty_catalogue(store, show):
    found = by_kind(compare(store.view, show.id, map_season(listing(), 2, TODAY)))
    assert all(f.differs for f in found.values())
    release = found["release", "release"].proposal
    assert (release.fields, release.confidence, release.source_name) == ({"when": "2027-03-14"}, "reported",
                                                                         "TVmaze")
    assert found["episodes", "episodes"].proposal.fields == {"count": 8, "runtime": 60}
    # A renewal with no date in the listing states the stage only.
    assert found["status", "announced"].proposal.fields == {"stage": "announced"}


async def test_only_what_the_listing_states_is_compared(store, show):
    await write(store, show, "status", "announced", {"stage": "announced", "when": "2022-06-06", "note": "x"})
    await write(store, show, "release", "release", {"when": "2024-H2..2025-H1", "note": None})
    found = by_kind(compare(store.view, show.id, map_season(listing(), 2, TODAY)))
    assert not found["status", "announced"].differs  # the listing gives no date: nothing against ours
    assert found["release", "release"].differs
    entry = store.view.entry(show.id, "release", "release")
    assert differs("release", {"when": "2024-H2..2025-H1"}, entry) is False
    text = proposal_text(found["release", "release"].proposal, show, entry.fact)
    assert text == ("TVmaze now lists: Release: 14 March 2027 "
                    "(now: second half of 2024 – first half of 2025, speculation)"), text


async def test_a_cast_member_is_matched_however_the_catalogue_spells_them(store, show):
    await write(store, show, "cast", "park-ji-hu",
                {"person": "PARK JI-HU", "character": "Nam On-jo", "state": "returning", "note": None})
    found = by_kind(compare(store.view, show.id, map_season(listing(), 2, TODAY)))
    cast = found["cast", "park-ji-hu"]
    assert cast.proposal.fields["person"] == "PARK JI-HU" and not cast.differs
    await write_character(store, show)
    [cast] = [f for f in compare(store.view, show.id, map_season(listing(), 2, TODAY))
              if f.proposal.kind == "cast"]
    assert cast.differs and cast.proposal.key == "park-ji-hu"


async def write_character(store, show):
    entry = store.view.entry(show.id, "cast", "park-ji-hu")
    await store.catalogue.write(show.id, "cast", "park-ji-hu",
                                fact({**entry.fact.fields, "character": "Someone else"}),
                                expected_version=entry.version, editor=ALICE, reason=None, silent=True)


async def test_nothing_is_proposed_where_the_listing_says_nothing(store, show):
    mapped = map_season(listing(premiere=None, order=None, cast=()), 2, TODAY)
    kinds = {(f.kind, f.key) for f in mapped}
    found = compare(store.view, show.id, mapped)
    assert {(f.proposal.kind, f.proposal.key) for f in found} <= kinds
    assert not any(f.proposal.kind == "release" for f in found)
    assert all(v is not None for f in found for v in f.proposal.fields.values())
    assert stated(mapped[0]) == {"stage": "announced"}
    assert proposal(mapped[0], None).key == "announced"


async def test_a_dismissed_value_stays_dismissed_until_the_listing_changes(store, show):
    async def check(premiere):
        found = compare(store.view, show.id, map_season(listing(premiere=premiere), 2, TODAY))
        release = [f for f in found if f.proposal.kind == "release"]
        return await store.proposals.record(show.id, release, headline="TVmaze", review_channel=None)

    [item] = await check("2027-03-14")
    await store.news.dismiss_item(item.id, ALICE)
    assert await check("2027-03-14") == []
    [newer] = await check("2027-04-01")
    assert newer.proposal.fields == {"when": "2027-04-01"}
