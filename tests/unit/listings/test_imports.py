"""The import's one transaction on both databases: the show, its chosen facts as silent changes by
TVmaze, the link; a listing already linked is refused; a failed import leaves nothing behind."""

import datetime as dt

import pytest

from bot.core.errors import UserError
from bot.listings.imports import Importer
from bot.listings.tvmaze import TVmaze


@pytest.fixture
async def importer(store, tvmaze):
    client = TVmaze(tvmaze.base, allow_private=True, per_second=50)
    yield Importer(store.database, store.view, store.shows, store.catalogue, store.listings, store.proposals,
                   client, poll_seconds=3600, today=lambda: dt.date(2026, 12, 6))
    await client.close()


async def test_import_writes_the_show_the_chosen_facts_and_the_link(store, importer):
    plan = await importer.plan("1004")  # Kingdom: season 2 by default
    assert plan.season == 2 and plan.tracked is None and plan.similar is None
    token = importer.keep(plan, user_id=1)
    importer.choose(token, [0, 1, 2])
    show, count = await importer.import_show(importer.drop(token), "owner")
    assert (show.slug, show.title, show.original_title, show.season, count) == (
        "kingdom", "Kingdom", "킹덤", 2, 3)
    chosen = {(f.kind, f.key) for f in plan.facts[:3]}
    assert {(e.kind, e.key) for e in store.view.entries(show.id)} == chosen
    changes = await store.catalogue.changes(show.id)
    assert {(c.editor.name, c.silent) for c in changes} == {("TVmaze", True)}
    link = await importer.link_of(show)
    assert link.external_id == "1004" and link.next_check_at > 0
    again = await importer.plan("1004")
    assert again.tracked == show


async def test_a_listing_linked_meanwhile_is_refused_and_nothing_is_written(store, importer, show):
    plan = await importer.plan("1002", 1)
    listing = plan.listing
    await importer.link(show, listing)  # someone links it before Import is pressed
    token = importer.keep(plan, user_id=1)
    with pytest.raises(UserError, match="already linked to Test Show"):
        await importer.import_show(importer.drop(token), "owner")
    assert store.view.show_by_slug("sweet-home") is None
    assert [s.slug for s in store.view.shows()] == ["test-show"]


async def test_a_season_not_listed_is_explained(importer):
    with pytest.raises(UserError, match="lists no season 9 of Sweet Home; it lists 1, 2, 3"):
        await importer.plan("1002", 9)


async def test_facts_left_out_are_not_proposed_back_until_the_listing_changes_them(store, importer, tvmaze):
    from bot.listings.watch import Watcher

    plan = await importer.plan("1004")  # Kingdom season 2
    token = importer.keep(plan, user_id=1)
    importer.choose(token, [0])
    show, _ = await importer.import_show(importer.drop(token), "owner")
    watcher = Watcher(store, importer.provider, interval=3600.0, review_channel=None)
    assert await watcher.check_show(show.id) == []  # the owner's choice stands
    episodes = next(f for f in plan.facts if f.kind == "episodes")
    tvmaze.set_episode_order(1004, 2, (episodes.fact.fields["count"] or 0) + 2)
    [item] = await watcher.check_show(show.id)  # a new value is news again
    assert item.proposal.kind == "episodes"
