"""Proposals in the review queue, on both backends: one pending per show and entry, a newer value
replacing it, a dismissed value remembered until the listing changes, Accept settling it once."""

import datetime as dt

import pytest

from bot.core.errors import UserError
from bot.core.models import Editor
from bot.news.models import Proposal
from bot.news.proposals import accepted_fact
from bot.news.proposals_store import Listed
from tests.support.catalogue import ALICE

REVIEW = 4242
PAGE = "https://www.tvmaze.com/shows/1/test-show"


def release(when, confidence="reported"):
    return Proposal("release", "release", {"when": when}, confidence, "TVmaze", PAGE)


async def check(store, show, *facts, differs=True):
    return await store.proposals.record(show.id, [Listed(f, differs) for f in facts],
                                        headline="TVmaze", review_channel=REVIEW)


async def test_a_difference_is_queued_once_and_a_newer_value_replaces_it(store, show):
    [item] = await check(store, show, release("2027-03-14"))
    assert item.pending and item.proposal == release("2027-03-14") and item.review_state == "pending"
    assert await check(store, show, release("2027-03-14")) == []  # the same value again: nothing
    await store.reviews.claim_review(item.id, 0.0)
    await store.reviews.review_done(item.id, message_id=99, state="posted")
    [newer] = await check(store, show, release("2027-04-01"))
    assert newer.id == item.id and newer.proposal.fields == {"when": "2027-04-01"}
    # Its post shows the old value: it is edited, keeping its buttons (still pending).
    assert [i.id for i in await store.reviews.unsynced_reviews()] == [item.id]
    items, total = await store.news.pending_items(None)
    assert total == 1 and items[0].proposal.fields == {"when": "2027-04-01"}


async def test_a_dismissed_value_is_not_proposed_again_until_the_listing_changes(store, show):
    [item] = await check(store, show, release("2027-03-14"))
    await store.news.dismiss_item(item.id, ALICE)
    assert await check(store, show, release("2027-03-14")) == []
    # The listing moves on to a value the catalogue already has: no proposal, but remembered...
    assert await check(store, show, release("2027-05-01"), differs=False) == []
    # ...so the first value listed once more is a change of the listing: proposed again.
    [again] = await check(store, show, release("2027-03-14"))
    assert again.id != item.id and again.pending
    await store.news.dismiss_item(again.id, ALICE)
    [later] = await check(store, show, release("2027-06-30"))
    assert later.proposal.fields == {"when": "2027-06-30"}


async def test_entries_are_proposed_apart_and_an_equal_value_is_not_proposed(store, show):
    count = Proposal("episodes", "episodes", {"count": 8}, "reported", "TVmaze", PAGE)
    queued = await check(store, show, release("2027-03-14"), count)
    assert [i.proposal.kind for i in queued] == ["release", "episodes"]
    assert await store.proposals.record(show.id, [Listed(release("2027-03-14"), False)],
                                        headline="TVmaze", review_channel=None) == []
    assert len(await store.proposals.pending(show.id)) == 2


async def test_accepting_writes_the_fact_and_settles_the_proposal_once(store, show):
    [item] = await check(store, show, release("2027-03-14"))
    fact = accepted_fact(item.proposal, None, "confirmed", dt.date(2026, 12, 6))
    change, settled = await store.news.publish_item(
        item.id, "release", fact, expected_version=0, editor=ALICE, silent=True, kind="release")
    assert settled.state == "added" and settled.change_id == change.id
    assert store.view.entry(show.id, "release", "release").fact.fields["when"] == "2027-03-14"
    with pytest.raises(UserError, match="already settled"):
        await store.news.publish_item(item.id, "release", fact, expected_version=1, editor=ALICE,
                                      silent=True, kind="release")
    with pytest.raises(UserError, match="already settled"):
        await store.news.dismiss_item(item.id, Editor(2, "bob"))
    # Now the catalogue says it: the same listed value is no difference.
    assert await check(store, show, release("2027-03-14"), differs=False) == []


async def test_a_proposal_publishes_only_its_own_entry(store, show):
    [item] = await check(store, show, release("2027-03-14"))
    fact = accepted_fact(item.proposal, None, "reported", dt.date(2026, 12, 6))
    with pytest.raises(UserError):
        await store.news.publish_item(item.id, "release", fact, expected_version=0, editor=ALICE,
                                      silent=True, kind="news")
    assert (await store.news.queue_item(item.id)).pending


async def test_a_preview_of_a_value_since_replaced_does_not_settle_the_proposal(store, show):
    [item] = await check(store, show, release("2027-03-14"))
    old = accepted_fact(item.proposal, None, "reported", dt.date(2026, 12, 6))
    await check(store, show, release("2027-04-01"))  # the listing moved while the preview was open
    with pytest.raises(UserError, match="The listing changed since this preview"):
        await store.news.publish_item(item.id, "release", old, expected_version=0, editor=ALICE,
                                      silent=True, kind="release")
    fresh = await store.news.queue_item(item.id)
    assert fresh.pending and store.view.entry(show.id, "release", "release") is None
    new = accepted_fact(fresh.proposal, None, "reported", dt.date(2026, 12, 6))
    _, settled = await store.news.publish_item(item.id, "release", new, expected_version=0, editor=ALICE,
                                               silent=True, kind="release")
    assert settled.state == "added"


async def test_a_pending_proposal_the_listing_no_longer_states_is_withdrawn(store, show):
    [item] = await check(store, show, release("2027-03-14"))
    await store.reviews.claim_review(item.id, 0.0)
    await store.reviews.review_done(item.id, message_id=99, state="posted")
    # The listing moves to what the catalogue already says: the waiting proposal is stale.
    [withdrawn] = await check(store, show, release("2027-05-01"), differs=False)
    assert withdrawn.id == item.id and withdrawn.state == "dismissed" and withdrawn.settled_by == 0
    assert withdrawn.settled_by_name == "TVmaze"
    assert [i.id for i in await store.reviews.unsynced_reviews()] == [item.id]  # its post is edited
    assert await store.news.pending_items(None) == ([], 0)
    # A proposal whose value the catalogue caught up with stays for the editors to settle.
    [other] = await check(store, show, release("2027-06-01"))
    assert await check(store, show, release("2027-06-01"), differs=False) == []
    assert (await store.news.queue_item(other.id)).pending


async def test_a_post_edited_with_a_value_since_replaced_stays_unsynced(store, show):
    [item] = await check(store, show, release("2027-03-14"))
    await store.reviews.claim_review(item.id, 0.0)
    await store.reviews.review_done(item.id, message_id=99, state="posted")
    [shown] = await check(store, show, release("2027-04-01"))  # the post is being edited to show this
    await check(store, show, release("2027-05-01"))  # meanwhile, a newer value
    await store.reviews.review_synced(shown.id, shown.state, shown.proposal.dump())
    [stale] = await store.reviews.unsynced_reviews()
    assert stale.id == item.id and stale.proposal.fields == {"when": "2027-05-01"}
    await store.reviews.review_synced(stale.id, stale.state, stale.proposal.dump())
    assert await store.reviews.unsynced_reviews() == []


async def test_forgetting_a_show_withdraws_its_proposals_and_what_was_listed(store, show):
    count = Proposal("episodes", "episodes", {"count": 8}, "reported", "TVmaze", PAGE)
    [posted, waiting] = await check(store, show, release("2027-03-14"), count)
    cast = Proposal("cast", "ann", {"person": "Ann", "state": "returning"}, "speculation", "TVmaze", PAGE)
    [dismissed] = await check(store, show, cast)
    await store.news.dismiss_item(dismissed.id, ALICE)  # of the old season: remembered as dismissed
    await store.reviews.claim_review(posted.id, 0.0)
    await store.reviews.review_done(posted.id, message_id=99, state="posted")
    async with store.database.lock, store.database.transaction():
        withdrawn = await store.proposals.forget_in_transaction(show.id)
    assert {(i.id, i.state, i.settled_by, i.settled_by_name) for i in withdrawn} == {
        (posted.id, "dismissed", 0, "TVmaze"), (waiting.id, "dismissed", 0, "TVmaze")}
    assert [i.id for i in await store.reviews.unsynced_reviews()] == [posted.id]  # its post is edited
    assert await store.proposals.pending(show.id) == []
    [again] = await check(store, show, cast)  # nothing remembered: proposed anew
    assert again.id != dismissed.id and again.pending
