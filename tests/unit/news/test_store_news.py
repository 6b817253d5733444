"""The store's news intake: sources, seen items, the queue, settling, and the review outbox."""

import time

import pytest

from bot.core.errors import UserError
from bot.core.models import Editor, Fact
from bot.i18n.notices import Notice
from bot.news.models import Candidate
from bot.news.parse import Item, canonical
from tests.support.catalogue import ALICE

FAN = Editor(555, "fan")
REVIEW = 4242


def item(n, url=None):
    url = url or f"https://news.example/a/{n}"
    return Item(f"guid-{n}", f"Test Show news {n}", url, canonical(url), "2024-10-01", f"summary {n}")


async def add_source(store, url="https://news.example/feed", seen=("guid-1",)):
    source, _ = await store.news.add_source(
        url,
        "News Example",
        show_id=None,
        keywords=(),
        added_by=1,
        seen=list(seen),
        next_poll_at=time.time() + 900,
    )
    return source


async def fetched(store, source, items, show, review=REVIEW, now=None):
    return await store.news.source_fetched(
        source,
        keys=[i.key for i in items],
        found=[Candidate(i, show.id, ("Park Ji-hu",)) for i in items],
        etag='"e1"',
        last_modified=None,
        next_poll_at=time.time() + 900,
        review_channel=review,
        now=now,
    )


def news_fact(url):
    return Fact(
        {"headline": "Test Show news 2", "url": url, "published": "2024-10-01", "note": None},
        "reported",
        "News Example",
        url,
        "2024-10-02",
    )


async def test_only_unseen_items_are_queued_once_per_show_and_link(store, show):
    source = await add_source(store)
    other = await add_source(store, "https://other.example/rss", seen=())
    queued = await fetched(store, source, [item(1), item(2)], show)  # 1 was seen at add
    assert [q.headline for q in queued] == ["Test Show news 2"]
    assert queued[0].people == ("Park Ji-hu",) and queued[0].review_state == "pending"
    assert await fetched(store, source, [item(2)], show) == []  # seen now
    same_link = item(3, url="https://NEWS.example/a/2?utm_source=x#c")
    assert await fetched(store, other, [same_link], show) == []  # the same article from elsewhere
    items, total = await store.news.pending_items(show.id)
    assert total == 1 and items[0].source_name == "News Example"
    assert (await store.news.sources())[0].etag == '"e1"'


async def seen_keys(store, source):
    rows = await store.database.fetchall("SELECT item_key FROM news_seen WHERE source_id = ?", (source.id,))
    return sorted(row[0] for row in rows)


async def test_items_gone_from_their_feed_for_thirty_days_are_forgotten_not_those_still_in_it(store, show):
    day = 86400.0
    start = time.time()
    source = await add_source(store)  # guid-1 seen
    await fetched(store, source, [item(1), item(2)], show, now=start)
    await fetched(store, source, [item(1), item(3)], show, now=start + 29 * day)  # 2 left the feed
    assert await seen_keys(store, source) == ["guid-1", "guid-2", "guid-3"]
    # 2 gone for over 30 days: forgotten; 1 first seen long ago but still in the feed: kept.
    assert await fetched(store, source, [item(1), item(3)], show, now=start + 31 * day) == []
    assert await seen_keys(store, source) == ["guid-1", "guid-3"]


async def test_a_tip_is_queued_unless_known_and_counted_for_the_limit(store, show):
    tip = item(9)
    first = await store.tips.queue_tip(Candidate(tip, show.id, ()), tipper=FAN, note="look",
                                       review_channel=None)
    assert first.tipper_name == "fan" and first.review_state == "none"
    assert (
        await store.tips.queue_tip(Candidate(tip, show.id, ()), tipper=FAN, note=None,
                                   review_channel=None) is None
    )
    assert await store.tips.queued_link(show.id, tip.link)
    assert await store.tips.tips_since(FAN.id, time.time() - 3600) == 1
    assert await store.tips.tips_since(FAN.id, time.time() + 1) == 0


async def test_publishing_an_item_writes_its_news_entry_and_the_item_at_once(store, show):
    source = await add_source(store)
    await store.alerts.subscribe(1, 10, show_id=None, created_by=1)
    [queued] = await fetched(store, source, [item(2)], show)
    assert await store.reviews.claim_review(queued.id, time.time())
    await store.reviews.review_done(queued.id, message_id=777, state="posted")
    change, settled = await store.news.publish_item(
        queued.id, "news-2", news_fact(queued.url), expected_version=0, editor=ALICE, silent=False
    )
    assert settled.state == "added" and settled.change_id == change.id and settled.settled_by_name == "alice"
    assert store.view.entry(show.id, "news", "news-2").fact.fields["url"] == queued.url
    assert len(await store.alerts.deliveries(change_id=change.id)) == 1  # announced like any change
    assert [i.id for i in await store.reviews.unsynced_reviews()] == [queued.id]  # the post must show it
    await store.reviews.review_synced(queued.id, "added")
    assert await store.reviews.unsynced_reviews() == []
    with pytest.raises(UserError, match="already settled"):
        await store.news.dismiss_item(queued.id, ALICE)
    # Now in the timeline: the same link is not queued again, from a feed or a tip.
    assert store.news.in_timeline(show.id, canonical(queued.url + "#x"))


async def test_a_link_already_in_the_timeline_is_not_queued(store, show):
    source = await add_source(store)
    url = "https://news.example/a/2"
    await store.catalogue.write(
        show.id,
        "news",
        "by-hand",
        news_fact(url + "?utm_medium=x"),
        expected_version=0,
        editor=ALICE,
        silent=True,
    )
    assert await fetched(store, source, [item(2)], show) == []
    tip = Candidate(item(2), show.id, ())
    assert await store.tips.queue_tip(tip, tipper=FAN, note=None, review_channel=None) is None


async def test_a_conflicting_publish_leaves_the_item_pending(store, show):
    source = await add_source(store)
    [queued] = await fetched(store, source, [item(2)], show)
    with pytest.raises(UserError):
        await store.news.publish_item(
            queued.id, "news-2", news_fact(queued.url), expected_version=3, editor=ALICE, silent=True
        )
    assert (await store.news.queue_item(queued.id)).state == "pending"


async def test_the_review_outbox_claims_before_sending_and_resumes_after_a_crash(store, show):
    source = await add_source(store)
    [queued] = await fetched(store, source, [item(2)], show)
    assert [i.id for i in await store.reviews.due_reviews(time.time())] == [queued.id]
    assert await store.reviews.claim_review(queued.id, time.time())
    assert not await store.reviews.claim_review(queued.id, time.time())  # one sender only
    assert await store.reviews.due_reviews(time.time()) == []
    assert await store.reviews.resume_reviews(time.time()) == 1  # a crash left it in flight
    resumed = await store.news.queue_item(queued.id)
    assert resumed.review_state == "pending" and resumed.review_attempts == 1
    # Dismissed while in flight: once posted, the post still needs its edit.
    assert await store.reviews.claim_review(queued.id, time.time())
    await store.news.dismiss_item(queued.id, ALICE)
    await store.reviews.review_done(queued.id, message_id=5, state="posted")
    assert [i.state for i in await store.reviews.unsynced_reviews()] == ["dismissed"]


async def test_failures_back_off_then_pause_after_a_day_and_adding_again_resumes(store, show):
    source = await add_source(store)
    start = time.time()
    after = await store.news.source_failed(
        source.id, "the server answered HTTP 500", next_poll_at=start + 300, now=start, pause_after=86400
    )
    assert after.active and after.failures == 1 and after.failing_since == pytest.approx(start)
    assert await store.news.due_sources(start + 299) == []
    assert len(await store.news.due_sources(start + 300)) == 1
    later = start + 86401
    paused = await store.news.source_failed(
        source.id, "the server answered HTTP 500", next_poll_at=later + 600, now=later, pause_after=86400
    )
    assert not paused.active and paused.paused_reason == "the server answered HTTP 500"
    assert await store.news.due_sources(later + 10**6) == []
    resumed, new = await store.news.add_source(
        source.url,
        "News Example",
        show_id=show.id,
        keywords=("zombie",),
        added_by=2,
        seen=["guid-5"],
        next_poll_at=later,
    )
    assert not new and resumed.active and resumed.failures == 0 and resumed.keywords == ("zombie",)
    assert await store.news.remove_source(source.id) and await store.news.sources() == []


async def test_a_success_ends_a_run_of_failures_so_one_blip_a_day_later_does_not_pause(store, show):
    day = 86400.0
    source = await add_source(store)
    start = time.time()
    for success in ("fetched", "unchanged"):  # a 200 with items, or a 304
        await store.news.source_failed(source.id, "HTTP 500", next_poll_at=start + 300, now=start,
                                       pause_after=day)
        if success == "fetched":
            await fetched(store, source, [item(2)], show, now=start + 300)
        else:
            await store.news.source_unchanged(source.id, start + 1200)
        [healthy] = await store.news.sources()
        assert (healthy.failures, healthy.failing_since, healthy.last_error) == (0, None, None)
        blip = await store.news.source_failed(
            source.id, "HTTP 500", next_poll_at=start + day + 600, now=start + day + 300, pause_after=day
        )
        assert blip.active and blip.failures == 1 and blip.failing_since == pytest.approx(start + day + 300)
        start += 2 * day


def many(first, count):
    return [item(n) for n in range(first, first + count)]


async def test_one_fetch_queues_ten_items_a_source_twenty_five_and_the_rest_count_as_seen(store, show):
    source = await add_source(store)
    queued = await fetched(store, source, many(100, 30), show)
    assert [q.headline for q in queued] == [f"Test Show news {n}" for n in range(100, 110)]
    [after] = await store.news.sources()
    assert after.failures == 0 and Notice.load(after.last_error).text() == (
        "⏭️ New items skipped at the last fetch: 20. At most 10 are queued per fetch; the rest count as seen."
    )
    assert len(await fetched(store, source, many(200, 10), show)) == 10
    [after] = await store.news.sources()
    assert after.last_error is None  # nothing skipped this time
    assert len(await fetched(store, source, many(300, 8), show)) == 5  # 25 wait now
    [after] = await store.news.sources()
    assert Notice.load(after.last_error).text().startswith(
        "⏭️ New items skipped at the last fetch: 3. 25 items from this feed already wait in /queue"
    )
    # Settling makes room, for new items only: the skipped ones count as seen. A tip is not the
    # feed's and takes none of it.
    pending, _ = await store.news.pending_items(None)
    await store.news.dismiss_item(pending[0].id, ALICE)
    tip = Candidate(item(900), show.id, ())
    assert await store.tips.queue_tip(tip, tipper=FAN, note=None, review_channel=None)
    again = await fetched(store, source, [*many(100, 30), *many(300, 8), *many(400, 3)], show)
    assert [q.headline for q in again] == ["Test Show news 400"]
    assert (await store.news.pending_items(None))[1] == 26
