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


async def test_facts_past_the_menus_limit_are_said_and_not_proposed_back(store, importer, tvmaze):
    from bot.listings.views import preview_embed
    from bot.listings.watch import Watcher
    from standin.tvmaze_data import cast

    tvmaze.shows[1004].cast += [cast(8000 + n, f"Extra Actor {n}", f"Role {n}") for n in range(30)]
    plan = await importer.plan("1004")  # Kingdom season 2: status, episodes, 4 + 30 cast
    assert len(plan.facts) == 25 and len(plan.unshown) > 0
    token = importer.keep(plan, user_id=1)
    field = preview_embed(importer.pending(token)).fields[0].value
    assert field.endswith(f"+{len(plan.unshown)} more not shown (not imported)")
    ko = preview_embed(importer.pending(token), "ko").fields[0].value
    assert f"+{len(plan.unshown)}개 더 있음" in ko
    show, count = await importer.import_show(importer.drop(token), "owner")
    assert count == 25
    watcher = Watcher(store, importer.provider, interval=3600.0, review_channel=None)
    assert await watcher.check_show(show.id) == []  # what was not shown is not proposed either


async def test_a_season_numbered_by_year_is_refused(importer, tvmaze):
    tvmaze.add_season(1004, 2024, "2024-05-01", 10)
    with pytest.raises(UserError, match="numbers this season of Kingdom 2024") as caught:
        await importer.plan("1004", 2024)
    assert "/shows add" in str(caught.value)


async def test_tvmaze_titles_are_escaped_in_replies(importer, tvmaze):
    from bot.listings.views import preview_embed

    tvmaze.shows[1004].show["name"] = "M*A*S*H [x](https://evil.example)"
    with pytest.raises(UserError) as caught:
        await importer.plan("1004", 9)
    text = str(caught.value)
    assert "M\\*A\\*S\\*H \\[x\\]" in text and "https://evil" not in text
    plan = await importer.plan("1004")
    title = preview_embed(importer.pending(importer.keep(plan, user_id=1))).title
    assert "M\\*A\\*S\\*H" in title and "https://evil" not in title


async def test_the_link_offer_says_which_season_is_watched(store, importer):
    from bot.listings.views import preview_embed

    await store.shows.add_show("kingdom", "Kingdom", 1)
    plan = await importer.plan("1004")  # season 2, the latest
    assert plan.similar is not None and plan.similar.season == 1
    text = preview_embed(importer.pending(importer.keep(plan, user_id=1))).description
    assert "keeps following its own season 1" in text
    same = await importer.plan("1004", 1)
    again = preview_embed(importer.pending(importer.keep(same, user_id=1)))
    assert "keeps following" not in again.description
